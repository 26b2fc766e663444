"""The mail outbox: queued messages delivered later, with retries, by any number of workers.

Why an outbox: a request only writes a row (in its own transaction), so a slow or down SMTP
server never blocks or fails it, and a mail exists only if the change it announces was
committed. Delivery is at-least-once and, in normal operation, exactly once:

- a worker *claims* a due message with a conditional UPDATE (``WHERE id = :id AND status =
  'pending' AND next_attempt_at <= :now``) that pushes ``next_attempt_at`` one lease into
  the future; only one worker's UPDATE matches, on SQLite and on PostgreSQL alike, and a
  worker that dies mid-send releases the message when the lease runs out;
- after a failure the message is rescheduled with exponential backoff (30 s, 60 s, ...,
  capped at one hour) and becomes ``failed`` after OUTBOX_MAX_ATTEMPTS tries (kept for
  admins to see); only a short error (never the body) is stored.

Who runs delivery (QUEUE_BACKEND) is at "delivery in the background" below.
"""

from __future__ import annotations

import logging
import smtplib
import threading
import time
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app, has_app_context
from flask_mail import Message, sanitize_address
from sqlalchemy import select, update

from models import OutboxMessage, db

log = logging.getLogger(__name__)

BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 3600
DEFAULT_MAX_ATTEMPTS = 20
DEFAULT_POLL_SECONDS = 5.0
DEFAULT_SWEEP_SECONDS = 60.0
# Errors that mean "the server is unreachable": stop the batch instead of trying every message.
CONNECTION_ERRORS = (OSError, smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, smtplib.SMTPHeloError)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def retry_delay(attempts: int) -> timedelta:
    """Backoff after `attempts` failed tries: 30 s * 2^(attempts-1), at most one hour."""
    exponent = max(attempts - 1, 0)
    seconds = MAX_DELAY_SECONDS if exponent >= 12 else min(BASE_DELAY_SECONDS * 2**exponent, MAX_DELAY_SECONDS)
    return timedelta(seconds=seconds)


def short_error(exc: BaseException) -> str:
    """Class and first words of the error; SMTP errors never contain the message body."""
    text = " ".join(str(exc).split())[:300]
    return f"{exc.__class__.__name__}: {text}"[:500]


class SMTPSender:
    """One SMTP connection for a batch, built from the Flask-Mail settings, with a timeout.

    Flask-Mail's own Connection has no timeout and is silenced whenever TESTING is on; the
    outbox needs both a bounded wait and real delivery in tests, so it only borrows
    Flask-Mail's settings and message builder.
    """

    def __init__(self, app: Flask):
        self.app = app
        self.state = app.extensions["mail"]
        self.timeout = float(app.config.get("MAIL_TIMEOUT", 5))
        self.host: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.state
        if s.use_ssl:
            host: smtplib.SMTP = smtplib.SMTP_SSL(s.server, s.port, timeout=self.timeout)
        else:
            host = smtplib.SMTP(s.server, s.port, timeout=self.timeout)
        if s.use_tls:
            host.starttls()
        if s.username and s.password:
            host.login(s.username, s.password)
        return host

    def build(self, row: OutboxMessage) -> Message:
        sender = self.state.default_sender or self.app.config.get("MAIL_DEFAULT_SENDER")
        msg = Message(subject=row.subject, recipients=[row.recipient], body=row.body_text,
                      html=row.body_html, sender=sender, date=time.time())
        domain = sanitize_address(sender).rpartition("@")[2].rstrip(">") or "localhost"
        # A stable Message-ID per outbox row lets receivers drop a rare duplicate delivery.
        msg.msgId = f"<outbox-{row.id}-{int(row.created_at.timestamp()) if row.created_at else 0}@{domain}>"
        return msg

    def send(self, row: OutboxMessage) -> None:
        msg = self.build(row)
        if self.app.config.get("MAIL_SUPPRESS_SEND"):  # explicit opt-out only (not implied by TESTING)
            return
        if self.host is None:
            self.host = self._connect()
        try:
            self.host.sendmail(sanitize_address(msg.sender), [sanitize_address(row.recipient)], msg.as_bytes())
        except Exception:
            self.close()  # the connection state is unknown; reconnect for the next message
            raise

    def close(self) -> None:
        if self.host is not None:
            try:
                self.host.quit()
            except Exception:  # noqa: BLE001 - closing a broken connection
                pass
            self.host = None


def _claim(message_id: int, now: datetime, lease: timedelta) -> bool:
    """Take the message for this worker; False when another worker already has it."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending",
               OutboxMessage.next_attempt_at <= now)
        .values(next_attempt_at=now + lease)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def deliver_pending(app: Flask, limit: int = 50, *, now: datetime | None = None) -> tuple[int, int]:
    """Send up to `limit` due messages; returns (sent, failed). Safe to run in several workers.

    `now` is the clock used to decide what is due (tests pass a later time instead of sleeping).
    """
    with app.app_context():
        now = now or _utcnow()
        max_attempts = int(app.config.get("OUTBOX_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))
        lease = timedelta(seconds=max(300.0, 4 * float(app.config.get("MAIL_TIMEOUT", 5))))
        ids = db.session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        ).all()
        db.session.commit()
        sent = failed = 0
        sender = SMTPSender(app)
        try:
            for message_id in ids:
                if not _claim(message_id, now, lease):
                    continue
                row = db.session.get(OutboxMessage, message_id)
                row.attempts = (row.attempts or 0) + 1
                try:
                    sender.send(row)
                except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried
                    failed += 1
                    row.last_error = short_error(exc)
                    if row.attempts >= max_attempts:
                        row.status = "failed"
                    else:
                        row.next_attempt_at = now + retry_delay(row.attempts)
                    db.session.commit()
                    log.warning("outbox message %s not delivered (attempt %s): %s",
                                row.id, row.attempts, exc.__class__.__name__)
                    if isinstance(exc, CONNECTION_ERRORS):
                        break  # the server is unreachable: the rest keep their schedule
                    continue
                row.status = "sent"
                row.sent_at = _utcnow()
                row.last_error = None
                db.session.commit()
                sent += 1
        finally:
            sender.close()
        return sent, failed


# -- delivery in the background -----------------------------------------------------------------
#
# QUEUE_BACKEND=local: a daemon thread per web process delivers every OUTBOX_POLL_SECONDS and at once
# when a message is committed (wake_worker).
#
# QUEUE_BACKEND=rq: delivery *rounds* (deliver_job) run on the `mail` queue, in `rq worker mail
# --with-scheduler`, and nothing waits for new mail to send old mail:
# - each commit that queued a message enqueues a round (job_queue.notify_mail_queued);
# - each round schedules the next one (schedule_next_round, RQ's enqueue_at): at the earliest pending
#   retry, and at the latest one sweep interval (OUTBOX_SWEEP_SECONDS) later, so a round is always on its
#   way: a message whose commit could not reach Redis goes out with the next sweep, a retry at its time;
# - a daemon thread per web process checks every sweep interval that a round is on its way and starts
#   one when none is (Redis lost its data, a round failed), or when the scheduled one is long overdue
#   (no worker runs --with-scheduler) (check_rounds);
# - `flask send-mail` delivers at once and schedules the next round as well.

_start_lock = threading.Lock()
ROUND_JOB_PREFIX = "mail-round-"  # the id of a scheduled round: mail-round-<UTC time>-<random>
DELIVER_JOB = "app.services.outbox.deliver_job"
OVERDUE_SECONDS = 120  # a scheduled round this late: no RQ scheduler runs (one takes over a dead one within ~61 s)


def sweep_seconds(app: Flask) -> float:
    return max(float(app.config.get("OUTBOX_SWEEP_SECONDS", DEFAULT_SWEEP_SECONDS)), 1.0)


def _run_worker(app: Flask, interval: float, state: dict) -> None:
    stop, wake = state["stop"], state["wake"]
    while not stop.is_set():
        try:
            deliver_pending(app)
        except Exception as exc:  # noqa: BLE001 - keep the thread alive; never log bodies
            log.error("outbox delivery round failed: %s", exc.__class__.__name__)
        wake.wait(interval)
        wake.clear()


def _run_checker(app: Flask, interval: float, state: dict) -> None:
    stop, wake = state["stop"], state["wake"]
    while not stop.is_set():
        try:
            check_rounds(app)
        except Exception as exc:  # noqa: BLE001 - keep the thread alive
            log.error("outbox round check failed: %s", exc.__class__.__name__)
        wake.wait(interval)
        wake.clear()


def start_worker(app: Flask, *, immediately: bool = False) -> None:
    """Arm this process's outbox thread (a daemon): with QUEUE_BACKEND=local it delivers every
    OUTBOX_POLL_SECONDS (and when woken); with rq it checks every OUTBOX_SWEEP_SECONDS that a delivery
    round is on its way on the `mail` queue (`check_rounds`).

    The thread starts on the first request this process serves (after gunicorn forks, and
    never in `flask db upgrade` or other CLI commands), or at once with `immediately=True`.
    Several processes may each run one: messages are claimed, never sent twice by design.
    """
    if "outbox_worker" in app.extensions:
        return
    state: dict = {"thread": None, "stop": threading.Event(), "wake": threading.Event()}
    app.extensions["outbox_worker"] = state
    if (app.config.get("QUEUE_BACKEND") or "local").lower() == "rq":
        target, name, interval = _run_checker, "outbox-round-check", sweep_seconds(app)
    else:
        target, name = _run_worker, "outbox-worker"
        interval = float(app.config.get("OUTBOX_POLL_SECONDS", DEFAULT_POLL_SECONDS))

    def start() -> None:
        if state["thread"] is not None:
            return
        with _start_lock:
            if state["thread"] is None:
                thread = threading.Thread(target=target, args=(app, interval, state), name=name, daemon=True)
                thread.start()
                state["thread"] = thread

    if immediately:
        start()
    else:
        app.before_request(start)


def wake_worker(app: Flask) -> None:
    """Deliver now instead of at the next poll (a no-op where no thread runs: tests, CLI)."""
    state = app.extensions.get("outbox_worker")
    if state:
        state["wake"].set()


def stop_worker(app: Flask) -> None:
    """Ask the thread to stop after its current round (used by tests and shutdown hooks)."""
    state = app.extensions.get("outbox_worker")
    if state:
        state["stop"].set()
        state["wake"].set()


_worker_app: Flask | None = None


def _job_app() -> Flask:
    """The app a queue job runs in: the current one (tests, `flask` commands), else one built once
    per worker process from the environment (no model, no delivery thread)."""
    global _worker_app
    if has_app_context():
        return current_app._get_current_object()
    if _worker_app is None:
        from app import create_app

        _worker_app = create_app({"LOAD_MODEL": False, "OUTBOX_WORKER": False})
    return _worker_app


def deliver_job() -> dict:
    """The `mail` queue's job, a delivery round: deliver what is due, then schedule the next round."""
    from app.services.job_queue import QueueError

    app = _job_app()
    sent, failed = deliver_pending(app)
    try:
        following = schedule_next_round(app)
    except QueueError as exc:  # the web servers' check starts a new round
        log.warning("could not schedule the next mail round: %s", exc)
        following = None
    return {"sent": sent, "failed": failed, "next_round": following.isoformat() if following else None}


def next_round_time(app: Flask, now: datetime | None = None) -> datetime:
    """When the next delivery round should run: at the earliest pending message's next attempt, but
    no later than one sweep interval from now and no sooner than one poll interval (a backlog, or a
    server that refused the last batch, is retried without spinning)."""
    now = now or _utcnow()
    with app.app_context():
        due = db.session.scalar(select(db.func.min(OutboxMessage.next_attempt_at))
                                .where(OutboxMessage.status == "pending"))
        db.session.commit()
    latest = now + timedelta(seconds=sweep_seconds(app))
    if due is None:
        return latest
    due = due if due.tzinfo else due.replace(tzinfo=UTC)
    soonest = now + timedelta(seconds=float(app.config.get("OUTBOX_POLL_SECONDS", DEFAULT_POLL_SECONDS)))
    return min(max(due, soonest), latest)


def schedule_next_round(app: Flask) -> datetime | None:
    """QUEUE_BACKEND=rq: make sure a delivery round runs by `next_round_time` (one already scheduled by
    then is kept, none is added twice); returns when the next round runs. None with the local backend
    (its thread polls). Raises job_queue.QueueError when Redis cannot be reached."""
    from app.services.job_queue import MAIL_QUEUE, RQQueue, get_queue

    queue = get_queue(app)
    if not isinstance(queue, RQQueue):
        return None
    return queue.schedule_once(MAIL_QUEUE, DELIVER_JOB, when=next_round_time(app), prefix=ROUND_JOB_PREFIX)


def check_rounds(app: Flask, now: datetime | None = None) -> str:
    """QUEUE_BACKEND=rq, every sweep interval in each web process: is a delivery round on its way?

    Returns what it found: "waiting" (a round waits on the `mail` queue), "scheduled" (one is
    scheduled within a sweep interval), "started" (none was: one is enqueued now, and it schedules
    the rounds that follow), "overdue" (the scheduled one is more than OVERDUE_SECONDS late, so no
    worker runs --with-scheduler: a warning, and a round enqueued now so mail still goes out),
    "unreachable" (Redis cannot be reached: the next check tries again) or "local" (no rq).
    """
    from app.services.job_queue import MAIL_QUEUE, QueueError, RQQueue, get_queue

    queue = get_queue(app)
    if not isinstance(queue, RQQueue):
        return "local"
    now = now or _utcnow()
    try:
        waiting, first = queue.upcoming(MAIL_QUEUE)
        if waiting:
            return "waiting"
        found = "started"
        if first is not None and first <= now + timedelta(seconds=sweep_seconds(app) + 5):
            if first >= now - timedelta(seconds=max(OVERDUE_SECONDS, sweep_seconds(app))):
                return "scheduled"
            log.warning("the mail round scheduled for %s UTC has not started: is an `rq worker mail "
                        "--with-scheduler` running? Enqueuing a round now", f"{first:%Y-%m-%d %H:%M:%S}")
            found = "overdue"
        queue.notify_mail(app)
    except QueueError as exc:
        log.warning("could not check the mail rounds: %s", exc)
        return "unreachable"
    return found
