"""The audit-log viewer (/admin/audit): filters, pagination, CSV export of the filtered rows."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from conftest import client_for

from models import AuditEvent, db


def event(action, actor=None, target_type=None, target_id=None, when=None, **details) -> AuditEvent:
    e = AuditEvent(actor_id=getattr(actor, "id", None), actor_email=getattr(actor, "email", None), action=action,
                   target_type=target_type, target_id=None if target_id is None else str(target_id),
                   ip="127.0.0.1", details=details)
    if when is not None:
        e.created_at = when
    db.session.add(e)
    return e


@pytest.fixture
def events(app, users):
    adm, clin = users["admin"], users["clinician"]
    event("user.login", clin, "user", clin.id, datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    event("diagnosis.read", clin, "diagnosis", 17, datetime(2026, 1, 6, 10, 0, tzinfo=UTC))
    event("diagnosis.read", clin, "diagnosis", 18, datetime(2026, 1, 7, 23, 59, tzinfo=UTC))
    event("disease.update", adm, "disease", 3, datetime(2026, 1, 8, 8, 0, tzinfo=UTC), fields=["name"])
    event("user.role_change", adm, "user", clin.id, datetime(2026, 2, 1, 12, 0, tzinfo=UTC), old="patient",
          new="clinician")
    event("=cmd|' /C calc'!A0", None, "user", 1, datetime(2026, 2, 2, 12, 0, tzinfo=UTC))
    db.session.commit()


@pytest.fixture
def admin(app, users):
    return client_for(app, users["admin"])


def rows(page: str) -> int:
    """Rows of the events table (0 when there is no table)."""
    return max(0, page.count("<tr>") - 1)  # minus the header row


def csv_rows(resp) -> list[dict]:
    return list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))


def test_all_events_newest_first(admin, events):
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert rows(page) == 6
    page = page[page.index('class="audit-table"'):]
    assert page.index("user.role_change") < page.index("disease.update") < page.index("user.login")


@pytest.mark.parametrize("query,expected", [
    ("actor=clinician@", 3),
    ("actor=ADMIN@EXAMPLE.ORG", 2),
    ("action=diagnosis.read", 2),
    ("action=user.", 2),
    ("action=user.*", 2),
    ("action=user", 0),
    ("target_type=diagnosis", 2),
    ("target_type=diagnosis&target_id=18", 1),
    ("date_from=2026-01-06&date_to=2026-01-07", 2),  # the end date is inclusive
    ("date_from=2026-02-01", 2),
    ("date_to=2026-01-05", 1),
    ("actor=clinician&action=diagnosis.read&date_from=2026-01-07", 1),
])
def test_filters(admin, events, query, expected):
    resp = admin.get(f"/admin/audit?{query}")
    assert resp.status_code == 200
    assert rows(resp.get_data(as_text=True)) == expected
    export = admin.get(f"/admin/audit.csv?{query}")
    assert export.status_code == 200
    assert len(csv_rows(export)) == expected


@pytest.mark.parametrize("query,message", [
    ("date_from=yesterday", "Not a valid date value"),
    ("date_from=2026-02-01&date_to=2026-01-01", "The end date is before the start date"),
])
def test_invalid_filters_are_explained(admin, events, query, message):
    resp = admin.get(f"/admin/audit?{query}")
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert message in page and 'class="audit-table"' not in page
    if "yesterday" in query:
        assert admin.get(f"/admin/audit.csv?{query}").status_code == 400


def test_pagination(admin, users):
    for i in range(120):
        event("test.event", users["admin"], "thing", i)
    db.session.commit()
    first = admin.get("/admin/audit?action=test.event").get_data(as_text=True)
    assert rows(first) == 50 and "Page 1 of 3" in first
    assert "page=2" in first and "action=test.event" in first
    third = admin.get("/admin/audit?action=test.event&page=3").get_data(as_text=True)
    assert rows(third) == 20
    beyond = admin.get("/admin/audit?action=test.event&page=9").get_data(as_text=True)
    assert "No events match" in beyond
    assert len(csv_rows(admin.get("/admin/audit.csv?action=test.event"))) == 120  # the export is not paged


def test_csv_content(admin, events, users):
    resp = admin.get("/admin/audit.csv?target_type=user")
    assert resp.mimetype == "text/csv"
    assert resp.headers["Content-Disposition"].startswith('attachment; filename="audit-')
    assert resp.headers["Cache-Control"] == "no-store"
    data = csv_rows(resp)
    assert [r["action"] for r in data] == ["'=cmd|' /C calc'!A0", "user.role_change", "user.login"]
    role = data[1]
    assert role["actor_email"] == "admin@example.org"
    assert role["target_id"] == str(users["clinician"].id)
    assert json.loads(role["details"]) == {"new": "clinician", "old": "patient"}
    assert role["created_at"].startswith("2026-02-01T12:00:00")
    assert list(data[0]) == ["id", "created_at", "actor_email", "actor_id", "action", "target_type", "target_id",
                             "ip", "details"]


def test_export_is_audited(admin, events):
    admin.get("/admin/audit.csv?action=user.")
    e = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "audit.export"))
    assert e is not None and e.actor_email == "admin@example.org"
    assert e.details == {"filters": {"action": "user."}}


def test_export_streams_large_logs(admin, users):
    for i in range(1050):
        event("bulk.event", None, "thing", i)
    db.session.commit()
    resp = admin.get("/admin/audit.csv?action=bulk.event", buffered=False)
    assert resp.is_streamed
    chunks = list(resp.response)
    assert len(chunks) > 5  # sent in pieces, not built in memory as one string
    assert sum(c.count(b"\n") for c in chunks) == 1051
    resp.close()


def test_known_actions_are_suggested(admin, events):
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert '<option value="disease.update">' in page and '<option value="diagnosis">' in page


@pytest.mark.parametrize("role", ["patient", "clinician", "ml"])
def test_non_admins_cannot_read_or_export(app, users, events, role):
    c = client_for(app, users[role])
    assert c.get("/admin/audit").status_code == 403
    assert c.get("/admin/audit.csv").status_code == 403
