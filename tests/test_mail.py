"""E-mail: send_email only queues; the outbox delivers over real SMTP with retries and backoff,
exactly once even with several workers, from a CLI command or a background thread."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from conftest import PASSWORD, SMTPSink, free_port

from app.services.mail import MailError, send_email
from app.services.outbox import deliver_pending, retry_delay, start_worker, stop_worker
from models import OutboxMessage, User, db


def _later(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


def _point_mail_at(app, port: int) -> None:
    app.config["MAIL_PORT"] = port
    app.extensions["mail"].server = "127.0.0.1"
    app.extensions["mail"].port = port


def _row(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def _queue(n: int, to: str = "someone@example.org") -> list[int]:
    rows = [send_email(to, f"Hello {i}", "welcome", name="Someone", login_url="http://localhost/auth/login")
            for i in range(n)]
    db.session.commit()
    return [r.id for r in rows]


def test_send_email_queues_text_and_html_without_sending(app, smtp_server):
    msg = send_email("pat@example.org", "Welcome\r\nBcc: victim@example.org", "welcome",
                     name="Pat <b>", login_url="http://localhost/auth/login")
    db.session.commit()
    assert msg.status == "pending" and msg.attempts == 0 and msg.kind == "welcome"
    assert msg.subject == "Welcome Bcc: victim@example.org"  # one header line, no injection
    assert "Diagnosis Assistant" in msg.body_text and "replies are not read" in msg.body_text
    assert "Diagnosis Assistant" in msg.body_html and "replies are not read" in msg.body_html
    assert "Pat <b>" in msg.body_text and "Pat &lt;b&gt;" in msg.body_html  # HTML is escaped
    time.sleep(0.2)
    assert smtp_server.messages == []  # never sent inline


@pytest.mark.parametrize("to", ["", "no-at-sign", "a@b.org\nBcc: x@y.org" + "x" * 300])
def test_send_email_rejects_bad_recipient(app, to):
    with pytest.raises(MailError):
        send_email(to, "Hi", "welcome", name="x", login_url="x")


def test_send_email_rejects_template_paths(app):
    with pytest.raises(MailError):
        send_email("a@example.org", "Hi", "../base", name="x")


def test_delivered_mail_has_both_parts_and_stable_message_id(app, smtp_server):
    (mid,) = _queue(1)
    assert deliver_pending(app) == (1, 0)
    msg = smtp_server.wait_for(1)[0]
    assert msg["To"] == "someone@example.org" and msg["Subject"] == "Hello 0"
    assert "Diagnosis Assistant" in msg.get_body(preferencelist=("plain",)).get_content()
    assert "<html" in msg.get_body(preferencelist=("html",)).get_content()
    assert msg["Message-ID"].startswith(f"<outbox-{mid}-")
    row = _row(mid)
    assert row.status == "sent" and row.sent_at is not None and row.attempts == 1
    assert deliver_pending(app) == (0, 0)
    assert len(smtp_server.messages) == 1


def test_smtp_down_registration_succeeds_and_mail_is_delivered_once_later(app, client):
    port = free_port()  # nothing listens here yet
    _point_mail_at(app, port)
    app.config["MAIL_TIMEOUT"] = 2

    resp = client.post("/auth/register", data={"name": "Dee", "email": "dee@example.org",
                                               "password": PASSWORD, "confirm": PASSWORD})
    assert resp.status_code == 302
    assert db.session.scalar(db.select(User).where(User.email == "dee@example.org")) is not None
    (row,) = db.session.scalars(db.select(OutboxMessage)).all()

    started = datetime.now(UTC)
    assert deliver_pending(app) == (0, 1)
    row = _row(row.id)
    assert row.status == "pending" and row.attempts == 1
    assert row.last_error and "Error" in row.last_error and "Dee" not in row.last_error
    next_at = row.next_attempt_at.replace(tzinfo=UTC)
    assert next_at >= started + timedelta(seconds=29)
    assert deliver_pending(app) == (0, 0)  # not due yet: no hammering of a down server

    server = SMTPSink(port).start()
    try:
        assert deliver_pending(app, now=_later(31)) == (1, 0)
        assert len(server.wait_for(1)) == 1
        row = _row(row.id)
        assert row.status == "sent" and row.attempts == 2 and row.last_error is None
        assert deliver_pending(app, now=_later(7200)) == (0, 0)
        time.sleep(0.2)
        assert len(server.messages) == 1  # exactly once
        assert server.messages[0]["To"] == "dee@example.org"
    finally:
        server.stop()


def test_backoff_then_failed_after_max_attempts(app):
    _point_mail_at(app, free_port())
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    (mid,) = _queue(1)
    now = datetime.now(UTC)
    assert deliver_pending(app, now=now) == (0, 1)
    assert _row(mid).next_attempt_at.replace(tzinfo=UTC) == now + timedelta(seconds=30)
    now += timedelta(seconds=30)
    assert deliver_pending(app, now=now) == (0, 1)
    assert _row(mid).next_attempt_at.replace(tzinfo=UTC) == now + timedelta(seconds=60)
    now += timedelta(seconds=60)
    assert deliver_pending(app, now=now) == (0, 1)
    row = _row(mid)
    assert row.status == "failed" and row.attempts == 3 and row.last_error  # kept for admins
    assert deliver_pending(app, now=now + timedelta(days=1)) == (0, 0)


def test_retry_delay_is_exponential_and_capped():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay(8) == timedelta(hours=1)
    assert retry_delay(20) == timedelta(hours=1)


def test_one_down_server_does_not_burn_attempts_of_every_message(app):
    _point_mail_at(app, free_port())
    ids = _queue(3)
    assert deliver_pending(app) == (0, 1)  # stops after the first connection error
    assert [_row(i).attempts for i in ids] == [1, 0, 0]


def test_several_workers_deliver_each_message_exactly_once(app_factory, tmp_path):
    app = app_factory(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'outbox.db'}")
    port = free_port()
    server = SMTPSink(port).start()
    try:
        with app.app_context():
            _point_mail_at(app, port)
            _queue(12)
        results, errors = [], []

        def work():
            try:
                results.append(deliver_pending(app, limit=50))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors
        assert sum(sent for sent, _ in results) == 12
        assert len(server.wait_for(12)) == 12
        time.sleep(0.2)
        ids = [m["Message-ID"] for m in server.messages]
        assert len(ids) == len(set(ids)) == 12
        with app.app_context():
            assert {r.status for r in db.session.scalars(db.select(OutboxMessage))} == {"sent"}
    finally:
        server.stop()


def test_send_mail_cli_delivers_pending(app, runner, smtp_server):
    _queue(2)
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "sent 2" in result.output and "still pending 0" in result.output
    assert len(smtp_server.wait_for(2)) == 2


def test_worker_thread_starts_on_first_request_and_delivers(app_factory, tmp_path):
    app = app_factory(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'worker.db'}", OUTBOX_POLL_SECONDS=0.05)
    port = free_port()
    server = SMTPSink(port).start()
    try:
        with app.app_context():
            _point_mail_at(app, port)
            _queue(2)
        start_worker(app)
        state = app.extensions["outbox_worker"]
        assert state["thread"] is None  # not in CLI commands or before serving
        app.test_client().get("/")
        assert state["thread"] is not None and state["thread"].daemon
        assert len(server.wait_for(2)) == 2
    finally:
        stop_worker(app)
        if app.extensions.get("outbox_worker", {}).get("thread"):
            app.extensions["outbox_worker"]["thread"].join(5)
        server.stop()
