"""Regression tests for the outside security probe (issue 13): one section per finding.

3 host-header poisoning of mail links, 4 explanation stalls, 5 logout and stolen sessions,
7 + 13 secrets and forged lines in logs, 9 common passwords, 10 500s on hostile input,
11 + 12 password guessing limits (item 8, enumeration, is in tests/test_auth.py).
"""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import PASSWORD, TEST_UA, bearer, client_for, ddx, free_port, make_assessment, make_user, smtp_for

from app.services.outbox import deliver_pending
from models import ApiToken, OutboxMessage, User
from models import db as _db

ROOT = Path(__file__).resolve().parent.parent
NEW_PASSWORD = "another-Secret-42"
PUBLIC = "https://diagnosis.example.org"


def _mails():
    return _db.session.scalars(_db.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def _web_login(client, email, password=PASSWORD):
    return client.post("/auth/login", data={"email": email, "password": password})


# == 3. host-header poisoning of e-mail links ======================================================

def test_reset_mail_link_never_comes_from_the_host_header(app, client):
    make_user("patient", "pat@example.org")
    resp = client.post("/auth/reset", data={"email": "pat@example.org"}, headers={"Host": "evil.test"})
    assert resp.status_code == 302
    (mail,) = _mails()
    assert "evil.test" not in mail.body_text + mail.body_html
    assert f"{app.config['PUBLIC_BASE_URL']}/auth/reset/" in mail.body_text


def test_reset_mail_link_uses_public_base_url(app_factory):
    application = app_factory(PUBLIC_BASE_URL=PUBLIC)
    with application.app_context():
        make_user("patient", "pat@example.org")
        application.test_client().post("/auth/reset", data={"email": "pat@example.org"},
                                        headers={"Host": "evil.test"})
        (mail,) = _mails()
        assert re.search(rf"{re.escape(PUBLIC)}/auth/reset/\S+", mail.body_text)
        assert "evil.test" not in mail.body_text + mail.body_html


@pytest.mark.serving_model
def test_urgent_self_assessment_alert_links_to_public_base_url(app, users):
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    patient = users["patient"]
    resp = app.test_client().post(
        "/api/v1/assessments", headers={**bearer(patient), "Host": "evil.test"},
        json={"symptoms": "crushing chest pain spreading to my left arm, sweating and short of breath", "age": 61})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["triage"]["level"] in ("emergency", "urgent")
    alerts = [m for m in _mails() if m.kind == "urgent_assessment"]
    assert alerts and all(m.recipient == users["clinician"].email for m in alerts)
    for mail in alerts:
        assert "evil.test" not in mail.body_text + mail.body_html
        assert f"{PUBLIC}/clinic/assessments/{resp.get_json()['id']}" in mail.body_text


def test_one_external_url_helper_for_the_whole_app():
    from app.services import accounts, assessment, links, review

    assert accounts.external_url is links.external_url
    assert assessment.external_url is links.external_url
    assert review.external_url is links.external_url


def _production_env(monkeypatch, tmp_path, **env):
    monkeypatch.setenv("APP_CONFIG", "production")
    monkeypatch.setenv("SECRET_KEY", "production-test-key-" + "x" * 20)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)


PRODUCTION_OVERRIDES = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "FORCE_HTTPS": False, "LOAD_MODEL": False,
                        "OUTBOX_WORKER": False, "RATELIMIT_STORAGE_URI": "memory://"}


@pytest.mark.parametrize("value", [None, "diagnosis.example.org", "ftp://diagnosis.example.org"])
def test_production_refuses_to_start_without_a_public_base_url(monkeypatch, tmp_path, value):
    from app import create_app

    _production_env(monkeypatch, tmp_path, **({"PUBLIC_BASE_URL": value} if value else {}))
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL must be set in production"):
        create_app(PRODUCTION_OVERRIDES)


def test_production_trusts_only_the_public_host(monkeypatch, tmp_path):
    from app import create_app

    _production_env(monkeypatch, tmp_path, PUBLIC_BASE_URL=PUBLIC)
    application = create_app(PRODUCTION_OVERRIDES)
    assert application.config["TRUSTED_HOSTS"] == ["diagnosis.example.org"]
    client = application.test_client()
    assert client.get("/auth/login", headers={"Host": "evil.test"}).status_code == 400
    assert client.post("/auth/reset", data={"email": "x@example.org"}, headers={"Host": "evil.test"}).status_code == 400
    assert client.get("/auth/login", headers={"Host": "diagnosis.example.org"}).status_code == 200


def test_trusted_hosts_from_the_environment(monkeypatch, tmp_path):
    from app import create_app

    _production_env(monkeypatch, tmp_path, PUBLIC_BASE_URL=PUBLIC, TRUSTED_HOSTS="internal.example, 10.0.0.5")
    application = create_app(PRODUCTION_OVERRIDES)
    assert application.config["TRUSTED_HOSTS"] == ["internal.example", "10.0.0.5", "diagnosis.example.org"]
    client = application.test_client()
    assert client.get("/auth/login", headers={"Host": "10.0.0.5:5000"}).status_code == 200
    assert client.get("/auth/login", headers={"Host": "evil.test"}).status_code == 400


def test_readme_documents_public_base_url_and_trusted_hosts():
    readme = (ROOT / "README.md").read_text()
    for name in ("PUBLIC_BASE_URL", "TRUSTED_HOSTS"):
        assert re.search(rf"^\| `{name}` \|", readme, re.M), name


# == 4. word explanations cannot stall assessments ================================================

class _FakeClassifier:
    engine = None


def test_background_lane_never_runs_ahead_of_assessments():
    from app.services.inference import MicroBatcher

    batcher = MicroBatcher(workers=1)
    clf = _FakeClassifier()
    gate, order = threading.Event(), []
    blocker = threading.Thread(target=lambda: batcher.run(clf, gate.wait))
    blocker.start()
    time.sleep(0.1)  # the only worker is now busy
    background = [threading.Thread(target=batcher.run_background, args=(clf, lambda i=i: order.append(f"bg{i}")))
                  for i in range(3)]
    for t in background:
        t.start()
    time.sleep(0.1)
    assessment = threading.Thread(target=lambda: batcher.run(clf, lambda: order.append("assessment")))
    assessment.start()
    time.sleep(0.1)
    gate.set()
    for t in (blocker, assessment, *background):
        t.join(10)
    assert order[0] == "assessment", order  # queued after three explanation pieces, yet first
    assert sorted(order[1:]) == ["bg0", "bg1", "bg2"]


def test_background_work_uses_one_thread_at_a_time():
    from app.services.inference import MicroBatcher

    batcher = MicroBatcher(workers=3)
    clf = _FakeClassifier()
    running, peak, lock = [0], [0], threading.Lock()

    def piece():
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1

    threads = [threading.Thread(target=batcher.run_background, args=(clf, piece)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert peak[0] == 1
    assert batcher.stats()["background_jobs"] == 6


def test_background_work_past_its_timeout_is_dropped():
    from concurrent.futures import TimeoutError as FutureTimeout

    from app.services.inference import MicroBatcher

    batcher = MicroBatcher(workers=1)
    clf = _FakeClassifier()
    gate, ran = threading.Event(), []
    blocker = threading.Thread(target=lambda: batcher.run(clf, gate.wait))
    blocker.start()
    time.sleep(0.05)
    with pytest.raises(FutureTimeout):
        batcher.run_background(clf, lambda: ran.append(1), timeout=0.1)
    gate.set()
    blocker.join(10)
    batcher.run(clf, lambda: None)  # the worker has moved past the dropped job
    time.sleep(0.05)
    assert ran == []


def test_long_texts_get_fewer_occlusion_variants():
    from app.services.explain import MAX_OCCLUSION_VARIANTS, occlusion, variant_budget

    long_text = " ".join(["cough fever headache"] * 100)[:2000]
    assert variant_budget("burning when I pee") == MAX_OCCLUSION_VARIANTS
    assert variant_budget(long_text) <= 12
    seen = []

    def proba(texts):
        import numpy as np

        seen.append(len(texts))
        return np.full((len(texts), 3), 1 / 3)

    out = occlusion(proba, long_text, [0], max_variants=variant_budget(long_text))
    assert sum(seen) <= variant_budget(long_text) + 1
    assert len(out["scores"][0]) == len(out["spans"])


@pytest.mark.serving_model
def test_explanation_of_a_long_text_is_bounded_and_cached(app, users, monkeypatch):
    from app.services import assessment as svc
    from app.services.inference import current_model

    text = ("I have had a dry cough and a sore throat with a blocked nose and a mild fever since Monday, "
            "my muscles ache and I feel tired. ") * 20
    d = svc.create_assessment(text[:2000], actor=users["clinician"])
    clf = current_model(app).classifier
    calls: list[int] = []
    real = clf.predict_proba
    monkeypatch.setattr(clf, "predict_proba", lambda texts, **kw: calls.append(len(texts)) or real(texts, **kw))
    exp = svc.explanation_for(d)
    assert exp["attributions"]["method"] == "occlusion"
    assert sum(calls) <= 13  # was 49 passes over the whole 2,000 characters
    assert max(calls) < sum(calls)  # predicted in pieces, so an assessment can go in between
    calls.clear()
    assert svc.explanation_for(d)["attributions"] == exp["attributions"] and calls == []  # cached


@pytest.mark.serving_model
def test_explanation_stops_at_its_time_budget(app, users):
    from app.services import assessment as svc
    from models import Diagnosis

    d = svc.create_assessment("burning when I pee and needing to go all the time", actor=users["clinician"])
    app.config["EXPLANATION_TIME_BUDGET"] = 0.0
    exp = svc.explanation_for(d)
    assert exp.get("attributions") is None and "try again" in exp["attributions_error"]
    _db.session.expire_all()
    assert _db.session.get(Diagnosis, d.id).explanation["attributions"] is None  # nothing cached
    app.config["EXPLANATION_TIME_BUDGET"] = 30.0
    assert svc.explanation_for(_db.session.get(Diagnosis, d.id))["attributions"]["method"] == "occlusion"


def test_explanations_are_rate_limited_per_user(app_factory):
    application = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_EXPLANATION="2 per minute")
    with application.app_context():
        patient, other = make_user("patient"), make_user("patient", "other@example.org")
        rows = [make_assessment(f"cough {i}", ddx(("Common cold", "J00", 0.6)), patient=patient, entered_by=patient,
                                source="self") for i in range(3)]
        client, headers = application.test_client(), bearer(patient)
        codes = [client.get(f"/api/v1/assessments/{d.id}/explanation", headers=headers).status_code for d in rows]
        assert codes == [200, 200, 429]
        again = client.get(f"/api/v1/assessments/{rows[0].id}/explanation", headers=bearer(patient))
        assert again.status_code == 429  # per user, not per token
        assert "wait" in again.get_json()["error"]["message"]
        # another user has their own budget
        mine = make_assessment("rash", ddx(("Eczema", "L20", 0.7)), patient=other, entered_by=other, source="self")
        assert client.get(f"/api/v1/assessments/{mine.id}/explanation", headers=bearer(other)).status_code == 200


def test_reading_a_cached_explanation_is_not_limited(app_factory):
    application = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_EXPLANATION="1 per minute")
    with application.app_context():
        clinician = make_user("clinician")
        d = make_assessment("cough", ddx(("Common cold", "J00", 0.6)))
        d.explanation = {"attributions": {"method": "occlusion", "words": ["cough"], "by_icd10": {}}}
        _db.session.commit()
        web = client_for(application, clinician)
        assert [web.get(f"/clinic/assessments/{d.id}/explanation.json").status_code for _ in range(4)] == [200] * 4


def test_explain_contention_benchmark_exists_and_reports_the_ratio():
    source = (ROOT / "benchmarks" / "explain_contention.py").read_text()
    assert "p95" in source and "ratio" in source


# == 5. logout ends a stolen session; password changes revoke API tokens ==========================

def test_logout_makes_a_copied_session_cookie_worthless(app, client):
    make_user("patient", "pat@example.org")
    client.environ_base["HTTP_USER_AGENT"] = TEST_UA
    assert _web_login(client, "pat@example.org").status_code == 302
    stolen = client.get_cookie("session").value
    thief = app.test_client()
    thief.environ_base["HTTP_USER_AGENT"] = TEST_UA
    thief.set_cookie("session", stolen)
    assert thief.get("/auth/profile").status_code == 200  # the copy works while the session lives
    assert client.post("/auth/logout").status_code == 302
    resp = thief.get("/auth/profile")
    assert resp.status_code == 302 and "/auth/login" in resp.headers["Location"]


def test_password_change_revokes_api_tokens(app, client):
    user = make_user("patient", "pat@example.org")
    headers = bearer(user)
    assert client.get("/api/v1/assessments", headers=headers).status_code == 200
    web = client_for(app, user)
    resp = web.post("/auth/profile/password", data={"pw-current_password": PASSWORD, "pw-new_password": NEW_PASSWORD,
                                                    "pw-confirm": NEW_PASSWORD})
    assert resp.status_code == 302
    assert client.get("/api/v1/assessments", headers=headers).status_code == 401
    assert all(t.revoked_at is not None for t in _db.session.scalars(_db.select(ApiToken)).all())


def test_password_reset_revokes_api_tokens_and_sessions(app, client):
    from app.services import accounts

    user = make_user("patient", "pat@example.org")
    headers = bearer(user)
    other_device = client_for(app, user)
    token = accounts.make_reset_token(user)
    resp = client.post(f"/auth/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert resp.status_code == 302
    assert client.get("/api/v1/assessments", headers=headers).status_code == 401
    assert other_device.get("/auth/profile").status_code == 302


# == 7 + 13. no secrets and no forged lines in logs ===============================================

def test_access_log_masks_reset_tokens_and_escapes_control_characters(tmp_path):
    """The real gunicorn with the project's gunicorn.conf.py, as scripts/serve.sh runs it."""
    import http.client

    assert "--config gunicorn.conf.py" in (ROOT / "scripts" / "serve.sh").read_text()
    port, log = free_port(), tmp_path / "access.log"
    env = {**os.environ, "APP_CONFIG": "testing", "INSTANCE_PATH": str(tmp_path / "instance"), "LOAD_MODEL": "0"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--access-logfile", str(log), "app:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    token = "eyJ1aWQiOjF9.secret-token-value.sig"
    try:
        paths = [f"/auth/reset/{token}", "/auth/login%0a127.0.0.1 \"GET /admin HTTP/1.1\" 200 1ms",
                 "/x%00y%1b[31m", '/q"uote\\']
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/api/v1/health")
                conn.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("gunicorn did not start")
                time.sleep(0.2)
        for path in paths:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path.replace(" ", "%20").replace('"', "%22"),
                         headers={"Authorization": "Bearer secret-bearer-value"})
            conn.getresponse().read()
        time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(20)
    raw = log.read_bytes()
    lines = raw.decode().splitlines()
    assert len(lines) == 1 + len(paths), lines  # one request, one line: nothing forged
    assert b"\x00" not in raw and b"\x1b" not in raw
    assert "secret-token-value" not in raw.decode() and "secret-bearer-value" not in raw.decode()
    assert "/auth/reset/[redacted]" in lines[1]
    assert "\\n127.0.0.1" in lines[2] and "\\x00" in lines[3] and "\\x1b" in lines[3]
    assert '\\"uote\\\\' in lines[4]


def test_safe_atoms_drop_credentials_and_escape_everything():
    from app.log_safety import safe_atoms

    atoms = safe_atoms({"U": "/auth/reset/abc.def\n", "{authorization}i": "Bearer x", "{cookie}i": "session=s",
                        "{http_cookie}e": "session=s", "a": "agent\r\nX: y", "s": "200", "D": 12})
    assert atoms["U"] == "/auth/reset/[redacted]\\n"
    assert atoms["{authorization}i"] == atoms["{cookie}i"] == atoms["{http_cookie}e"] == "[redacted]"
    assert atoms["a"] == "agent\\r\\nX: y" and atoms["D"] == 12


def test_development_server_log_masks_reset_tokens(app, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    logging.getLogger("werkzeug").info('%s - - "%s" %s %s', "127.0.0.1", "GET /auth/reset/tok.en.value HTTP/1.1",
                                       "200", "-")
    assert "tok.en.value" not in caplog.text and "/auth/reset/[redacted]" in caplog.text


def test_error_log_line_has_no_token_and_no_raw_newline(app_factory, caplog):
    application = app_factory()
    application.config["PROPAGATE_EXCEPTIONS"] = False

    def boom(rest):
        raise RuntimeError("boom")

    application.add_url_rule("/auth/reset/<rest>/boom", "test_reset_boom", boom)
    with application.app_context():
        caplog.set_level(logging.ERROR, logger="app.errors")
        resp = application.test_client().get("/auth/reset/tok.secret.value%0aFORGED/boom")
        assert resp.status_code == 500
    messages = [r.getMessage() for r in caplog.records if r.name == "app.errors"]
    assert messages and all("\n" not in m and "tok.secret.value" not in m for m in messages)


# == 9. common passwords ===========================================================================

@pytest.mark.parametrize("password", ["password12", "P@ssw0rd123", "qwertyuiop1", "iloveyou123", "Summer2024!"])
def test_common_passwords_are_refused(app, client, password):
    resp = client.post("/auth/register", data={"name": "Ann", "email": "ann@example.org", "password": password,
                                               "confirm": password})
    assert resp.status_code == 200 and b"too common or too easy to guess" in resp.data
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(User)) == 0


def test_password_containing_the_users_own_email_is_weak(app):
    from app.services.accounts import validate_password

    assert validate_password("anna.smith1987", ("anna.smith@example.org", "Anna Smith"))
    assert validate_password(PASSWORD) is None


def test_every_password_door_uses_the_strength_check(app, users):
    from app.services.users import validate_password as admin_rule

    assert admin_rule("password12")  # admins creating accounts, and the CLI, share the rule
    web = client_for(app, users["patient"])
    resp = web.post("/auth/profile/password", data={"pw-current_password": PASSWORD, "pw-new_password": "password12",
                                                    "pw-confirm": "password12"})
    assert b"too common or too easy to guess" in resp.data
    assert "zxcvbn" in (ROOT / "requirements.txt").read_text()


# == 10. clear 4xx instead of 500 ==================================================================

@pytest.mark.parametrize("depth", [5000, 200])
def test_deeply_nested_json_is_400(app, users, depth):
    headers = bearer(users["clinician"])
    client = app.test_client()
    deep = "[" * depth + "]" * depth
    for body in (deep, '{"symptoms": "cough", "vitals": ' + deep + "}"):
        resp = client.post("/api/v1/assessments", data=body, content_type="application/json", headers=headers)
        assert resp.status_code == 400, resp.data[:200]
        assert "nested too deeply" in resp.get_json()["error"]["message"]


def test_brackets_inside_strings_do_not_count_as_nesting():
    from app.security import json_depth_exceeds

    assert not json_depth_exceeds(b'{"symptoms": "' + b"[[[[{{{{" * 100 + b'"}', 32)
    assert not json_depth_exceeds(b'{"a": "\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', 32)
    assert json_depth_exceeds(b"[" * 33 + b"]" * 33, 32)


@pytest.mark.parametrize("url,role", [("/clinic/history", "clinician"), ("/clinic/worklist", "clinician"),
                                      ("/me/assessments", "patient")])
@pytest.mark.parametrize("page", ["99999999999999999999", "-5", "0", "1000001"])
def test_huge_page_numbers_are_400(app, users, url, role, page):
    resp = client_for(app, users[role]).get(url, query_string={"page": page})
    assert resp.status_code == 400
    assert b"page number must be from 1 to" in resp.data


def test_ordinary_page_numbers_still_work(app, users):
    web = client_for(app, users["clinician"])
    assert web.get("/clinic/history?page=2").status_code == 200
    assert web.get("/clinic/history?page=abc").status_code == 200  # not a number: the first page, as before


FORM_POSTS = [
    (None, "/auth/login", {"email": "p@example.org"}, "password"),
    (None, "/auth/register", {"name": "A", "email": "a@example.org", "password": PASSWORD}, "confirm"),
    (None, "/auth/reset", {}, "email"),
    ("patient", "/auth/profile", {}, "profile-name"),
    ("patient", "/auth/profile/password", {"pw-current_password": PASSWORD}, "pw-new_password"),
    ("patient", "/me/assess", {}, "symptoms"),
    ("clinician", "/clinic/assess", {}, "symptoms"),
    ("patient", "/auth/profile/delete", {"delete-confirm": "y"}, "delete-password"),
]


@pytest.mark.parametrize("role,url,data,file_field", FORM_POSTS)
def test_text_field_sent_as_a_file_part_is_400(app, users, role, url, data, file_field):
    client = client_for(app, users[role]) if role else app.test_client()
    payload = {**data, file_field: (io.BytesIO(b"cough and fever"), "field.txt")}
    resp = client.post(url, data=payload, content_type="multipart/form-data")
    assert resp.status_code == 400, (url, resp.status_code)
    assert b"File uploads are not accepted" in resp.data


def test_reset_form_with_a_file_part_is_400(app, client):
    from app.services import accounts

    token = accounts.make_reset_token(make_user("patient", "pat@example.org"))
    resp = client.post(f"/auth/reset/{token}", data={"password": (io.BytesIO(b"x"), "p.txt"), "confirm": "x"},
                       content_type="multipart/form-data")
    assert resp.status_code == 400


# == 11 + 12. password guessing: one budget per account, everywhere ================================

def _limited_app(app_factory, **overrides):
    cfg = {"RATELIMIT_ENABLED": True, "RATELIMIT_AUTH": "1000 per minute", "RATELIMIT_ACCOUNT": "3 per hour"}
    cfg.update(overrides)
    return app_factory(**cfg)


def test_password_change_wrong_current_passwords_are_limited(app_factory):
    application = _limited_app(app_factory)
    with application.app_context():
        user = make_user("patient", "pat@example.org")
        web = client_for(application, user)

        def change(current):
            return web.post("/auth/profile/password", data={"pw-current_password": current,
                                                            "pw-new_password": NEW_PASSWORD,
                                                            "pw-confirm": NEW_PASSWORD}).status_code

        assert [change(f"wrong-Guess-{i}") for i in range(3)] == [200] * 3
        assert change(PASSWORD) == 429
        _db.session.expire_all()
        assert _db.session.get(User, user.id).check_password(PASSWORD)


def test_account_deletion_wrong_passwords_are_limited(app_factory):
    application = _limited_app(app_factory)
    with application.app_context():
        user = make_user("patient", "pat@example.org")
        web = client_for(application, user)

        def delete(password):
            return web.post("/auth/profile/delete", data={"delete-password": password,
                                                          "delete-confirm": "y"}).status_code

        assert [delete(f"wrong-Guess-{i}") for i in range(3)] == [200] * 3
        assert delete(PASSWORD) == 429
        _db.session.expire_all()
        assert _db.session.get(User, user.id).deleted_at is None


def test_password_change_and_deletion_are_limited_per_address(app_factory):
    application = _limited_app(app_factory, RATELIMIT_AUTH="2 per minute", RATELIMIT_ACCOUNT="1000 per hour")
    with application.app_context():
        web = client_for(application, make_user("patient", "pat@example.org"))
        codes = [web.post("/auth/profile/password", data={"pw-current_password": "x"}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert web.post("/auth/profile/delete", data={"delete-password": "x"}).status_code in (200, 429)


def test_locked_account_is_locked_for_the_api_too_and_says_how_long(app_factory):
    application = _limited_app(app_factory)
    with application.app_context():
        make_user("patient", "victim@example.org")
        attacker = application.test_client()
        assert [_web_login(attacker, "victim@example.org", f"guess-{i}").status_code for i in range(3)] == [200] * 3
        owner = application.test_client()
        locked = _web_login(owner, "victim@example.org")
        assert locked.status_code == 429
        text = locked.get_data(as_text=True)
        assert "wait a minute" not in text
        assert re.search(r"wait (5\d|60) minutes", text), text
        assert int(locked.headers["Retry-After"]) > 50 * 60
        assert "/auth/reset" in text  # how to unlock it now
        api = application.test_client().post("/api/v1/tokens", auth=("victim@example.org", PASSWORD))
        assert api.status_code == 429
        assert re.search(r"wait (5\d|60) minutes", api.get_json()["error"]["message"])


def test_api_failures_lock_the_web_login_too(app_factory):
    application = _limited_app(app_factory)
    with application.app_context():
        make_user("patient", "victim@example.org")
        codes = [application.test_client().post("/api/v1/tokens", auth=("victim@example.org", f"g{i}")).status_code
                 for i in range(3)]
        assert codes == [401] * 3
        assert _web_login(application.test_client(), "victim@example.org").status_code == 429


def test_owner_unlocks_a_locked_account_with_a_reset_email(app_factory):
    application = _limited_app(app_factory)
    with application.app_context():
        server = smtp_for(application)
        try:
            make_user("patient", "victim@example.org")
            for i in range(3):
                _web_login(application.test_client(), "victim@example.org", f"guess-{i}")
            owner = application.test_client()
            assert _web_login(owner, "victim@example.org").status_code == 429
            assert owner.post("/auth/reset", data={"email": "victim@example.org"}).status_code == 302
            assert deliver_pending(application) == (1, 0)
            mail = server.wait_for(1)[0]
            link = re.search(r"https?://[^/\s]+(/auth/reset/\S+)", mail.get_body(preferencelist=("plain",)).get_content())
            done = owner.post(link.group(1), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
            assert done.status_code == 302
            assert _web_login(owner, "victim@example.org", NEW_PASSWORD).status_code == 302
            api = application.test_client().post("/api/v1/tokens", auth=("victim@example.org", NEW_PASSWORD))
            assert api.status_code == 201
        finally:
            server.stop()
