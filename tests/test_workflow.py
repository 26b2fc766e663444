"""Issue 15: the clinician's workflow (lists, filters, save and next, urgency override, review form
errors), explanations people can trust, and the patient's result, history and PDF."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import bearer, client_for, ddx, make_assessment, make_user, pdf_text

from app.services import assessment as svc
from app.services.agreement import agreement_report
from app.services.highlights import can_highlight, select_highlights
from app.services.plain_names import plain_name
from app.services.review import create_review
from app.templating import emergency_tel, snippet, waited
from models import AuditEvent, Diagnosis, Review, db

pytestmark = pytest.mark.serving_model  # `app` serves the tiny model, knowledge base seeded (tests/conftest.py)

MI = ddx(("Myocardial infarction", "I21.9", 0.62), ("Angina", "I20.9", 0.2), ("Pneumonia", "J18.9", 0.003))


def _csrf_off(app):
    app.config["WTF_CSRF_ENABLED"] = False


# -- clinician lists --------------------------------------------------------------------------

def test_worklist_shows_who_what_and_waiting_time(app, users):
    patient = users["patient"]
    old = make_assessment("Crushing chest pain since this morning, spreading to the left arm and jaw, sweaty",
                          MI, patient=patient, age=61, sex="male", created_at=datetime.now(UTC) - timedelta(hours=3, minutes=5))
    anon = make_assessment("sore throat", MI, age=None, source="self")
    html = client_for(app, users["clinician"]).get("/clinic/worklist").get_data(as_text=True)
    row = html[html.index(f"#{old.id}</a>"):]
    row = row[: row.index("</tr>")]
    assert patient.name in row and "61 y" in row and "male" in row
    assert "Crushing chest pain since this morning" in row and "\u2026" in row  # a snippet, not the whole text
    assert re.search(r"3 h [45] min", row), row
    anon_row = html[html.index(f"#{anon.id}</a>"):]
    assert f"Record #{anon.id}" in anon_row[: anon_row.index("</tr>")]
    assert '<th scope="col">Waiting</th>' in html


def test_worklist_filters_by_urgency_and_source(app, users):
    a = make_assessment("cough", MI, source="self")
    b = make_assessment("cough", MI, source="clinician")
    c = client_for(app, users["clinician"])
    html = c.get("/clinic/worklist?source=self").get_data(as_text=True)
    assert f"#{a.id}</a>" in html and f"#{b.id}</a>" not in html
    html = c.get("/clinic/worklist?level=emergency").get_data(as_text=True)
    assert f"#{a.id}</a>" not in html  # both are routine


def test_history_source_filter_and_reversed_dates(app, users):
    a = make_assessment("rash on the arm", MI, source="self")
    b = make_assessment("rash on the leg", MI, source="clinician")
    c = client_for(app, users["clinician"])
    html = c.get("/clinic/history?source=clinician").get_data(as_text=True)
    assert f"#{b.id}</a>" in html and f"#{a.id}</a>" not in html
    today = date.today()
    resp = c.get(f"/clinic/history?date_from={today}&date_to={today - timedelta(days=3)}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "The end date is before the start date." in html and "data-error-summary" in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="date_to-error"' in html
    assert f"#{a.id}</a>" not in html and f"#{b.id}</a>" not in html  # nothing listed for a rejected search


# -- review: urgency override, save and next, errors --------------------------------------------

def test_urgency_override_needs_a_reason_is_stored_beside_the_ai_and_audited(app, users):
    d = make_assessment("cough", MI)
    clinician = users["clinician"]
    with pytest.raises(svc.InvalidInput) as exc:
        create_review(d, clinician, "accepted", triage_level="urgent")
    assert "triage_reason" in exc.value.fields
    review = create_review(d, clinician, "accepted", triage_level="urgent", triage_reason="SpO2 91% on arrival")
    db.session.refresh(d)
    assert d.triage_level == "routine"  # the AI's level is never changed
    assert review.triage_level == "urgent" and review.triage_reason == "SpO2 91% on arrival"
    assert review.urgency_overridden
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "review.urgency_override"))
    assert event.details["from_level"] == "routine" and event.details["to_level"] == "urgent"
    assert "SpO2" not in str(event.details)  # free text stays out of the audit trail
    body = svc.to_dict(d)
    assert body["triage"]["level"] == "routine" and body["review"]["triage_level"] == "urgent"
    deid_review = svc.to_dict(d, deidentify=True)["review"]
    assert "triage_reason" not in deid_review and deid_review["triage_level"] == "urgent"  # the level, not the words


def test_agreeing_urgency_is_recorded_and_joins_the_dashboard(app, users):
    clinician = users["clinician"]
    create_review(make_assessment("a", MI), clinician, "accepted")  # agrees by default
    create_review(make_assessment("b", MI), clinician, "accepted", triage_level="emergency", triage_reason="ST elevation")
    create_review(make_assessment("c", MI), clinician, "rejected", triage_level="routine")
    assert db.session.scalar(db.select(db.func.count(Review.id)).where(Review.triage_level == "routine")) == 2
    report = agreement_report()
    assert report.urgency_n == 3 and report.urgency_agree == 2
    assert report.urgency_changes == [("routine", "emergency", 1)]
    assert report.small_sample
    html = client_for(app, users["ml"]).get("/ml/agreement").get_data(as_text=True)
    assert "Urgency agreement" in html and "67%" in html
    assert "small-sample" in html


def test_save_and_next_goes_to_the_top_of_the_worklist(app, users):
    _csrf_off(app)
    first = make_assessment("cough", MI, created_at=datetime.now(UTC) - timedelta(hours=2))
    second = make_assessment("cough", MI, created_at=datetime.now(UTC) - timedelta(hours=1))
    c = client_for(app, users["clinician"])
    html = c.get(f"/clinic/assessments/{first.id}").get_data(as_text=True)
    assert 'name="then" value="next"' in html and "Save and next" in html
    resp = c.post(f"/clinic/assessments/{first.id}/review", data={"outcome": "accepted", "then": "next"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/clinic/assessments/{second.id}")
    resp = c.post(f"/clinic/assessments/{second.id}/review", data={"outcome": "rejected", "then": "next"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/clinic/worklist")


def test_review_errors_are_summarised_and_linked_to_their_fields(app, users):
    _csrf_off(app)
    d = make_assessment("cough", MI)
    c = client_for(app, users["clinician"])
    resp = c.post(f"/clinic/assessments/{d.id}/review", data={"outcome": "corrected", "triage_level": "emergency"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    summary = html[html.index("data-error-summary"):]
    summary = summary[: summary.index("</div>")]
    assert 'href="#final_icd10"' in summary and 'href="#triage_reason"' in summary
    select = re.search(r"<select[^>]*id=\"final_icd10\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in select and 'aria-describedby="final_icd10-error"' in select
    assert 'id="final_icd10-error"' in html and 'id="triage_reason-error"' in html
    assert db.session.get(Diagnosis, d.id).review is None


def test_reviewed_result_shows_both_urgencies_and_next_case(app, users):
    d = make_assessment("cough", MI)
    waiting = make_assessment("fever", MI)
    create_review(d, users["clinician"], "accepted", triage_level="urgent", triage_reason="looks unwell")
    html = client_for(app, users["clinician"]).get(f"/clinic/assessments/{d.id}").get_data(as_text=True)
    assert "Reason for the change:" in html and "looks unwell" in html
    assert f'href="/clinic/assessments/{waiting.id}"' in html and "Next unreviewed case" in html


# -- explanations ------------------------------------------------------------------------------

@pytest.mark.parametrize("word,ok", [("the", False), ("woman", False), ("days", False), ("34", False),
                                     ("34-year-old", False), ("3days", False), ("old", False), ("cough,", True),
                                     ("wheezing", True), ("chest", True)])
def test_only_content_words_can_be_highlighted(word, ok):
    assert can_highlight(word) is ok


def test_highlights_need_a_minimum_attribution():
    words = ["34", "year", "old", "woman", "with", "a", "dry", "cough", "for", "3", "days", "tired"]
    scores = [0.3, 0.2, 0.2, 0.25, 0.1, 0.1, 0.01, 0.08, 0.1, 0.2, 0.3, 0.019]
    payload = {"words": words, "by_icd10": {"J20.9": {"scores": scores, "top_indices": [0, 10, 3], "top_words": []}}}
    out = select_highlights(payload, 0.02)
    assert out["by_icd10"]["J20.9"]["top_words"] == ["cough"]
    assert out["by_icd10"]["J20.9"]["top_indices"] == [7]
    assert payload["by_icd10"]["J20.9"]["top_indices"] == [0, 10, 3]  # the stored scores are untouched


def test_no_zero_percent_rows(app, users):
    d = make_assessment("cough", MI)
    rows = svc.differential_for_display(d)
    assert [r["icd10"] for r in rows] == ["I21.9", "I20.9"]
    html = client_for(app, users["clinician"]).get(f"/clinic/assessments/{d.id}").get_data(as_text=True)
    listed = html[html.index('<ol class="differential'):html.index("</ol>")]
    assert ">0%<" not in listed and "Pneumonia" not in listed and "Angina" in listed


def test_hidden_wins_over_button_display():
    css = open("static/css/app.css", encoding="utf-8").read()
    assert re.search(r"\[hidden\]\s*\{\s*display:\s*none\s*!important", css)


# -- patient -----------------------------------------------------------------------------------

def test_lay_name_first():
    assert plain_name("Myocardial infarction", "I21.9") == "Heart attack (myocardial infarction)"
    assert plain_name("Migraine", "G43.9") == "Migraine"
    assert plain_name("COPD exacerbation", "J44.1") == "COPD flare-up (COPD exacerbation)"


def test_patient_result_lay_names_one_disclaimer_and_tap_to_call(app, users):
    patient = users["patient"]
    d = make_assessment("crushing chest pain", MI, patient=patient, source="self")
    d.triage_level = "emergency"
    db.session.commit()
    html = client_for(app, patient).get(f"/me/assessments/{d.id}").get_data(as_text=True)
    assert "Could be: Heart attack (myocardial infarction)" in html
    assert html.lower().count("not a diagnosis") == 1
    assert html.count('href="tel:112"') == 2 and '<a class="emergency-call" href="tel:112">Call 112 now</a>' in html
    assert "What may help meanwhile" not in html  # no self-care on an emergency ...
    first_aid = html[html.index("First aid while you wait"):]
    first_aid = first_aid[: first_aid.index("</ul>")]
    assert "aspirin" in first_aid and "Angina" not in first_aid  # ... but an emergency condition's first aid stays
    main = html[html.index("<main"):html.index("</main>")]
    assert "999" not in main and "911" not in main


def test_emergency_number_is_one_configurable_number(app, users):
    assert emergency_tel("999") == "tel:999" and emergency_tel("+44 20 7946 0000") == "tel:+442079460000"
    app.config["EMERGENCY_NUMBER"] = "911"
    d = make_assessment("chest pain", MI, patient=users["patient"], source="self")
    d.triage_level = "emergency"
    db.session.commit()
    html = client_for(app, users["patient"]).get(f"/me/assessments/{d.id}").get_data(as_text=True)
    # the footer names the served model, a timestamped version that may itself contain "112"
    footer = f"Model {app.extensions['model_holder'].version}<"
    assert footer in html
    html = html.replace(footer, "Model <")
    assert '<a class="emergency-call" href="tel:911">Call 911 now</a>' in html and "112" not in html


def test_emergency_number_never_blank_and_one_number_dialled(app_factory):
    assert emergency_tel("112 / 999 / 911") == "tel:112"  # the old default: the first number, not 112999911
    app = app_factory(EMERGENCY_NUMBER="  ")
    assert app.config["EMERGENCY_NUMBER"] == "112"
    html = app.test_client().get("/").get_data(as_text=True)
    assert '<a href="tel:112">112</a>' in html


def test_patient_sees_a_clinicians_changed_urgency(app, users):
    patient = users["patient"]
    d = make_assessment("chest pain", MI, patient=patient, source="self")
    create_review(d, users["clinician"], "accepted", triage_level="emergency", triage_reason="ST elevation")
    c = client_for(app, patient)
    html = c.get(f"/me/assessments/{d.id}").get_data(as_text=True)
    card = html[html.index("A clinician has looked at this"):]
    card = card[: card.index("</section>")]
    assert "A clinician changed how urgently you need care: Emergency" in card
    assert '<a class="emergency-call" href="tel:112">Call 112 now</a>' in card
    assert "ST elevation" not in html  # the clinician's reason is not shown to the patient
    text = pdf_text(c.get(f"/me/assessments/{d.id}/summary.pdf").data).replace("\n", " ")
    assert "A clinician changed how urgently you need care" in " ".join(text.split())


def test_api_asks_a_patient_again_like_the_page(app, users):
    c = app.test_client()
    resp = c.post("/api/v1/assessments", headers=bearer(users["patient"]), json={"symptoms": "asdf"})
    assert resp.status_code == 422
    assert "symptoms" in resp.get_json()["error"]["fields"]["json"]
    assert db.session.scalar(db.select(db.func.count(Diagnosis.id))) == 0
    resp = c.post("/api/v1/assessments", headers=bearer(users["patient"]), json={"symptoms": "I want to end my life"})
    assert resp.status_code == 201 and resp.get_json()["triage"]["level"] == "emergency"  # never refused
    resp = c.post("/api/v1/assessments", headers=bearer(users["clinician"]), json={"symptoms": "asdf"})
    assert resp.status_code == 201 and resp.get_json()["explanation"]["abstain_reason"] == "no_symptom_content"


def test_strict_scrub_of_staff_notes_keeps_clinical_words():
    from app.services.phi import scrub_text

    for note in ("Kidney stone on CT, not appendicitis.", "Black stools and low Hb: upper GI bleed.",
                 "Deep vein thrombosis on Doppler.", "Harm to self risk: refer.", "Brain imaging normal.",
                 "Sharp pleuritic pain. Clear chest.", "Colon cancer more likely.", "Minor head injury."):
        assert scrub_text(note, strict=True) == note
    assert scrub_text("Karen says she was fine. Talked to Peter.", strict=True) == "[name] says she was fine. Talked to [name]."


@pytest.mark.parametrize("text", ["asdf", "hello hello", "qwerty qwerty 123"])
def test_text_without_symptoms_asks_again_and_stores_nothing(app, users, text):
    _csrf_off(app)
    c = client_for(app, users["patient"])
    resp = c.post("/me/assess", data={"symptoms": text})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "We could not find any symptoms in what you wrote" in html and 'aria-invalid="true"' in html
    assert "summary.pdf" not in html
    assert db.session.scalar(db.select(db.func.count(Diagnosis.id))) == 0


def test_alarming_text_is_never_refused_for_lack_of_symptom_words(app, users):
    _csrf_off(app)
    c = client_for(app, users["patient"])
    resp = c.post("/me/assess", data={"symptoms": "I want to end my life"})
    assert resp.status_code == 302
    assert db.session.scalar(db.select(Diagnosis)).triage_level == "emergency"


def test_patient_history_shows_snippet_and_pdf(app, users):
    patient = users["patient"]
    d = make_assessment("sneezing and a blocked nose for two days, worse in the morning and outside in the park",
                        MI, patient=patient, source="self")
    html = client_for(app, patient).get("/me/assessments").get_data(as_text=True)
    assert "sneezing and a blocked nose for two days" in html
    assert f'href="/me/assessments/{d.id}/summary.pdf"' in html
    assert "<th></th>" not in html


def test_pdf_shows_the_page_possibilities_in_plain_words_with_name_and_age(app, users):
    patient = make_user("patient", "zoe@example.org", "Zo\u00eb Example")
    d = make_assessment("chest pain", MI, patient=patient, source="self", age=58)
    c = client_for(app, patient)
    html = c.get(f"/me/assessments/{d.id}").get_data(as_text=True)
    text = pdf_text(c.get(f"/me/assessments/{d.id}/summary.pdf").data).replace("\\(", "(").replace("\\)", ")")
    assert "Zo\u00eb Example" in text and "age 58" in text
    for shown in re.findall(r"Could be: ([^<]+)</h3>", html):
        assert f"Could be: {shown}" in text.replace("\n", " ")
    assert "Heart attack (myocardial infarction)" in text and "Pneumonia" not in text
    assert "999" not in text and "911" not in text  # the knowledge base's numbers become the deployment's one


def test_snippet_and_waited_helpers():
    assert snippet("a " * 100, 10).endswith("\u2026") and len(snippet("a " * 100, 10)) <= 11
    now = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)
    assert waited(now - timedelta(minutes=5), now) == "5 min"
    assert waited(now - timedelta(hours=2, minutes=3), now) == "2 h 3 min"
    assert waited(now - timedelta(days=1, hours=4), now) == "1 d 4 h"


def test_pages_show_no_server_folders():
    from app.templating import basename, hide_paths

    assert hide_paths("artifact written to /srv/app/instance/models/20261130-1 in 16 s") == \
        "artifact written to .../20261130-1 in 16 s"
    assert hide_paths("epoch 1/3 loss 0.5") == "epoch 1/3 loss 0.5"
    assert basename("/srv/app/instance/exports/cases.jsonl") == "cases.jsonl" and basename("kb") == "kb"
