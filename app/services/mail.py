"""One `send_email` helper: render text + HTML templates and queue the message in the outbox.

Mail is never sent inside a request: the message is written in the caller's transaction
(so it exists only if the change it announces is committed) and delivered later by
`app.services.outbox`, woken by the commit (the delivery thread, or a job on the `mail` queue).
A slow or broken SMTP server can therefore never block or fail a request. Mails carry no
clinical details: templates get ids, names and links only.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_app_context, render_template
from sqlalchemy import event
from sqlalchemy.orm import Session

from models import OutboxMessage, db

_QUEUED = "outbox_queued"  # session.info flag: this transaction added a message

SUBJECT_MAX = 200
RECIPIENT_MAX = 254


class MailError(ValueError):
    """A message that cannot be queued (bad recipient or template name)."""


def _clean_header(value: str, limit: int) -> str:
    # No header injection: one line only.
    return " ".join(str(value).split())[:limit]


def send_email(to: str, subject: str, template: str, **context: Any) -> OutboxMessage:
    """Render templates/email/<template>.txt and .html and queue the message (no commit here)."""
    recipient = _clean_header(to, RECIPIENT_MAX + 1)
    if not recipient or "@" not in recipient or len(recipient) > RECIPIENT_MAX:
        raise MailError("invalid recipient address")
    if not template or not all(ch.isalnum() or ch == "_" for ch in template):
        raise MailError(f"invalid e-mail template name {template!r}")
    subject = _clean_header(subject, SUBJECT_MAX)
    context.setdefault("service_name", current_app.config.get("SERVICE_NAME", "Diagnosis Assistant"))
    context.setdefault("subject", subject)
    body_text = render_template(f"email/{template}.txt", **context)
    body_html = render_template(f"email/{template}.html", **context)
    message = OutboxMessage(recipient=recipient, subject=subject, body_text=body_text,
                            body_html=body_html, kind=template[:40])
    db.session.add(message)
    db.session.info[_QUEUED] = True
    return message


@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session: Session) -> None:
    if session.info.pop(_QUEUED, False) and has_app_context():
        from app.services.job_queue import notify_mail_queued

        notify_mail_queued(current_app._get_current_object())


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_QUEUED, None)
