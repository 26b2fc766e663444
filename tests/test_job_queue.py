"""Background jobs (app/services/job_queue.py): the local fallback without Redis, and real RQ round
trips against the local Redis (a separate db number, emptied before and after) - a training job run by
a separate `rq worker training` process, as on a GPU machine, and outbox mail delivered by a worker."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import client_for, json_load

from app.services import job_queue, registry, training_jobs
from app.services.job_queue import GONE, MAIL_QUEUE, QUEUED, TRAINING_QUEUE, LocalQueue, RQQueue, get_queue
from app.services.seed import seed_diseases
from models import AuditEvent, OutboxMessage, db
from training.jobs import job_file, run_training_job

ROOT = Path(__file__).resolve().parents[1]
REDIS_TEST_URL = "redis://127.0.0.1:6379/13"  # not the app's db 0: tests empty it
HELP_JOB = ["train", "--help"]  # a real training CLI call that ends at once


def wait_for(path: Path, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            data = json_load(path)
            if isinstance(data, dict):
                return data
        time.sleep(0.1)
    raise AssertionError(f"{path.name} did not appear in {timeout} s")


@pytest.fixture
def redis_url():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_TEST_URL} ({exc.__class__.__name__}): RQ round trips not run")
    client.flushdb()
    yield REDIS_TEST_URL
    client.flushdb()


def rq_worker(queue: str, url: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """A separate `rq worker QUEUE --burst` process (what a GPU machine runs, without --burst)."""
    rq = Path(sys.executable).with_name("rq")
    if not rq.exists():
        pytest.skip(f"the rq command is not installed beside {sys.executable} (pip install -r requirements.txt)")
    return subprocess.run([str(rq), "worker", queue, "--burst", "--url", url, "--path", str(ROOT)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


# -- the default: no Redis ----------------------------------------------------------------------


def test_the_default_backend_is_local_and_needs_no_redis(app):
    assert app.config["QUEUE_BACKEND"] == "local"
    assert isinstance(get_queue(app), LocalQueue) and get_queue(app) is get_queue(app)


def test_an_unknown_backend_is_refused(app):
    app.config["QUEUE_BACKEND"] = "celery"
    with pytest.raises(job_queue.QueueError, match="QUEUE_BACKEND must be one of local, rq"):
        get_queue(app)


def test_local_fallback_runs_a_training_job_in_a_detached_process(app, tmp_path):
    queue = get_queue(app)
    leftover = tmp_path / "export.jsonl"
    leftover.write_text("{}\n")
    handle = queue.submit(TRAINING_QUEUE, "training.jobs.run_training_job",
                          {"jobs_dir": str(tmp_path), "job_id": "j1", "args": HELP_JOB, "remove": [str(leftover)]},
                          job_id="j1", log_path=tmp_path / "j1.runner.log")
    assert set(handle) == {"pid"}
    outcome = wait_for(job_file(tmp_path, "j1", ".exit"))
    assert outcome["returncode"] == 0 and not outcome["interrupted"]
    assert "usage: python -m training train" in job_file(tmp_path, "j1", ".log").read_text()
    assert not leftover.exists()  # the job's temporary data is removed whatever the outcome
    deadline = time.monotonic() + 10
    while queue.state(handle) != GONE and time.monotonic() < deadline:
        time.sleep(0.05)
    assert queue.state(handle) == GONE


def test_a_failed_training_reports_through_its_result_file(tmp_path):
    """The job runs the CLI with --result-json: the web app reads that file, never the printed output."""
    out = run_training_job(str(tmp_path), "j2", ["train", "--output", str(tmp_path / "m"), "--tiny",
                                                 "--data", str(tmp_path / "missing.jsonl")])
    assert out["returncode"] == 2 and json_load(job_file(tmp_path, "j2", ".exit"))["returncode"] == 2
    result = json_load(job_file(tmp_path, "j2", ".train.json"))
    assert result["returncode"] == 2 and "missing.jsonl" in result["error"] and "version" not in result


def test_a_local_job_stopped_with_sigterm_records_its_end_and_cleans_up(app, tmp_path):
    """A shutdown's SIGTERM to the detached job: the training is stopped, its data removed, the end recorded."""
    import os
    import signal

    queue = get_queue(app)
    leftover = tmp_path / "export.jsonl"
    leftover.write_text("{}\n")
    args = ["train", "--output", str(tmp_path / "models"), "--data", "kb", "--tiny", "--epochs", "40",
            "--texts-per-condition", "12", "--threads", "1", "--no-progress", "--no-onnx",
            "--checkpoint-dir", str(tmp_path / "ckpt")]
    handle = queue.submit(TRAINING_QUEUE, "training.jobs.run_training_job",
                          {"jobs_dir": str(tmp_path), "job_id": "j3", "args": args, "remove": [str(leftover)]},
                          job_id="j3", log_path=tmp_path / "j3.runner.log")
    try:
        log = job_file(tmp_path, "j3", ".log")
        deadline = time.monotonic() + 90
        while not (log.exists() and "data:" in log.read_text(errors="replace")):  # the training is under way
            assert time.monotonic() < deadline, "the training did not start"
            time.sleep(0.1)
        os.kill(handle["pid"], signal.SIGTERM)
        outcome = wait_for(job_file(tmp_path, "j3", ".exit"))
        assert outcome["returncode"] != 0 and not leftover.exists()
        deadline = time.monotonic() + 10
        while True:  # the training went with it: nothing is left of the job's process group
            queue.reap()  # (the runner is this process's child: a zombie until reaped)
            try:
                os.killpg(handle["pid"], 0)
            except ProcessLookupError:
                break
            assert time.monotonic() < deadline, "a process of the job is still running"
            time.sleep(0.05)
        assert queue.state(handle) == GONE
    finally:
        try:
            os.killpg(handle["pid"], signal.SIGKILL)
        except OSError:
            pass
        queue.reap()


# -- RQ with the local Redis ----------------------------------------------------------------------


def test_rq_round_trip_a_worker_process_runs_a_training_job(app, redis_url, tmp_path):
    app.config.update(QUEUE_BACKEND="rq", REDIS_URL=redis_url)
    queue = get_queue(app)
    assert isinstance(queue, RQQueue)
    handle = queue.submit(TRAINING_QUEUE, "training.jobs.run_training_job",
                          {"jobs_dir": str(tmp_path), "job_id": "r1", "args": HELP_JOB, "remove": []}, job_id="r1")
    assert queue.state(handle) == QUEUED  # no worker yet: it waits in Redis
    done = rq_worker(TRAINING_QUEUE, redis_url)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json_load(job_file(tmp_path, "r1", ".exit"))["returncode"] == 0
    assert "usage: python -m training train" in job_file(tmp_path, "r1", ".log").read_text()
    assert queue.state(handle) == GONE


@pytest.fixture
def rq_train_app(app, redis_url, models_root, knowledge_base, tmp_path):
    app.config.update(QUEUE_BACKEND="rq", REDIS_URL=redis_url, TRAINING_JOBS_DIR=str(tmp_path / "jobs"),
                      TRAINING_JOB_TINY=True, TRAINING_JOB_TEXTS_PER_CONDITION=4, TRAINING_JOB_THREADS=1)
    seed_diseases(knowledge_base)
    return app


def test_rq_training_from_the_browser_waits_for_a_worker_then_registers(rq_train_app, users, models_root):
    app = rq_train_app
    c = client_for(app, users["ml"])

    # queued with no worker: "starting", one at a time, and a cancel takes it off the queue
    first = c.post("/ml/train", data={"epochs": "1", "confirmed_weight": "2"})
    job_id = first.headers["Location"].rsplit("/", 1)[-1]
    assert c.get(f"/ml/train/{job_id}.json").get_json()["state"] == "starting"
    assert c.post("/ml/train", data={"epochs": "1", "confirmed_weight": "2"}).status_code == 409
    resp = c.post(f"/ml/train/{job_id}/cancel", follow_redirects=True)
    assert b"cancelled before it started" in resp.data
    assert c.get(f"/ml/train/{job_id}.json").get_json()["state"] == "cancelled"
    assert training_jobs.running_job_id() is None

    # queued again, then a separate worker process (as on a GPU machine) runs it
    second = c.post("/ml/train", data={"epochs": "1", "confirmed_weight": "2"})
    job_id = second.headers["Location"].rsplit("/", 1)[-1]
    meta = json_load(Path(app.config["TRAINING_JOBS_DIR"]) / f"{job_id}.json")
    assert meta["backend"] == "rq" and meta["rq_job"] == f"training-{job_id}" and "pid" not in meta
    done = rq_worker(TRAINING_QUEUE, app.config["REDIS_URL"], timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    body = c.get(f"/ml/train/{job_id}.json").get_json()
    assert body["state"] == "finished" and body["version"], body
    trained = json_load(Path(app.config["TRAINING_JOBS_DIR"]) / f"{job_id}.train.json")
    assert trained["version"] == body["version"] and Path(trained["artifact"]).parent == models_root
    assert not registry.get_version(body["version"]).is_served
    assert training_jobs.running_job_id() is None
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.count("training.start") == 2 and actions.count("training.cancel") == 1


def test_rq_mail_is_delivered_by_a_worker_and_failures_are_scheduled(app, redis_url):
    from conftest import SMTPSink, free_port
    from rq import Queue, SimpleWorker
    from rq.registry import ScheduledJobRegistry

    from app.services.mail import send_email
    from app.services.outbox import deliver_pending

    port = free_port()  # nothing listens here until the SMTP server starts below
    app.config.update(QUEUE_BACKEND="rq", REDIS_URL=redis_url, MAIL_PORT=port)
    app.extensions["mail"].server, app.extensions["mail"].port = "127.0.0.1", port
    queue = get_queue(app)
    mail = Queue(MAIL_QUEUE, connection=queue.redis)
    send_email("pat@example.org", "Hello", "review_done", link="http://localhost/x", name="Pat")
    db.session.commit()  # the commit enqueues a delivery job
    assert mail.count == 1

    # the SMTP server is down: the message waits, and one retry round is scheduled
    SimpleWorker([mail], connection=queue.redis).work(burst=True)
    row = db.session.scalars(db.select(OutboxMessage)).one()
    assert row.status == "pending" and row.attempts == 1
    scheduled = ScheduledJobRegistry(queue=mail).get_job_ids()
    assert len(scheduled) == 1 and scheduled[0].startswith("mail-retry-")

    server = SMTPSink(port).start()
    try:
        send_email("sam@example.org", "Hello", "review_done", link="http://localhost/y", name="Sam")
        db.session.commit()
        deliver_pending(app, now=row.next_attempt_at)  # as the scheduled round would, when due
        SimpleWorker([mail], connection=queue.redis).work(burst=True)
        assert len(server.wait_for(2)) == 2
    finally:
        server.stop()
    db.session.expire_all()  # the worker's rounds ran in sessions of their own
    assert {r.status for r in db.session.scalars(db.select(OutboxMessage))} == {"sent"}
    assert sorted(m["To"] for m in server.messages) == ["pat@example.org", "sam@example.org"]


# -- Redis configured but down: a clear error, nothing lost ----------------------------------------


def _redis_down(app) -> str:
    from conftest import free_port

    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app.config.update(QUEUE_BACKEND="rq", REDIS_URL=url)
    return url


def test_redis_down_a_training_start_fails_clearly_and_keeps_the_job_record(app, users, tmp_path):
    from conftest import client_for

    _redis_down(app)
    (tmp_path / "models").mkdir()
    app.config.update(MODELS_ROOT=str(tmp_path / "models"), TRAINING_JOBS_DIR=str(tmp_path / "jobs"))
    c = client_for(app, users["ml"])
    resp = c.post("/ml/train", data={"epochs": "1", "confirmed_weight": "2"})
    page = resp.data.decode()
    assert resp.status_code == 503 and "The training could not be started" in page and "not reachable" in page
    job_id = training_jobs.latest_job_id()
    assert job_id is not None  # the attempt is on record, with why it failed
    status = training_jobs.get_status(job_id)
    assert status.state == "failed" and "not reachable" in status.problem
    assert "not reachable" in c.get(f"/ml/train/{job_id}").data.decode()
    assert training_jobs.running_job_id() is None  # the lock is released: a retry can start
    assert not list((tmp_path / "jobs").glob("*.cases.jsonl"))  # the export does not linger
    assert "training.start" not in [e.action for e in db.session.scalars(db.select(AuditEvent))]


def test_redis_down_queued_mail_is_kept_and_the_commit_succeeds(app, caplog):
    from app.services.mail import send_email

    _redis_down(app)
    with caplog.at_level("WARNING", logger="app.services.job_queue"):
        send_email("pat@example.org", "Hello", "review_done", link="http://localhost/x", name="Pat")
        db.session.commit()  # the hand-off to the queue fails after the commit: the row stays
    row = db.session.scalars(db.select(OutboxMessage)).one()
    assert row.status == "pending" and row.attempts == 0
    assert "could not hand the outbox to the rq queue, the mail stays pending" in caplog.text
    assert "is not reachable: ConnectionError" in caplog.text
    assert "pat@example.org" not in caplog.text and "Hello" not in caplog.text
