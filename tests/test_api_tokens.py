"""POST /api/v1/tokens (HTTP Basic) and DELETE /api/v1/tokens/current: issue, expiry, revoke,
hashing at rest, one message for every failed login, rate limit."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from conftest import PASSWORD, make_user

from models import ApiToken, AuditEvent, db


def basic(email: str, password: str) -> dict[str, str]:
    raw = base64.b64encode(f"{email}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_issue_token_returns_token_and_expiry_and_stores_only_a_hash(app, client, users):
    app.config["API_TOKEN_MAX_AGE"] = 600
    before = datetime.now(UTC)
    resp = client.post("/api/v1/tokens", headers=basic("clinician@example.org", PASSWORD))
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    token = body["token"]
    assert len(token) >= 32
    expires = datetime.fromisoformat(body["expires_at"])
    assert expires.utcoffset() == timedelta(0)  # always with its UTC offset
    assert before + timedelta(seconds=590) <= expires <= datetime.now(UTC) + timedelta(seconds=610)

    rows = db.session.scalars(db.select(ApiToken)).all()
    assert len(rows) == 1
    assert rows[0].user_id == users["clinician"].id
    assert rows[0].token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert rows[0].token_hash != token
    # the plain token is nowhere in the database
    dump = "\n".join(str(r) for r in db.session.execute(db.text("SELECT * FROM api_tokens")).all())
    assert token not in dump
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "api_token.issue")) is not None

    # the token works
    assert client.get("/api/v1/diseases", headers=bearer(token)).status_code == 200


def test_e_mail_is_case_insensitive(client, users):
    resp = client.post("/api/v1/tokens", headers=basic("ADMIN@Example.org", PASSWORD))
    assert resp.status_code == 201


@pytest.mark.parametrize("email,password", [
    ("clinician@example.org", "wrong-password-1"),
    ("nobody@example.org", PASSWORD),
    ("", PASSWORD),
])
def test_failed_logins_get_one_message_and_no_token(client, users, email, password):
    resp = client.post("/api/v1/tokens", headers=basic(email, password))
    assert resp.status_code == 401
    body = resp.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "unauthorized"
    if email:
        assert body["error"]["message"] == "Invalid e-mail or password."
    assert "Basic" in resp.headers["WWW-Authenticate"]
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0


def test_failed_api_logins_are_audited_like_web_logins(client, users):
    """The API uses the web login's password check: every failure is a user.login_failed event."""
    client.post("/api/v1/tokens", headers=basic("clinician@example.org", "wrong-password-1"))
    client.post("/api/v1/tokens", headers=basic("nobody@example.org", PASSWORD))
    failed = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "user.login_failed")).all()
    assert sorted(e.details["reason"] for e in failed) == ["bad_password", "unknown_account"]
    assert all(e.details["channel"] == "api" for e in failed)
    assert all("wrong-password-1" not in str(e.details) and PASSWORD not in str(e.details) for e in failed)
    assert [e.target_id for e in failed if e.details["reason"] == "bad_password"] == [str(users["clinician"].id)]


def test_inactive_user_gets_the_same_401(client, users):
    users["patient"].active = False
    db.session.commit()
    resp = client.post("/api/v1/tokens", headers=basic("patient@example.org", PASSWORD))
    assert resp.status_code == 401
    assert resp.get_json()["error"]["message"] == "Invalid e-mail or password."
    failed = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "user.login_failed")).all()
    assert [e.details["reason"] for e in failed] == ["inactive"]


def test_no_credentials_is_401_json(client, users):
    resp = client.post("/api/v1/tokens")
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "unauthorized"
    resp = client.post("/api/v1/tokens", headers={"Authorization": "Bearer abc"})
    assert resp.status_code == 401


def test_expired_token_is_refused(client, users):
    token = client.post("/api/v1/tokens", headers=basic("ml@example.org", PASSWORD)).get_json()["token"]
    assert client.get("/api/v1/diseases", headers=bearer(token)).status_code == 200
    row = db.session.scalar(db.select(ApiToken))
    row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    resp = client.get("/api/v1/diseases", headers=bearer(token))
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "unauthorized"


def test_revoke_current_token_only(client, users):
    first = client.post("/api/v1/tokens", headers=basic("admin@example.org", PASSWORD)).get_json()["token"]
    second = client.post("/api/v1/tokens", headers=basic("admin@example.org", PASSWORD)).get_json()["token"]
    resp = client.delete("/api/v1/tokens/current", headers=bearer(first))
    assert resp.status_code == 204
    assert client.get("/api/v1/diseases", headers=bearer(first)).status_code == 401
    assert client.delete("/api/v1/tokens/current", headers=bearer(first)).status_code == 401
    assert client.get("/api/v1/diseases", headers=bearer(second)).status_code == 200
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == hashlib.sha256(first.encode()).hexdigest()))
    assert row.revoked_at is not None
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "api_token.revoke")) is not None


def test_revoke_without_token_is_401(client):
    assert client.delete("/api/v1/tokens/current").status_code == 401


def test_token_of_a_deactivated_user_stops_working(client, users):
    token = client.post("/api/v1/tokens", headers=basic("patient@example.org", PASSWORD)).get_json()["token"]
    users["patient"].active = False
    db.session.commit()
    assert client.get("/api/v1/diseases", headers=bearer(token)).status_code == 401


def test_token_issue_is_rate_limited(app_factory):
    application = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_AUTH="3 per minute")
    with application.app_context():
        make_user("clinician", "rl@example.org")
        c = application.test_client()
        codes = [c.post("/api/v1/tokens", headers=basic("rl@example.org", "wrong-password-1"),
                        environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        resp = c.post("/api/v1/tokens", headers=basic("rl@example.org", PASSWORD), environ_base={"REMOTE_ADDR": "10.9.8.7"})
        assert resp.status_code == 429
        assert resp.get_json()["error"]["code"] == "too_many_requests"
        # another client address is not affected
        ok = c.post("/api/v1/tokens", headers=basic("rl@example.org", PASSWORD), environ_base={"REMOTE_ADDR": "10.9.8.8"})
        assert ok.status_code == 201
