"""Reading the audit trail: filters for the admin viewer and a streamed CSV export.

Why a separate module from app/services/audit.py: that one only appends events; this one
reads them, and both the page and the CSV must apply exactly the same filters.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func

from models import AuditEvent, db

CSV_COLUMNS = ("id", "created_at", "actor_email", "actor_id", "action", "target_type", "target_id", "ip", "details")


@dataclass
class AuditFilter:
    actor: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def as_query_args(self) -> dict[str, str]:
        """The non-empty filters as query-string values (for links to pages and the CSV)."""
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items() if v}


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def query(flt: AuditFilter):
    """SELECT of the events matching every given filter, newest first."""
    stmt = db.select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if flt.actor.strip():
        escaped = flt.actor.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(func.lower(AuditEvent.actor_email).like(f"%{escaped}%", escape="\\"))
    action = flt.action.strip()
    if action.endswith("*") or action.endswith("."):
        prefix = action.rstrip("*")
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(AuditEvent.action.like(f"{escaped}%", escape="\\"))
    elif action:
        stmt = stmt.where(AuditEvent.action == action)
    if flt.target_type.strip():
        stmt = stmt.where(AuditEvent.target_type == flt.target_type.strip())
    if flt.target_id.strip():
        stmt = stmt.where(AuditEvent.target_id == flt.target_id.strip())
    if flt.date_from:
        stmt = stmt.where(AuditEvent.created_at >= _start_of(flt.date_from))
    if flt.date_to:
        stmt = stmt.where(AuditEvent.created_at < _start_of(flt.date_to + timedelta(days=1)))
    return stmt


def known_values() -> dict[str, list[str]]:
    """Distinct actions and target types, offered as suggestions in the filter form."""
    actions = db.session.scalars(db.select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    types = db.session.scalars(db.select(AuditEvent.target_type).where(AuditEvent.target_type.is_not(None))
                               .distinct().order_by(AuditEvent.target_type)).all()
    return {"actions": list(actions), "target_types": list(types)}


def _cell(value) -> str:
    """Text for a CSV cell; a leading = + - @ is quoted so spreadsheets never run it as a formula."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        text = "'" + text
    return text


def last_id() -> int:
    """The newest event id now: an export covers the log as it was when it was asked for."""
    return db.session.scalar(db.select(func.max(AuditEvent.id))) or 0


def csv_lines(flt: AuditFilter, up_to_id: int | None = None, batch: int = 500) -> Iterator[str]:
    """The header and one line per matching event, read in batches (memory stays flat)."""
    buf = io.StringIO()
    writer = csv.writer(buf)

    def flush() -> str:
        out = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return out

    writer.writerow(CSV_COLUMNS)
    yield flush()
    stmt = query(flt)
    if up_to_id is not None:
        stmt = stmt.where(AuditEvent.id <= up_to_id)
    result = db.session.execute(stmt.execution_options(yield_per=batch)).scalars()
    for n, event in enumerate(result, 1):
        created = event.created_at
        if created is not None and created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        writer.writerow([_cell(v) for v in (
            event.id, created.isoformat() if created else "", event.actor_email, event.actor_id, event.action,
            event.target_type, event.target_id, event.ip, json.dumps(event.details or {}, sort_keys=True),
        )])
        if n % 100 == 0:
            yield flush()
    rest = flush()
    if rest:
        yield rest
