"""Append-only audit trail: who read or changed which record, when, from where.

Never put patient text in `details`: ids, field names and outcomes only.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from models import AuditEvent, db


def record(action: str, target_type: str | None = None, target_id: Any = None, actor=None, **details: Any) -> AuditEvent:
    """Add an audit event to the current transaction (committed with the change it describes)."""
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user
    ip = None
    if has_request_context():
        # remote_addr: the proxy's X-Forwarded-For is applied by ProxyFix only when TRUSTED_PROXIES
        # says there is one; read raw, the header is whatever the client wants the trail to say
        ip = (request.remote_addr or "")[:64] or None
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", None),
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        ip=ip,
        details=details,
    )
    db.session.add(event)
    return event
