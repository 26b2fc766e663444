"""Cross-cutting security proof: access control per role, CSRF, brute force, session fixation,
open redirects, injection (HTML and SQL), body limits and malformed input, unicode round trips,
security headers, production cookies, and no stack trace in any error response.

Real database (SQLite), real app factory; the access matrix walks the app's url_map, so a new
endpoint that forgets its access check fails here without anyone updating this file.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from conftest import PASSWORD, TEST_UA, client_for, ddx, make_assessment, make_user
from flask import abort

from models import ApiToken, Disease
from models import db as _db

PUBLIC_GET = {
    "/", "/auth/login", "/auth/register", "/auth/reset", "/auth/reset/<token>",
    "/api/v1/health", "/api/v1/openapi.json", "/api/v1/docs", "/static/<path:filename>",
}
SCRIPT = "<script>alert('xss')</script>"
TRACE_MARKERS = ("Traceback", 'File "/', "werkzeug.exceptions", "sqlalchemy.exc", "secret-trace-marker")


# -- fixtures and helpers -----------------------------------------------------------------------

def bearer(user) -> dict[str, str]:
    row, plain = ApiToken.issue(user, 3600)
    _db.session.add(row)
    _db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def world(app, users):
    """Two patients, each with an assessment; tokens for everyone."""
    alice, bob = users["patient"], make_user("patient", "bob@example.org", "Bob B")
    a = make_assessment("alice-only: cough and a sore throat for two days", ddx(("Common cold", "J00", 0.6)),
                        patient=alice, entered_by=alice, source="self")
    b = make_assessment("bob-only: itchy rash on both elbows", ddx(("Eczema", "L20", 0.7)),
                        patient=bob, entered_by=bob, source="self")
    people = {**users, "patient_b": bob}
    return {"a": a, "b": b, "people": people}


def fill_rule(rule, ids: dict) -> str:
    """A concrete URL for a url_map rule: ids of existing records for every converter."""
    values = {}
    for arg in rule.arguments:
        if arg in ids:
            values[arg] = ids[arg]
        elif "id" in arg:
            values[arg] = ids.get("diagnosis_id", 1)
        else:
            values[arg] = ids.get(arg, "x")
    url = rule.rule
    for name, value in values.items():
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), url)
    return url


def _get_rules(app, method="GET"):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if method in rule.methods and rule.endpoint != "static":
            yield rule


# -- access control --------------------------------------------------------------------------------

def test_anonymous_gets_nothing_private(app, world):
    """Every GET page that is not public sends an anonymous visitor to log in (API: 401)."""
    client = app.test_client()
    ids = {"diagnosis_id": world["a"].id, "user_id": world["people"]["patient"].id, "disease_id": 1,
           "version": "v", "name": "x", "token": "bad-token"}
    checked = 0
    for rule in _get_rules(app):
        if rule.rule in PUBLIC_GET:
            continue
        url = fill_rule(rule, ids)
        resp = client.get(url)
        checked += 1
        if rule.rule.startswith("/api/"):
            if rule.rule.startswith("/api/v1/diseases"):
                assert resp.status_code in (401,), f"{url}: {resp.status_code}"
            else:
                assert resp.status_code == 401, f"{url}: {resp.status_code}"
            assert resp.is_json and "error" in resp.get_json()
        else:
            assert resp.status_code in (302, 401), f"{url} answered {resp.status_code} to an anonymous user"
            if resp.status_code == 302:
                assert urlsplit(resp.headers["Location"]).path == "/auth/login", url
        assert b"alice-only" not in resp.data
    assert checked > 20  # the walk really covered the app


@pytest.mark.parametrize("who", ["patient_b", "ml", "clinician", "admin"])
def test_every_page_and_endpoint_per_role_never_leaks_or_crashes(app, world, who):
    """Walk every GET route as each role with the ids of patient A's records.

    Patient B must never see A's text; ML staff never see A's identity (de-identified reads);
    no route answers 500 to any role.
    """
    people, alice = world["people"], world["people"]["patient"]
    ids = {"diagnosis_id": world["a"].id, "user_id": alice.id, "disease_id": 1, "version": "v", "name": "x",
           "token": "bad-token"}
    web = client_for(app, people[who])
    headers = bearer(people[who])
    for rule in _get_rules(app):
        url = fill_rule(rule, ids)
        resp = web.get(url, headers=headers) if rule.rule.startswith("/api/") else web.get(url)
        assert resp.status_code < 500, f"{who} on {url}: {resp.status_code}"
        body = resp.get_data(as_text=True) if resp.mimetype != "application/pdf" else ""
        if who == "patient_b":
            assert "alice-only" not in body and alice.email not in body, f"{url} leaks A's record to patient B"
        if who == "ml":
            assert alice.email not in body and alice.name not in body, f"{url} shows ML staff who the patient is"


# (url template, allowed roles) -> statuses: owner patient / other patient / other roles.
PATIENT_PAGES = ["/me/assessments/{id}", "/me/assessments/{id}/summary.pdf"]
STAFF_PAGES = ["/clinic/assessments/{id}", "/clinic/assessments/{id}/explanation.json"]


@pytest.mark.parametrize("template", PATIENT_PAGES)
def test_patient_pages_are_owner_only(app, world, template):
    url = template.format(id=world["a"].id)
    people = world["people"]
    expected = {"patient": 200, "patient_b": 404, "clinician": 403, "admin": 403, "ml": 403}
    for who, status in expected.items():
        resp = client_for(app, people[who]).get(url)
        assert resp.status_code == status, f"{who} on {url}: {resp.status_code}"
        if who != "patient":
            assert b"alice-only" not in resp.data


@pytest.mark.parametrize("template", STAFF_PAGES)
def test_staff_pages_refuse_patients_and_ml(app, world, template):
    url = template.format(id=world["a"].id)
    people = world["people"]
    expected = {"patient": 403, "patient_b": 403, "clinician": 200, "admin": 200, "ml": 403}
    for who, status in expected.items():
        resp = client_for(app, people[who]).get(url)
        assert resp.status_code == status, f"{who} on {url}: {resp.status_code}"


@pytest.mark.parametrize("suffix", ["", "/explanation"])
def test_api_record_never_leaks_across_patients(app, world, suffix):
    a, people = world["a"], world["people"]
    client = app.test_client()
    url = f"/api/v1/assessments/{a.id}{suffix}"
    # Patient B: 404, the same answer as for an id that does not exist (no existence oracle).
    other = client.get(url, headers=bearer(people["patient_b"]))
    missing = client.get(f"/api/v1/assessments/999999{suffix}", headers=bearer(people["patient_b"]))
    assert other.status_code == missing.status_code == 404
    assert other.get_json()["error"]["code"] == missing.get_json()["error"]["code"]
    assert b"alice-only" not in other.data
    assert client.get(url, headers=bearer(people["patient"])).status_code == 200
    assert client.get(url, headers=bearer(people["clinician"])).status_code == 200
    assert client.get(url).status_code == 401
    if not suffix:
        ml = client.get(url, headers=bearer(people["ml"]))
        if ml.status_code == 200:  # ML staff read de-identified bodies only
            body = ml.get_json()
            assert not body.get("patient") and not body.get("entered_by")
            assert "alice" not in str(body).lower().replace("alice-only", "")


def test_api_list_shows_a_patient_only_their_own(app, world):
    resp = app.test_client().get("/api/v1/assessments?per_page=100", headers=bearer(world["people"]["patient_b"]))
    assert resp.status_code == 200
    assert b"alice-only" not in resp.data and b"bob-only" in resp.data


def test_patient_history_page_lists_only_own(app, world):
    resp = client_for(app, world["people"]["patient_b"]).get("/me/assessments")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert f"/me/assessments/{world['b'].id}\"" in html
    assert f"/me/assessments/{world['a'].id}\"" not in html and "alice-only" not in html


def test_review_refused_to_non_clinicians(app, world):
    url = f"/api/v1/assessments/{world['a'].id}/review"
    for who in ("patient", "patient_b", "admin", "ml"):
        resp = app.test_client().post(url, json={"outcome": "accepted"}, headers=bearer(world["people"][who]))
        assert resp.status_code in (403, 404), f"{who}: {resp.status_code}"
    for who in ("patient", "admin", "ml"):
        resp = client_for(app, world["people"][who]).post(f"/clinic/assessments/{world['a'].id}/review",
                                                          data={"outcome": "accepted"})
        assert resp.status_code == 403, who
    assert world["a"].review is None


# -- CSRF --------------------------------------------------------------------------------------------

def test_every_form_post_without_or_with_a_wrong_csrf_token_is_400(app_factory):
    application = app_factory(WTF_CSRF_ENABLED=True)
    with application.app_context():
        user = make_user("admin")
        client = client_for(application, user)
        ids = {"diagnosis_id": 1, "user_id": user.id, "disease_id": 1, "version": "v", "token": "t"}
        posts = [r for r in _get_rules(application, "POST") if not r.rule.startswith("/api/")]
        assert len(posts) >= 10
        for rule in posts:
            url = fill_rule(rule, ids)
            for data in ({}, {"csrf_token": "forged-token"}):
                resp = client.post(url, data=data)
                assert resp.status_code == 400, f"{url} with {data}: {resp.status_code}"
                assert b"CSRF" in resp.data or b"csrf" in resp.data.lower(), url
                assert not any(m.encode() in resp.data for m in TRACE_MARKERS)


def test_csrf_token_of_another_session_is_refused(app_factory):
    application = app_factory(WTF_CSRF_ENABLED=True)
    with application.app_context():
        make_user("patient", "p@example.org")
        attacker, victim = application.test_client(), application.test_client()
        page = attacker.get("/auth/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        victim.get("/auth/login")
        resp = victim.post("/auth/login", data={"csrf_token": token, "email": "p@example.org", "password": PASSWORD})
        assert resp.status_code == 400


# -- login brute force, session fixation, open redirects -----------------------------------------------

def test_login_brute_force_answered_429(app_factory):
    application = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_AUTH="5 per minute")
    with application.app_context():
        make_user("patient", "victim@example.org")
        client = application.test_client()
        statuses = [client.post("/auth/login", data={"email": "victim@example.org", "password": f"guess-{i}"}).status_code
                    for i in range(5)]
        assert statuses == [200] * 5
        blocked = client.post("/auth/login", data={"email": "victim@example.org", "password": PASSWORD})
        assert blocked.status_code == 429
        assert b"Too many requests" in blocked.data
        assert "_user_id" not in (blocked.headers.get("Set-Cookie") or "")
        # API token endpoint (HTTP Basic) is a password oracle too: it must be limited as well.
        api = [application.test_client().post("/api/v1/tokens", auth=("victim@example.org", f"g{i}")).status_code
               for i in range(8)]
        assert 429 in api, f"/api/v1/tokens never limited password guesses: {api}"


def test_session_is_regenerated_at_login(app_factory):
    application = app_factory(WTF_CSRF_ENABLED=True)
    with application.app_context():
        make_user("patient", "p@example.org")
        client = application.test_client()
        client.environ_base["HTTP_USER_AGENT"] = TEST_UA
        page = client.get("/auth/login").get_data(as_text=True)
        with client.session_transaction() as sess:
            sess["planted_by_attacker"] = "fixation"  # what an attacker-supplied session would carry
        before = client.get_cookie("session").value
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        resp = client.post("/auth/login", data={"csrf_token": token, "email": "p@example.org", "password": PASSWORD})
        assert resp.status_code == 302
        after = client.get_cookie("session").value
        assert after != before
        with client.session_transaction() as sess:
            assert "planted_by_attacker" not in sess
            assert sess.get("_user_id")


@pytest.mark.parametrize("target", [
    "https://evil.example/phish", "//evil.example", "/\\evil.example", "\\\\evil.example", "http:evil.example",
    "javascript:alert(1)", "/\t/evil.example", "https:/evil.example", " //evil.example", "%2F%2Fevil.example",
])
def test_login_next_never_redirects_off_site(app, users, target):
    client = app.test_client()
    resp = client.post("/auth/login", query_string={"next": target},
                       data={"email": users["patient"].email, "password": PASSWORD})
    assert resp.status_code == 302
    location = resp.headers["Location"]
    parts = urlsplit(location)
    assert parts.netloc in ("", "localhost"), location
    assert not location.lower().startswith(("javascript:", "//", "/\\")), location
    # Already logged in: GET /auth/login?next=... redirects at once; the same rule applies.
    again = client.get("/auth/login", query_string={"next": target})
    assert urlsplit(again.headers["Location"]).netloc in ("", "localhost")


def test_login_next_keeps_a_local_path(app, users):
    resp = app.test_client().post("/auth/login", query_string={"next": "/me/assessments?page=2"},
                                  data={"email": users["patient"].email, "password": PASSWORD})
    assert resp.headers["Location"].endswith("/me/assessments?page=2")


# -- injection ----------------------------------------------------------------------------------------

def test_script_in_symptoms_is_inert_everywhere(app, users):
    patient, clinician = users["patient"], users["clinician"]
    d = make_assessment(f"cough {SCRIPT} and fever", ddx((f"Flu {SCRIPT}", "J11", 0.6)),
                        patient=patient, entered_by=clinician)
    pages = [
        (clinician, f"/clinic/assessments/{d.id}"), (clinician, "/clinic/worklist"), (clinician, "/clinic/history"),
        (patient, f"/me/assessments/{d.id}"), (patient, "/me/assessments"),
    ]
    for user, url in pages:
        resp = client_for(app, user).get(url)
        assert resp.status_code == 200, url
        html = resp.get_data(as_text=True)
        assert SCRIPT not in html, f"unescaped script on {url}"
        assert "<script>alert" not in html, url
    html = client_for(app, clinician).get(f"/clinic/assessments/{d.id}").get_data(as_text=True)
    assert "&lt;script&gt;" in html  # the text is shown, as text


def test_script_in_disease_name_is_inert(app, users):
    disease = Disease(name=f"Odd {SCRIPT}", icd10="Z99.9", description=f"desc {SCRIPT}",
                      symptoms=[{"term": "x", "frequency": 0.5, "lay": ["x"]}], urgency="routine")
    _db.session.add(disease)
    _db.session.commit()
    admin = client_for(app, users["admin"])
    for url in ("/admin/diseases", f"/admin/diseases/{disease.id}", "/admin/diseases?q=Odd"):
        html = admin.get(url).get_data(as_text=True)
        assert SCRIPT not in html and "<script>alert" not in html, url
    api = app.test_client().get(f"/api/v1/diseases/{disease.id}", headers=bearer(users["patient"]))
    assert api.status_code == 200 and api.mimetype == "application/json"
    assert api.get_json()["name"] == f"Odd {SCRIPT}"  # stored and returned verbatim, as data


SQLI = ["' OR '1'='1", "'; DROP TABLE users; --", "\" OR 1=1 --", "%' OR 1=1 --", "1) UNION SELECT password_hash FROM users --"]


@pytest.mark.parametrize("payload", SQLI)
def test_sql_injection_in_search_and_filters_is_harmless(app, users, payload):
    make_assessment("ordinary sore throat", ddx(("Common cold", "J00", 0.6)), patient=users["patient"])
    clinician, admin = client_for(app, users["clinician"]), client_for(app, users["admin"])
    history = clinician.get("/clinic/history", query_string={"q": payload, "level": payload, "reviewed": payload,
                                                             "date_from": payload})
    assert history.status_code in (200, 422)
    assert b"ordinary sore throat" not in history.data  # the payload matched nothing, it did not widen the query
    assert admin.get("/admin/diseases", query_string={"q": payload}).status_code == 200
    assert admin.get("/admin/audit", query_string={"actor": payload, "action": payload}).status_code in (200, 400, 422)
    api = app.test_client().get("/api/v1/diseases", query_string={"q": payload}, headers=bearer(users["patient"]))
    assert api.status_code == 200 and api.get_json() is not None
    # The tables are intact.
    from models import User

    assert _db.session.query(User).count() == len(users)  # one per role and patient2: none added, none dropped


# -- request bodies ------------------------------------------------------------------------------------

def test_oversized_bodies_are_413(app, users):
    limit = app.config["MAX_CONTENT_LENGTH"]
    headers = bearer(users["clinician"])
    big = "a" * (limit + 1024)
    api = app.test_client().post("/api/v1/assessments", data='{"symptoms": "' + big + '"}',
                                 content_type="application/json", headers=headers)
    assert api.status_code == 413
    assert api.get_json()["error"]["code"]
    page = client_for(app, users["clinician"]).post("/clinic/assess", data={"symptoms": big})
    assert page.status_code == 413
    assert b"too large" in page.data


@pytest.mark.parametrize("body", ['{"symptoms": "cough"', "not json at all", "\x00\x01", '{"symptoms": }'])
def test_malformed_json_is_400(app, users, body):
    resp = app.test_client().post("/api/v1/assessments", data=body, content_type="application/json",
                                  headers=bearer(users["clinician"]))
    assert resp.status_code == 400, resp.data
    assert resp.get_json()["error"]["message"]


@pytest.mark.parametrize("body", [
    {"symptoms": 123}, {"symptoms": ["cough"]}, {"symptoms": "cough", "age": "forty"}, {"symptoms": "cough", "age": 4.5},
    {"symptoms": "cough", "age": True}, {"symptoms": "cough", "age": -1}, {"symptoms": "cough", "age": 10**30},
    {"symptoms": "cough", "sex": "robot"}, {"symptoms": "cough", "sex": 1}, {}, [], "cough", None,
    {"symptoms": "cough", "patient_email": "not-an-email"},
])
def test_wrong_types_are_422(app, users, body):
    import json

    resp = app.test_client().post("/api/v1/assessments", data=json.dumps(body), content_type="application/json",
                                  headers=bearer(users["clinician"]))
    assert resp.status_code in (400, 422), (body, resp.status_code)
    if isinstance(body, dict):
        assert resp.status_code == 422, (body, resp.status_code)
    assert resp.get_json()["error"]["code"]


UNICODE = [
    "Kopfschmerzen und Übelkeit seit gestern, naïve café",
    "头痛和发烧两天了",
    "صداع وحمى منذ يومين",  # Arabic (right-to-left)
    "כאב ראש וחום",  # Hebrew (right-to-left)
    "headache 🤕🤒 and fever 🌡️ since Monday",
    "mixed \u202eRTL override\u202c and zero\u200bwidth",
]


def test_unicode_emoji_and_rtl_round_trip_through_the_api(app_factory, tiny_model_dir):
    application = app_factory(MODEL_DIR=str(tiny_model_dir))
    with application.app_context():
        from app.services.seed import seed_diseases
        from knowledge import load_knowledge_base

        seed_diseases(load_knowledge_base())
        clinician = make_user("clinician")
        headers = bearer(clinician)
        client = application.test_client()
        for text in UNICODE:
            created = client.post("/api/v1/assessments", json={"symptoms": text}, headers=headers)
            assert created.status_code == 201, (text, created.get_json())
            body = created.get_json()
            assert body["symptoms"] == text
            again = client.get(f"/api/v1/assessments/{body['id']}", headers=headers).get_json()
            assert again["symptoms"] == text
            html = client_for(application, clinician).get(f"/clinic/assessments/{body['id']}").get_data(as_text=True)
            assert text.replace("&", "&amp;") in html


def test_unicode_names_round_trip_through_registration(app):
    name = "Zoë אבי 🦄 Ōtake"
    resp = app.test_client().post("/auth/register", data={"name": name, "email": "zoe@example.org",
                                                          "password": "a-Long-pass-phrase-42",
                                                          "confirm": "a-Long-pass-phrase-42"})
    assert resp.status_code == 302
    from models import User

    user = _db.session.scalar(_db.select(User).where(User.email == "zoe@example.org"))
    assert user.name == name
    assert name in client_for(app, user).get("/auth/profile").get_data(as_text=True)


# -- headers, cookies, error bodies -----------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/", "/auth/login", "/api/v1/health", "/no/such/page", "/api/v1/nothing"])
def test_security_headers(client, url):
    resp = client.get(url)
    csp = resp.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert resp.headers.get("X-Frame-Options") == "DENY"
    assert resp.headers.get("Referrer-Policy") == "strict-origin-when-cross-origin"
    assert resp.headers.get("X-Content-Type-Options") == "nosniff"


def test_no_inline_script_or_style_in_pages(app, users):
    """CSP forbids inline script and style attributes: a page using them breaks in real browsers."""
    d = make_assessment("sore throat", ddx(("Common cold", "J00", 0.6)), patient=users["patient"])
    pages = {
        "patient": ["/me/assess", f"/me/assessments/{d.id}", "/me/assessments", "/auth/profile"],
        "clinician": ["/clinic/assess", f"/clinic/assessments/{d.id}", "/clinic/worklist", "/clinic/history"],
        "admin": ["/admin/diseases", "/admin/users", "/admin/audit"],
        "ml": ["/ml/versions", "/ml/agreement", "/ml/queue"],
    }
    for role, urls in pages.items():
        c = client_for(app, users[role])
        for url in urls:
            resp = c.get(url)
            assert resp.status_code == 200, (role, url, resp.status_code)
            html = resp.get_data(as_text=True)
            inline = [m for m in re.findall(r"<script\b[^>]*>", html) if "src=" not in m]
            assert not inline, (url, inline)
            assert not re.search(r"\sstyle=\"", html), f"inline style attribute on {url}"
            assert not re.search(r"\son[a-z]+=\"", html), f"inline event handler on {url}"


def test_production_cookies_are_secure_httponly_samesite(monkeypatch, tmp_path):
    from app import create_app
    from models import User

    monkeypatch.setenv("APP_CONFIG", "production")
    monkeypatch.setenv("SECRET_KEY", "production-test-key-" + "x" * 20)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://localhost")
    application = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "FORCE_HTTPS": False, "LOAD_MODEL": False,
                              "OUTBOX_WORKER": False, "RATELIMIT_STORAGE_URI": "memory://"})
    assert application.config["WTF_CSRF_ENABLED"] is not False
    with application.app_context():
        _db.create_all()
        user = User(email="p@example.org", name="P", role="patient")
        user.set_password(PASSWORD)
        _db.session.add(user)
        _db.session.commit()
        client = application.test_client()
        https = "https://localhost"
        page = client.get("/auth/login", base_url=https)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
        resp = client.post("/auth/login", base_url=https, headers={"Referer": f"{https}/auth/login"},
                           data={"csrf_token": token, "email": "p@example.org", "password": PASSWORD})
        assert resp.status_code == 302
        cookies = [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session=")]
        assert cookies, resp.headers
        for cookie in cookies:
            attrs = {a.strip().split("=")[0].lower() for a in cookie.split(";")}
            assert {"secure", "httponly", "samesite"} <= attrs, cookie
            assert "samesite=lax" in cookie.lower() or "samesite=strict" in cookie.lower()
        _db.session.remove()
        _db.engine.dispose()


def test_no_stack_trace_in_any_error_response(app_factory):
    application = app_factory()
    application.config["PROPAGATE_EXCEPTIONS"] = False

    def boom():
        raise RuntimeError("secret-trace-marker in /srv/app.py line 42")

    def teapot():
        abort(418)

    application.add_url_rule("/test-only/boom", "test_boom", boom)
    application.add_url_rule("/api/v1/test-only/boom", "test_api_boom", boom)
    application.add_url_rule("/test-only/teapot", "test_teapot", teapot)
    with application.app_context():
        client = application.test_client()
        html = client.get("/test-only/boom")
        api = client.get("/api/v1/test-only/boom")
        assert html.status_code == api.status_code == 500
        assert api.get_json() == {"error": {"code": "internal_error", "message": api.get_json()["error"]["message"]}}
        responses = [html, api, client.get("/test-only/teapot"), client.get("/nope"), client.delete("/"),
                     client.get("/api/v1/nope"), client.post("/api/v1/tokens")]
        for resp in responses:
            body = resp.get_data(as_text=True)
            assert not any(m in body for m in TRACE_MARKERS), body[:500]
            assert resp.status_code >= 400


def test_patient_records_are_not_cached(app, world):
    """Health data must not stay in a shared computer's cache or a proxy after the user leaves."""
    a, people = world["a"], world["people"]
    responses = [
        client_for(app, people["patient"]).get(f"/me/assessments/{a.id}"),
        client_for(app, people["patient"]).get(f"/me/assessments/{a.id}/summary.pdf"),
        app.test_client().get(f"/api/v1/assessments/{a.id}", headers=bearer(people["patient"])),
    ]
    for resp in responses:
        assert resp.status_code == 200
        assert "no-store" in (resp.headers.get("Cache-Control") or ""), resp.request.path


def test_failed_logins_are_limited_per_account_from_any_address(app_factory):
    """A botnet spreads guesses over many addresses: failures count per account as well."""
    application = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_AUTH="1000 per minute", RATELIMIT_ACCOUNT="3 per hour")
    with application.app_context():
        make_user("patient", "victim@example.org")
        make_user("patient", "bystander@example.org")

        def login(email, password, ip):
            client = application.test_client()
            client.environ_base["REMOTE_ADDR"] = ip
            return client.post("/auth/login", data={"email": email, "password": password}).status_code

        # a correct login is not a failure and does not count
        assert login("victim@example.org", PASSWORD, "10.0.0.250") == 302
        assert [login("victim@example.org", "guess", f"10.0.0.{i}") for i in range(3)] == [200] * 3
        assert login("VICTIM@example.org ", PASSWORD, "10.0.0.99") == 429  # same account, new address
        assert login("bystander@example.org", PASSWORD, "10.0.0.1") == 302  # other accounts unaffected
        # the API's password endpoint shares the per-account budget idea
        tokens = [application.test_client().post("/api/v1/tokens", auth=("bystander@example.org", f"g{i}"),
                                                 environ_base={"REMOTE_ADDR": f"10.1.0.{i}"}).status_code
                  for i in range(4)]
        assert tokens == [401, 401, 401, 429]


@pytest.mark.parametrize("proxies", [0, 1])
def test_forwarded_addresses_are_trusted_only_behind_a_configured_proxy(app_factory, proxies):
    """Without a proxy X-Forwarded-For is client-controlled and must not dodge the per-address limit."""
    application = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_AUTH="2 per minute", RATELIMIT_ACCOUNT="1000 per hour",
                              TRUSTED_PROXIES=proxies)
    with application.app_context():
        make_user("patient", "p@example.org")
        client = application.test_client()
        statuses = [client.post("/auth/login", data={"email": "p@example.org", "password": "wrong"},
                                headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code for i in range(4)]
        # behind a proxy each forwarded client has its own budget; without one the spoofed header is ignored
        assert statuses == ([200] * 4 if proxies else [200, 200, 429, 429])



@pytest.mark.parametrize("proxies", [0, 1])
def test_audit_trail_records_the_address_the_rate_limiter_sees(app_factory, proxies):
    from models import AuditEvent

    application = app_factory(TRUSTED_PROXIES=proxies)
    with application.app_context():
        patient = make_user("patient", "p@example.org")
        d = make_assessment("cough for two days", ddx(("Common cold", "J00", 0.6)), patient=patient,
                            entered_by=patient, source="self")
        client = application.test_client()
        client.environ_base.update(HTTP_USER_AGENT=TEST_UA, HTTP_X_FORWARDED_FOR="198.51.100.7")
        # a real login, through the proxy like everything after it (the session is bound to the address)
        assert client.post("/auth/login", data={"email": "p@example.org", "password": PASSWORD}).status_code == 302
        resp = client.get(f"/me/assessments/{d.id}")
        assert resp.status_code == 200
        event = _db.session.scalars(_db.select(AuditEvent).where(AuditEvent.action == "diagnosis.read")).one()
        assert event.ip == ("198.51.100.7" if proxies else "127.0.0.1")
