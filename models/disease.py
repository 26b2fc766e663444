from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from knowledge import URGENCY_LEVELS
from models import db
from models._time import utcnow

__all__ = ["URGENCY_LEVELS", "Disease"]


class Disease(db.Model):
    """A knowledge-base condition. Lists are JSON: they are edited and read as a whole."""

    __tablename__ = "diseases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    icd10: Mapped[str] = mapped_column(String(10), unique=True, index=True)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    category: Mapped[str] = mapped_column(String(60), default="general")
    description: Mapped[str] = mapped_column(Text, default="")
    # [{"term": str, "frequency": float, "lay": [str, ...]}]
    symptoms: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{"finding": str, "level": "emergency"|"urgent", "phrases": [str, ...]}]
    red_flags: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    precautions: Mapped[list[str]] = mapped_column(JSON, default=list)
    # onset / triggers / tried / demographics: used by the text generator, kept for round trips
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    urgency: Mapped[str] = mapped_column(String(16), default="routine")
    kb_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Disease {self.icd10} {self.name}>"
