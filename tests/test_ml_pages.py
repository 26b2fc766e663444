"""ML pages: permissions of every role, versions / compare / plots, promote and roll back through
the web (confirm step, CSRF), the agreement dashboard and the active-learning queue."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from conftest import add_review, client_for, ddx, json_load, make_assessment, make_user

from app.services import registry
from app.services.active_learning import build_queue, normalised_entropy
from app.services.agreement import agreement_report
from models import AuditEvent, Disease, ModelVersion, db

FLU = ("Influenza", "J11.1")
COLD = ("Common cold", "J00")
MIGRAINE = ("Migraine", "G43.9")
ASTHMA = ("Asthma", "J45.9")


@pytest.fixture
def registered(app, models_root) -> tuple[str, str]:
    registry.scan_models(models_root)
    return tuple(sorted(json_load(p / "training_config.json")["version"] for p in models_root.iterdir() if p.is_dir()))


# -- permissions -----------------------------------------------------------------------------------

MODEL_PAGES = ["/ml/", "/ml/versions", "/ml/compare", "/ml/versions/{v}", "/ml/versions/{v}/files/confusion_matrix.png",
               "/ml/versions/{v}/promote", "/ml/rollback"]
EXPECTED = {
    # page group -> roles that get 200 (everyone else logged in: 403)
    "model": {"ml", "admin"},
    "agreement": {"ml", "admin", "clinician"},
    "queue": {"ml", "clinician"},
}


def test_every_role_on_every_page(app, role_client, registered):
    v = registered[0]
    pages = [(p.format(v=v), "model") for p in MODEL_PAGES] + [
        ("/ml/agreement", "agreement"), ("/ml/agreement/charts/weekly.png", "agreement"),
        ("/ml/agreement/charts/conditions.png", "agreement"), ("/ml/agreement/charts/versions.png", "agreement"),
        ("/ml/queue", "queue"),
    ]
    for url, group in pages:
        resp = role_client.get(url)
        expected = 200 if role_client.role in EXPECTED[group] else 403
        assert resp.status_code == expected, (role_client.role, url, resp.status_code)
    posts = ["/ml/scan", "/ml/export", f"/ml/versions/{v}/promote", "/ml/rollback"]
    for url in posts:
        resp = role_client.post(url, data={})
        if role_client.role in EXPECTED["model"]:
            assert resp.status_code in (200, 302, 400), (url, resp.status_code)
        else:
            assert resp.status_code == 403, (role_client.role, url)
    if role_client.role not in EXPECTED["model"]:
        assert db.session.scalar(db.select(db.func.count(ModelVersion.id)).where(ModelVersion.is_served.is_(True))) == 0


def test_anonymous_is_sent_to_log_in(client):
    for url in ("/ml/versions", "/ml/agreement", "/ml/queue", "/ml/compare"):
        resp = client.get(url)
        assert resp.status_code == 302 and "/auth/login" in resp.headers["Location"]
    assert client.post("/ml/export").status_code in (302, 401)


def test_nav_shows_the_ml_pages_by_role(app, users):
    page = client_for(app, users["ml"]).get("/ml/versions").data.decode()
    assert "/ml/agreement" in page and "/ml/queue" in page
    page = client_for(app, users["admin"]).get("/ml/versions").data.decode()
    assert "/ml/agreement" in page and 'href="/ml/queue"' not in page


# -- versions, compare, plots --------------------------------------------------------------------

def test_versions_page_lists_metrics_and_sources(app, users, registered):
    page = client_for(app, users["ml"]).get("/ml/versions").data.decode()
    for v in registered:
        assert v in page
    for label in ("Accuracy", "Top-3 accuracy", "Macro-F1", "ECE before calibration", "ECE after calibration",
                  "Unseen-wording accuracy", "Confirmed-case accuracy"):
        assert label in page
    assert "kb" in page and re.search(r"<code[^>]*>[0-9a-f]{12}</code>", page)
    assert "No version has been promoted yet" in page
    assert "<script" not in page and "style=" not in page  # CSP: no inline scripts or styles


def test_version_detail_shows_plots_and_model_card(app, users, registered, models_root):
    v = registered[1]
    c = client_for(app, users["admin"])
    page = c.get(f"/ml/versions/{v}").data.decode()
    for name in ("confusion_matrix.png", "reliability.png", "per_class_f1.png"):
        assert f"/ml/versions/{v}/files/{name}" in page
    assert "Model card" in page and 'class="model-card" tabindex="0" role="region"' in page  # rendered, keyboard-reachable
    assert "<pre class=\"model-card\">" not in page and "<h3>" in page
    assert str(models_root) not in page  # no server file paths on pages
    png = c.get(f"/ml/versions/{v}/files/reliability.png")
    assert png.status_code == 200 and png.mimetype == "image/png" and png.data[:4] == b"\x89PNG"
    assert "no-store" in png.headers["Cache-Control"]
    assert c.get("/ml/versions/no-such-version").status_code == 404


def test_artifact_files_are_served_safely(app, users, registered, models_root, tmp_path):
    v = registered[0]
    c = client_for(app, users["ml"])
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"\x89PNG secret")
    (models_root / v / "leak.png").symlink_to(outside)
    for name in ("metrics.json", "MODEL_CARD.md", "..%2F..%2Fsecret.png", "%2E%2E", "leak.png", "missing.png",
                 "model.safetensors"):
        resp = c.get(f"/ml/versions/{v}/files/{name}")
        assert resp.status_code == 404, name
        assert b"secret" not in resp.data
    assert c.get(f"/ml/versions/{v}/files/../training_config.json").status_code == 404


def test_compare_shows_deltas_and_per_class(app, users, registered):
    a, b = registered
    page = client_for(app, users["ml"]).get(f"/ml/compare?a={a}&b={b}").data.decode()
    assert f"A: {a}" in page and f"B: {b}" in page
    assert "Per-class F1" in page and " pts" in page
    assert f"/ml/versions/{a}/files/confusion_matrix.png" in page
    assert client_for(app, users["ml"]).get(f"/ml/compare?a={a}&b=nope").status_code == 404


# -- promote and roll back through the web -------------------------------------------------------

def test_promote_needs_the_confirm_step(app, users, registered):
    a, b = registered
    c = client_for(app, users["ml"])
    confirm = c.get(f"/ml/versions/{a}/promote")
    assert confirm.status_code == 200 and b"Tick" not in confirm.data and b'name="confirm"' in confirm.data
    resp = c.post(f"/ml/versions/{a}/promote", data={"version": a})  # box not ticked
    assert resp.status_code == 400 and b"Tick the box to confirm." in resp.data
    assert registry.served_version() is None
    resp = c.post(f"/ml/versions/{a}/promote", data={"version": a, "confirm": "y"}, follow_redirects=True)
    assert resp.status_code == 200 and f"Now serving {a}".encode() in resp.data
    assert registry.served_version().version == a
    assert app.extensions["model_holder"].version == a
    ev = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "model.promote")).one()
    assert ev.actor_id == users["ml"].id and ev.details["via"] == "web"
    # the confirm page of the other version compares it with the served one
    page = c.get(f"/ml/versions/{b}/promote").data.decode()
    assert f"Served: {a}" in page and f"This: {b}" in page
    resp = c.post(f"/ml/versions/{b}/promote", data={"version": b, "confirm": "y"}, follow_redirects=True)
    assert registry.served_version().version == b
    page = c.get("/ml/versions").data.decode()
    assert f"Roll back to {a}" in page and "Promotion history" in page and users["ml"].email in page
    # roll back: confirm page, then POST
    assert f"Serve <strong>{a}</strong> again".encode() in c.get("/ml/rollback").data
    resp = c.post("/ml/rollback", data={"target": a, "confirm": "y"}, follow_redirects=True)
    assert f"Rolled back to {a}".encode() in resp.data
    assert registry.served_version().version == a and app.extensions["model_holder"].version == a


def test_promote_of_a_broken_artifact_via_web_keeps_the_old_one(app, users, registered, models_root):
    a, b = registered
    c = client_for(app, users["admin"])
    c.post(f"/ml/versions/{a}/promote", data={"version": a, "confirm": "y"})
    (models_root / b / "config.json").write_text("{}")
    resp = c.post(f"/ml/versions/{b}/promote", data={"version": b, "confirm": "y"}, follow_redirects=True)
    assert f"model {b} could not be loaded, nothing changed".encode() in resp.data
    assert registry.served_version().version == a and app.extensions["model_holder"].version == a


def test_promote_and_scan_need_a_csrf_token(app_factory, tiny_model_pair, tmp_path):
    import shutil

    app = app_factory(WTF_CSRF_ENABLED=True, MODELS_ROOT=str(tmp_path / "m"))
    with app.app_context():
        shutil.copytree(tiny_model_pair[0], tmp_path / "m" / json_load(tiny_model_pair[0] / "training_config.json")["version"])
        registry.scan_models(tmp_path / "m")
        v = registry.list_versions()[0].version
        c = client_for(app, make_user("ml"))
        assert c.post(f"/ml/versions/{v}/promote", data={"version": v, "confirm": "y"}).status_code == 400
        assert c.post("/ml/scan").status_code == 400
        assert registry.served_version() is None
        page = c.get(f"/ml/versions/{v}/promote").data.decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        resp = c.post(f"/ml/versions/{v}/promote", data={"version": v, "confirm": "y", "csrf_token": token})
        assert resp.status_code == 302 and registry.served_version().version == v


def test_scan_button_registers_and_reports_skips(app, users, models_root):
    (models_root / "half-written").mkdir()
    resp = client_for(app, users["ml"]).post("/ml/scan", follow_redirects=True)
    page = resp.data.decode()
    assert "Scan: 2 new" in page and "Skipped half-written: config.json is missing" in page
    assert db.session.scalar(db.select(db.func.count(ModelVersion.id))) == 2


# -- agreement dashboard ---------------------------------------------------------------------------

@pytest.fixture
def reviewed(app, users):
    for name, code in (FLU, COLD, MIGRAINE, ASTHMA):
        db.session.add(Disease(name=name, icd10=code))
    db.session.commit()
    clin = users["clinician"]
    now = datetime.now(UTC)
    last_week = now - timedelta(days=7)

    def dx(*names, p=0.6):
        return ddx(*[(n, c, p if i == 0 else 0.1) for i, (n, c) in enumerate(names)])

    a = make_assessment("flu-like", dx(FLU, COLD, MIGRAINE), entered_by=clin, model_version="v1", created_at=last_week)
    add_review(a, "accepted", clin)                                                   # top-1
    b = make_assessment("cold-like", dx(FLU, COLD, MIGRAINE), entered_by=clin, model_version="v1", created_at=last_week)
    add_review(b, "corrected", clin, final_icd10="J00", note="runny nose, no fever; call 07700 900123")  # top-3
    c = make_assessment("wheeze", dx(FLU, COLD, MIGRAINE), entered_by=clin, model_version="v2", created_at=now)
    add_review(c, "corrected", clin, final_icd10="J45.9", note="wheeze on exam")       # neither
    d = make_assessment("unclear", dx(COLD), entered_by=clin, model_version="v2", created_at=now)
    add_review(d, "rejected", clin, note="not enough to go on")                       # neither
    make_assessment("abstained", dx(COLD, p=0.2), entered_by=clin, model_version="v2", abstained=True, created_at=now)
    e = make_assessment("cold again", dx(COLD, FLU), entered_by=clin, model_version="v2", created_at=now)
    add_review(e, "accepted", clin)                                                   # top-1
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def test_agreement_numbers(app, reviewed):
    r = agreement_report()
    o = r.overall
    assert (o.assessments, o.n, o.top1, o.top3, o.abstained) == (6, 5, 2, 3, 1)
    assert o.top1_rate == pytest.approx(2 / 5) and o.top3_rate == pytest.approx(3 / 5)
    assert o.abstention_rate == pytest.approx(1 / 6)
    assert (o.accepted, o.corrected, o.rejected) == (2, 2, 1)
    assert len(r.weekly) == 2 and [w.n for _, w in r.weekly] == [2, 3]
    versions = dict(r.by_version)
    assert versions["v1"].top1_rate == pytest.approx(0.5) and versions["v1"].top3_rate == pytest.approx(1.0)
    assert versions["v2"].top1_rate == pytest.approx(1 / 3) and versions["v2"].abstention_rate == pytest.approx(1 / 4)
    conditions = {code: rate for code, _, rate in r.by_condition}
    assert conditions["J45.9"].top3 == 0 and conditions["J00"].n == 2 and conditions["J00"].top1 == 1
    assert ("J11.1", "J45.9", 1) in r.corrections and ("J11.1", "J00", 1) in r.corrections
    assert [n["note"] for n in r.notes["rejected"]] == ["not enough to go on"]
    assert any("[phone]" in n["note"] and "07700" not in n["note"] for n in r.notes["corrected"])
    assert agreement_report(days=3).overall.assessments == 4  # the period filter


def test_agreement_page_and_charts(app, users, reviewed):
    c = client_for(app, users["clinician"])
    page = c.get("/ml/agreement").data.decode()
    assert "40.0%" in page and "60.0%" in page  # top-1 and top-3
    assert "Influenza" in page and "Asthma" in page and "v1" in page and "v2" in page
    assert "not enough to go on" in page and "07700" not in page
    assert "<script" not in page and "style=" not in page
    for name in ("weekly", "conditions", "versions"):
        png = c.get(f"/ml/agreement/charts/{name}.png?days=30")
        assert png.status_code == 200 and png.data[:4] == b"\x89PNG"
    assert c.get("/ml/agreement/charts/other.png").status_code == 404
    assert c.get("/ml/agreement?days=banana").status_code == 200
    ev = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "agreement.read")).first()
    assert ev.actor_id == users["clinician"].id and ev.details["notes_shown"] == 3
    assert "enough" not in str(ev.details)


def test_agreement_page_with_no_data(app, users):
    assert b"No assessments in this period yet." in client_for(app, users["ml"]).get("/ml/agreement").data


# -- active-learning queue -------------------------------------------------------------------------

@pytest.fixture
def unreviewed(app, users):
    clin = users["clinician"]
    patient = make_user("patient", "pat.doe@example.org", name="Patricia Doewright")
    # many confirmed flu cases: flu is not rare
    for i in range(6):
        add_review(make_assessment(f"flu {i}", ddx((*FLU, 0.9)), entered_by=clin), "accepted", clin)
    sure = make_assessment("classic flu", ddx((*FLU, 0.95), (*COLD, 0.03)), entered_by=clin, patient=patient)
    unsure = make_assessment("Patricia Doewright says: mixed picture, ring 07700 900123",
                             ddx((*FLU, 0.3), (*COLD, 0.28), (*MIGRAINE, 0.25)), entered_by=clin, patient=patient)
    abstained = make_assessment("vague", ddx((*COLD, 0.2), (*FLU, 0.18)), entered_by=clin, abstained=True)
    rare = make_assessment("wheezy", ddx((*ASTHMA, 0.7), (*COLD, 0.1)), entered_by=clin)
    return {"sure": sure, "unsure": unsure, "abstained": abstained, "rare": rare, "patient": patient}


def test_queue_ranks_by_what_the_model_would_learn(app, unreviewed):
    items = build_queue(deidentify=False, audit=False)
    ids = [it.diagnosis_id for it in items]
    assert set(ids) == {unreviewed[k].id for k in ("sure", "unsure", "abstained", "rare")}  # reviewed ones excluded
    assert ids[-1] == unreviewed["sure"].id  # the confident, common case teaches least
    assert ids[0] in (unreviewed["abstained"].id, unreviewed["unsure"].id)
    by_id = {it.diagnosis_id: it for it in items}
    assert "the model abstained" in by_id[unreviewed["abstained"].id].reasons
    assert any(r.startswith("low confidence: top suggestion 30%") for r in by_id[unreviewed["unsure"].id].reasons)
    assert any("spread-out differential" in r for r in by_id[unreviewed["unsure"].id].reasons)
    assert "rare condition: 0 confirmed cases of J45.9" in by_id[unreviewed["rare"].id].reasons
    assert not any("rare" in r for r in by_id[unreviewed["sure"].id].reasons)
    assert normalised_entropy(ddx(("x", "A", 1.0))) == 0.0
    assert normalised_entropy(ddx(("x", "A", 0.5), ("y", "B", 0.5))) == pytest.approx(1.0)


def test_queue_for_clinicians_shows_the_patient_and_for_ml_only_scrubbed_text(app, users, unreviewed):
    page = client_for(app, users["clinician"]).get("/ml/queue").data.decode()
    assert "Patricia Doewright" in page and "07700 900123" in page
    page = client_for(app, users["ml"]).get("/ml/queue").data.decode()
    assert "Patricia" not in page and "Doewright" not in page and "pat.doe" not in page and "07700" not in page
    assert "mixed picture" in page and "[phone]" in page and "[name]" in page
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "queue.read")).all()
    assert len(events) == 2 and [e.details["deidentified"] for e in events] == [False, True]
    assert unreviewed["unsure"].id in events[0].details["ids"]
    assert "mixed" not in str(events[0].details)  # never patient text in the audit trail


def test_queue_links_to_the_review_page_when_it_exists(app, users, unreviewed):
    page = client_for(app, users["clinician"]).get("/ml/queue").data.decode()
    if "assess.result" in app.view_functions:
        from app.ml.routes import review_url

        with app.test_request_context():
            url = review_url(unreviewed["unsure"].id)
        assert url and f'href="{url}"' in page
    else:
        assert ">Review</a>" not in page


def test_queue_rescoring_flags_disagreement_with_the_served_model(app, users, registered):
    a, _ = registered
    registry.promote(a)
    clf = app.extensions["model_holder"].current.classifier
    text = "itchy red rash on both elbows for weeks"
    served_top = clf.predict([text], top_k=1)[0][0]
    other = next((n, c) for n, c in clf.labels if c != served_top.icd10)
    d = make_assessment(text, ddx((other[0], other[1], 0.9)), model_version="older-version", entered_by=users["clinician"])
    items = build_queue(deidentify=True, rescore=True, audit=False)
    item = next(it for it in items if it.diagnosis_id == d.id)
    assert item.rescored_top["icd10"] == served_top.icd10
    assert any(r.startswith(f"served model {a} suggests {served_top.icd10}") for r in item.reasons)
    plain = next(it for it in build_queue(deidentify=True, audit=False) if it.diagnosis_id == d.id)
    assert item.score > plain.score
    page = client_for(app, users["ml"]).get("/ml/queue?rescore=1").data.decode()
    assert f"served model {a} suggests" in page


def test_version_detail_names_the_serving_engine_and_the_int8_decision(app, users, registered, models_root):
    v = registered[1]
    c = client_for(app, users["ml"])
    page = c.get(f"/ml/versions/{v}").data.decode()
    assert "Serving engine" in page and "ONNX Runtime" in page and "model.onnx" in page
    # a blended artifact's record with a measured int8 check (as training writes it)
    record = json.loads((models_root / v / "onnx.json").read_text())
    record["embedder"] = {"file": "embedder.onnx", "int8": True, "int8_check": {
        "texts": 201, "top1_top3_fp32": [88.56, 96.02], "top1_top3_int8": [88.56, 96.02],
        "change_points": [0.0, 0.0], "max_change_allowed": 0.5}}
    (models_root / v / "onnx.json").write_text(json.dumps(record))
    page = c.get(f"/ml/versions/{v}").data.decode()
    assert "<strong>int8</strong>" in page and "measured on 201 dev-wording texts" in page
    (models_root / v / "onnx.json").unlink()
    page = c.get(f"/ml/versions/{v}").data.decode()
    assert "PyTorch (this artifact has no ONNX export)" in page and "export-onnx" in page


# -- issue 15: served version, pagination, small samples, de-identified notes -----------------------

def test_served_version_is_marked_and_not_offered_for_promotion(app, users, registered):
    registry.promote(registered[1], users["admin"])
    c = client_for(app, users["ml"])
    page = c.get("/ml/versions").data.decode()
    row = page[page.index(f'>{registered[1]}</a>'):]
    row = row[: row.index("</tr>")]
    assert "badge-served" in row and f"/ml/versions/{registered[1]}/promote" not in row
    assert f"/ml/versions/{registered[0]}/promote" in page
    detail = c.get(f"/ml/versions/{registered[1]}").data.decode()
    assert "not offered for promotion" in detail and f"/ml/versions/{registered[1]}/promote" not in detail


def test_queue_is_paginated(app, users):
    for i in range(25):
        make_assessment(f"case {i}", ddx(("Common cold", "J00", 0.4)))
    c = client_for(app, users["clinician"])
    first = c.get("/ml/queue").data.decode()
    assert first.count('<li class="card">') == 20 and "Page 1 of 2 (25)" in first
    second = c.get("/ml/queue?page=2").data.decode()
    assert second.count('<li class="card">') == 5 and "<strong>#21</strong>" in second


def test_agreement_warns_on_small_samples(app, users, reviewed):
    page = client_for(app, users["ml"]).get("/ml/agreement").data.decode()
    assert "Small sample:" in page and "only 5 reviewed assessments" in page


def test_agreement_notes_are_de_identified_as_the_page_claims(app, users):
    """Issue 15: a patient's name in a clinician's note reached /ml/agreement."""
    clin = users["clinician"]
    db.session.add(Disease(name=FLU[0], icd10=FLU[1]))
    db.session.commit()
    notes = ["Karen Okafor says the cough is better", "talked to Peter about the rash",
             "seen with husband (Tom), pt jane doe has had this before"]
    for note in notes:
        d = make_assessment("cough", ddx((*FLU, 0.6)), entered_by=clin)
        add_review(d, "rejected", clin, note=note)
    page = client_for(app, users["ml"]).get("/ml/agreement").data.decode()
    for name in ("Karen", "Okafor", "Peter", "Tom", "jane", "doe"):
        assert not re.search(rf"\b{name}\b", page[page.index("Notes on"):]), name
    assert "the cough is better" in page and "[name]" in page
