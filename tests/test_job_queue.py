"""Background jobs (app/services/job_queue.py): the local fallback without Redis, and real RQ round
trips against the local Redis (a db number of its own per test process, emptied before and after) - a
training job run by a separate `rq worker training` process, as on a GPU machine, and outbox mail
delivered by a worker in rounds that keep the next one scheduled (app/services/outbox.py), to a real
SMTP server: retries at their time and a sweep with no new mail, a round started again when Redis
lost it, and a message committed while Redis was down."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import SMTPSink, client_for, free_port, json_load, tiny_args

from app.services import job_queue, outbox, registry, training_jobs
from app.services.job_queue import GONE, MAIL_QUEUE, QUEUED, TRAINING_QUEUE, LocalQueue, RQQueue, get_queue
from app.services.seed import seed_diseases
from models import AuditEvent, OutboxMessage, db
from training.jobs import job_file, run_training_job

ROOT = Path(__file__).resolve().parents[1]
REDIS_TEST_DBS = (12, 13, 14, 15)  # not the app's db 0: tests empty theirs; one per xdist worker
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
def redis_url(worker_id):
    redis = pytest.importorskip("redis")
    number = int(worker_id[2:]) if worker_id.startswith("gw") and worker_id[2:].isdigit() else 0
    url = f"redis://127.0.0.1:6379/{REDIS_TEST_DBS[number % len(REDIS_TEST_DBS)]}"
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {url} ({exc.__class__.__name__}): RQ round trips not run")
    client.flushdb()
    yield url
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
    out = run_training_job(str(tmp_path), "j2", tiny_args(tmp_path / "m", "--data", str(tmp_path / "missing.jsonl")))
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
    args = tiny_args(tmp_path / "models", "--data", "kb", "--threads", "1", "--no-onnx",
                     "--checkpoint-dir", str(tmp_path / "ckpt"), epochs=40, texts_per_condition=12)
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


# -- RQ mail: delivery rounds that keep the next one scheduled -------------------------------------


def rq_mail(app, redis_url: str, port: int, **config) -> RQQueue:
    """Put `app` on the rq backend, its mail going to 127.0.0.1:`port`; returns its queue."""
    app.config.update(QUEUE_BACKEND="rq", REDIS_URL=redis_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=port, **config)
    app.extensions["mail"].server, app.extensions["mail"].port = "127.0.0.1", port
    app.extensions.pop("job_queue", None)
    return get_queue(app)


def mail_queue(queue: RQQueue):
    from rq import Queue

    return Queue(MAIL_QUEUE, connection=queue.redis)


def run_mail_worker(queue: RQQueue, *, with_scheduler: bool = False) -> None:
    """`rq worker mail --burst [--with-scheduler]` in this process (its jobs run in the test's app)."""
    from rq import SimpleWorker

    SimpleWorker([mail_queue(queue)], connection=queue.redis).work(burst=True, with_scheduler=with_scheduler)


def scheduled_rounds(queue: RQQueue) -> list[tuple[str, datetime]]:
    from rq.registry import ScheduledJobRegistry

    registry = ScheduledJobRegistry(queue=mail_queue(queue))
    return [(job_id, registry.get_scheduled_time(job_id)) for job_id in registry.get_job_ids()]


def queue_mail(to: str) -> None:
    from app.services.mail import send_email

    send_email(to, "Hello", "review_done", link="http://localhost/x", name="Pat")
    db.session.commit()  # the commit hands the outbox to the queue


def utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def statuses() -> set[str]:
    db.session.expire_all()  # the worker's rounds ran in sessions of their own
    return {r.status for r in db.session.scalars(db.select(OutboxMessage))}


def test_rq_mail_is_delivered_by_a_worker_and_a_failure_is_retried_at_its_time(app, redis_url):
    from rq.job import Job
    from rq.registry import ScheduledJobRegistry

    port = free_port()  # nothing listens here until the SMTP server starts below
    queue = rq_mail(app, redis_url, port)
    mail = mail_queue(queue)
    queue_mail("pat@example.org")
    assert mail.count == 1  # the commit enqueued a delivery round

    # the SMTP server is down: the message waits, and the next round is scheduled at its retry time
    run_mail_worker(queue)
    row = db.session.scalars(db.select(OutboxMessage)).one()
    assert row.status == "pending" and row.attempts == 1
    (job_id, when), = scheduled_rounds(queue)
    retry = utc(row.next_attempt_at)
    assert job_id.startswith(outbox.ROUND_JOB_PREFIX) and retry <= when < retry + timedelta(seconds=1)
    assert mail.count == 0

    server = SMTPSink(port).start()
    try:
        # no new mail: the retry time passes (the message and its round moved to a second ago) and the
        # worker's scheduler starts the round, which sends it
        past = datetime.now(UTC) - timedelta(seconds=1)
        db.session.expire_all()
        db.session.scalars(db.select(OutboxMessage)).one().next_attempt_at = past
        db.session.commit()
        ScheduledJobRegistry(queue=mail).schedule(Job.fetch(job_id, connection=queue.redis), past)
        run_mail_worker(queue, with_scheduler=True)
        assert [m["To"] for m in server.wait_for(1)] == ["pat@example.org"]

        queue_mail("sam@example.org")  # a new message: the round its commit enqueued sends it
        run_mail_worker(queue)
        assert len(server.wait_for(2)) == 2
    finally:
        server.stop()
    assert statuses() == {"sent"}
    assert sorted(m["To"] for m in server.messages) == ["pat@example.org", "sam@example.org"]
    # nothing pending: one sweep round stays scheduled, at most a sweep interval ahead
    (_, when), = scheduled_rounds(queue)
    now = datetime.now(UTC)
    assert now < when <= now + timedelta(seconds=outbox.DEFAULT_SWEEP_SECONDS + 1)


def test_rq_a_message_committed_while_redis_was_down_goes_out_with_the_next_sweep(app, redis_url, smtp_server,
                                                                                   caplog):
    queue = rq_mail(app, redis_url, smtp_server.port, OUTBOX_SWEEP_SECONDS=1)
    assert outbox.check_rounds(app) == "started"  # no round on its way yet: the web process's check starts one
    run_mail_worker(queue)  # nothing to send; the round schedules the next sweep
    (_, sweep), = scheduled_rounds(queue)
    assert outbox.check_rounds(app) == "scheduled"

    _redis_down(app)
    with caplog.at_level("WARNING"):
        queue_mail("pat@example.org")
        assert outbox.check_rounds(app) == "unreachable"
    assert "the mail stays pending" in caplog.text and "could not check the mail rounds" in caplog.text
    assert statuses() == {"pending"}

    # Redis is back, with its data: no new mail and no new job - the scheduled sweep sends it
    app.config["REDIS_URL"] = redis_url
    app.extensions.pop("job_queue")
    time.sleep(max(0.0, (sweep - datetime.now(UTC)).total_seconds()) + 0.1)
    run_mail_worker(get_queue(app), with_scheduler=True)
    assert [m["To"] for m in smtp_server.wait_for(1)] == ["pat@example.org"]
    assert statuses() == {"sent"}
    assert len(scheduled_rounds(queue)) == 1  # and the sweep after it is on its way


def test_rq_rounds_lost_with_redis_data_are_started_again_by_the_web_process(app, redis_url, smtp_server):
    queue = rq_mail(app, redis_url, smtp_server.port, OUTBOX_SWEEP_SECONDS=1)
    mail = mail_queue(queue)
    queue_mail("pat@example.org")
    assert mail.count == 1
    queue.redis.flushdb()  # Redis restarted without its data: the round is lost
    assert mail.count == 0 and not scheduled_rounds(queue)

    outbox.start_worker(app, immediately=True)  # the web process's outbox thread: with rq, the round check
    state = app.extensions["outbox_worker"]
    try:
        assert state["thread"].name == "outbox-round-check"
        deadline = time.monotonic() + 10
        while mail.count == 0:
            assert time.monotonic() < deadline, "the web process did not start a round"
            time.sleep(0.05)
    finally:
        outbox.stop_worker(app)
        state["thread"].join(10)
    assert mail.count == 1  # one round, however often it checked
    run_mail_worker(queue)
    assert [m["To"] for m in smtp_server.wait_for(1)] == ["pat@example.org"]
    assert statuses() == {"sent"}


def test_rq_a_round_overdue_because_no_scheduler_runs_is_enqueued_with_a_warning(app, redis_url, smtp_server,
                                                                                   caplog):
    queue = rq_mail(app, redis_url, smtp_server.port)
    mail = mail_queue(queue)
    stale = datetime.now(UTC) - timedelta(seconds=outbox.OVERDUE_SECONDS + 60)
    queue.enqueue_at(MAIL_QUEUE, stale, outbox.DELIVER_JOB, job_id=f"{outbox.ROUND_JOB_PREFIX}stale")
    _redis_down(app)
    queue_mail("pat@example.org")  # its hand-off failed
    rq_mail(app, redis_url, smtp_server.port)

    with caplog.at_level("WARNING", logger="app.services.outbox"):
        assert outbox.check_rounds(app) == "overdue"
    assert "is an `rq worker mail --with-scheduler` running?" in caplog.text
    assert mail.count == 1
    run_mail_worker(queue)  # a worker without a scheduler still sends the mail
    assert [m["To"] for m in smtp_server.wait_for(1)] == ["pat@example.org"]
    assert statuses() == {"sent"}


def test_send_mail_schedules_the_next_round_with_rq(app, runner, redis_url, smtp_server):
    _redis_down(app)
    queue_mail("pat@example.org")  # committed while Redis was down: no round was enqueued
    queue = rq_mail(app, redis_url, smtp_server.port)
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "done: sent 1, failed 0, still pending 0" in result.output
    assert "next delivery round on the mail queue" in result.output
    (_, when), = scheduled_rounds(queue)
    now = datetime.now(UTC)
    assert now < when <= now + timedelta(seconds=outbox.DEFAULT_SWEEP_SECONDS + 1)
    assert [m["To"] for m in smtp_server.wait_for(1)] == ["pat@example.org"]

    _redis_down(app)
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 1
    assert "the next delivery round could not be scheduled" in result.output and "not reachable" in result.output


def test_rq_a_real_mail_worker_with_its_scheduler_sends_what_no_job_announced(app_factory, database_url, redis_url,
                                                                             tmp_path):
    """The deployment's `rq worker mail --with-scheduler`, a separate process with the app's settings:
    the web process cannot reach Redis when the message is committed, and the worker's sweep sends it."""
    rq = Path(sys.executable).with_name("rq")
    if not rq.exists():
        pytest.skip(f"the rq command is not installed beside {sys.executable} (pip install -r requirements.txt)")
    import os
    import signal

    url = database_url if database_url.startswith("postgresql") else f"sqlite:///{tmp_path / 'mail.db'}"
    app = app_factory(SQLALCHEMY_DATABASE_URI=url)
    server = SMTPSink(free_port()).start()
    env = dict(os.environ, APP_CONFIG="development", DATABASE_URL=url, QUEUE_BACKEND="rq", REDIS_URL=redis_url,
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(server.port), OUTBOX_SWEEP_SECONDS="1",
               OUTBOX_POLL_SECONDS="1", INSTANCE_PATH=str(tmp_path / "worker-instance"),
               PUBLIC_BASE_URL="http://localhost")
    log = tmp_path / "worker.log"
    with app.app_context(), open(log, "wb") as out:
        queue = rq_mail(app, redis_url, server.port, OUTBOX_SWEEP_SECONDS=1)
        worker = subprocess.Popen([str(rq), "worker", "mail", "--with-scheduler", "--worker-class", "rq.SimpleWorker",
                                   "--url", redis_url, "--path", str(ROOT)], cwd=ROOT, env=env, stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        try:
            assert outbox.check_rounds(app) == "started"  # the web process starts the rounds
            deadline = time.monotonic() + 90
            while not scheduled_rounds(queue):  # the first round ran and scheduled the next
                assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
                time.sleep(0.1)
            _redis_down(app)  # from now on the web process cannot reach Redis; the worker can
            queue_mail("pat@example.org")
            assert [m["To"] for m in server.wait_for(1, timeout=90)] == ["pat@example.org"], \
                log.read_text(errors="replace")[-3000:]
            deadline = time.monotonic() + 10
            while statuses() != {"sent"}:
                assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
                time.sleep(0.1)
            assert f"({outbox.ROUND_JOB_PREFIX}" in log.read_text(errors="replace")  # a scheduled round ran
        finally:
            worker.send_signal(signal.SIGTERM)  # a warm shutdown: it stops its scheduler process too
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(10)
            server.stop()


# -- Redis configured but down: a clear error, nothing lost ----------------------------------------


def _redis_down(app) -> str:
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app.config.update(QUEUE_BACKEND="rq", REDIS_URL=url)
    app.extensions.pop("job_queue", None)
    return url


def test_redis_down_a_training_start_fails_clearly_and_keeps_the_job_record(app, users, tmp_path):
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
