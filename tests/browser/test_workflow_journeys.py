"""Issue 15 journeys in Chromium: the clinician's worklist, review errors, urgency override and
"save and next"; explanations; the patient's "asks again", emergency call link, lay names,
history and one disclaimer."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from conftest import log_in, open_disease_editor
from playwright.sync_api import expect

from app.services.highlights import can_highlight

DDX = [{"disease": "Myocardial infarction", "icd10": "I21.9", "probability": 0.55},
       {"disease": "Angina", "icd10": "I20.9", "probability": 0.25},
       {"disease": "Pneumonia", "icd10": "J18.9", "probability": 0.002}]


def _cases(live_app, patient_email: str, n: int = 2, level: str = "emergency", hours: int = 400) -> list[int]:
    """`n` unreviewed self-assessments of the patient, waiting long enough to head the worklist."""
    from models import Diagnosis, User, db

    with live_app.app_context():
        patient = db.session.scalar(db.select(User).where(User.email == patient_email))
        rows = [Diagnosis(patient_id=patient.id, entered_by_id=patient.id, source="self", age=67, sex="female",
                          symptoms=f"Heavy pressure in my chest for an hour, going into my jaw and left arm, case {i}",
                          model_version="t", differential=DDX, top_probability=0.55, triage_level=level,
                          triage_reasons=["Chest pain"], created_at=datetime.now(UTC) - timedelta(hours=hours - i))
                for i in range(n)]
        db.session.add_all(rows)
        db.session.commit()
        return [r.id for r in rows]


def test_clinician_works_through_the_worklist(page, live_app, live_server, make_account):
    patient_email, _ = make_account("patient", "Grace Worklist")
    first, second = _cases(live_app, patient_email)
    email, password = make_account("clinician", "Dr Flow")
    log_in(page, email, password)

    page.goto("/clinic/worklist?source=self&level=emergency")
    row = page.locator("tr", has=page.locator(f"a[href$='/clinic/assessments/{first}']"))
    expect(row).to_contain_text("Grace Worklist")
    expect(row).to_contain_text("67 y, female")
    expect(row).to_contain_text("Heavy pressure in my chest")
    expect(row.locator(".waited")).to_have_text(re.compile(r"^\d+ d( \d+ h)?$"))
    page.click(f"a[href$='/clinic/assessments/{first}']")

    # Errors: a correction without a diagnosis and a changed urgency without a reason.
    page.check("input[name=outcome][value=corrected]")
    page.select_option("select[name=triage_level]", "urgent")
    page.click("#review-form button[type=submit]:not([name])")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("a[href='#final_icd10']")).to_be_visible()
    expect(page.locator("#final_icd10")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#triage_reason")).to_have_attribute("aria-describedby", "triage_reason-error")
    expect(page.locator("#triage_reason-error")).to_contain_text("reason")

    # Typing in the disease filter picks a condition and says "Correct".
    page.check("input[name=outcome][value=accepted]")
    page.fill("#disease-filter", "angina")
    expect(page.locator("input[name=outcome][value=corrected]")).to_be_checked()
    expect(page.locator("select[name=final_icd10] option:checked")).to_contain_text("Angina")
    page.select_option("select[name=triage_level]", "urgent")
    page.fill("textarea[name=triage_reason]", "Pain settled, ECG normal")
    page.click("#review-form button[name=then][value=next]")
    page.wait_for_url(re.compile(rf"/clinic/assessments/{second}$"))
    expect(page.locator("body")).to_contain_text("Your review is saved")

    page.goto(f"/clinic/assessments/{first}")
    urgency = page.locator(".review-urgency")
    expect(urgency).to_contain_text("AI emergency")
    expect(urgency).to_contain_text("clinician urgent")
    expect(urgency).to_contain_text("Pain settled, ECG normal")
    assert not page.console_errors, page.console_errors


def test_history_rejects_a_reversed_date_range(page, live_server, make_account):
    email, password = make_account("clinician")
    log_in(page, email, password)
    page.goto("/clinic/history")
    today = datetime.now(UTC).date()
    page.fill("input[name=date_from]", str(today))
    page.fill("input[name=date_to]", str(today - timedelta(days=5)))
    page.click("form.filters button[type=submit]")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("#date_to")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#date_to-error")).to_have_text("The end date is before the start date.")
    expect(page.locator("table.case-list")).to_have_count(0)


def test_explanation_button_goes_and_only_content_words_are_marked(page, live_server, make_account):
    email, password = make_account("clinician")
    log_in(page, email, password)
    page.goto("/clinic/assess")
    page.fill("textarea[name=symptoms]", "A 34 year old woman with a dry cough and a sore throat for 3 days and the fever")
    page.click("form.stacked [type=submit]")
    page.wait_for_url(re.compile(r"/clinic/assessments/\d+$"))
    button = page.locator("#load-explanation")
    # The page may start loading the words by itself: click only a button that is still offered,
    # in one step in the page (a check-then-click from here races with the page hiding it).
    page.evaluate("() => { const b = document.getElementById('load-explanation'); if (b && !b.hidden && !b.disabled) b.click(); }")
    expect(button).to_be_hidden()
    expect(page.locator(".words").first).not_to_be_empty(timeout=30_000)
    for word in page.locator(".words mark").all_inner_texts():
        assert can_highlight(word), word
    assert ">0%<" not in page.inner_html("#differential ol")
    assert not page.console_errors, page.console_errors


def test_patient_journey_asks_again_calls_and_reads_plain_words(page, live_app, live_server, make_account):
    from models import Diagnosis, db

    email, password = make_account("patient", "Ruth Plain")
    log_in(page, email, password)
    with live_app.app_context():
        before = db.session.scalar(db.select(db.func.count(Diagnosis.id)))
    page.goto("/me/assess")
    page.fill("textarea[name=symptoms]", "asdf")
    page.click("form.stacked [type=submit]")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("#symptoms")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#symptoms-error")).to_contain_text("We could not find any symptoms")
    expect(page.get_by_role("link", name=re.compile("PDF"))).to_have_count(0)
    with live_app.app_context():
        assert db.session.scalar(db.select(db.func.count(Diagnosis.id))) == before

    [case] = _cases(live_app, email, n=1)
    page.goto(f"/me/assessments/{case}")
    calls = page.locator("main a[href^='tel:']")
    expect(calls).to_have_count(1)
    expect(calls).to_have_text("Call 112 now")
    expect(page.locator(".possibility h3").first).to_have_text("Could be: Heart attack (myocardial infarction)")
    expect(page.locator("main")).not_to_contain_text("What may help meanwhile")
    assert page.locator("body").inner_text().lower().count("not a diagnosis") == 1

    page.goto("/me/assessments")
    row = page.locator("tr", has=page.locator(f"a[href$='/me/assessments/{case}']"))
    expect(row).to_contain_text("Heavy pressure in my chest")
    pdf = row.locator(f"a[href$='/me/assessments/{case}/summary.pdf']")
    expect(pdf).to_have_count(1)
    resp = page.context.request.get(pdf.get_attribute("href"))
    assert resp.status == 200 and resp.body().startswith(b"%PDF")
    assert not page.console_errors, page.console_errors


def test_admin_edits_symptoms_as_rows_and_confirms_role_changes(page, live_app, live_server, make_account):
    from models import Disease, User, db

    email, password = make_account("admin")
    log_in(page, email, password)
    disease_id = open_disease_editor(page, "migraine")
    editor = page.locator("fieldset[data-editor=symptoms]")
    expect(editor).to_be_visible()
    expect(page.locator("textarea[name=symptoms]")).to_be_hidden()
    rows = editor.locator("tbody tr")
    count = rows.count()
    assert count >= 2
    rows.nth(0).locator("input[data-key=frequency]").fill("0.55")
    editor.get_by_role("button", name="Add a symptom").click()
    new = rows.nth(count)
    expect(new.locator("input[data-key=term]")).to_be_focused()
    new.locator("input[data-key=term]").fill("light sensitivity")
    new.locator("input[data-key=frequency]").fill("0.6")
    new.locator("input[data-key=phrases]").fill("light hurts my eyes; need a dark room")
    expect(new.get_by_role("button", name=f"Remove symptom {count + 1}")).to_be_visible()
    page.click("form.card [type=submit][name=submit]")
    expect(page.locator("body")).to_contain_text("saved")
    with live_app.app_context():
        symptoms = db.session.get(Disease, disease_id).symptoms
    assert symptoms[0]["frequency"] == 0.55
    assert {"term": "light sensitivity", "frequency": 0.6, "lay": ["light hurts my eyes", "need a dark room"]} in symptoms
    assert len(symptoms) == count + 1

    # The audit log keeps the values before and after, and still fits the window.
    page.goto("/admin/audit?action=disease.update")
    details = page.locator(".audit-table code.details").first
    expect(details).to_contain_text('"before"')
    expect(details).to_contain_text("light sensitivity")
    for size in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
        page.set_viewport_size(size)
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), size
    page.set_viewport_size({"width": 1280, "height": 900})

    # A role change asks first; dismissing the question changes nothing.
    other, _ = make_account("patient")
    page.goto(f"/admin/users?q={other}")
    page.once("dialog", lambda d: d.dismiss())
    row = page.locator("tr", has_text=other)
    row.locator("select[name=role]").select_option("clinician")
    row.get_by_role("button", name="Change").click()
    page.wait_for_timeout(300)
    with live_app.app_context():
        assert db.session.scalar(db.select(User.role).where(User.email == other)) == "patient"
    page.once("dialog", lambda d: d.accept())
    row.get_by_role("button", name="Change").click()
    expect(page.locator("body")).to_contain_text(f"{other} is now clinician")
    assert not page.console_errors, page.console_errors


def test_ml_user_sees_what_is_served_the_card_the_queue_and_honest_agreement(page, live_app, live_server,
                                                                             live_models_root, make_account):
    from models import Diagnosis, Review, db

    live_app.config["MODELS_ROOT"] = str(live_models_root)
    with live_app.app_context():
        d = Diagnosis(source="clinician", symptoms="cough", model_version="t", differential=DDX, top_probability=0.55,
                      triage_level="urgent", triage_reasons=[])
        db.session.add(d)
        db.session.flush()
        db.session.add(Review(diagnosis_id=d.id, outcome="rejected", note="Karen Okafor says it is a cold",
                              triage_level="routine", triage_reason="well on exam"))
        db.session.add(Diagnosis(source="self", symptoms="itchy rash", model_version="t", differential=DDX,
                                 top_probability=0.55, triage_level="routine", triage_reasons=[]))  # for the queue
        db.session.commit()
    email, password = make_account("ml")
    log_in(page, email, password)
    page.goto("/ml/versions")
    page.click("form[action$='/ml/scan'] [type=submit]")
    served = page.locator("tr.served")
    if served.count():  # the served version is marked and has no Promote button
        expect(served.locator(".badge-served")).to_be_visible()
        expect(served.get_by_role("link", name=re.compile("Promote"))).to_have_count(0)
    train = page.locator("form.train-form [type=submit]")
    assert page.evaluate("(el) => el.scrollWidth <= el.clientWidth", train.element_handle()), "train label clipped"

    link = page.locator("table.versions th a").first
    link.click()
    card = page.locator("div.model-card")
    expect(card).to_be_visible()
    expect(card.locator("h3, h4").first).to_be_visible()  # Markdown rendered, not raw text
    assert "/" + str(live_models_root).strip("/") not in page.content()  # no server file paths

    page.goto("/ml/agreement?days=0")
    expect(page.locator(".small-sample")).to_contain_text("Small sample")
    expect(page.locator("#urgency-agreement-h")).to_be_visible()
    notes = " ".join(page.locator("ul.notes").all_inner_texts())  # other tests' reviews may add lists
    assert "Karen" not in notes and "Okafor" not in notes and "[name]" in notes

    page.goto("/ml/queue")
    expect(page.locator("ol.queue > li").first).to_be_visible()
    assert page.locator("ol.queue > li").count() <= 20
    assert not page.console_errors, page.console_errors
