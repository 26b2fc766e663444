"""Patient pages (/me): plain-language self-assessment, result, PDF summary, own history only."""

from __future__ import annotations

import pytest
from conftest import client_for, make_user, pdf_text
from markupsafe import escape

from app.services import assessment as svc
from app.services.plain_names import local_emergency_number
from models import Diagnosis, OutboxMessage, db

pytestmark = pytest.mark.serving_model  # `app` serves the tiny model, knowledge base seeded (tests/conftest.py)


def _self(users, text, who="patient"):
    return svc.create_assessment(text, actor=users[who], patient=users[who], source="self")


def test_self_assessment_flow_routine(app, users):
    c = client_for(app, users["patient"])
    page = c.get("/me/assess").get_data(as_text=True)
    assert "Check my symptoms" in page and 'call <a href="tel:112">112</a> now' in page
    resp = c.post("/me/assess", data={"symptoms": "sneezing and a blocked nose for two days", "age": "30"})
    assert resp.status_code == 302
    d = db.session.scalar(db.select(Diagnosis))
    assert d.source == "self" and d.patient_id == users["patient"].id
    html = c.get(resp.headers["Location"]).get_data(as_text=True)
    assert html.index("What to do") < html.index("What it could be")
    assert "Could be:" in html
    # Never phrased as a diagnosis: no "you have <condition>" for any suggested condition.
    lowered = html.lower()
    for item in d.differential:
        assert f"you have {item['disease'].lower()}" not in lowered
    assert "This is not a diagnosis." in html
    top = svc.knowledge_snapshot().by_code[d.differential[0]["icd10"]]
    tip = local_emergency_number(top.precautions[0], app.config["EMERGENCY_NUMBER"])
    # as the template writes it (Jinja escapes "&" and "'": a tip with "A&E" is "A&amp;E" in the page)
    shown = str(escape(tip)) in html
    # Self-care tips are shown, except on an emergency result (issue 15: get help now); an emergency
    # condition's first aid is kept there (docs/clinical-safety.md H3).
    assert shown == (d.triage_level != "emergency" or top.urgency == "emergency"), (d.triage_level, top.urgency)


def test_emergency_leads_with_call_now_and_clinicians_are_told(app, users, smtp_server):
    from app.services.outbox import deliver_pending

    c = client_for(app, users["patient"])
    resp = c.post("/me/assess", data={"symptoms": "I have crushing chest pain and I am sweating"})
    html = c.get(resp.headers["Location"]).get_data(as_text=True)
    main = html[html.index("<main"):]
    assert main.index('<a class="emergency-call" href="tel:112">Call 112 now</a>') < main.index("What it could be")
    msgs = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "urgent_assessment")).all()
    assert [m.recipient for m in msgs] == [users["clinician"].email]
    deliver_pending(app)
    [mail] = smtp_server.wait_for(1)
    body = mail.get_body(preferencelist=("plain",)).get_content()
    d = db.session.scalar(db.select(Diagnosis))
    assert f"/clinic/assessments/{d.id}" in body and "chest" not in body.lower()


def test_routine_self_assessment_does_not_notify(app, users):
    app.config["ABSTAIN_THRESHOLD"] = 0.99  # the rules alone: a random tiny model may rank an urgent condition
    _self(users, "sneezing and a runny nose")
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_abstained_says_we_are_not_sure(app, users):
    d = _self(users, "hello there")
    html = client_for(app, users["patient"]).get(f"/me/assessments/{d.id}").get_data(as_text=True)
    assert "We are not sure." in html and "Could be:" not in html


def test_summary_pdf(app, users):
    d = _self(users, "I want to end my life \u2013 everything feels hopeless \U0001f622")
    resp = client_for(app, users["patient"]).get(f"/me/assessments/{d.id}/summary.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.data.startswith(b"%PDF")
    text = pdf_text(resp.data)
    assert "Emergency: call the emergency number now" in text and "Call 112 now." in text


def test_other_patients_records_are_404(app, users):
    mine = _self(users, "sneezing and a runny nose", "patient2")
    c = client_for(app, users["patient"])
    assert c.get(f"/me/assessments/{mine.id}").status_code == 404
    assert c.get(f"/me/assessments/{mine.id}/summary.pdf").status_code == 404
    own = _self(users, "a sore throat")
    html = c.get("/me/assessments").get_data(as_text=True)
    assert f"/me/assessments/{own.id}\"" in html and f"/me/assessments/{mine.id}\"" not in html


@pytest.mark.parametrize("role", ["clinician", "admin", "ml"])
def test_patient_pages_are_for_patients(app, users, role):
    d = _self(users, "sneezing and a runny nose")
    c = client_for(app, users[role])
    for url in ("/me/assess", f"/me/assessments/{d.id}", f"/me/assessments/{d.id}/summary.pdf", "/me/assessments"):
        assert c.get(url).status_code == 403, url


def test_anonymous_is_sent_to_login(app, users):
    resp = app.test_client().get("/me/assess")
    assert resp.status_code == 302 and "/auth/login" in resp.headers["Location"]


def test_no_model_patient_still_gets_urgency(app_factory, knowledge_base):
    from app.services.seed import seed_diseases

    application = app_factory()
    with application.app_context():
        seed_diseases(knowledge_base)
        c = client_for(application, make_user("patient"))
        resp = c.post("/me/assess", data={"symptoms": "my lips are turning blue"})
        assert resp.status_code == 503
        html = resp.get_data(as_text=True)
        assert "We cannot check the possible causes right now" in html and 'href="tel:112">Call 112 now</a>' in html
