from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models import db
from models._time import utcnow


class AuditEvent(db.Model):
    """Append-only: who did what to which record, when and from where. Never patient text."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)
    actor_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    action: Mapped[str] = mapped_column(String(40), index=True)  # e.g. diagnosis.read, user.login
    target_type: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    target_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor = relationship("User")


@event.listens_for(AuditEvent, "before_update")
def _audit_is_append_only(mapper, connection, target):  # noqa: ARG001
    raise RuntimeError("audit events are append-only")


@event.listens_for(AuditEvent, "before_delete")
def _audit_not_deletable(mapper, connection, target):  # noqa: ARG001
    raise RuntimeError("audit events are append-only")
