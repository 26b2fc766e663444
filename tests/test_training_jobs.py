"""“Train a new version” from the ML pages: a real background training run (tiny model) that is
registered when it finishes, compared with the served version and promoted; one run at a time;
cancel; permissions. The training subprocesses are real (`python -m training train --tiny`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import add_review, client_for, ddx, json_load, make_assessment, make_user

from app.services import registry, training_jobs
from app.services.job_queue import get_queue, pid_alive
from app.services.seed import seed_diseases
from models import AuditEvent, ModelVersion, db

POLL_TIMEOUT = 90  # seconds; a tiny run takes ~15 s on one core
CASE_TEXT = "Lee Quinton, ring 07700 900456: sudden high fever, aching all over and shivering"


@pytest.fixture
def train_app(app, models_root, knowledge_base):
    """The test app with tiny, single-threaded training runs and the knowledge base seeded."""
    app.config.update(TRAINING_JOB_TINY=True, TRAINING_JOB_TEXTS_PER_CONDITION=4, TRAINING_JOB_THREADS=1)
    seed_diseases(knowledge_base)
    yield app
    # never leave a training run behind (a failed assertion mid-run)
    jobs = Path(app.instance_path) / "training-jobs"
    for meta in jobs.glob("*.json"):
        data = json_load(meta)
        pid = data.get("pid") if isinstance(data, dict) else None
        if pid and pid_alive(pid):
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
    get_queue(app).reap()


@pytest.fixture
def served(train_app, models_root) -> str:
    registry.scan_models(models_root)
    version = registry.list_versions()[-1].version
    registry.promote(version)
    return version


def job_id_of(resp) -> str:
    assert resp.status_code == 302, resp.data[:2000]
    return resp.headers["Location"].rstrip("/").rsplit("/", 1)[-1]


def wait_until(predicate, timeout: float = POLL_TIMEOUT, step: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s")


def poll_until_done(c, job_id: str) -> dict:
    def done():
        body = c.get(f"/ml/train/{job_id}.json").get_json()
        return None if body["active"] else body

    return wait_until(done)


def test_train_compare_and_promote_a_new_version_in_the_browser(train_app, users, served, models_root):
    app = train_app
    patient = make_user("patient", "lee.quinton@example.org", name="Lee Quinton")
    d = make_assessment(CASE_TEXT, ddx(("Influenza", "J11.1", 0.8), ("Common cold", "J00", 0.1)), patient=patient,
                        entered_by=users["clinician"], age=52, sex="male")
    add_review(d, "accepted", users["clinician"])
    c = client_for(app, users["ml"])
    page = c.get("/ml/versions").data.decode()
    assert "Train a new version" in page and "1 accepted or corrected review" in page
    assert "<script" not in page and "style=" not in page  # CSP

    job_id = job_id_of(c.post("/ml/train", data={"epochs": "1", "confirmed_weight": "3"}))
    page = c.get(f"/ml/train/{job_id}").data.decode()
    assert "started on the knowledge base and 1 confirmed case" in page
    assert ("running" in page or "starting" in page) and "Cancel training" in page
    assert "<script src=\"/static/js/ml.js\"" in page and "style=" not in page
    assert c.get(f"/ml/train/{job_id}.json").get_json()["state"] in ("starting", "running")

    # one at a time: a second start is refused while the first runs (an admin, another worker alike)
    second = client_for(app, users["admin"]).post("/ml/train", data={"epochs": "1", "confirmed_weight": "2"})
    assert second.status_code == 409 and b"already in progress" in second.data and job_id.encode() in second.data
    assert len(list(Path(app.instance_path, "training-jobs").glob("*.log"))) == 1

    body = poll_until_done(c, job_id)
    assert body["state"] == "finished", body
    version = body["version"]
    assert version and version != served and body["compare_url"] == f"/ml/compare?a={served}&b={version}"
    assert body["log_tail"] and body["log_tail"][-1].startswith("artifact written to")
    assert "\nepoch 1: loss" in (Path(app.instance_path) / "training-jobs" / f"{job_id}.log").read_text()

    # registered (not served), with the confirmed cases among its data sources
    row = registry.get_version(version)
    assert not row.is_served and registry.served_version().version == served
    assert db.session.scalar(db.select(db.func.count(ModelVersion.id))) == 3
    assert any(s["source"].endswith(f"{job_id}.cases.jsonl") and s.get("sha256") for s in row.data_sources)
    assert json_load(Path(row.path) / "training_config.json")["data"]["confirmed_weight"] == 3.0
    page = c.get(f"/ml/train/{job_id}").data.decode()
    assert f"/ml/versions/{version}" in page and f"/ml/compare?a={served}&amp;b={version}" in page
    assert "Cancel training" not in page
    page = c.get("/ml/versions").data.decode()
    assert f'href="/ml/versions/{version}"' in page and "finished" in page
    page = c.get(f"/ml/compare?a={served}&b={version}").data.decode()
    assert f"A: {served}" in page and f"B: {version}" in page

    # nothing about the patient in the log, the job files or the audit trail; temporary data removed
    jobs = Path(app.instance_path) / "training-jobs"
    for path in jobs.iterdir():
        if path.is_file():
            text = path.read_text(errors="replace")
            for forbidden in ("Quinton", "07700", "shivering", "lee.quinton"):
                assert forbidden not in text, (path.name, forbidden)
    assert not (jobs / f"{job_id}.cases.jsonl").exists() and not (jobs / f"{job_id}.checkpoints").exists()
    assert not (jobs / training_jobs.LOCK_NAME).exists()
    start = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "training.start")).one()
    assert start.target_id == job_id and start.actor_id == users["ml"].id
    assert start.details["confirmed_cases"] == 1 and start.details["accepted"] == 1 and start.details["epochs"] == 1
    assert "Quinton" not in json.dumps(start.details) and "fever" not in json.dumps(start.details)
    export = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "cases.export")).one()
    assert export.details["via"] == "training" and export.details["total"] == 1

    # promote as with any version: the health endpoint then reports it
    resp = c.post(f"/ml/versions/{version}/promote", data={"version": version, "confirm": "y"})
    assert resp.status_code == 302
    assert app.test_client().get("/api/v1/health").get_json()["model_version"] == version


def test_cancel_stops_a_running_job_and_registers_nothing(train_app, users, served, models_root):
    app = train_app
    app.config["TRAINING_JOB_TEXTS_PER_CONDITION"] = 12  # slower epochs: the run is surely mid-way
    before = {p.name for p in models_root.iterdir()}
    c = client_for(app, users["admin"])
    resp = c.post("/ml/train", data={"epochs": "40", "confirmed_weight": "2"})
    job_id = job_id_of(resp)
    page = c.get(f"/ml/train/{job_id}").data.decode()
    assert "no clinician-confirmed cases yet, so it uses only the knowledge base" in page
    jobs = Path(app.instance_path) / "training-jobs"
    cmd = json_load(jobs / f"{job_id}.json")["command"]
    assert cmd.count("--data") == 1 and "--no-progress" in cmd and "--tiny" in cmd
    wait_until(lambda: "data:" in (jobs / f"{job_id}.log").read_text(errors="replace"), timeout=60, step=0.1)

    resp = c.post(f"/ml/train/{job_id}/cancel", follow_redirects=True)
    assert b"Cancel requested" in resp.data
    body = poll_until_done(c, job_id)
    assert body["state"] in ("cancelled", "failed"), body
    # the job's process ends just after it records the outcome (<job>.exit)
    wait_until(lambda: not pid_alive(json_load(jobs / f"{job_id}.json")["pid"]), timeout=15, step=0.05)
    # no half artifact: nothing new in the models folder, nothing registered by a scan
    assert {p.name for p in models_root.iterdir()} <= before | {".train-state"}
    assert registry.scan_models(models_root).registered == []
    assert db.session.scalar(db.select(db.func.count(ModelVersion.id))) == 2
    ev = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "training.cancel")).one()
    assert ev.target_id == job_id and ev.details["signal"] == "SIGINT" and ev.details["confirmed_cases"] == 0
    assert training_jobs.running_job_id() is None
    resp = c.post(f"/ml/train/{job_id}/cancel", follow_redirects=True)
    assert b"is not running" in resp.data
    page = c.get("/ml/versions").data.decode()
    assert job_id in page and body["state"] in page


# -- permissions and bad input (no training is started) ---------------------------------------------

FAKE_JOB = "20250101-000000-abcdef"


@pytest.mark.parametrize("role", ["clinician", "patient"])
def test_other_roles_get_403(app, users, role):
    c = client_for(app, users[role])
    for url in (f"/ml/train/{FAKE_JOB}", f"/ml/train/{FAKE_JOB}.json"):
        assert c.get(url).status_code == 403, url
    for url in ("/ml/train", f"/ml/train/{FAKE_JOB}/cancel"):
        assert c.post(url, data={"epochs": "1", "confirmed_weight": "2"}).status_code == 403, url
    assert not (Path(app.instance_path) / "training-jobs").exists()


def test_anonymous_is_sent_to_log_in(app, client):
    for url in (f"/ml/train/{FAKE_JOB}", f"/ml/train/{FAKE_JOB}.json"):
        resp = client.get(url)
        assert resp.status_code == 302 and "/auth/login" in resp.headers["Location"]
    assert client.post("/ml/train", data={"epochs": "1"}).status_code in (302, 401)
    assert not (Path(app.instance_path) / "training-jobs").exists()


def test_unknown_jobs_and_bad_forms(app, users):
    c = client_for(app, users["ml"])
    for url in (f"/ml/train/{FAKE_JOB}", f"/ml/train/{FAKE_JOB}.json", "/ml/train/..%2Fsecret", "/ml/train/x.json"):
        assert c.get(url).status_code == 404, url
    assert c.post(f"/ml/train/{FAKE_JOB}/cancel").status_code == 404
    resp = c.post("/ml/train", data={"epochs": "0", "confirmed_weight": "50"})
    page = resp.data.decode()
    assert resp.status_code == 400 and "Epochs must be from 1 to 50." in page and "from 0.1 to 20" in page
    assert 'value="50"' in page  # the input is kept
    assert training_jobs.latest_job_id() is None


def test_train_needs_a_csrf_token(app_factory, tmp_path):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        c = client_for(app, make_user("ml"))
        assert c.post("/ml/train", data={"epochs": "1", "confirmed_weight": "2"}).status_code == 400
        assert training_jobs.latest_job_id() is None


def test_a_stale_lock_is_cleared(app):
    jobs = training_jobs.jobs_dir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock = jobs / training_jobs.LOCK_NAME
    lock.write_text(json.dumps({"job_id": FAKE_JOB, "pid": dead.pid}))
    assert training_jobs.running_job_id() is None and not lock.exists()
    # a live pid that is not a training runner (pid reused after a reboot) is stale too
    lock.write_text(json.dumps({"job_id": FAKE_JOB, "pid": os.getpid()}))
    assert training_jobs.running_job_id() is None and not lock.exists()
    # a lock being taken right now (the starting worker is alive) is respected
    lock.write_text(json.dumps({"job_id": FAKE_JOB, "creator_pid": os.getpid()}))
    assert training_jobs.running_job_id() == FAKE_JOB and lock.exists()


def test_status_of_a_failed_job_comes_from_its_files(app, users):
    jobs = training_jobs.jobs_dir()
    (jobs / f"{FAKE_JOB}.json").write_text(json.dumps({"job_id": FAKE_JOB, "started_ts": time.time() - 30,
                                                       "epochs": 2, "confirmed_weight": 2.0, "pid": 999999999,
                                                       "data": {"confirmed_cases": 0}}))
    (jobs / f"{FAKE_JOB}.log").write_text("data: 10 train\nerror: something went wrong\n")
    assert training_jobs.get_status(FAKE_JOB).state == "failed"  # no exit file and no process
    (jobs / f"{FAKE_JOB}.exit").write_text(json.dumps({"returncode": 2, "ended_ts": time.time()}))
    st = training_jobs.get_status(FAKE_JOB)
    assert st.state == "failed" and st.returncode == 2 and 29 < st.elapsed_s < 60
    page = client_for(app, users["ml"]).get(f"/ml/train/{FAKE_JOB}").data.decode()
    assert "exited with code 2" in page and "error: something went wrong" in page and "Cancel training" not in page


def _finished_job(jobs: Path, train_json: str | None) -> None:
    """A job whose training exited 0, with the given --result-json content (None: no file)."""
    (jobs / f"{FAKE_JOB}.json").write_text(json.dumps({"job_id": FAKE_JOB, "started_ts": time.time() - 30,
                                                       "pid": 999999999, "data": {"confirmed_cases": 0}}))
    (jobs / f"{FAKE_JOB}.exit").write_text(json.dumps({"returncode": 0, "ended_ts": time.time()}))
    if train_json is not None:
        (jobs / f"{FAKE_JOB}.train.json").write_text(train_json)


@pytest.mark.parametrize("train_json", [None, "", "{not json", '["a list"]', '{"returncode": 0}',
                                        '{"returncode": 0, "version": 7}'])
def test_a_missing_or_corrupt_result_file_is_a_problem_not_a_crash(app, users, train_json):
    jobs = training_jobs.jobs_dir()
    _finished_job(jobs, train_json)
    st = training_jobs.get_status(FAKE_JOB)
    assert st.state == "finished" and st.version is None
    assert "did not report the new version" in st.problem and "Scan for new versions" in st.problem
    assert json_load(jobs / f"{FAKE_JOB}.result.json")["registered"] is False  # decided once, not on every read
    assert db.session.scalar(db.select(db.func.count(ModelVersion.id))) == 0
    page = client_for(app, users["ml"]).get(f"/ml/train/{FAKE_JOB}").data.decode()
    assert "did not report the new version" in page


def test_a_result_file_naming_a_broken_artifact_says_why_it_was_not_registered(app, users, tmp_path):
    root = tmp_path / "models"
    artifact = root / FAKE_JOB
    artifact.mkdir(parents=True)
    for name in ("config.json", "calibration.json", "metrics.json"):
        (artifact / name).write_text("{}")
    (artifact / "training_config.json").write_text(json.dumps({"version": FAKE_JOB}))
    (artifact / "model.safetensors").write_bytes(b"x")
    (artifact / "labels.json").write_text("{not json")
    app.config["MODELS_ROOT"] = str(root)
    _finished_job(training_jobs.jobs_dir(), json.dumps({"returncode": 0, "version": FAKE_JOB,
                                                        "artifact": str(artifact)}))
    st = training_jobs.get_status(FAKE_JOB)
    assert st.state == "finished" and st.version is None
    assert st.problem == f"Version {FAKE_JOB} could not be registered: labels.json is not valid JSON (JSONDecodeError)"
