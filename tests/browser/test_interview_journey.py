"""Follow-up questions in Chromium (issue 14): a patient answers three questions one screen at a
time (warning signs first), then sees the result with the answers taken into account; an emergency
gets no questions; a clinician answers a subset of the checklist on the result page.

The assessments that get questions are made directly in the live server's database with a fixed
differential (the tiny test model's ranking is random, and a random top condition with an emergency
default urgency would rightly end the journey before any question).
"""

from __future__ import annotations

import re

import pytest
from conftest import log_in
from playwright.sync_api import expect

from . import axe

PHONE = {"width": 390, "height": 844}


def _accessible(page, where: str) -> None:
    """axe finds nothing serious, and the page fits a phone (as for every other page, issue 15)."""
    found = axe.serious(page)
    assert not found, f"{where}: {axe.describe(found)}"
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(50)
    assert axe.overflow(page) <= 0, f"{where}: wider than a phone"
    page.set_viewport_size(size)

SYMPTOMS = "I have had a dry cough, a runny nose and a sore throat for three days"
DIFFERENTIAL = [{"disease": "Common cold", "icd10": "J00", "probability": 0.45},
                {"disease": "Influenza", "icd10": "J11.1", "probability": 0.35},
                {"disease": "Acute tonsillitis", "icd10": "J03.9", "probability": 0.1},
                {"disease": "Gastroenteritis", "icd10": "A09", "probability": 0.05}]


@pytest.fixture
def stored_assessment(live_app):
    """stored_assessment(email, source) -> id of a routine assessment with DIFFERENTIAL for that user."""
    from models import Diagnosis, User, db

    def make(email: str, source: str = "self") -> int:
        with live_app.app_context():
            user = db.session.scalar(db.select(User).where(User.email == email))
            d = Diagnosis(patient_id=user.id if source == "self" else None, entered_by_id=user.id, source=source,
                          symptoms=SYMPTOMS, model_version="browser-test", differential=DIFFERENTIAL,
                          top_probability=0.45, triage_level="routine", triage_reasons=["No red flags found"],
                          explanation={"abstain_reason": None, "findings": {}, "red_flags": []}, abstained=False)
            db.session.add(d)
            db.session.commit()
            return d.id

    return make


def _answer_current(page, answer: str) -> str:
    """Answer the question on screen; a warning sign is answered "No" (a yes would end the
    questions as an emergency, which is another journey). Returns the question's text."""
    text = page.locator(".question-text").inner_text()
    if page.locator(".question-card .badge", has_text="Warning sign").count():
        answer = "No"
    page.get_by_role("button", name=answer, exact=True).click()
    page.wait_for_load_state()
    return text


def test_patient_answers_three_questions_one_per_screen(page, live_server, make_account, stored_assessment):
    email, password = make_account("patient", "Quinn Questions")
    diagnosis_id = stored_assessment(email)
    log_in(page, email, password)
    page.goto("/me/assessments")
    page.locator(f"a[href$='/me/assessments/{diagnosis_id}']").first.click()
    page.wait_for_url(re.compile(rf"/me/assessments/{diagnosis_id}$"))
    # The advice comes first; the questions are offered below it.
    expect(page.locator(".triage")).to_be_visible()
    page.click("#start-questions")
    page.wait_for_url(re.compile(rf"/me/assessments/{diagnosis_id}/questions$"))
    # A warning sign of a likely condition is asked first.
    expect(page.locator(".question-card .badge")).to_have_text("Warning sign")
    _accessible(page, "question page")

    asked = []
    for n, answer in enumerate(("Yes", "No", "Skip / I don't know"), start=1):
        expect(page.locator("#question-progress")).to_have_text(f"Question {n} of up to 5")
        expect(page.locator("progress.question-progress")).to_have_attribute("value", str(n - 1))
        expect(page.locator("form.question-form button")).to_have_count(3)  # one question per screen
        asked.append(_answer_current(page, answer))
    assert len(set(asked)) == 3, asked  # never the same question twice
    expect(page.locator("#question-progress")).to_have_text("Question 4 of up to 5")

    page.get_by_role("link", name="Stop here and see my result").click()
    page.wait_for_url(re.compile(rf"/me/assessments/{diagnosis_id}$"))
    expect(page.locator("#follow-up")).to_contain_text("You have answered 3 of up to 5 questions")
    _accessible(page, "result after answers")
    expect(page.locator(".possibility").first).to_contain_text("Could be:")
    expect(page.locator(".disclaimer").first).to_contain_text("not a diagnosis")
    assert not page.console_errors, page.console_errors


def test_an_emergency_gets_no_questions(page, live_server, make_account):
    email, password = make_account("patient", "Emma Emergency")
    log_in(page, email, password)
    page.goto("/me/assess")
    page.fill("textarea[name=symptoms]", "Crushing chest pain spreading to my left arm, sweating and short of breath")
    page.fill("input[name=age]", "61")
    page.click("form.stacked [type=submit]")
    page.wait_for_url(re.compile(r"/me/assessments/\d+$"))
    expect(page.locator(".emergency-call")).to_contain_text("now")
    expect(page.locator("#start-questions")).to_have_count(0)
    page.goto(page.url + "/questions")  # straight to the result: care first
    page.wait_for_url(re.compile(r"/me/assessments/\d+$"))
    assert not page.console_errors, page.console_errors


def test_clinician_answers_part_of_the_checklist(page, live_server, make_account, stored_assessment):
    email, password = make_account("clinician", "Dr Checklist")
    diagnosis_id = stored_assessment(email, source="clinician")
    log_in(page, email, password)
    page.goto(f"/clinic/assessments/{diagnosis_id}")
    rows = page.locator("#follow-up tr[data-question]")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 3
    expect(rows.first.locator(".badge")).to_have_text("red flag")  # red flags head the checklist
    _accessible(page, "clinician checklist")
    ids = [rows.nth(i).get_attribute("data-question") for i in range(rows.count())]
    symptom = next(i for i in ids if i.startswith("s:"))
    page.check(f"input[name='answer-{ids[0]}'][value=no]")
    page.check(f"input[name='answer-{symptom}'][value=yes]")
    page.click("#follow-up [type=submit]")
    page.wait_for_url(re.compile(rf"/clinic/assessments/{diagnosis_id}(#follow-up)?$"))
    expect(page.locator("body")).to_contain_text("2 answers recorded")
    expect(page.locator("#differential h2")).to_contain_text("after 2 follow-up answers")
    expect(page.locator("#follow-up table.answers tbody tr")).to_have_count(2)
    expect(page.locator("#differential .moved").first).to_contain_text("Ranked")
    _accessible(page, "clinician result after answers")
    assert not page.console_errors, page.console_errors
