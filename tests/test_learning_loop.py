"""The whole loop with real tiny models: the AI proposes, the clinician decides, the decisions are
exported, a new model is trained on them, registered, compared, promoted, and rolled back."""

from __future__ import annotations

import hashlib
import json
import re
import shutil

from conftest import client_for, json_load, make_user, train_tiny

from app.services import registry
from app.services.agreement import agreement_report
from app.services.assessment import create_assessment
from app.services.review import create_review
from app.services.seed import seed_diseases
from knowledge import load_knowledge_base
from models import AuditEvent, ModelVersion, db

TEXTS = [
    ("I've had a blocked runny nose and keep sneezing, scratchy throat since Monday", 34, "female"),
    ("high fever that came on suddenly, aching all over, shivering and exhausted", 52, "male"),
    ("tight chest and wheezing when I climb stairs, worse at night", 27, "female"),
    ("pounding headache on one side with flashing lights and feeling sick", 41, "female"),
    ("burning when I pee and needing to go all the time", 63, "female"),
    ("itchy red patches on my elbows that flake", 19, "male"),
    ("sore throat, swollen glands in my neck and a temperature", 8, None),
    ("coughing up yellow phlegm for a week with a mild fever", 75, "male"),
]
# (outcome, final code for corrections)
DECISIONS = [("accepted", None), ("corrected", "J11.1"), ("corrected", "J45.9"), ("corrected", "G43.9"),
             ("corrected", "N39.0"), ("accepted", None), ("corrected", "J02.0"), ("rejected", None)]


def test_the_learning_loop(app, runner, users, tmp_path, tiny_model_pair):
    holder = app.extensions["model_holder"]
    kb = load_knowledge_base()
    seed_diseases(kb)
    codes = {c.icd10 for c in kb.conditions}
    assert {code for _, code in DECISIONS if code} <= codes

    # -- 1. the served model: version A, registered and promoted from the command line ----------
    root = tmp_path / "models"
    root.mkdir()
    a_dir = tiny_model_pair[0]
    version_a = json_load(a_dir / "training_config.json")["version"]
    shutil.copytree(a_dir, root / version_a)
    app.config["MODELS_ROOT"] = str(root)
    assert "registered 1" in runner.invoke(args=["models", "scan"]).output
    assert runner.invoke(args=["models", "promote", version_a]).exit_code == 0
    assert holder.version == version_a

    # -- 2. the AI proposes (assessment service, real predictions), the clinician decides --------
    clin = users["clinician"]
    patient = make_user("patient", "lee.quinton@example.org", name="Lee Quinton")
    diagnoses = []
    for i, (text, age, sex) in enumerate(TEXTS):
        if i == 0:
            text = f"Lee Quinton (lee.quinton@example.org, 07700 900456) on 14/02/2025: {text}"
        d = create_assessment(text, age, sex, actor=clin, patient=patient)
        assert d.model_version == version_a and len(d.differential) >= 3
        diagnoses.append(d)
    with app.test_request_context():  # reviews happen in a request (the patient's mail links to the site)
        for d, (outcome, code) in zip(diagnoses, DECISIONS, strict=True):
            create_review(d, clin, outcome, final_icd10=code,
                          note="checked on examination" if outcome != "accepted" else None)
    expected_labels = [d.differential[0]["icd10"] if o == "accepted" else c
                       for d, (o, c) in zip(diagnoses, DECISIONS, strict=True) if o != "rejected"]

    # -- 3. export: de-identified training data -------------------------------------------------
    cases = tmp_path / "cases.jsonl"
    out = runner.invoke(args=["export-cases", str(cases)])
    assert out.exit_code == 0, out.output
    assert "exported 7 cases (2 accepted, 5 corrected)" in out.output
    rows = [json.loads(line) for line in cases.read_text().splitlines()]
    assert [r["label"] for r in rows] == expected_labels
    raw = cases.read_text()
    for forbidden in ("Lee", "Quinton", "lee.quinton", "example.org", "07700", "14/02/2025", clin.email, clin.name):
        assert forbidden not in raw, forbidden
    assert not any(re.search(r"\b\d{4}-\d{2}-\d{2}\b", r["text"]) for r in rows)
    assert {r["age_band"] for r in rows} >= {"30-39", "50-59", "60-69", "0-9"}
    assert all(str(d.id) != r["case_id"] for d, r in zip(diagnoses, rows, strict=False))

    # -- 4. learn: a new version trained on the knowledge base plus the confirmed cases -----------
    c_dir = train_tiny(root, 3, "--data", "kb", "--data", str(cases))
    assert c_dir.parent == root
    version_c = json_load(c_dir / "training_config.json")["version"]
    assert version_c != version_a

    # -- 5. register and compare -----------------------------------------------------------------
    out = runner.invoke(args=["models", "scan"])
    assert out.exit_code == 0 and version_c in out.output
    row_c = registry.get_version(version_c)
    file_source = next(s for s in row_c.data_sources if s["source"] == str(cases))
    assert file_source["sha256"] == hashlib.sha256(cases.read_bytes()).hexdigest()
    assert any(s["source"] == "kb" for s in row_c.data_sources)
    ml = make_user("ml", "mlops@example.org", name="Morgan Ops")
    web = client_for(app, ml)
    page = web.get(f"/ml/compare?a={version_a}&b={version_c}").data.decode()
    assert f"A: {version_a}" in page and f"B: {version_c}" in page
    versions_page = web.get("/ml/versions").data.decode()
    assert cases.name in versions_page and str(cases) not in versions_page  # the file, never a server path

    # -- 6. promote through the web: every new prediction reports the new version ----------------
    resp = web.post(f"/ml/versions/{version_c}/promote", data={"version": version_c, "confirm": "y"})
    assert resp.status_code == 302
    assert holder.version == version_c and registry.served_version().version == version_c
    assert (root / "current").resolve() == c_dir.resolve()
    d_new = create_assessment("fever and a cough for three days", 45, "male", actor=clin)
    assert d_new.model_version == version_c
    assert app.test_client().get("/api/v1/health").get_json()["model_version"] == version_c

    # -- 7. roll back: the old version serves again -----------------------------------------------
    out = runner.invoke(args=["models", "rollback"])
    assert out.exit_code == 0, out.output
    assert holder.version == version_a and (root / "current").resolve() == (root / version_a).resolve()
    assert create_assessment("fever and a cough for three days", 45, "male", actor=clin).model_version == version_a

    # -- 8. a corrupt artifact cannot be promoted; the served one stays --------------------------
    (c_dir / "model.safetensors").write_bytes(b"\x00" * 64)
    out = runner.invoke(args=["models", "promote", version_c])
    assert out.exit_code != 0 and "could not be loaded, nothing changed" in out.output
    assert holder.version == version_a and registry.served_version().version == version_a
    assert create_assessment("fever and a cough", 45, "male", actor=clin).model_version == version_a

    # -- the dashboards see the loop ---------------------------------------------------------------
    report = agreement_report()
    versions = dict(report.by_version)
    assert versions[version_a].n == 8 and versions[version_c].assessments == 1
    assert report.overall.top1 == 2  # the two accepted suggestions
    history = [(e.action, e.details["from"], e.details["to"]) for e in registry.promotion_history()][::-1]
    assert history == [("model.promote", None, version_a), ("model.promote", version_a, version_c),
                       ("model.rollback", version_c, version_a)]
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "cases.export")) == 1
    assert db.session.scalar(db.select(db.func.count(ModelVersion.id))) == 2
