"""Patient privacy self-service: "download my data" and "delete my account"."""

from __future__ import annotations

import json

from conftest import PASSWORD, client_for, make_user

from app.services import accounts
from app.services.mail import send_email
from models import ApiToken, AuditEvent, Diagnosis, OutboxMessage, Review, User, db


def _assessment(patient, symptoms: str, *, entered_by=None, source="self", reviewed_by=None) -> Diagnosis:
    d = Diagnosis(patient_id=patient.id if patient else None, entered_by_id=(entered_by or patient).id,
                  source=source, symptoms=symptoms, age=40, sex="female", model_version="v-test",
                  differential=[{"disease": "Migraine", "icd10": "G43", "probability": 0.7}],
                  top_probability=0.7, triage_level="routine", triage_reasons=["no red flags"],
                  explanation={"words": ["headache"]}, abstained=False)
    db.session.add(d)
    db.session.flush()
    if reviewed_by is not None:
        db.session.add(Review(diagnosis_id=d.id, outcome="corrected", final_icd10="G44",
                              final_disease="Tension-type headache", reviewer_id=reviewed_by.id, note="follow up"))
    db.session.commit()
    return d


def _events(action):
    return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)).all()


def test_export_contains_own_assessments_and_reviews_only(app, users):
    me, other, doc = users["patient"], make_user("patient", "other@example.org"), users["clinician"]
    mine_self = _assessment(me, "my own headache text")
    mine_clinic = _assessment(me, "clinic entered text", entered_by=doc, source="clinician", reviewed_by=doc)
    _assessment(other, "someone else's private text")
    _assessment(None, "anonymous clinic case", entered_by=doc, source="clinician")

    resp = client_for(app, me).post("/auth/profile/export")
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    assert resp.headers["Cache-Control"] == "no-store"
    data = json.loads(resp.data)
    assert data["user"]["email"] == me.email and data["user"]["role"] == "patient"
    assert "password_hash" not in json.dumps(data)
    assert [a["id"] for a in data["assessments"]] == [mine_self.id, mine_clinic.id]
    assert data["assessments"][0]["symptoms"] == "my own headache text"
    assert data["assessments"][0]["review"] is None
    review = data["assessments"][1]["review"]
    assert review["outcome"] == "corrected" and review["final_icd10"] == "G44" and review["note"] == "follow up"
    assert data["assessments"][1]["triage"] == {"level": "routine", "reasons": ["no red flags"]}
    text = resp.get_data(as_text=True)
    assert "someone else's private text" not in text and "anonymous clinic case" not in text

    (event,) = _events("user.data_export")
    assert event.actor_id == me.id and event.details["assessments"] == [mine_self.id, mine_clinic.id]
    assert "headache" not in json.dumps(event.details)


def test_clinician_export_holds_no_patient_records(app, users):
    doc = users["clinician"]
    _assessment(users["patient"], "patient text", entered_by=doc, source="clinician")
    data = client_for(app, doc).post("/auth/profile/export").get_json()
    assert data["user"]["role"] == "clinician" and data["assessments"] == []


def test_export_needs_login_and_post(client, app, users):
    assert client.post("/auth/profile/export").status_code == 302  # to the login page
    assert client_for(app, users["patient"]).get("/auth/profile/export").status_code == 405


def test_delete_account_deidentifies_and_keeps_clinical_content_and_audit(app, users):
    me, doc = users["patient"], users["clinician"]
    own = _assessment(me, "self text")
    clinic = _assessment(me, "clinic text", entered_by=doc, source="clinician", reviewed_by=doc)
    token_row, plain = ApiToken.issue(me, 3600)
    db.session.add(token_row)
    send_email(me.email, "Queued", "welcome", name=me.name, login_url="x")
    db.session.commit()
    my_id, old_email = me.id, me.email
    c = client_for(app, me)
    assert c.get("/auth/profile").status_code == 200
    events_before = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))

    wrong = c.post("/auth/profile/delete", data={"delete-password": "not-my-Password-1", "delete-confirm": "y"})
    assert wrong.status_code == 200 and b"The password is not correct." in wrong.data
    unticked = c.post("/auth/profile/delete", data={"delete-password": PASSWORD})
    assert b"Tick the box to confirm." in unticked.data
    db.session.expire_all()
    assert db.session.get(User, my_id).deleted_at is None

    resp = c.post("/auth/profile/delete", data={"delete-password": PASSWORD, "delete-confirm": "y"})
    assert resp.status_code == 302
    assert c.get("/auth/profile").status_code == 302  # logged out

    db.session.expire_all()
    user = db.session.get(User, my_id)
    assert user.email == f"deleted-{my_id}@invalid" and user.name == "Deleted user"
    assert user.deleted_at is not None and not user.active and not user.is_active
    assert not user.check_password(PASSWORD)

    for d, text in ((own, "self text"), (clinic, "clinic text")):
        row = db.session.get(Diagnosis, d.id)
        assert row.symptoms == text and row.patient_id is None and row.differential
    assert db.session.get(Diagnosis, own.id).entered_by_id is None  # the self-entry is not linkable either
    assert db.session.get(Diagnosis, clinic.id).entered_by_id == doc.id
    assert db.session.get(Diagnosis, clinic.id).review.outcome == "corrected"

    assert db.session.get(ApiToken, token_row.id).revoked_at is not None
    assert db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.recipient == old_email)) is None
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) > events_before
    (event,) = _events("user.delete")
    assert event.target_id == str(my_id) and event.details["assessments_detached"] == 2

    # The old credentials are dead and the address is free for a new account.
    anon = app.test_client()
    login = anon.post("/auth/login", data={"email": old_email, "password": PASSWORD})
    assert b"Invalid e-mail or password." in login.data
    again = anon.post("/auth/register", data={"name": "New", "email": old_email, "password": PASSWORD,
                                              "confirm": PASSWORD})
    assert again.status_code == 302


def test_the_only_admin_cannot_delete_their_account(app, users):
    admin = users["admin"]
    resp = client_for(app, admin).post("/auth/profile/delete",
                                       data={"delete-password": PASSWORD, "delete-confirm": "y"})
    assert resp.status_code == 200 and b"only administrator" in resp.data
    db.session.expire_all()
    assert db.session.get(User, admin.id).deleted_at is None


def test_deleted_user_has_no_reset_link_or_login(app, users):
    me = users["patient"]
    token = accounts.make_reset_token(me)
    accounts.delete_account(me)
    assert accounts.verify_reset_token(token) is None
    accounts.request_password_reset(f"deleted-{me.id}@invalid")
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 0
    accounts.delete_account(me)  # idempotent
    assert len(_events("user.delete")) == 1
