"""The safety-net inputs and outputs over the API: vital signs, risk factors, NEWS2, acuity rules, priors."""

from __future__ import annotations

import pytest
from conftest import bearer, make_user

from app.services.seed import seed_diseases
from models import Diagnosis, db

pytestmark = pytest.mark.serving_model  # `app` serves the tiny model, knowledge base seeded (tests/conftest.py)


def _post(app, user, **body):
    return app.test_client().post("/api/v1/assessments", headers=bearer(user), json=body)


def test_vitals_and_risk_factors_are_scored_stored_and_returned(app, users):
    resp = _post(app, users["clinician"], symptoms="cough and feeling hot for two days", age=70,
                 vitals={"respiratory_rate": 26, "spo2": 93, "heart_rate": 115, "temperature_c": 38.9},
                 risk_factors={"diabetes": True, "pregnant": None})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["triage"]["news2"]["score"] == 3 + 2 + 2 + 1 and body["triage"]["news2"]["parts"]["respiratory_rate"] == 3
    assert body["triage"]["level"] == "emergency"
    assert any(r.startswith("NEWS2 8") for r in body["triage"]["reasons"])
    assert body["vitals"]["spo2"] == 93 and body["risk_factors"] == {"diabetes": True}
    row = db.session.get(Diagnosis, body["id"])
    assert row.vitals["respiratory_rate"] == 26 and row.risk_factors == {"diabetes": True}
    assert row.triage_detail["news2"]["score"] == 8


def test_vitals_written_in_the_text_count_too(app, users):
    body = _post(app, users["clinician"], symptoms="74M productive cough, sats 89% on air, RR 28, HR 118").get_json()
    assert body["triage"]["level"] == "emergency" and body["vitals"]["spo2"] == 89


def test_a_pregnant_patient_with_pain_and_bleeding_is_an_emergency_with_the_rule_named(app, users):
    body = _post(app, users["patient"], symptoms="cramping pain low on the left and some bleeding",
                 risk_factors={"pregnant": True}).get_json()
    assert body["triage"]["level"] == "emergency"
    assert "pregnancy_pain_and_bleeding" in {r["id"] for r in body["triage"]["rules"]}
    same_without = _post(app, users["patient"], symptoms="cramping pain low on the left and some bleeding",
                         sex="male").get_json()
    assert "pregnancy_pain_and_bleeding" not in {r["id"] for r in same_without["triage"]["rules"]}


def test_bad_vitals_and_risk_factors_are_422_naming_the_field(app, users):
    resp = _post(app, users["clinician"], symptoms="cough", vitals={"heart_rate": 9000})
    assert resp.status_code == 422 and "heart_rate" in str(resp.get_json()["error"])
    resp = _post(app, users["clinician"], symptoms="cough", risk_factors={"smoker": True})
    assert resp.status_code == 422 and "smoker" in str(resp.get_json()["error"])
    resp = _post(app, users["clinician"], symptoms="cough", vitals="fast")
    assert resp.status_code == 422


def test_when_the_model_cannot_rank_the_level_comes_from_the_acuity_layer(app_factory, tiny_model_dir, knowledge_base):
    app = app_factory(MODEL_DIR=str(tiny_model_dir), ABSTAIN_THRESHOLD=1.01)  # the model always abstains
    with app.app_context():
        seed_diseases(knowledge_base)
        doc = make_user("clinician")
        body = _post(app, doc, symptoms="I took 30 paracetamol tablets an hour ago").get_json()
        assert body["abstained"] and body["triage"]["level"] == "emergency"
        assert body["triage"]["reasons"][0].startswith("We can't tell what this is, but these signs need emergency care")
        cold = _post(app, doc, symptoms="runny nose and sneezing for two days").get_json()
        assert cold["abstained"] and cold["triage"]["level"] == "routine"  # never raised without a sign


def test_impossible_conditions_are_never_shown(app, users, knowledge_base):
    female_only = {c.icd10 for c in knowledge_base.conditions
                   if c.demographics.get("sex") == "female" or c.demographics.get("pregnancy") == "required"}
    for text in ("pain low in my tummy on one side and spotting", "heavy bleeding and cramps", "lump in my breast"):
        body = _post(app, users["clinician"], symptoms=text, sex="male", age=40).get_json()
        assert not {d["icd10"] for d in body["differential"]} & female_only, body["differential"]
        excluded = body["explanation"]["excluded_by_demographics"]
        assert all(e["reason"] for e in excluded)  # each removal says why
        assert not {e["icd10"] for e in excluded} & {d["icd10"] for d in body["differential"]}


def test_openapi_documents_the_new_fields(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    assert {"temperature_c", "spo2", "consciousness"} <= set(schemas["Vitals"]["properties"])
    assert {"pregnant", "anticoagulants"} <= set(schemas["RiskFactors"]["properties"])
    assert {"news2", "rules"} <= set(schemas["Triage"]["properties"])
    assert "out_of_scope" in schemas["Assessment"]["properties"]


def test_out_of_scope_texts_abstain_with_that_reason_and_triage_still_applies(app_factory, tiny_model_dir, knowledge_base,
                                                                               tmp_path):
    import json
    import shutil

    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model)
    (model / "scope.json").write_text(json.dumps({"threshold": 1.01}))  # nothing fits: every text is out of scope
    app = app_factory(MODEL_DIR=str(model), ABSTAIN_THRESHOLD=0.0)
    with app.app_context():
        seed_diseases(knowledge_base)
        doc = make_user("clinician")
        body = _post(app, doc, symptoms="sudden severe pain in my testicle and vomiting").get_json()
        assert body["out_of_scope"] and body["abstained"]
        assert body["explanation"]["abstain_reason"] == "out_of_scope"
        assert "does not fit any of the conditions" in body["abstain_message"]
        assert body["triage"]["level"] == "emergency"


def test_scope_calibration_writes_a_threshold_from_the_dev_sets(tiny_model_dir, tmp_path):
    import json
    import shutil

    from training.cli import main

    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model)
    assert main(["calibrate-scope", "--model", str(model)]) == 0
    info = json.loads((model / "scope.json").read_text())
    assert 0 <= info["dev_in_scope_refused"] <= 0.06 and 0 <= info["dev_auroc"] <= 1
    assert main(["measure-scope", "--model", str(model)]) == 0
    # the score adds the fit and the highest raw logit (round 12, chosen on the dev sets)
    assert set(info["features"]) == {"fit", "max_logit"}


def test_a_scope_file_naming_the_entropy_still_scores_with_it(tiny_model_dir, tmp_path):
    import json
    import shutil

    from training.predictor import Classifier

    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model)
    (model / "scope.json").write_text(json.dumps({"threshold": 0.0, "features": {"fit": [0.5, 0.1], "neg_entropy": [-1.0, 0.5]}}))
    clf = Classifier.load(model)
    ranking = clf.predict(["sore throat and a runny nose"])[0]
    assert ranking.max_logit is not None
    expected = (ranking.fit - 0.5) / 0.1 + (ranking.neg_entropy + 1.0) / 0.5
    assert clf.scope_score(ranking.fit, ranking.neg_entropy, ranking.max_logit) == pytest.approx(expected, rel=1e-5)
