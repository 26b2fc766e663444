"""GET/POST /api/v1/diseases and GET/PUT/DELETE /api/v1/diseases/<id>: roles, validation (the
admin form's rules), conflicts, pagination, audit."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

import pytest

from models import ApiToken, AuditEvent, Disease, db


def payload(**overrides) -> dict:
    data = {
        "name": "Asthma",
        "icd10": "J45.9",
        "aliases": ["bronchial asthma", "wheezy chest"],
        "category": "respiratory",
        "description": "Long-term narrowing of the airways that comes and goes.",
        "urgency": "routine",
        "symptoms": [
            {"term": "wheeze", "frequency": 0.8, "lay": ["whistling when I breathe out"]},
            {"term": "shortness of breath", "frequency": 0.7, "lay": []},
        ],
        "red_flags": [{"finding": "cannot complete sentences", "level": "emergency",
                       "phrases": ["too breathless to talk"]}],
        "precautions": ["Carry your reliever inhaler."],
    }
    data.update(overrides)
    return data


@pytest.fixture
def tokens(app, users):
    """A bearer token per role."""
    out = {}
    for role, user in users.items():
        row, plain = ApiToken.issue(user, 3600)
        db.session.add(row)
        out[role] = {"Authorization": f"Bearer {plain}"}
    db.session.commit()
    return out


@pytest.fixture
def asthma(app, tokens, client):
    resp = client.post("/api/v1/diseases", json=payload(), headers=tokens["admin"])
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def count() -> int:
    return db.session.scalar(db.select(db.func.count(Disease.id)))


def test_admin_creates_and_everyone_reads(client, tokens, asthma):
    assert asthma["id"] > 0 and asthma["icd10"] == "J45.9" and asthma["symptoms"][0]["term"] == "wheeze"
    for role in ("patient", "clinician", "ml", "admin"):
        resp = client.get(f"/api/v1/diseases/{asthma['id']}", headers=tokens[role])
        assert resp.status_code == 200, role
        assert resp.get_json()["name"] == "Asthma"
        assert datetime.fromisoformat(resp.get_json()["created_at"]).utcoffset() == timedelta(0)
        page = client.get("/api/v1/diseases", headers=tokens[role]).get_json()
        assert page["total"] == 1 and page["items"][0]["id"] == asthma["id"]
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "disease.create"))
    assert event.target_id == str(asthma["id"]) and event.actor_email == "admin@example.org"


def test_location_header_on_create(client, tokens):
    resp = client.post("/api/v1/diseases", json=payload(), headers=tokens["admin"])
    assert resp.headers["Location"].endswith(f"/api/v1/diseases/{resp.get_json()['id']}")


@pytest.mark.parametrize("role", ["patient", "clinician", "ml"])
def test_other_roles_may_not_write(client, tokens, asthma, role):
    assert client.post("/api/v1/diseases", json=payload(name="Other", icd10="J46", aliases=[]),
                       headers=tokens[role]).status_code == 403
    assert client.put(f"/api/v1/diseases/{asthma['id']}", json=payload(urgency="urgent"),
                      headers=tokens[role]).status_code == 403
    assert client.delete(f"/api/v1/diseases/{asthma['id']}", headers=tokens[role]).status_code == 403
    assert count() == 1
    assert db.session.get(Disease, asthma["id"]).urgency == "routine"


def test_anonymous_gets_401(client, asthma):
    for method, path in (("get", "/api/v1/diseases"), ("get", f"/api/v1/diseases/{asthma['id']}"),
                         ("post", "/api/v1/diseases"), ("delete", f"/api/v1/diseases/{asthma['id']}")):
        resp = getattr(client, method)(path)
        assert resp.status_code == 401, (method, path)
        assert resp.get_json()["error"]["code"] == "unauthorized"
        assert resp.headers["WWW-Authenticate"] == "Bearer"


def test_put_replaces_the_record_and_keeps_extra(client, tokens, asthma):
    db.session.get(Disease, asthma["id"]).extra = {"onset": ["came on suddenly"]}
    db.session.commit()
    new = payload(name="Asthma (adult)", urgency="urgent", aliases=["reactive airway"], precautions=[],
                  symptoms=[{"term": "night cough", "frequency": 0.5, "lay": ["coughing at night"]}])
    resp = client.put(f"/api/v1/diseases/{asthma['id']}", json=new, headers=tokens["admin"])
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["name"] == "Asthma (adult)" and body["urgency"] == "urgent" and body["precautions"] == []
    assert body["symptoms"] == [{"term": "night cough", "frequency": 0.5, "lay": ["coughing at night"]}]
    assert body["extra"] == {"onset": ["came on suddenly"]}
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "disease.update"))
    assert set(event.details["fields"]) >= {"name", "urgency", "aliases", "symptoms", "precautions"}


def test_delete(client, tokens, asthma):
    resp = client.delete(f"/api/v1/diseases/{asthma['id']}", headers=tokens["admin"])
    assert resp.status_code == 204 and resp.data == b""
    assert count() == 0
    assert client.get(f"/api/v1/diseases/{asthma['id']}", headers=tokens["admin"]).status_code == 404
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "disease.delete"))
    assert event.details["icd10"] == "J45.9"


def test_unknown_id_is_404_json(client, tokens):
    for method in ("get", "put", "delete"):
        kwargs = {"json": payload()} if method == "put" else {}
        resp = getattr(client, method)("/api/v1/diseases/999", headers=tokens["admin"], **kwargs)
        assert resp.status_code == 404, method
        assert resp.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("change,field", [
    ({"name": "Asthma", "icd10": "J46"}, "name"),                       # same name
    ({"name": "ASTHMA", "icd10": "J46"}, "name"),                       # case-insensitive
    ({"name": "Status asthmaticus", "icd10": "J45.9", "aliases": []}, "icd10"),  # same code
    ({"name": "Wheezy chest", "icd10": "J46", "aliases": []}, "name"),  # name equals another's alias
    ({"name": "Status asthmaticus", "icd10": "J46", "aliases": ["Bronchial Asthma"]}, "aliases"),
    ({"name": "Status asthmaticus", "icd10": "J46", "aliases": ["asthma"]}, "aliases"),  # alias = another's name
])
def test_duplicates_are_409_and_change_nothing(client, tokens, asthma, change, field):
    data = payload(**change)
    if "aliases" not in change:
        data["aliases"] = []
    resp = client.post("/api/v1/diseases", json=data, headers=tokens["admin"])
    assert resp.status_code == 409, resp.get_json()
    err = resp.get_json()["error"]
    assert err["code"] == "conflict"
    assert field in err["fields"]["json"]
    assert count() == 1


def test_put_conflict_with_another_record(client, tokens, asthma):
    other = client.post("/api/v1/diseases", json=payload(name="Croup", icd10="J05.0", aliases=["barking cough"]),
                        headers=tokens["admin"]).get_json()
    resp = client.put(f"/api/v1/diseases/{other['id']}", json=payload(name="Croup", icd10="J45.9", aliases=[]),
                      headers=tokens["admin"])
    assert resp.status_code == 409
    assert db.session.get(Disease, other["id"]).icd10 == "J05.0"
    # a record does not conflict with itself
    resp = client.put(f"/api/v1/diseases/{asthma['id']}", json=payload(description="Updated."), headers=tokens["admin"])
    assert resp.status_code == 200


@pytest.mark.parametrize("change,field", [
    ({"icd10": "J4"}, "icd10"),
    ({"icd10": "j45.9x"}, "icd10"),
    ({"icd10": "J45.123"}, "icd10"),
    ({"urgency": "soon"}, "urgency"),
    ({"symptoms": []}, "symptoms"),
    ({"symptoms": [{"term": "cough", "frequency": 1.5, "lay": []}]}, "symptoms"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"red_flags": [{"finding": "blue lips", "level": "routine", "phrases": ["lips went blue"]}]}, "red_flags"),
    ({"aliases": ["Asthma"]}, "aliases"),
    ({"aliases": ["wheezy", "WHEEZY"]}, "aliases"),
    ({"name": "Asth\x00ma"}, "name"),
])
def test_invalid_fields_are_422_and_change_nothing(client, tokens, change, field):
    resp = client.post("/api/v1/diseases", json=payload(**change), headers=tokens["admin"])
    assert resp.status_code == 422, resp.get_json()
    err = resp.get_json()["error"]
    assert err["code"] == "unprocessable_entity"
    assert field in err["fields"]["json"], err
    assert count() == 0


def test_missing_body_is_422(client, tokens):
    resp = client.post("/api/v1/diseases", json={}, headers=tokens["admin"])
    assert resp.status_code == 422
    assert {"name", "icd10", "urgency", "symptoms"} <= set(resp.get_json()["error"]["fields"]["json"])


def test_text_is_trimmed(client, tokens):
    resp = client.post("/api/v1/diseases", json=payload(icd10="J45.9", name="  Asthma  "), headers=tokens["admin"])
    assert resp.status_code == 201
    assert resp.get_json()["name"] == "Asthma"


def test_pagination_and_search(client, tokens):
    for i in range(7):
        data = payload(name=f"Condition {i:02d}", icd10=f"A0{i}", aliases=[f"alias {i}"])
        assert client.post("/api/v1/diseases", json=data, headers=tokens["admin"]).status_code == 201
    page = client.get("/api/v1/diseases?page=2&per_page=3", headers=tokens["clinician"]).get_json()
    assert page["page"] == 2 and page["per_page"] == 3 and page["total"] == 7 and page["pages"] == 3
    assert [d["name"] for d in page["items"]] == ["Condition 03", "Condition 04", "Condition 05"]
    last = client.get("/api/v1/diseases?page=9&per_page=3", headers=tokens["clinician"]).get_json()
    assert last["items"] == [] and last["total"] == 7
    found = client.get("/api/v1/diseases?q=alias 4", headers=tokens["clinician"]).get_json()
    assert [d["name"] for d in found["items"]] == ["Condition 04"]
    by_code = client.get("/api/v1/diseases?q=a06", headers=tokens["clinician"]).get_json()
    assert [d["icd10"] for d in by_code["items"]] == ["A06"]


@pytest.mark.parametrize("query", ["page=0", "per_page=0", "per_page=101", "page=abc", "per_page=-1",
                                   "page=99999999999999999999"])
def test_invalid_pagination_is_422(client, tokens, query):
    resp = client.get(f"/api/v1/diseases?{query}", headers=tokens["clinician"])
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] == "unprocessable_entity"


def test_pagination_helper_outside_smorest(app):
    from werkzeug.exceptions import UnprocessableEntity

    from app.api.pagination import pagination_args

    assert pagination_args({}) == {"page": 1, "per_page": 20}
    assert pagination_args({"page": "3", "per_page": "100"}) == {"page": 3, "per_page": 100}
    with pytest.raises(UnprocessableEntity):
        pagination_args({"per_page": "500"})


def test_form_and_api_share_the_rules(app, users):
    """The service the admin form calls rejects what the API rejects, with the same field keys."""
    from app.services import diseases as service

    bad = copy.deepcopy(payload(icd10="45J", urgency="later"))
    with pytest.raises(service.DiseaseValidationError) as exc:
        service.create_disease(bad, actor=users["admin"])
    assert set(exc.value.errors) == {"icd10", "urgency"}
    assert count() == 0
