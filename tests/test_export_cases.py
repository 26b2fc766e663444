"""`flask export-cases` and the download on the ML page: labels, de-identification, audit."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from conftest import add_review, client_for, ddx, make_assessment, make_user

from app.services.export_cases import age_band, case_id, export_salt, scrub_text
from models import AuditEvent, Disease, db

FLU = ("Influenza", "J11.1", 0.61)
COLD = ("Common cold", "J00", 0.22)
MIGRAINE = ("Migraine", "G43.9", 0.09)


@pytest.fixture
def diseases(app):
    for name, code, _ in (FLU, COLD, MIGRAINE):
        db.session.add(Disease(name=name, icd10=code))
    db.session.commit()


@pytest.fixture
def cases(app, users, diseases):
    """Two accepted, one corrected, one rejected, one unreviewed; identifiers planted in the text."""
    patient = make_user("patient", "jane.roe@example.org", name="Janet Roewood")
    clin = users["clinician"]
    when = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
    a = make_assessment("Janet Roewood here, fever and aches since 12/03/2025, call me on +44 7700 900123 "
                        "or jane.roe@example.org, NHS no 9434765919", ddx(FLU, COLD, MIGRAINE),
                        patient=patient, entered_by=clin, age=47, sex="female", created_at=when)
    b = make_assessment("runny nose and sneezing for two days", ddx(COLD, FLU), entered_by=clin, age=93, sex="male")
    c = make_assessment("throbbing one-sided headache with nausea", ddx(FLU, MIGRAINE), entered_by=clin, age=31)
    d = make_assessment("something odd", ddx(COLD), entered_by=clin)
    make_assessment("never reviewed", ddx(COLD), entered_by=clin)
    add_review(a, "accepted", clin)
    add_review(b, "accepted", clin)
    add_review(c, "corrected", clin, final_icd10="G43.9", note="classic migraine")
    add_review(d, "rejected", clin, note="not enough information")
    return {"a": a, "b": b, "c": c, "d": d, "patient": patient}


def read_jsonl(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_cli_exports_final_labels_and_counts(app, runner, cases, tmp_path):
    out = tmp_path / "cases.jsonl"
    result = runner.invoke(args=["export-cases", str(out)])
    assert result.exit_code == 0, result.output
    assert "exported 3 cases (2 accepted, 1 corrected)" in result.output
    rows = read_jsonl(out)
    assert [r["label"] for r in rows] == ["J11.1", "J00", "G43.9"]  # accepted -> AI top; corrected -> final
    assert [r["outcome"] for r in rows] == ["accepted", "accepted", "corrected"]
    assert {r["source"] for r in rows} == {"clinician_confirmed"}
    assert rows[0]["age_band"] == "40-49" and rows[0]["sex"] == "female" and rows[0]["month"] == "2025-03"
    assert rows[1]["age_band"] == "90+"
    assert rows[2]["age_band"] == "30-39" and rows[2]["sex"] is None
    assert all(r["model_version"] == "test-version" for r in rows)
    assert set(rows[0]) == {"text", "label", "source", "outcome", "age_band", "sex", "month", "case_id", "model_version"}
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "cases.export")).all()
    assert len(events) == 1 and events[0].details["total"] == 3 and events[0].details["via"] == "cli"


def test_export_is_deidentified(app, runner, cases, tmp_path):
    out = tmp_path / "cases.jsonl"
    assert runner.invoke(args=["export-cases", str(out)]).exit_code == 0
    raw = out.read_text()
    for forbidden in ("jane.roe", "@example.org", "Janet", "Roewood", "7700", "900123", "9434765919", "12/03/2025",
                      "2025-03-14", "Test clinician"):
        assert forbidden not in raw, forbidden
    rows = read_jsonl(out)
    assert not any(re.search(r"\d{5,}", r["text"]) for r in rows)
    row = rows[0]
    assert "fever and aches" in row["text"] and "[email]" in row["text"] and "[phone]" in row["text"]
    # no ids of users or diagnoses: the case id is a salted hash, stable across exports
    assert str(cases["a"].id) != row["case_id"] and len(row["case_id"]) == 20
    assert row["case_id"] == case_id(cases["a"].id, export_salt())
    assert "patient_id" not in raw and "reviewer" not in raw


def test_case_id_depends_on_the_secret(app):
    one = case_id(1, export_salt())
    app.config["SECRET_KEY"] = "another-secret"
    assert case_id(1, export_salt()) != one
    app.config["EXPORT_SALT"] = "fixed"
    assert case_id(1, export_salt()) == case_id(1, b"fixed")


def test_unknown_codes_and_unlabelled_reviews_are_skipped_with_a_reason(app, runner, users, diseases, tmp_path):
    clin = users["clinician"]
    add_review(make_assessment("x y z", ddx(FLU), entered_by=clin), "corrected", clin, final_icd10="Z99.9")
    add_review(make_assessment("a b c", [], entered_by=clin, abstained=True), "accepted", clin)
    add_review(make_assessment("d e f", ddx(COLD), entered_by=clin), "corrected", clin, final_icd10="J00")
    out = tmp_path / "sub" / "cases.jsonl"
    result = runner.invoke(args=["export-cases", str(out)])
    assert result.exit_code == 0, result.output
    assert "code Z99.9 is not in the disease records" in result.output
    assert "accepted without an AI suggestion" in result.output
    assert [r["label"] for r in read_jsonl(out)] == ["J00"]


def test_unwritable_destination_is_a_clear_error(app, runner, cases, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(args=["export-cases", str(blocker / "cases.jsonl")])
    assert result.exit_code != 0
    assert "could not write" in result.output
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "cases.export")) == 0


def test_scrubber_and_age_bands():
    text = scrub_text("Mail a.b@c.org, ring 555-123-4567 or 07700900123; seen 3 March 2024 and 2024-03-03; "
                      "temp 38.5, bp 120/80 for 3 days; Ann Smithers", ["Ann Smithers"])
    assert "a.b@c.org" not in text and "555-123-4567" not in text and "07700900123" not in text
    assert "March 2024" not in text and "2024-03-03" not in text and "Smithers" not in text
    assert "38.5" in text and "120/80" in text and "3 days" in text  # clinical numbers survive
    assert [age_band(a) for a in (None, 0, 9, 10, 47, 89, 90, 104)] == [None, "0-9", "0-9", "10-19", "40-49", "80-89", "90+", "90+"]


def test_download_on_ml_page_is_audited_and_deidentified(app, cases):
    ml = make_user("ml", "ml2@example.org")
    client = client_for(app, ml)
    resp = client.post("/ml/export")
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    assert resp.headers["Cache-Control"] == "no-store"
    lines = [json.loads(x) for x in resp.data.decode().splitlines()]
    assert len(lines) == 3 and "jane.roe" not in resp.data.decode()
    ev = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "cases.export")).one()
    assert ev.actor_id == ml.id and ev.details["via"] == "web"


@pytest.mark.parametrize("role,status", [("patient", 403), ("clinician", 403), ("admin", 200), ("ml", 200)])
def test_download_permissions(app, users, cases, role, status):
    resp = client_for(app, users[role]).post("/ml/export")
    assert resp.status_code == status
    if status == 403:
        assert b"jane" not in resp.data


def test_download_needs_csrf_token(app_factory, tmp_path):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        ml = make_user("ml")
        resp = client_for(app, ml).post("/ml/export")
        assert resp.status_code == 400
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "cases.export")) == 0
