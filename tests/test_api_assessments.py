"""The assessments API: roles, de-identification, validation, pagination, review, explanation."""

from __future__ import annotations

import pytest
from conftest import bearer, make_user

from app.services import assessment as svc
from models import AuditEvent, Diagnosis, Review, db

pytestmark = pytest.mark.serving_model  # `app` serves the tiny model, knowledge base seeded (tests/conftest.py)


def _self(users, who="patient", text="sneezing and a runny nose"):
    return svc.create_assessment(text, actor=users[who], patient=users[who], source="self")


def test_clinician_creates_for_a_patient(app, users):
    c = app.test_client()
    resp = c.post("/api/v1/assessments", headers=bearer(users["clinician"]),
                  json={"symptoms": "fever, stiff neck and a headache", "age": 19, "sex": "female",
                        "patient_email": "patient@example.org"})
    assert resp.status_code == 201
    body = resp.get_json()
    for key in ("id", "created_at", "model_version", "symptoms", "differential", "triage", "explanation",
                "abstained", "disclaimer", "review"):
        assert key in body
    assert body["triage"]["level"] == "emergency" and body["triage"]["reasons"]
    assert body["review"] is None and body["patient"]["email"] == "patient@example.org"
    assert set(body["differential"][0]) == {"disease", "icd10", "probability"}
    assert resp.headers["Location"].endswith(f"/api/v1/assessments/{body['id']}")
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "diagnosis.create")).target_id == str(body["id"])


def test_patient_creates_own_self_assessment(app, users):
    c = app.test_client()
    h = bearer(users["patient"])
    resp = c.post("/api/v1/assessments", headers=h, json={"symptoms": "itchy red rash on my elbows"})
    assert resp.status_code == 201
    d = db.session.get(Diagnosis, resp.get_json()["id"])
    assert d.source == "self" and d.patient_id == users["patient"].id
    resp = c.post("/api/v1/assessments", headers=h, json={"symptoms": "rash", "patient_email": "patient2@example.org"})
    assert resp.status_code == 422


@pytest.mark.parametrize("role", ["admin", "ml"])
def test_admin_and_ml_cannot_create(app, users, role):
    resp = app.test_client().post("/api/v1/assessments", headers=bearer(users[role]), json={"symptoms": "cough"})
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("body,status,field", [
    ({}, 422, "symptoms"),
    ({"symptoms": "ab"}, 422, "symptoms"),
    ({"symptoms": "x" * 2001}, 422, "symptoms"),
    ({"symptoms": 12345}, 422, "symptoms"),
    ({"symptoms": "cough", "age": "12"}, 422, "age"),
    ({"symptoms": "cough", "age": 12.5}, 422, "age"),
    ({"symptoms": "cough", "age": 121}, 422, "age"),
    ({"symptoms": "cough", "sex": "x"}, 422, "sex"),
    ({"symptoms": "cough", "patient_email": "not-an-email"}, 422, "patient_email"),
    ({"symptoms": "cough", "patient_email": "nobody@example.org"}, 422, "patient_email"),
    ({"symptoms": "cough", "surprise": 1}, 422, "surprise"),
])
def test_validation(app, users, body, status, field):
    resp = app.test_client().post("/api/v1/assessments", headers=bearer(users["clinician"]), json=body)
    assert resp.status_code == status
    err = resp.get_json()["error"]
    assert field in str(err["fields"]) and err["message"]
    assert db.session.scalar(db.select(db.func.count(Diagnosis.id))) == 0


def test_overlong_symptoms_message_is_clear(app, users):
    resp = app.test_client().post("/api/v1/assessments", headers=bearer(users["clinician"]),
                                         json={"symptoms": "x" * 2001})
    assert "at most 2000 characters" in resp.get_json()["error"]["message"]


def test_malformed_json_and_too_large(app, users):
    c = app.test_client()
    h = {**bearer(users["clinician"]), "Content-Type": "application/json"}
    resp = c.post("/api/v1/assessments", headers=h, data="{not json")
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "bad_request"
    big = '{"symptoms": "' + "x" * (app.config["MAX_CONTENT_LENGTH"] + 10) + '"}'
    resp = c.post("/api/v1/assessments", headers=h, data=big)
    assert resp.status_code == 413 and "error" in resp.get_json()


def test_no_model_503_with_triage(app_factory, knowledge_base):
    from app.services.seed import seed_diseases

    application = app_factory()
    with application.app_context():
        seed_diseases(knowledge_base)
        resp = application.test_client().post("/api/v1/assessments", headers=bearer(make_user("clinician")),
                                              json={"symptoms": "she had a seizure and is unresponsive"})
        assert resp.status_code == 503
        body = resp.get_json()
        assert body["error"]["code"] == "model_unavailable" and body["triage"]["level"] == "emergency"


def test_anonymous_and_bad_token_are_401(app, users):
    d = _self(users)
    c = app.test_client()
    for method, url in [("post", "/api/v1/assessments"), ("get", "/api/v1/assessments"),
                        ("get", f"/api/v1/assessments/{d.id}"), ("post", f"/api/v1/assessments/{d.id}/review"),
                        ("get", f"/api/v1/assessments/{d.id}/explanation")]:
        for headers in ({}, {"Authorization": "Bearer nope"}):
            resp = getattr(c, method)(url, headers=headers, json={})
            assert resp.status_code == 401, (method, url)


def test_read_permissions(app, users):
    mine = _self(users, "patient")
    theirs = _self(users, "patient2")
    c = app.test_client()
    h = bearer(users["patient"])
    assert c.get(f"/api/v1/assessments/{mine.id}", headers=h).status_code == 200
    assert c.get(f"/api/v1/assessments/{theirs.id}", headers=h).status_code == 404
    assert c.get(f"/api/v1/assessments/{theirs.id}/explanation", headers=h).status_code == 404
    assert c.get("/api/v1/assessments/999999", headers=h).status_code == 404
    listed = c.get("/api/v1/assessments", headers=h).get_json()
    assert [x["id"] for x in listed["items"]] == [mine.id] and listed["total"] == 1
    for role in ("clinician", "admin"):
        hr = bearer(users[role])
        body = c.get(f"/api/v1/assessments/{theirs.id}", headers=hr).get_json()
        assert body["patient"]["email"] == "patient2@example.org"
        assert c.get("/api/v1/assessments", headers=hr).get_json()["total"] == 2
    reads = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "diagnosis.read")).all()
    assert {e.actor_id for e in reads} >= {users["patient"].id, users["clinician"].id, users["admin"].id}


def test_ml_reads_de_identified(app, users):
    d = _self(users, "patient")
    from app.services.review import create_review

    create_review(d, users["clinician"], "rejected", note="Spoke to Ms Smith")
    c = app.test_client()
    h = bearer(users["ml"])
    one = c.get(f"/api/v1/assessments/{d.id}", headers=h)
    assert one.status_code == 200
    page = c.get("/api/v1/assessments", headers=h).get_json()
    for body in (one.get_json(), page["items"][0]):
        text = str(body)
        assert "patient" not in body and "entered_by" not in body
        assert "example.org" not in text and "Smith" not in text
        assert body["review"]["outcome"] == "rejected" and "reviewer" not in body["review"]


@pytest.mark.parametrize("role", ["patient", "admin", "ml"])
def test_only_clinicians_review(app, users, role):
    d = _self(users)
    resp = app.test_client().post(f"/api/v1/assessments/{d.id}/review", headers=bearer(users[role]),
                                         json={"outcome": "accepted"})
    assert resp.status_code == 403
    assert db.session.scalar(db.select(db.func.count(Review.id))) == 0


def test_review_rules(app, users):
    d = _self(users)
    c = app.test_client()
    h = bearer(users["clinician"])
    url = f"/api/v1/assessments/{d.id}/review"
    assert c.post(url, headers=h, json={"outcome": "corrected"}).status_code == 422
    assert c.post(url, headers=h, json={"outcome": "corrected", "final_icd10": "Q99.9"}).status_code == 422
    assert c.post(url, headers=h, json={"outcome": "maybe"}).status_code == 422
    ai_before = list(d.differential)
    resp = c.post(url, headers=h, json={"outcome": "corrected", "final_icd10": "J30.4", "note": "allergy"})
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["review"]["final_disease"] == "Allergic rhinitis" and body["differential"] == ai_before
    again = c.post(url, headers=h, json={"outcome": "accepted"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"
    assert c.get(f"/api/v1/assessments/{d.id}", headers=h).get_json()["review"]["outcome"] == "corrected"
    assert c.post("/api/v1/assessments/999999/review", headers=h, json={"outcome": "accepted"}).status_code == 404


def test_review_with_urgency_override(app, users):
    """Issue 15: the clinician's urgency beside the AI's, with a reason, over the API too."""
    d = _self(users)
    c = app.test_client()
    h = bearer(users["clinician"])
    url = f"/api/v1/assessments/{d.id}/review"
    other = next(lv for lv in ("emergency", "urgent", "routine", "self_care") if lv != d.triage_level)
    resp = c.post(url, headers=h, json={"outcome": "rejected", "triage_level": other})
    assert resp.status_code == 422 and "reason" in resp.get_json()["error"]["message"]
    assert c.post(url, headers=h, json={"outcome": "rejected", "triage_level": "soon"}).status_code == 422
    resp = c.post(url, headers=h, json={"outcome": "rejected", "triage_level": other, "triage_reason": "exam findings"})
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["triage"]["level"] == d.triage_level
    assert body["review"]["triage_level"] == other and body["review"]["triage_reason"] == "exam findings"


def test_pagination(app, users):
    for i in range(5):
        db.session.add(Diagnosis(symptoms=f"case {i}", triage_level="routine", source="clinician"))
    db.session.commit()
    c = app.test_client()
    h = bearer(users["clinician"])
    body = c.get("/api/v1/assessments?page=2&per_page=2", headers=h).get_json()
    assert (body["total"], body["pages"], body["page"], len(body["items"])) == (5, 3, 2, 2)
    assert body["links"]["next"].endswith("page=3&per_page=2") and body["links"]["prev"].endswith("page=1&per_page=2")
    assert c.get("/api/v1/assessments?per_page=1000", headers=h).status_code == 422
    assert c.get("/api/v1/assessments?page=0", headers=h).status_code == 422


def test_explanation_endpoint(app, users):
    d = _self(users, text="burning when I pee, no fever")
    resp = app.test_client().get(f"/api/v1/assessments/{d.id}/explanation", headers=bearer(users["ml"]))
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["attributions"]["method"] == "occlusion" and body["findings"]
    assert body["attributions"]["words_per_group"] == 1  # a short text: every word scored on its own


def test_openapi_documents_the_endpoints(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    post = spec["paths"]["/api/v1/assessments"]["post"]
    assert {"201", "422", "503"} <= set(post["responses"])
    assert "AssessmentIn" in str(post["requestBody"])
    assert "/api/v1/assessments/{diagnosis_id}/review" in spec["paths"]
    assert "/api/v1/assessments/{diagnosis_id}/explanation" in spec["paths"]


def test_lone_surrogate_in_symptoms_is_a_clear_422(app, users):
    """JSON may carry "\\ud800" (an unpaired surrogate): refused as invalid text, never a 500."""
    from models import Diagnosis

    c = app.test_client()
    resp = c.post("/api/v1/assessments", headers=bearer(users["clinician"]),
                  data='{"symptoms": "chest pain \\ud800 since this morning"}', content_type="application/json")
    assert resp.status_code == 422
    assert "not valid text" in resp.get_json()["error"]["fields"]["json"]["symptoms"][0] \
        or "not valid text" in resp.get_json()["error"]["message"]
    assert db.session.query(Diagnosis).count() == 0


def test_invisible_control_characters_are_dropped_not_a_500(app, users):
    """JSON may carry "\\u0000": PostgreSQL refuses NUL in text (hypothesis found the 500 there).
    Control characters carry no meaning, so they are dropped; tabs and newlines stay."""
    from models import Diagnosis

    c = app.test_client()
    resp = c.post("/api/v1/assessments", headers=bearer(users["clinician"]),
                  data='{"symptoms": "chest pain\\u0000 since this\\u000b morning\\nand sweating\\u001b"}',
                  content_type="application/json")
    assert resp.status_code == 201, resp.get_json()
    stored = db.session.get(Diagnosis, resp.get_json()["id"]).symptoms
    assert stored == "chest pain since this morning\nand sweating"
    only_controls = c.post("/api/v1/assessments", headers=bearer(users["clinician"]),
                           data='{"symptoms": "\\u0000\\u0001\\u0002"}', content_type="application/json")
    assert only_controls.status_code == 422


def test_health_names_the_engine_and_concurrent_predictions_agree(app):
    """The tiny model is served by ONNX Runtime from several batcher threads; results under
    concurrency (batched, padded together) equal one-at-a-time results."""
    from concurrent.futures import ThreadPoolExecutor

    from app.services.inference import current_model, default_workers, get_batcher

    health = app.test_client().get("/api/v1/health").get_json()
    assert health["model_backend"] == "onnx" and health["model_version"]
    clf = current_model(app).classifier
    texts = ["it burns when I pee", "runny nose and sneezing for two days", "big toe red hot and agony",
             "headache behind one eye with flashing lights", "itchy rash on my elbows"] * 4
    expected = clf.predict(texts, top_k=3)
    batcher = get_batcher(app)
    with ThreadPoolExecutor(max_workers=10) as pool:
        got = list(pool.map(lambda t: batcher.predict(clf, t, top_k=3), texts))
    for want, have in zip(expected, got, strict=True):
        assert [p.icd10 for p in have] == [p.icd10 for p in want]
        assert [p.probability for p in have] == pytest.approx([p.probability for p in want], abs=1e-5)
    assert sum(t.is_alive() for t in batcher._pool) == default_workers()
    assert batcher.stats()["items"] >= len(texts)
