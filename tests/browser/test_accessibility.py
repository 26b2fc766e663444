"""Issue 15: axe-core on every page of every role (fails on any serious or critical violation), and
the layout checks that axe cannot do: no page wider than the window at 390 px (a phone) or
1280 px, the navigation on one line on a phone, focus ring and colour contrast, a favicon.

Each role's test visits all of its pages and reports every problem at once.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from conftest import log_in

from . import axe

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def cases(live_app, make_account):
    """A patient with an emergency and a routine self-assessment, a clinician entry and a reviewed case."""
    from models import Diagnosis, Review, User, db

    patient_email, _ = make_account("patient", "Ada Patient")
    with live_app.app_context():
        patient = db.session.scalar(db.select(User).where(User.email == patient_email))
        ddx = [{"disease": "Myocardial infarction", "icd10": "I21.9", "probability": 0.55},
               {"disease": "Angina", "icd10": "I20.9", "probability": 0.25},
               {"disease": "Gastroesophageal reflux disease", "icd10": "K21.9", "probability": 0.1}]
        now = datetime.now(UTC)
        rows = {
            "emergency": Diagnosis(patient_id=patient.id, entered_by_id=patient.id, source="self", age=61, sex="male",
                                   symptoms="Crushing chest pain going into my left arm, sweating", model_version="t",
                                   differential=ddx, top_probability=0.55, triage_level="emergency",
                                   triage_reasons=["Chest pain with sweating"], created_at=now - timedelta(hours=2)),
            "routine": Diagnosis(patient_id=patient.id, entered_by_id=patient.id, source="self", age=61, sex="male",
                                 symptoms="Burning behind the breastbone after meals for weeks", model_version="t",
                                 differential=list(reversed(ddx)), top_probability=0.55, triage_level="routine",
                                 triage_reasons=[], created_at=now - timedelta(minutes=30)),
            "reviewed": Diagnosis(entered_by_id=patient.id, source="clinician", age=40, sex="female",
                                  symptoms="Cough and fever for three days", model_version="t", differential=ddx,
                                  top_probability=0.55, triage_level="urgent", triage_reasons=["Fever"]),
        }
        db.session.add_all(rows.values())
        db.session.flush()
        db.session.add(Review(diagnosis_id=rows["reviewed"].id, outcome="accepted", final_icd10="I21.9",
                              final_disease="Myocardial infarction", triage_level="emergency",
                              triage_reason="ECG changes"))
        db.session.commit()
        ids = {k: v.id for k, v in rows.items()}
    return patient_email, ids


def _check_pages(page, urls: list[str]) -> list[str]:
    """Visit each page at desktop width (axe, overflow) and at phone width (overflow, navigation)."""
    problems: list[str] = []
    for url in urls:
        page.set_viewport_size(DESKTOP)
        resp = page.goto(url)
        assert resp is not None and resp.status < 500, f"{url}: HTTP {resp and resp.status}"
        found = axe.serious(page)
        if found:
            problems.append(f"{url} (axe): {axe.describe(found)}")
        if (extra := axe.overflow(page)) > 0:
            problems.append(f"{url}: {extra}px wider than a 1280px window")
        page.set_viewport_size(PHONE)
        page.wait_for_timeout(50)
        if (extra := axe.overflow(page)) > 0:
            problems.append(f"{url}: {extra}px wider than a 390px phone")
        tops = page.eval_on_selector_all(".nav > li", "els => [...new Set(els.map(e => Math.round(e.getBoundingClientRect().top)))]")
        if len(tops) > 1:
            problems.append(f"{url}: the navigation wraps onto {len(tops)} lines on a phone")
    page.set_viewport_size(DESKTOP)
    return problems


def test_anonymous_pages(page, live_server):
    problems = _check_pages(page, ["/", "/auth/login", "/auth/register", "/auth/reset", "/api/v1/docs"])
    # A form sent back with errors is a page too.
    page.goto("/auth/login")
    page.click("form.stacked [type=submit]")
    page.wait_for_load_state()
    if found := axe.serious(page):
        problems.append(f"login with errors: {axe.describe(found)}")
    assert not problems, "\n".join(problems)


def test_patient_pages(page, live_server, cases):
    email, ids = cases
    log_in(page, email)
    urls = ["/", "/me/assess", "/me/assessments", f"/me/assessments/{ids['emergency']}",
            f"/me/assessments/{ids['routine']}", f"/me/assessments/{ids['routine']}/questions", "/auth/profile"]
    problems = _check_pages(page, urls)
    page.goto("/me/assess")
    page.fill("textarea[name=symptoms]", "asdf")
    page.click("form.stacked [type=submit]")
    page.wait_for_load_state()
    if found := axe.serious(page):
        problems.append(f"self-assessment with errors: {axe.describe(found)}")
    assert not problems, "\n".join(problems)


def test_clinician_pages(page, live_server, make_account, cases):
    _, ids = cases
    email, password = make_account("clinician", "Dr Axe")
    log_in(page, email, password)
    today = datetime.now(UTC).date()
    problems = _check_pages(page, [
        "/clinic/assess", "/clinic/worklist", "/clinic/history",
        f"/clinic/history?date_from={today}&date_to={today - timedelta(days=2)}",
        f"/clinic/assessments/{ids['emergency']}", f"/clinic/assessments/{ids['reviewed']}",
        "/ml/agreement", "/ml/queue", "/auth/profile",
    ])
    # The review form sent back with errors (correction without a diagnosis, urgency changed without a reason).
    page.goto(f"/clinic/assessments/{ids['routine']}")
    page.check("input[name=outcome][value=corrected]")
    page.select_option("select[name=triage_level]", "urgent")
    page.click("#review-form button[type=submit]:not([name])")
    page.wait_for_load_state()
    if found := axe.serious(page):
        problems.append(f"review with errors: {axe.describe(found)}")
    assert not problems, "\n".join(problems)


def test_admin_pages(page, live_app, live_server, make_account, cases):
    _, ids = cases
    email, password = make_account("admin")
    log_in(page, email, password)
    page.goto("/admin/diseases?q=asthma")
    edit = page.locator("a[href*='/admin/diseases/']").filter(has_text=re.compile("asthma", re.I)).first.get_attribute("href")
    problems = _check_pages(page, [
        "/admin/diseases", edit, "/admin/diseases/new", "/admin/users", "/admin/users/new", "/admin/audit",
        "/admin/model-labels", "/ml/versions", "/clinic/history", f"/clinic/assessments/{ids['reviewed']}",
        "/auth/profile",
    ])
    assert not problems, "\n".join(problems)


def test_ml_pages(page, live_app, live_server, live_models_root, make_account, cases):
    live_app.config["MODELS_ROOT"] = str(live_models_root)
    email, password = make_account("ml")
    log_in(page, email, password)
    page.goto("/ml/versions")
    page.click("form[action$='/ml/scan'] [type=submit]")
    page.wait_for_load_state()
    versions = sorted({h for h in page.eval_on_selector_all("a[href^='/ml/versions/']", "els => els.map(e => e.getAttribute('href'))")
                       if re.fullmatch(r"/ml/versions/[^/]+", h)})
    assert versions, "no model version listed"
    pages = ["/ml/versions", *versions[:2], "/ml/agreement", "/ml/queue", "/auth/profile"]
    if len(versions) >= 2:
        pages.append(f"/ml/compare?a={versions[0].rsplit('/', 1)[1]}&b={versions[1].rsplit('/', 1)[1]}")
    problems = _check_pages(page, pages)
    assert not problems, "\n".join(problems)


def test_focus_ring_and_urgent_colour_contrast(page, live_server):
    """WCAG 2.2: the focus indicator >= 3:1 against the page, the 'urgent' badge text >= 4.5:1."""
    page.goto("/auth/login")
    page.focus("input[name=email]")
    colours = page.evaluate("""() => {
      const f = getComputedStyle(document.activeElement);
      const probe = document.createElement('span'); probe.className = 'badge badge-urgent'; probe.textContent = 'urgent';
      document.body.appendChild(probe);
      const b = getComputedStyle(probe);
      return {outline: f.outlineColor, outlineWidth: f.outlineWidth, page: getComputedStyle(document.body).backgroundColor,
              badgeFg: b.color, badgeBg: b.backgroundColor};
    }""")

    def lum(css: str) -> float:
        r, g, b = (int(x) / 255 for x in re.findall(r"[\d.]+", css)[:3])
        f = lambda c: c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4  # noqa: E731
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)

    def ratio(a: str, b: str) -> float:
        hi, lo = sorted((lum(a), lum(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    assert float(colours["outlineWidth"].rstrip("px")) >= 2
    assert ratio(colours["outline"], colours["page"]) >= 3, colours
    assert ratio(colours["outline"], "rgb(255, 255, 255)") >= 3, colours
    assert ratio(colours["badgeFg"], colours["badgeBg"]) >= 4.5, colours


def test_favicon_and_keyboard_reachable_model_card(page, live_app, live_server, live_models_root, make_account):
    page.goto("/auth/login")
    href = page.get_attribute("link[rel=icon]", "href")
    assert href and page.context.request.get(href).status == 200
    live_app.config["MODELS_ROOT"] = str(live_models_root)
    email, password = make_account("ml")
    log_in(page, email, password)
    page.goto("/ml/versions")
    page.click("form[action$='/ml/scan'] [type=submit]")
    page.wait_for_load_state()
    link = next(h for h in page.eval_on_selector_all("a[href^='/ml/versions/']", "els => els.map(e => e.getAttribute('href'))")
                if re.fullmatch(r"/ml/versions/[^/]+", h))
    page.goto(link)
    card = page.locator(".model-card").first
    if card.count():
        assert card.get_attribute("tabindex") == "0"
        card.focus()
        assert page.evaluate("() => document.activeElement.classList.contains('model-card')")
