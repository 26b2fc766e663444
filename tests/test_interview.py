"""Follow-up questions (issue 14): question choice, update arithmetic, no repeats, urgency, access.

The arithmetic is tested on hand-built knowledge bases and differentials (no model); the service,
API and pages on the seeded knowledge base with hand-built assessments (``make_assessment``), so
the questions do not depend on what the random tiny model ranks.
"""

from __future__ import annotations

import math
import re
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import add_review, bearer, client_for, ddx, make_assessment

from app.services import interview as iv
from app.services.assessment import knowledge_snapshot
from models import AuditEvent, Diagnosis, OutboxMessage, db

pytestmark = pytest.mark.serving_model  # `app` serves the tiny model, knowledge base seeded (tests/conftest.py)

# -- hand-built knowledge bases ---------------------------------------------------------------------

def _disease(code, name, symptoms, red_flags=()):
    return SimpleNamespace(icd10=code, name=name,
                           symptoms=[{"term": t, "frequency": f, "lay": [f"{t} lay one", f"{t} lay two"]}
                                     for t, f in symptoms],
                           red_flags=list(red_flags))


FLU = _disease("X1", "Flu-like", [("fever", 0.9), ("cough", 0.6), ("muscle aches", 0.8)])
COLD = _disease("X2", "Cold-like", [("fever", 0.9), ("cough", 0.6), ("sneezing", 0.8)])
RASHY = _disease("X3", "Rash-like", [("rash", 0.9), ("itching", 0.7)])
KB = (FLU, COLD, RASHY)


def _case(kb, probs, text="feeling unwell", **kw):
    kbf = iv.KBFindings(kb)
    codes, pi, mass = iv.prior(ddx(*[(n, c, p) for (n, c), p in probs]))
    return kbf, iv.Case(text=text, codes=codes, pi=pi, mass=mass, **kw)


# -- question choice ---------------------------------------------------------------------------------

def test_the_most_separating_finding_is_asked_first():
    kbf, case = _case(KB, [(("Flu-like", "X1"), 0.45), (("Cold-like", "X2"), 0.45)])
    questions = iv.choose(kbf, case, 3)
    # fever and cough are equally likely in both: they separate nothing; aches and sneezing do.
    assert questions[0]["id"] in ("s:muscle-aches", "s:sneezing")
    ids = [q["id"] for q in questions]
    assert "s:fever" not in ids[:2] and "s:cough" not in ids[:2]
    assert set(questions[0]["helps_tell_apart"]) == {"Flu-like", "Cold-like"}
    assert questions[0]["text"].startswith("Does this describe you:")


def test_information_gain_is_zero_for_a_shared_finding_and_maximal_for_a_perfect_one():
    pi = np.array([0.5, 0.5])
    L = np.array([[0.6, 0.6], [1 - iv.LEAK, iv.LEAK]])
    gain = iv.information_gain(pi, L, alpha=1.0)
    assert gain[0] == pytest.approx(0.0, abs=1e-9)
    assert 0.5 < gain[1] < 1.0  # at most the 1 bit of entropy there is


def test_what_the_text_affirms_or_denies_is_not_asked():
    kbf, case = _case(KB, [(("Flu-like", "X1"), 0.45), (("Cold-like", "X2"), 0.45)],
                      text="I have muscle aches lay one, and no sneezing")
    ids = [q["id"] for q in iv.choose(kbf, case, 5)]
    assert "s:muscle-aches" not in ids  # affirmed
    assert "s:sneezing" not in ids  # denied


def test_no_question_is_repeated_and_answered_ones_are_skipped():
    kbf, case = _case(KB, [(("Flu-like", "X1"), 0.4), (("Cold-like", "X2"), 0.3), (("Rash-like", "X3"), 0.2)])
    ids = [q["id"] for q in iv.choose(kbf, case, 5)]
    assert len(ids) == len(set(ids))
    case.asked = {ids[0]}
    again = [q["id"] for q in iv.choose(kbf, case, 5)]
    assert ids[0] not in again and len(again) == len(set(again))


def test_no_questions_when_the_model_is_already_confident():
    kbf, case = _case(KB, [(("Flu-like", "X1"), 0.93), (("Cold-like", "X2"), 0.05)])
    assert iv.choose(kbf, case, 5) == []


def test_a_red_flag_goes_first_when_a_likely_candidate_has_one():
    flagged = _disease("X4", "Flagged", [("fever", 0.9), ("headache", 0.8)],
                       red_flags=[{"finding": "A stiff neck with a rash: possible meningitis", "level": "emergency",
                                   "phrases": ["stiff neck and rash", "neck is stiff with a rash"]}])
    kbf, case = _case((*KB, flagged), [(("Flu-like", "X1"), 0.5), (("Flagged", "X4"), 0.3)])
    questions = iv.choose(kbf, case, 5)
    assert questions[0]["kind"] == "red_flag" and questions[0]["level"] == "emergency"
    assert questions[0]["text"] == "Is this happening now: a stiff neck with a rash?"
    assert all(q["kind"] == "symptom" for q in questions[1:])
    # A candidate below the threshold does not bring its red flag.
    kbf, case = _case((*KB, flagged), [(("Flu-like", "X1"), 0.6), (("Flagged", "X4"), 0.05)])
    assert all(q["kind"] == "symptom" for q in iv.choose(kbf, case, 5))
    # Mentioned or denied in the text: not asked again.
    for text in ("stiff neck and rash", "I have no stiff neck and rash"):
        kbf, case = _case((*KB, flagged), [(("Flu-like", "X1"), 0.5), (("Flagged", "X4"), 0.3)], text=text)
        assert all(q["kind"] == "symptom" for q in iv.choose(kbf, case, 5)), text


def test_a_library_red_flag_is_asked_unless_the_description_fired_it():
    flagged = _disease("X4", "Flagged", [("fever", 0.9), ("headache", 0.8)],
                       red_flags=[{"id": "test_flag", "finding": "Chest pain with breathlessness", "level": "emergency",
                                   "phrases": ["chest pain"]}])
    probs = [(("Flu-like", "X1"), 0.5), (("Flagged", "X4"), 0.3)]
    # The first words are in the text but the finding needs more: that is what the question is for.
    kbf, case = _case((*KB, flagged), probs, text="I have chest pain")
    assert iv.choose(kbf, case, 5)[0]["id"] == "rf:test_flag"
    kbf, case = _case((*KB, flagged), probs, text="I have chest pain", fired_flags={"test_flag"})
    assert all(q["kind"] == "symptom" for q in iv.choose(kbf, case, 5))
    kbf, case = _case((*KB, flagged), probs, text="feeling unwell", red_flags_asked=iv.MAX_RED_FLAG_QUESTIONS)
    assert all(q["kind"] == "symptom" for q in iv.choose(kbf, case, 5))


def test_a_checklist_does_not_ask_the_same_thing_twice_in_other_words():
    # Two findings that say the same about the candidates: once one is answered, the other adds nothing.
    twin = _disease("X5", "Twin", [("sneezing", 0.8), ("sneezing fits", 0.8)])
    kb = (FLU, twin)
    kbf, case = _case(kb, [(("Flu-like", "X1"), 0.5), (("Twin", "X5"), 0.45)])
    ids = [q["id"] for q in iv.choose(kbf, case, 2)]
    assert not {"s:sneezing", "s:sneezing-fits"} <= set(ids)


def test_what_the_text_says_in_a_synonym_s_words_is_not_asked_either():
    eye = SimpleNamespace(icd10="E1", name="Eye one", red_flags=[], symptoms=[
        {"term": "red eye", "frequency": 0.9, "lay": ["my eye is bloodshot", "angry looking eye"]},
        {"term": "itching", "frequency": 0.2, "lay": ["itchy eye"]}])
    eyes = SimpleNamespace(icd10="E2", name="Eye two", red_flags=[], symptoms=[
        {"term": "red eyes", "frequency": 0.5, "lay": ["pink eyes", "both eyes pink"]},
        {"term": "itching", "frequency": 0.9, "lay": ["itchy eyes"]}])
    kbf, case = _case((eye, eyes), [(("Eye one", "E1"), 0.5), (("Eye two", "E2"), 0.4)], text="my eye is bloodshot")
    assert "pink eyes" in kbf.phrases("s:red-eyes") and kbf.related("s:red-eye", "s:red-eyes")
    ids = [q["id"] for q in iv.choose(kbf, case, 5)]
    assert "s:red-eye" not in ids and "s:red-eyes" not in ids and "s:itching" in ids
    # Once one of them is answered, the other is not asked.
    kbf, case = _case((eye, eyes), [(("Eye one", "E1"), 0.5), (("Eye two", "E2"), 0.4)], text="sore")
    case.asked = {"s:red-eye"}
    assert "s:red-eyes" not in [q["id"] for q in iv.choose(kbf, case, 5)]


# -- likelihoods and the update ----------------------------------------------------------------------

def test_likelihoods_come_from_the_knowledge_base_frequencies():
    high = _disease("Y1", "High", [("high fever", 0.7), ("abdominal pain", 0.8)])
    low = _disease("Y2", "Low", [("fever", 0.99), ("right lower abdominal pain", 0.6)])
    kbf = iv.KBFindings((high, low))
    assert kbf.likelihood("s:fever", "Y2") == pytest.approx(1 - iv.LEAK)  # clipped: no answer is certain
    assert kbf.likelihood("s:high-fever", "Y1") == pytest.approx(0.7)
    assert kbf.likelihood("s:fever", "Y1") == pytest.approx(0.7)  # "high fever" implies "fever"
    assert kbf.likelihood("s:high-fever", "Y2") == pytest.approx(iv.GENERAL_SHARE * 0.99)  # more specific asked
    assert kbf.likelihood("s:right-lower-abdominal-pain", "Y1") == pytest.approx(iv.GENERAL_SHARE * 0.8)
    assert kbf.likelihood("s:abdominal-pain", "Y2") == pytest.approx(0.6)
    assert kbf.likelihood("s:high-fever", "nothing-listed") == pytest.approx(iv.LEAK)


def test_the_update_is_a_tempered_bayes_rule():
    pi = np.array([0.5, 0.5])
    lik = np.array([0.9, 0.03])
    yes = iv.update(pi, lik, "yes", alpha=0.5)
    a, b = 0.5 * math.sqrt(0.9), 0.5 * math.sqrt(0.03)
    assert yes == pytest.approx([a / (a + b), b / (a + b)])
    no = iv.update(pi, lik, "no", alpha=0.5)
    a, b = 0.5 * math.sqrt(0.1), 0.5 * math.sqrt(0.97)
    assert no == pytest.approx([a / (a + b), b / (a + b)])
    assert iv.update(pi, lik, "unknown") == pytest.approx(pi)
    # alpha = 1 is plain Bayes; alpha = 0 ignores the answer (only the classifier counts).
    assert iv.update(pi, lik, "yes", alpha=1.0) == pytest.approx([0.9 / 0.93, 0.03 / 0.93])
    assert iv.update(pi, lik, "yes", alpha=0.0) == pytest.approx(pi)
    # Tempering: the tempered update moves less than plain Bayes, in the same direction.
    assert 0.5 < iv.update(pi, lik, "yes")[0] < iv.update(pi, lik, "yes", alpha=1.0)[0]


def test_the_prior_is_the_classifier_renormalised_with_a_floor():
    codes, pi, mass = iv.prior(ddx(("A", "A1", 0.6), ("B", "B1", 0.3), ("C", "C1", 0.0)))
    assert codes == ["A1", "B1", "C1"] and mass == pytest.approx(0.9)
    assert pi.sum() == pytest.approx(1.0)
    assert pi[2] > 0  # the floor: a condition the model put at zero can still rise
    assert pi[0] / pi[1] == pytest.approx((0.6 + iv.FLOOR) / (0.3 + iv.FLOOR))
    shown = iv.shown(codes, pi, mass, {"A1": "A", "B1": "B", "C1": "C"})
    assert shown[0]["icd10"] == "A1" and shown[0]["probability"] == pytest.approx(0.6, abs=0.005)


# -- the service over the seeded knowledge base -----------------------------------------------------

COLD_FLU = ddx(("Common cold", "J00", 0.45), ("Influenza", "J11.1", 0.35), ("Acute tonsillitis", "J03.9", 0.1),
               ("Gastroenteritis", "A09", 0.05))


@pytest.fixture
def case(app, users):
    return make_assessment("I feel rough and bunged up", COLD_FLU, patient=users["patient"],
                           entered_by=users["patient"], source="self")


def _get(client, d, user):
    return client.get(f"/api/v1/assessments/{d.id}/questions", headers=bearer(user))


def _answer(client, d, user, *answers):
    return client.post(f"/api/v1/assessments/{d.id}/answers", headers=bearer(user),
                       json={"answers": [{"id": i, "answer": a} for i, a in answers]})


def test_api_proposes_red_flags_first_then_symptoms(app, users, case):
    resp = _get(app.test_client(), case, users["patient"])
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["status"] == "open" and body["remaining"] == iv.MAX_QUESTIONS and body["assessment_id"] == case.id
    questions = body["questions"]
    assert 1 <= len(questions) <= iv.MAX_QUESTIONS and len({q["id"] for q in questions}) == len(questions)
    assert questions[0]["kind"] == "red_flag"
    assert sum(q["kind"] == "red_flag" for q in questions) <= iv.MAX_RED_FLAG_QUESTIONS
    assert any(q["kind"] == "symptom" for q in questions)
    # Stored with the assessment, and the read is audited.
    db.session.expire_all()
    stored = db.session.get(Diagnosis, case.id).interview
    assert [q["id"] for q in stored["questions"]] == [q["id"] for q in questions]
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "diagnosis.read",
                                                         AuditEvent.target_id == str(case.id)))


def test_a_patient_answers_only_their_own_assessment(app, users, case):
    c = app.test_client()
    qid = _get(c, case, users["patient"]).get_json()["questions"][-1]["id"]
    assert _get(c, case, users["patient2"]).status_code == 404
    assert _answer(c, case, users["patient2"], (qid, "no")).status_code == 404
    for role in ("admin", "ml"):
        assert _get(c, case, users[role]).status_code == 403
        assert _answer(c, case, users[role], (qid, "no")).status_code == 403
    assert c.get(f"/api/v1/assessments/{case.id}/questions").status_code == 401
    db.session.expire_all()
    assert not db.session.get(Diagnosis, case.id).interview.get("answers")
    # The patient and any clinician may answer.
    assert _answer(c, case, users["patient"], (qid, "no")).status_code == 200
    nxt = _get(c, case, users["clinician"]).get_json()["questions"][-1]["id"]
    assert _answer(c, case, users["clinician"], (nxt, "unknown")).status_code == 200
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "diagnosis.answer")).all()
    assert [e.details["role"] for e in events] == ["patient", "clinician"]
    assert all("I feel rough" not in str(e.details) for e in events)  # no patient text in the trail


def test_answers_update_the_differential_and_are_stored_with_before_and_after(app, users, case):
    c = app.test_client()
    user = users["patient"]
    questions = _get(c, case, user).get_json()["questions"]
    symptom = next(q for q in questions if q["kind"] == "symptom")
    resp = _answer(c, case, user, (symptom["id"], "yes"))
    assert resp.status_code == 200
    body = resp.get_json()
    interview = body["interview"]
    assert interview["answered"] == 1 and interview["initial_differential"] == COLD_FLU
    answer = interview["answers"][0]
    assert answer["id"] == symptom["id"] and answer["answer"] == "yes" and answer["by"] == "patient"
    assert answer["before"][0]["icd10"] == "J00" and answer["after"] == body["differential"]
    assert body["differential"] != answer["before"]
    # The arithmetic, replayed from the stored likelihoods: the shown probabilities are mass * posterior.
    db.session.expire_all()
    d = db.session.get(Diagnosis, case.id)
    codes, steps, mass = iv.replay(d.interview)
    lik = np.array([d.interview["answers"][0]["likelihood"][c] for c in codes])
    expected = iv.update(steps[0], lik, "yes", iv.ALPHA)
    for item in body["differential"]:
        assert item["probability"] == pytest.approx(mass * expected[codes.index(item["icd10"])], abs=1e-4)
    assert d.differential == COLD_FLU  # the first AI output is never changed
    # The explanation says what moved a condition.
    moved = body["explanation"]["follow_up"]
    texts = [m["text"] for items in moved.values() for m in items]
    assert texts and all(t.startswith("ranked ") and "because you said yes to: " in t for t in texts)


def test_no_question_is_asked_twice_and_five_is_the_limit(app, users, case):
    c = app.test_client()
    user = users["clinician"]
    asked: list[str] = []
    while True:
        body = _get(c, case, user).get_json()
        if body["status"] != "open":
            break
        qid = body["questions"][0]["id"]
        assert qid not in asked and not set(asked) & {q["id"] for q in body["questions"]}
        # a red flag answered "no" (never "yes": that would end the interview as an emergency)
        resp = _answer(c, case, user, (qid, "no"))
        assert resp.status_code == 200, resp.get_json()
        asked.append(qid)
        second = _answer(c, case, user, (qid, "yes"))  # the same question again
        assert second.status_code in (409, 422)
    assert len(asked) == iv.MAX_QUESTIONS and body["reason"] == "limit" and body["questions"] is None
    resp = _answer(c, case, user, ("s:anything", "yes"))
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "conflict"


def test_invalid_answers_are_refused(app, users, case):
    c = app.test_client()
    user = users["patient"]
    qid = _get(c, case, user).get_json()["questions"][0]["id"]
    assert _answer(c, case, user, ("s:not-a-current-question", "yes")).status_code == 422
    assert _answer(c, case, user, (qid, "maybe")).status_code == 422
    assert _answer(c, case, user, (qid, "no"), (qid, "yes")).status_code == 422
    assert c.post(f"/api/v1/assessments/{case.id}/answers", headers=bearer(user), json={"answers": []}).status_code == 422
    db.session.expire_all()
    assert not db.session.get(Diagnosis, case.id).interview.get("answers")


def test_a_yes_to_a_red_flag_escalates_at_once_and_ends_the_questions(app, users, case):
    c = app.test_client()
    user = users["patient"]
    flag = _get(c, case, user).get_json()["questions"][0]
    assert flag["kind"] == "red_flag" and flag["level"] == "emergency"
    resp = _answer(c, case, user, (flag["id"], "yes"))
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["triage"]["level"] == "emergency"
    assert any("answered yes to a follow-up question" in r for r in body["triage"]["reasons"])
    assert body["interview"]["status"] == "closed" and body["interview"]["reason"] == "emergency"
    assert body["interview"]["answers"][0]["triage_before"] == "routine"
    assert body["interview"]["answers"][0]["triage_after"] == "emergency"
    assert _get(c, case, user).get_json()["questions"] is None
    assert _answer(c, case, user, ("s:sneezing", "yes")).status_code == 409
    db.session.expire_all()
    d = db.session.get(Diagnosis, case.id)
    assert d.triage_level == "emergency" and d.interview["triage_initial"]["level"] == "routine"
    # Clinicians hear about a self-assessment that became an emergency (a link only).
    mails = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "urgent_assessment")).all()
    assert len(mails) == 1


def test_a_symptom_answer_reruns_triage_on_the_text(app, users):
    d = make_assessment("tummy ache since this morning",
                        ddx(("Appendicitis", "K35.8", 0.4), ("Gastroenteritis", "A09", 0.4)),
                        entered_by=users["clinician"])
    diseases = knowledge_snapshot().diseases
    state, _ = iv.refresh(d, diseases)
    seen = {}

    def retriage(text, differential, abstained):
        seen["text"] = text
        return SimpleNamespace(level="urgent", reasons=["Red flag (urgent): something"])

    qid = next(q for q in state["questions"] if q["kind"] == "symptom")["id"]
    state, escalation = iv.apply_answers(d, state, [(qid, "yes")], diseases, by="clinician", retriage=retriage)
    assert seen["text"].startswith("tummy ache since this morning. ")  # the text plus the affirmed finding
    assert escalation == {"level": "urgent", "reasons": ["Red flag (urgent): something"]}
    # Answers never lower the urgency.
    d.triage_level = "urgent"
    state, escalation = iv.apply_answers(d, state, [], diseases, by="clinician",
                                         retriage=lambda *a: SimpleNamespace(level="self_care", reasons=[]))
    assert escalation is None


@pytest.mark.parametrize("setup,reason", [
    ("emergency", "emergency"),
    ("confident", "confident"),
    ("reviewed", "reviewed"),
    ("out_of_scope", "no_ranking"),
])
def test_no_questions_when_not_needed(app, users, setup, reason):
    differential = ddx(("Common cold", "J00", 0.95), ("Influenza", "J11.1", 0.03)) if setup == "confident" else COLD_FLU
    d = make_assessment("runny nose", differential, patient=users["patient"])
    if setup == "emergency":
        d.triage_level = "emergency"
    if setup == "out_of_scope":
        d.explanation = {"abstain_reason": "out_of_scope"}
        d.abstained = True
    db.session.commit()
    if setup == "reviewed":
        add_review(d, "accepted", reviewer=users["clinician"])
    body = _get(app.test_client(), d, users["patient"]).get_json()
    assert body["status"] in ("closed", "done") and body["reason"] == reason and body["questions"] is None
    assert body["message"]


def test_new_assessments_keep_the_candidate_pool(app, users):
    resp = app.test_client().post("/api/v1/assessments", headers=bearer(users["patient"]),
                                         json={"symptoms": "sneezing, a blocked nose and a scratchy throat"})
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["interview"]["answered"] == 0 and body["interview"]["status"] in ("open", "done", "closed")
    d = db.session.get(Diagnosis, body["id"])
    pool = d.interview["candidates"]
    assert len(d.differential) <= len(pool) <= 20
    assert pool[: len(d.differential)] == d.differential


def test_openapi_documents_the_endpoints(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    get = spec["paths"]["/api/v1/assessments/{diagnosis_id}/questions"]["get"]
    post = spec["paths"]["/api/v1/assessments/{diagnosis_id}/answers"]["post"]
    assert {"200", "401", "403", "404"} <= set(get["responses"])
    assert {"200", "401", "403", "404", "409", "422"} <= set(post["responses"])
    assert "AnswersIn" in str(post["requestBody"]) and "interview" in spec["components"]["schemas"]["Assessment"]["properties"]


# -- the pages --------------------------------------------------------------------------------------

def test_patient_pages_one_question_per_screen(app, users, case):
    c = client_for(app, users["patient"])
    result = c.get(f"/me/assessments/{case.id}")
    assert result.status_code == 200 and b"Answer a few questions" in result.data
    page = c.get(f"/me/assessments/{case.id}/questions")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Question 1 of up to 5" in html and "Skip / I don't know" in html and html.count('name="question_id"') == 1
    qid = re.findall(r'name="question_id" value="([^"]+)"', html)[0]
    resp = c.post(f"/me/assessments/{case.id}/questions", data={"question_id": qid, "answer": "no"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/me/assessments/{case.id}/questions")
    assert "Question 2 of up to 5" in c.get(f"/me/assessments/{case.id}/questions").get_data(as_text=True)
    # Another patient's assessment is a 404, on every path.
    other = client_for(app, users["patient2"])
    assert other.get(f"/me/assessments/{case.id}/questions").status_code == 404
    assert other.post(f"/me/assessments/{case.id}/questions", data={"question_id": qid, "answer": "yes"}).status_code == 404


def test_clinician_checklist_answers_any_subset(app, users, case):
    c = client_for(app, users["clinician"])
    html = c.get(f"/clinic/assessments/{case.id}").get_data(as_text=True)
    assert 'id="follow-up"' in html and "Record the answers" in html
    ids = re.findall(r'<tr data-question="([^"]+)">', html)
    assert len(ids) >= 3
    symptoms = [i for i in ids if i.startswith("s:")]
    resp = c.post(f"/clinic/assessments/{case.id}/answers", data={f"answer-{symptoms[0]}": "yes",
                                                                   f"answer-{symptoms[1]}": "no",
                                                                   f"answer-{ids[0]}": ""})
    assert resp.status_code == 302
    db.session.expire_all()
    d = db.session.get(Diagnosis, case.id)
    assert [(a["id"], a["answer"]) for a in d.interview["answers"]] == [(symptoms[0], "yes"), (symptoms[1], "no")]
    html = c.get(f"/clinic/assessments/{case.id}").get_data(as_text=True)
    assert "after 2 follow-up answers" in html and "Ranked " in html and "(answered)" in html
    # Admins read the answers but get no form.
    admin_html = client_for(app, users["admin"]).get(f"/clinic/assessments/{case.id}").get_data(as_text=True)
    assert "Record the answers" not in admin_html and "Answers" in admin_html
    assert client_for(app, users["admin"]).post(f"/clinic/assessments/{case.id}/answers").status_code == 403


# -- review fixes: the confident threshold, red flags, stale copies, review, CSRF, error shape ------

def test_no_questions_at_a_classifier_top_of_0_9_despite_the_floor(app, users):
    # 20 candidates: the floor of the prior alone would show 0.9 as 0.87 and ask questions.
    rest = [(f"Other {i}", code, 0.1 / 19) for i, code in enumerate(
        ["J11.1", "J03.9", "A09", "J02.9", "J01.90", "J20.9", "J18.9", "K35.8", "N39.0", "R51",
         "M54.5", "H10.9", "L50.9", "B01.9", "J45.909", "I10", "E11.9", "K21.9", "F41.1"])]
    d = make_assessment("runny nose", ddx(("Common cold", "J00", 0.9), *rest), patient=users["patient"])
    d.interview = iv.initial_state(d.differential)
    db.session.commit()
    body = _get(app.test_client(), d, users["patient"]).get_json()
    assert body["reason"] == "confident" and body["questions"] is None


def test_a_yes_to_a_red_flag_escalates_when_the_model_abstained_and_keeps_the_text_s_flags(app, users):
    d = make_assessment("I feel rough and bunged up", COLD_FLU, patient=users["patient"],
                        entered_by=users["patient"], source="self", abstained=True)
    d.explanation = {"abstain_reason": "low_confidence"}
    d.triage_reasons = ["Red flag (urgent): something the description said - \"words\""]
    db.session.commit()
    c = app.test_client()
    user = users["patient"]
    flag = _get(c, d, user).get_json()["questions"][0]
    assert flag["kind"] == "red_flag"
    body = _answer(c, d, user, (flag["id"], "yes")).get_json()
    assert body["triage"]["level"] == "emergency"
    reasons = body["triage"]["reasons"]
    assert reasons[0].endswith("answered yes to a follow-up question")
    assert "Red flag (urgent): something the description said - \"words\"" in reasons  # never dropped
    assert "No red flags found in the description" not in reasons


def test_a_red_flag_without_a_level_still_escalates(app, users):
    d = make_assessment("chest feels odd", COLD_FLU, entered_by=users["clinician"])
    diseases = knowledge_snapshot().diseases
    state, _ = iv.refresh(d, diseases)
    state["questions"].append({"id": "rf:not-in-the-kb", "kind": "red_flag", "finding": "Something bad", "level": None})
    state, escalation = iv.apply_answers(d, state, [("rf:not-in-the-kb", "yes")], diseases, by="clinician",
                                         retriage=lambda *a: SimpleNamespace(level="routine", reasons=[]))
    assert escalation is not None and escalation["level"] == "urgent"


def test_an_answer_is_not_lost_to_a_stale_copy_of_the_row(app, users, case):
    """Two requests at once: the second read the row before the first stored its answer."""
    from sqlalchemy.orm.attributes import set_committed_value

    c = app.test_client()
    user = users["clinician"]
    stale = dict(case.interview or {})  # what a concurrent request read: no proposal, no answer
    first = _get(c, case, user).get_json()["questions"][0]["id"]
    assert _answer(c, case, user, (first, "no")).status_code == 200
    # A GET that read the row before the answer must not store its proposal over it...
    d = db.session.get(Diagnosis, case.id)
    set_committed_value(d, "interview", stale)
    view = iv.questions_for(d)
    assert view["answered"] == 1
    db.session.expire_all()
    assert [a["id"] for a in db.session.get(Diagnosis, case.id).interview["answers"]] == [first]
    # ...nor a second answer drop the first.
    d = db.session.get(Diagnosis, case.id)
    second = iv.questions_for(d)["questions"][0]["id"]
    set_committed_value(d, "interview", stale)
    iv.submit(d, [{"id": second, "answer": "unknown"}], user)
    db.session.expire_all()
    assert [a["id"] for a in db.session.get(Diagnosis, case.id).interview["answers"]] == [first, second]


def test_no_answer_after_a_review_even_one_made_by_another_request(app, users, case):
    c = app.test_client()
    user = users["patient"]
    qid = _get(c, case, user).get_json()["questions"][0]["id"]
    d = db.session.get(Diagnosis, case.id)
    assert d.review is None  # loaded in this session...
    db.session.execute(db.text("INSERT INTO reviews (diagnosis_id, outcome, created_at) VALUES (:id, 'accepted', :at)"),
                       {"id": case.id, "at": "2026-01-01 00:00:00"})  # ...and reviewed behind its back
    db.session.commit()
    with pytest.raises(iv.InterviewClosed):
        iv.submit(d, [{"id": qid, "answer": "yes"}], user)
    resp = _answer(c, case, user, (qid, "yes"))
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "conflict"
    db.session.expire_all()
    assert not db.session.get(Diagnosis, case.id).interview.get("answers")


def test_the_answers_error_shape_is_the_api_s(app, users, case):
    c = app.test_client()
    user = users["patient"]
    qid = _get(c, case, user).get_json()["questions"][0]["id"]
    body = _answer(c, case, user, ("s:never-asked", "yes")).get_json()
    assert body["error"]["code"] == "unprocessable_entity" and "not one of the current questions" in body["error"]["message"]
    assert list(body["error"]["fields"]["json"]["answers"]["0"]) == ["id"]
    # Wrong types and sizes are refused by the schema, in the same shape.
    url = f"/api/v1/assessments/{case.id}/answers"
    for payload in ({"answers": "yes"}, {"answers": [{"id": 5, "answer": "yes"}]}, {"answers": [{"id": qid}]},
                    {"answers": [{"id": qid, "answer": "yes", "extra": 1}]}, {"answers": [{"id": "x" * 500, "answer": "no"}]},
                    {"answers": [{"id": f"s:q{i}", "answer": "no"} for i in range(iv.MAX_QUESTIONS + 1)]}, [1, 2]):
        resp = c.post(url, headers=bearer(user), json=payload)
        assert resp.status_code == 422, payload
        assert resp.get_json()["error"]["code"] == "unprocessable_entity" and "json" in resp.get_json()["error"]["fields"]
    assert c.post(url, headers={**bearer(user), "Content-Type": "application/json"}, data="{not json").status_code in (400, 422)
    db.session.expire_all()
    assert not db.session.get(Diagnosis, case.id).interview.get("answers")


def test_the_question_forms_need_a_csrf_token(app, users, case):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        patient = client_for(app, users["patient"])
        page = patient.get(f"/me/assessments/{case.id}/questions").get_data(as_text=True)
        qid = re.findall(r'name="question_id" value="([^"]+)"', page)[0]
        assert patient.post(f"/me/assessments/{case.id}/questions", data={"question_id": qid, "answer": "no"}).status_code == 400
        clinician = client_for(app, users["clinician"])
        assert clinician.post(f"/clinic/assessments/{case.id}/answers", data={f"answer-{qid}": "no"}).status_code == 400
        db.session.expire_all()
        assert not db.session.get(Diagnosis, case.id).interview.get("answers")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        resp = patient.post(f"/me/assessments/{case.id}/questions", data={"question_id": qid, "answer": "no",
                                                                          "csrf_token": token})
        assert resp.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
