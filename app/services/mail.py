"""One `send_email` helper: render text + HTML templates and queue the message in the outbox.

Mail is never sent inside a request: the message is written in the caller's transaction
(so it exists only if the change it announces is committed) and delivered later by
`app.services.outbox`. A slow or broken SMTP server can therefore never block or fail a
request. Mails carry no clinical details: templates get ids, names and links only.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template

from models import OutboxMessage, db

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
    return message
