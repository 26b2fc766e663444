"""Faults: the service degrades clearly and recovers.

- a missing or corrupt model: the app starts, says so (banner, /api/v1/health), answers 503 with a
  clear JSON message on assessment, and stores nothing;
- the database going away (a file SQLite database whose folder is renamed away) and coming back:
  503 with a clear message, no half-written records, then recovery without a restart;
- a database failure in the middle of an assessment's transaction: nothing of it is kept;
- the SMTP server down while a clinician reviews: the review succeeds, the patient's mail waits in
  the outbox and is delivered once the server is back (registration mail is covered in test_mail);
- training killed mid-run (SIGINT and SIGKILL) after its first checkpoint: no half artifact,
  `--resume` finishes it, and the served model directory is untouched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import PASSWORD, SMTPSink, client_for, ddx, free_port, make_assessment, make_user, tiny_args
from sqlalchemy import event

from models import ApiToken, AuditEvent, Diagnosis, OutboxMessage, Review
from models import db as _db

ROOT = Path(__file__).resolve().parent.parent


def bearer(user) -> dict[str, str]:
    row, plain = ApiToken.issue(user, 3600)
    _db.session.add(row)
    _db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def tree_digest(path: Path) -> dict[str, str]:
    return {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


def seed(application) -> None:
    from app.services.seed import seed_diseases
    from knowledge import load_knowledge_base

    with application.app_context():
        seed_diseases(load_knowledge_base())


# -- the model ------------------------------------------------------------------------------------

def _assert_degraded(application, reason_fragment: str | None = None) -> None:
    with application.app_context():
        clinician = make_user("clinician")
        patient = make_user("patient")
        client = application.test_client()
        health = client.get("/api/v1/health").get_json()
        assert health["status"] == "degraded" and health["model_version"] is None
        assert health["database"] == "ok" and health["model_error"]
        if reason_fragment:
            assert reason_fragment in health["model_error"]

        resp = client.post("/api/v1/assessments", json={"symptoms": "cough and fever for two days"},
                           headers=bearer(clinician))
        assert resp.status_code == 503
        error = resp.get_json()["error"]
        assert error["code"] == "model_unavailable" and "model" in error["message"].lower()

        page = client_for(application, patient).get("/me/assess")
        assert page.status_code == 200 and b"No diagnostic model is loaded" in page.data
        # The rules still answer an emergency, even without a model; nothing is stored.
        form = client_for(application, patient).post(
            "/me/assess", data={"symptoms": "crushing chest pain and I am short of breath"})
        assert form.status_code == 503 and b"emergency" in form.data
        assert _db.session.query(Diagnosis).count() == 0


def test_missing_model_runs_degraded(app_factory, tmp_path):
    application = app_factory(MODEL_DIR=str(tmp_path / "no-such-model"))
    seed(application)
    _assert_degraded(application, "no-such-model")


@pytest.mark.parametrize(
    "damage", ["truncated_weights", "truncated_onnx", "garbage_labels", "missing_config", "empty_dir"])
def test_corrupt_model_runs_degraded(app_factory, tmp_path, tiny_model_dir, damage):
    broken = tmp_path / "broken"
    if damage == "empty_dir":
        broken.mkdir()
    else:
        shutil.copytree(tiny_model_dir, broken)
    if damage == "truncated_weights":
        weights = next(broken.glob("*.safetensors"))
        weights.write_bytes(weights.read_bytes()[:1000])
    elif damage == "truncated_onnx":  # the graph the app serves (training/onnx_export.py)
        graph = broken / "model.onnx"
        graph.write_bytes(graph.read_bytes()[:1000])
    elif damage == "garbage_labels":
        (broken / "labels.json").write_text("{not json")
    elif damage == "missing_config":
        (broken / "config.json").unlink()
    application = app_factory(MODEL_DIR=str(broken))
    seed(application)
    _assert_degraded(application)


# -- the database -----------------------------------------------------------------------------------

@pytest.fixture
def file_db_app(app_factory, tmp_path, tiny_model_dir):
    folder = tmp_path / "dbdir"
    folder.mkdir()
    application = app_factory(SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'app.db'}", MODEL_DIR=str(tiny_model_dir),
                              ABSTAIN_THRESHOLD=0.0)
    seed(application)
    application.db_folder = folder
    return application


def test_database_goes_away_and_comes_back(file_db_app):
    application, folder = file_db_app, file_db_app.db_folder
    with application.app_context():
        clinician = make_user("clinician")
        headers = bearer(clinician)
        client = application.test_client()
        body = {"symptoms": "dry cough and a sore throat for three days"}
        assert client.post("/api/v1/assessments", json=body, headers=headers).status_code == 201
        before = _db.session.query(Diagnosis).count()

        away = folder.with_name("dbdir-away")
        folder.rename(away)
        _db.session.remove()
        _db.engine.dispose()  # pooled connections hold the old file open; new ones find nothing
        try:
            for method, url, kwargs in [("post", "/api/v1/assessments", {"json": body}),
                                        ("get", "/api/v1/assessments", {})]:
                resp = getattr(client, method)(url, headers=headers, **kwargs)
                assert resp.status_code in (401, 503), (url, resp.status_code, resp.data[:300])
                if resp.status_code == 503:
                    error = resp.get_json()["error"]
                    assert error["code"] == "database_unavailable" and "database" in error["message"].lower()
            page = client_for(application, clinician).get("/clinic/worklist")
            assert page.status_code == 503 and b"database is unavailable" in page.data
            assert b"Traceback" not in page.data
            health = client.get("/api/v1/health")
            assert health.status_code == 200 and health.get_json()["database"] == "unavailable"
            assert health.get_json()["status"] == "degraded"
        finally:
            _db.session.remove()
            _db.engine.dispose()
            away.rename(folder)

        # Back: the same app (no restart) serves again; nothing half-written was left behind.
        assert client.get("/api/v1/health").get_json()["database"] == "ok"
        assert _db.session.query(Diagnosis).count() == before
        created = client.post("/api/v1/assessments", json=body, headers=headers)
        assert created.status_code == 201
        assert _db.session.query(Diagnosis).count() == before + 1


def test_database_failure_mid_assessment_keeps_nothing(file_db_app):
    """The diagnosis row is flushed, then writing its audit event fails: both are rolled back."""
    application = file_db_app
    with application.app_context():
        clinician = make_user("clinician")
        headers = bearer(clinician)
        client = application.test_client()
        counts = (_db.session.query(Diagnosis).count(), _db.session.query(AuditEvent).count())

        def fail_audit_insert(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
            if statement.lstrip().upper().startswith("INSERT INTO AUDIT"):
                raise sa.exc.OperationalError(statement, parameters, Exception("disk I/O error (injected)"))

        event.listen(_db.engine, "before_cursor_execute", fail_audit_insert)
        try:
            resp = client.post("/api/v1/assessments", json={"symptoms": "a rash on both elbows that itches at night"},
                               headers=headers)
        finally:
            event.remove(_db.engine, "before_cursor_execute", fail_audit_insert)
        assert resp.status_code == 503, resp.data[:300]
        assert resp.get_json()["error"]["code"] == "database_unavailable"
        assert "injected" not in resp.get_data(as_text=True)
        _db.session.remove()
        assert (_db.session.query(Diagnosis).count(), _db.session.query(AuditEvent).count()) == counts


# -- mail -------------------------------------------------------------------------------------------

def test_smtp_down_review_succeeds_and_patient_is_mailed_later(app, users):
    from app.services.outbox import deliver_pending

    port = free_port()  # nothing listens yet
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    app.extensions["mail"].server, app.extensions["mail"].port = "127.0.0.1", port
    d = make_assessment("sore throat and a cough", ddx(("Common cold", "J00", 0.6)), patient=users["patient"],
                        entered_by=users["clinician"])
    started = time.monotonic()
    resp = app.test_client().post(f"/api/v1/assessments/{d.id}/review", json={"outcome": "accepted"},
                                  headers=bearer(users["clinician"]))
    assert resp.status_code in (200, 201), resp.data[:300]
    assert time.monotonic() - started < 2, "the request must not wait for SMTP"
    assert _db.session.query(Review).filter_by(diagnosis_id=d.id).count() == 1
    (row,) = _db.session.scalars(_db.select(OutboxMessage).where(OutboxMessage.recipient == users["patient"].email))
    assert row.status == "pending"
    assert deliver_pending(app) == (0, 1)  # down: the attempt fails, the mail waits

    server = SMTPSink(port).start()
    try:
        later = datetime.now(UTC) + timedelta(hours=2)
        assert deliver_pending(app, now=later) == (1, 0)
        (msg,) = server.wait_for(1)
        assert msg["To"] == users["patient"].email
        assert "sore throat" not in msg.get_body(("plain",)).get_content()  # no clinical details by mail
    finally:
        server.stop()


# -- training killed mid-run -------------------------------------------------------------------------

def _train_cmd(output: Path, *extra: str) -> list[str]:
    # Six epochs: the kill must land after the first checkpoint and before the run ends (a tiny epoch
    # takes well under a second).
    return [sys.executable, "-m", "training", *tiny_args(output, seed=7, epochs=6, texts_per_condition=3),
            "--threads", "1", *extra]


def _wait_for(path: Path, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ""
            pytest.fail(f"training ended (rc {proc.returncode}) before its first checkpoint: {out[-2000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"no checkpoint at {path} after {timeout} s")
        time.sleep(0.1)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_training_killed_after_first_checkpoint_resumes_and_served_model_is_untouched(
        app_factory, tmp_path, tiny_model_dir, sig):
    models = tmp_path / "models"
    served = models / "served"
    shutil.copytree(tiny_model_dir, served)
    before = tree_digest(served)
    application = app_factory(MODEL_DIR=str(served))
    with application.app_context():
        version = application.test_client().get("/api/v1/health").get_json()["model_version"]
        assert version

    output = tmp_path / "run"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
    # SIGINT at its default in the run: a test suite started in the background of a non-interactive
    # shell (`.ci/run &`) has SIGINT ignored, which a child inherits, and Python then never raises
    # KeyboardInterrupt: the run would finish as if nobody had pressed Ctrl-C.
    proc = subprocess.Popen(_train_cmd(output), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    checkpoint = tmp_path / ".run.train-state" / "last.pt"
    _wait_for(checkpoint, proc, timeout=240)
    proc.send_signal(sig)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0, out[-1000:]
    if sig == signal.SIGINT:
        assert "--resume" in out, out[-1000:]  # it tells the user how to continue
    assert not (output / "labels.json").exists(), "a killed run must not leave an artifact"
    assert tree_digest(served) == before, "training touched the served model"

    resumed = subprocess.run(_train_cmd(output, "--resume"), cwd=ROOT, env=env, capture_output=True, text=True,
                             timeout=400)
    assert resumed.returncode == 0, resumed.stdout[-1500:] + resumed.stderr[-1500:]
    assert "resumed from" in resumed.stdout + resumed.stderr
    assert (output / "labels.json").exists() and (output / "training_config.json").exists()
    assert tree_digest(served) == before

    with application.app_context():
        # The app still serves the same model and answers.
        client = application.test_client()
        assert client.get("/api/v1/health").get_json()["model_version"] == version
        clinician = make_user("clinician", f"c-{sig.name}@example.org", password=PASSWORD)
        seed(application)
        resp = client.post("/api/v1/assessments", json={"symptoms": "cough and fever"}, headers=bearer(clinician))
        assert resp.status_code == 201 and resp.get_json()["model_version"] == version
