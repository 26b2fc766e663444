"""The assessment service with the real tiny model: storage, abstention, triage, audit, review,
explanations, micro-batching, PDF."""

from __future__ import annotations

import threading

import pytest
from conftest import make_user, pdf_text

from app.services import assessment as svc
from app.services.inference import MicroBatcher, get_batcher
from app.services.review import AlreadyReviewed, create_review
from models import AuditEvent, Diagnosis, Review, db

pytestmark = pytest.mark.serving_model  # `app` serves the tiny model, knowledge base seeded (tests/conftest.py)


def _events(action):
    return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)).all()


def test_model_loaded_once_and_used(app, tiny_model_dir):
    holder = app.extensions["model_holder"]
    assert holder.ready and holder.version
    assert holder.current.path == str(tiny_model_dir.resolve())


def test_assessment_is_stored_with_model_output_and_audited(app, users):
    clinician, patient = users["clinician"], users["patient"]
    d = svc.create_assessment("fever and a dry cough for three days, no chest pain", 41, "female",
                              actor=clinician, patient=patient)
    stored = db.session.get(Diagnosis, d.id)
    holder = app.extensions["model_holder"]
    assert stored.model_version == holder.version
    assert len(stored.differential) == 5
    probs = [x["probability"] for x in stored.differential]
    assert probs == sorted(probs, reverse=True) and all(0 <= p <= 1 for p in probs)
    codes = {row[1] for row in holder.current.classifier.labels}
    assert all(x["icd10"] in codes for x in stored.differential)
    assert stored.patient_id == patient.id and stored.entered_by_id == clinician.id
    assert stored.triage_level in ("emergency", "urgent", "routine", "self_care")
    assert stored.explanation["findings"]  # KB findings for the suggestions
    create = _events("diagnosis.create")
    assert [e.target_id for e in create] == [str(d.id)]
    assert "fever" not in str(create[0].details)  # never patient text in the audit trail
    svc.get_for(clinician, d.id)
    assert [e.target_id for e in _events("diagnosis.read")] == [str(d.id)]


@pytest.mark.parametrize("text", ["hello", "asdf qwerty", "the and of it", "hi there, thanks!"])
def test_abstains_without_symptom_content(app, users, text):
    d = svc.create_assessment(text, actor=users["clinician"])
    assert d.abstained is True
    assert d.explanation["abstain_reason"] == svc.ABSTAIN_NO_SYMPTOMS
    assert d.triage_level == "routine"


def test_abstains_on_low_confidence(app, users):
    app.config["ABSTAIN_THRESHOLD"] = 0.99  # the tiny model is never that sure
    d = svc.create_assessment("runny nose and sneezing since Monday", actor=users["clinician"])
    assert d.abstained and d.explanation["abstain_reason"] == svc.ABSTAIN_LOW_CONFIDENCE
    assert d.differential  # stored, but not presented as a ranking
    app.config["ABSTAIN_THRESHOLD"] = 0.0
    d2 = svc.create_assessment("runny nose and sneezing since Monday", actor=users["clinician"])
    assert not d2.abstained


def test_emergency_flagged_even_when_abstaining(app, users):
    app.config["ABSTAIN_THRESHOLD"] = 0.99
    d = svc.create_assessment("crushing chest pain and sweating", actor=users["clinician"])
    assert d.abstained and d.triage_level == "emergency"
    assert any("Chest pain" in r for r in d.triage_reasons)


def test_findings_present_absent_not_mentioned(app, knowledge_base):
    from app.services.explain import findings

    cold = svc.knowledge_snapshot().by_code["J00"]
    f = findings("I keep sneezing and have a blocked nose, no sore throat", cold)
    assert "sneezing" in f["present"] and "nasal congestion" in f["present"]
    assert "sore throat" in f["absent"]
    assert "hoarse voice" in f["not_mentioned"]


def test_no_model_gives_503_error_with_rules_triage(app_factory, knowledge_base, tmp_path):
    from app.services.seed import seed_diseases

    application = app_factory()
    with application.app_context():
        seed_diseases(knowledge_base)
        user = make_user("clinician")
        with pytest.raises(svc.ModelUnavailableError) as err:
            svc.create_assessment("I am vomiting blood", actor=user)
        assert err.value.status == 503 and err.value.triage.level == "emergency"
        assert db.session.scalar(db.select(db.func.count(Diagnosis.id))) == 0


@pytest.mark.parametrize("kwargs,field", [
    ({"symptoms": ""}, "symptoms"), ({"symptoms": "ab"}, "symptoms"), ({"symptoms": "x" * 2001}, "symptoms"),
    ({"symptoms": "cough", "age": 121}, "age"), ({"symptoms": "cough", "age": -1}, "age"),
    ({"symptoms": "cough", "sex": "other"}, "sex"), ({"symptoms": 42}, "symptoms"),
])
def test_invalid_input(app, users, kwargs, field):
    with pytest.raises(svc.InvalidInput) as err:
        svc.create_assessment(**kwargs, actor=users["clinician"])
    assert field in err.value.fields


def test_review_beside_ai_output_and_never_overwritten(app, users):
    clinician = users["clinician"]
    d = svc.create_assessment("sneezing and a runny nose", actor=clinician)
    ai_output = (list(d.differential), d.triage_level, d.model_version)
    create_review(d, clinician, "corrected", "J30.4", "seasonal")
    review = db.session.scalar(db.select(Review).where(Review.diagnosis_id == d.id))
    assert (review.outcome, review.final_icd10, review.final_disease) == ("corrected", "J30.4", "Allergic rhinitis")
    # a new AI run on the same text is a new record; the reviewed one keeps its AI output and review
    again = svc.create_assessment("sneezing and a runny nose", actor=clinician)
    assert again.id != d.id and again.review is None
    db.session.expire_all()
    d = db.session.get(Diagnosis, d.id)
    assert (list(d.differential), d.triage_level, d.model_version) == ai_output
    assert d.review.final_icd10 == "J30.4"
    with pytest.raises(AlreadyReviewed):
        create_review(d, clinician, "accepted")
    assert db.session.scalar(db.select(db.func.count(Review.id))) == 1
    assert [e.target_id for e in _events("review.create")] == [str(d.id)]


@pytest.mark.parametrize("outcome,code", [("corrected", None), ("corrected", "Z99.9"), ("maybe", None)])
def test_invalid_reviews(app, users, outcome, code):
    d = svc.create_assessment("sneezing and a runny nose", actor=users["clinician"])
    with pytest.raises(svc.InvalidInput):
        create_review(d, users["clinician"], outcome, code)
    assert db.session.get(Diagnosis, d.id).review is None


def test_accept_and_reject_record_the_final_code(app, users):
    c = users["clinician"]
    d1 = svc.create_assessment("sneezing and a runny nose", actor=c)
    create_review(d1, c, "accepted")
    assert d1.review.final_icd10 == d1.differential[0]["icd10"]
    d2 = svc.create_assessment("sneezing and a runny nose", actor=c)
    create_review(d2, c, "rejected", note="allergy")
    assert d2.review.final_icd10 is None and d2.review.note == "allergy"


def test_explanation_attributions_computed_lazily_and_cached(app, users):
    d = svc.create_assessment("burning when I pee and needing to go all the time", actor=users["clinician"])
    assert d.explanation["attributions"] is None
    exp = svc.explanation_for(d)
    att = exp["attributions"]
    assert att["method"] == "occlusion"
    assert att["words"][:2] == ["burning", "when"]
    for item in d.differential:
        scores = att["by_icd10"][item["icd10"]]["scores"]
        assert len(scores) == len(att["words"])
    db.session.expire_all()
    stored = db.session.get(Diagnosis, d.id).explanation["attributions"]
    # Cached as computed; what is shown re-chooses the highlighted words (issue 15), never the scores.
    assert stored["words"] == att["words"]
    assert {k: v["scores"] for k, v in stored["by_icd10"].items()} == {k: v["scores"] for k, v in att["by_icd10"].items()}
    assert svc.explanation_for(db.session.get(Diagnosis, d.id))["attributions"] == att


def test_micro_batcher_batches_concurrent_requests(app):
    clf = app.extensions["model_holder"].current.classifier
    batcher = MicroBatcher(max_batch=8, max_wait=0.05)
    results, start = {}, threading.Barrier(8)

    def call(i):
        start.wait()
        results[i] = batcher.predict(clf, f"headache and fever number {i}", top_k=3)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 8 and all(len(r) == 3 for r in results.values())
    assert batcher.items == 8 and batcher.batches < 8
    single = clf.predict(["headache and fever number 3"], top_k=3)[0]
    assert [p.icd10 for p in results[3]] == [p.icd10 for p in single]
    assert results[3][0].probability == pytest.approx(single[0].probability, abs=1e-4)


def test_app_batcher_is_shared(app):
    assert get_batcher(app) is get_batcher(app)


def test_promotion_is_followed_before_predicting(app, users, tiny_model_dir, tmp_path):
    """A served ModelVersion row with another version makes the holder swap before the next prediction."""
    import json
    import shutil

    from models import ModelVersion

    copy = tmp_path / "promoted"
    shutil.copytree(tiny_model_dir, copy)
    cfg_path = copy / "training_config.json"
    cfg = json.loads(cfg_path.read_text())
    cfg["version"] = "promoted-test-version"
    cfg_path.write_text(json.dumps(cfg))
    db.session.add(ModelVersion(version="promoted-test-version", path=str(copy), is_served=True))
    db.session.commit()
    d = svc.create_assessment("sneezing and a runny nose", actor=users["clinician"])
    assert d.model_version == "promoted-test-version"


def test_pdf_is_a_pdf_with_the_advice():
    from app.services.pdf import summary_pdf

    data = summary_pdf(created_at="2026-01-01", symptoms="chest pain \u2013 \U0001f600 sweating", age=50, sex="male",
                       level_label="Emergency: call the emergency number now", advice="Get help now.",
                       reasons=["Chest pain with sweating"], possibilities=[], abstained=True,
                       abstain_message="Please add detail.", disclaimer="Not a diagnosis.", review=None,
                       emergency_number="112")
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Call 112 now." in text and "Get help now." in text and "We are not sure" in text
