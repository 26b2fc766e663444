"""Admin pages through the browser routes: diseases (list, search, create, edit, delete, line
formats), model labels, users (create, role, deactivate, reactivate, reset link); access rules."""

from __future__ import annotations

import re

import pytest
from conftest import PASSWORD, client_for, make_user

from models import AuditEvent, Disease, OutboxMessage, User, db

GET_PAGES = ["/admin/", "/admin/diseases", "/admin/diseases/new", "/admin/model-labels", "/admin/users",
             "/admin/users/new", "/admin/audit", "/admin/audit.csv"]

SYMPTOMS = "wheeze | 0.8 | whistling when I breathe out; tight chest\nshortness of breath | 0.7 |\n# a comment\n"
RED_FLAGS = "cannot complete sentences | emergency | too breathless to talk; can't get my words out\n"


def form(**overrides) -> dict:
    data = {
        "name": "Asthma", "icd10": "J45.9", "aliases": "bronchial asthma\nwheezy chest", "category": "respiratory",
        "description": "Airways narrow and swell.", "urgency": "routine", "symptoms": SYMPTOMS,
        "red_flags": RED_FLAGS, "precautions": "Carry your inhaler.\nAvoid smoke.",
    }
    data.update(overrides)
    return data


def make_disease(name="Croup", icd10="J05.0", aliases=("barking cough",)) -> Disease:
    d = Disease(name=name, icd10=icd10, aliases=list(aliases), category="respiratory", urgency="urgent",
                symptoms=[{"term": "barking cough", "frequency": 0.9, "lay": ["cough like a seal"]}],
                red_flags=[], precautions=["Keep calm"])
    db.session.add(d)
    db.session.commit()
    return d


def audits(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def admin(app, users, login):
    return login(users["admin"])


# -- access ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", GET_PAGES)
def test_anonymous_is_sent_to_login(client, path):
    resp = client.get(path)
    assert resp.status_code == 302
    assert "/auth/login" in resp.headers["Location"]


@pytest.mark.parametrize("path", GET_PAGES)
def test_only_admins_see_admin_pages(role_client, path):
    resp = role_client.get(path)
    if role_client.role == "admin":
        assert resp.status_code in (200, 302), resp.data[:300]
    else:
        assert resp.status_code == 403


def test_other_roles_cannot_post(app, users):
    d = make_disease()
    target = make_user("patient", "target@example.org")
    for role in ("patient", "clinician", "ml"):
        c = client_for(app, users[role])
        assert c.post("/admin/diseases/new", data=form()).status_code == 403
        assert c.post(f"/admin/diseases/{d.id}", data=form(name="Hacked")).status_code == 403
        assert c.post(f"/admin/diseases/{d.id}/delete").status_code == 403
        assert c.post("/admin/users/new", data={"email": "x@example.org", "name": "X", "role": "admin",
                                                 "password": "Str0ng-password!"}).status_code == 403
        assert c.post(f"/admin/users/{target.id}/role", data={"role": "admin"}).status_code == 403
        assert c.post(f"/admin/users/{target.id}/active", data={"active": "0"}).status_code == 403
    db.session.refresh(target)
    assert target.role == "patient" and target.active
    assert db.session.scalar(db.select(db.func.count(Disease.id))) == 1
    assert db.session.scalar(db.select(User).where(User.email == "x@example.org")) is None


def test_nav_shows_admin_links_to_admins(admin):
    page = admin.get("/admin/diseases").get_data(as_text=True)
    for href in ("/admin/diseases", "/admin/users", "/admin/audit"):
        assert f'href="{href}"' in page


# -- diseases ----------------------------------------------------------------------------------

def test_list_and_search(admin):
    make_disease()
    make_disease("Asthma", "J45.9", ["wheezy chest"])
    page = admin.get("/admin/diseases").get_data(as_text=True)
    assert "Croup" in page and "Asthma" in page
    page = admin.get("/admin/diseases?q=wheezy").get_data(as_text=True)
    assert "Asthma" in page and "Croup" not in page
    page = admin.get("/admin/diseases?q=J05").get_data(as_text=True)
    assert "Croup" in page and "Asthma" not in page
    page = admin.get("/admin/diseases?q=nothing-like-this").get_data(as_text=True)
    assert "No disease matches" in page


def test_create_disease_with_line_formats(admin):
    resp = admin.post("/admin/diseases/new", data=form(icd10="j45.9"))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    d = db.session.scalar(db.select(Disease).where(Disease.name == "Asthma"))
    assert d.icd10 == "J45.9"
    assert d.aliases == ["bronchial asthma", "wheezy chest"]
    assert d.symptoms == [
        {"term": "wheeze", "frequency": 0.8, "lay": ["whistling when I breathe out", "tight chest"]},
        {"term": "shortness of breath", "frequency": 0.7, "lay": []},
    ]
    assert d.red_flags == [{"finding": "cannot complete sentences", "level": "emergency",
                            "phrases": ["too breathless to talk", "can't get my words out"]}]
    assert d.precautions == ["Carry your inhaler.", "Avoid smoke."]
    assert resp.headers["Location"].endswith(f"/admin/diseases/{d.id}")
    [event] = audits("disease.create")
    assert event.target_id == str(d.id) and event.actor_email == "admin@example.org"
    # the edit page shows the lists back in the same format
    page = admin.get(f"/admin/diseases/{d.id}").get_data(as_text=True)
    assert "wheeze | 0.8 | whistling when I breathe out; tight chest" in page
    assert "cannot complete sentences | emergency | too breathless to talk; can&#39;t get my words out" in page
    assert 'src="/static/js/admin.js"' in page and "<script>" not in page


@pytest.mark.parametrize("change,message", [
    ({"icd10": "J4"}, "is not valid"),
    ({"icd10": ""}, "ICD-10 code is required"),
    ({"name": ""}, "Name is required"),
    ({"urgency": "later"}, "Not a valid choice"),
    ({"symptoms": ""}, "At least one symptom is required"),
    ({"symptoms": "wheeze | often | noisy"}, "Line 1: frequency &#39;often&#39; must be a number from 0 to 1"),
    ({"symptoms": "wheeze | 0.8 | a\njust a term"}, "Line 2: expected"),
    ({"red_flags": "blue lips | routine | lips went blue"}, "Line 1: level &#39;routine&#39; must be"),
    ({"red_flags": "blue lips | urgent | "}, "Line 1: give at least one lay phrase"),
    ({"aliases": "asthma"}, "may not repeat the disease"),
])
def test_invalid_disease_form_shows_errors_and_saves_nothing(admin, change, message):
    data = form(**change)
    resp = admin.post("/admin/diseases/new", data=data)
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert message in page, page[page.find("field-error") - 200: page.find("field-error") + 400]
    assert "Nothing was saved" in page
    assert db.session.scalar(db.select(db.func.count(Disease.id))) == 0
    assert not audits("disease.create")
    # what was typed is kept
    if data["description"]:
        assert "Airways narrow and swell." in page


def test_duplicates_in_the_form(admin):
    make_disease()
    resp = admin.post("/admin/diseases/new", data=form(name="croup", icd10="J45"))
    assert resp.status_code == 422
    assert "already name of" in resp.get_data(as_text=True)
    resp = admin.post("/admin/diseases/new", data=form(icd10="J05.0"))
    assert "ICD-10 code J05.0 is already used by" in resp.get_data(as_text=True)
    resp = admin.post("/admin/diseases/new", data=form(aliases="Barking Cough"))
    assert "Alias &#39;Barking Cough&#39; is already a name or alias of &#39;Croup&#39;" in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Disease.id))) == 1


def test_edit_disease(admin):
    d = make_disease()
    resp = admin.post(f"/admin/diseases/{d.id}", data=form(name="Croup", icd10="J05.0", aliases="laryngotracheitis",
                                                             urgency="urgent", symptoms="barking cough | 0.95 | seal bark"))
    assert resp.status_code == 302
    db.session.refresh(d)
    assert d.aliases == ["laryngotracheitis"]
    assert d.symptoms == [{"term": "barking cough", "frequency": 0.95, "lay": ["seal bark"]}]
    [event] = audits("disease.update")
    assert "symptoms" in event.details["fields"] and "name" not in event.details["fields"]
    # Issue 15: the values before and after each change are in the audit trail.
    assert event.details["changes"]["aliases"] == {"before": ["barking cough"], "after": ["laryngotracheitis"]}
    assert event.details["changes"]["symptoms"]["before"][0]["frequency"] == 0.9
    assert event.details["changes"]["symptoms"]["after"][0]["frequency"] == 0.95


def test_edit_with_errors_changes_nothing(admin):
    d = make_disease()
    other = make_disease("Asthma", "J45.9", ["wheezy chest"])
    resp = admin.post(f"/admin/diseases/{d.id}", data=form(name="Croup", icd10="J05.0", aliases="wheezy chest",
                                                             symptoms="barking cough | 0.5 | x"))
    assert resp.status_code == 422
    assert "already a name or alias of &#39;Asthma&#39;" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Disease, d.id).aliases == ["barking cough"]
    assert db.session.get(Disease, d.id).symptoms[0]["frequency"] == 0.9
    assert db.session.get(Disease, other.id).aliases == ["wheezy chest"]
    assert not audits("disease.update")


def test_delete_disease(admin):
    d = make_disease()
    page = admin.get(f"/admin/diseases/{d.id}").get_data(as_text=True)
    assert f'action="/admin/diseases/{d.id}/delete"' in page and "data-confirm" in page
    resp = admin.post(f"/admin/diseases/{d.id}/delete")
    assert resp.status_code == 302
    assert db.session.get(Disease, d.id) is None
    [event] = audits("disease.delete")
    assert event.details == {"icd10": "J05.0", "name": "Croup"}
    assert admin.get(f"/admin/diseases/{d.id}").status_code == 404


def test_csrf_is_required(app_factory):
    application = app_factory(WTF_CSRF_ENABLED=True)
    with application.app_context():
        admin_user = make_user("admin")
        c = client_for(application, admin_user)
        resp = c.post("/admin/diseases/new", data=form())
        assert resp.status_code in (400, 422)
        assert db.session.scalar(db.select(db.func.count(Disease.id))) == 0
        page = c.get("/admin/diseases/new").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert c.post("/admin/diseases/new", data={**form(), "csrf_token": token}).status_code == 302


# -- model labels ------------------------------------------------------------------------------

def test_label_diff_logic():
    from app.services.diseases import label_diff

    diff = label_diff([("Asthma", "J45"), ("Croup", "J05.0"), ("Flu", "J11")],
                      [("Asthma", "J45"), ("Influenza", "J11"), ("Migraine", "G43")], "v1")
    assert diff.retrain_needed
    assert diff.only_in_records == [("Croup", "J05.0")]
    assert diff.only_in_model == [("Migraine", "G43")]
    assert diff.renamed == [("J11", "Flu", "Influenza")]
    same = label_diff([("Asthma", "J45")], [("asthma", "J45")], "v1")
    assert not same.retrain_needed
    assert not label_diff([("Asthma", "J45")], None).model_loaded


def test_model_labels_without_a_model(admin):
    make_disease()
    page = admin.get("/admin/model-labels").get_data(as_text=True)
    assert "No model is loaded" in page
    assert "No model is loaded, so the records cannot be compared" in admin.get("/admin/diseases").get_data(as_text=True)


def test_model_labels_with_a_real_model(app_factory, tiny_model_pair):
    application = app_factory(MODEL_DIR=str(tiny_model_pair[0]))
    with application.app_context():
        holder = application.extensions["model_holder"]
        assert holder.ready, holder.error
        labels = holder.current.classifier.labels
        (name0, code0), (_name1, code1) = labels[0], labels[1]
        db.session.add(Disease(name=name0, icd10=code0, aliases=[], urgency="routine",
                               symptoms=[{"term": "x", "frequency": 0.5, "lay": []}]))
        db.session.add(Disease(name="Made-up condition", icd10="Z99.9", aliases=[], urgency="routine",
                               symptoms=[{"term": "x", "frequency": 0.5, "lay": []}]))
        db.session.commit()
        c = client_for(application, make_user("admin"))
        page = c.get("/admin/model-labels").get_data(as_text=True)
        assert "Retrain needed" in page
        records_only = page[page.index('id="only-in-records"'):]
        records_only = records_only[:records_only.index("</ul>")]
        assert "Made-up condition" in records_only and name0 not in records_only
        model_only = page[page.index('id="only-in-model"'):]
        model_only = model_only[:model_only.index("</ul>")]
        assert code1 in model_only and code0 not in model_only
        assert "Retrain needed" in c.get("/admin/diseases").get_data(as_text=True)


# -- users -------------------------------------------------------------------------------------

def test_users_list_and_search(admin, users):
    make_user("clinician", "dr.who@example.org", name="Doctor Who")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "dr.who@example.org" in page and "patient@example.org" in page
    page = admin.get("/admin/users?q=who").get_data(as_text=True)
    assert "dr.who@example.org" in page and "patient@example.org" not in page
    page = admin.get("/admin/users?role=ml").get_data(as_text=True)
    assert "ml@example.org" in page and "dr.who@example.org" not in page
    users["ml"].active = False
    db.session.commit()
    page = admin.get("/admin/users?status=inactive").get_data(as_text=True)
    assert "ml@example.org" in page and "clinician@example.org" not in page


def test_create_user_with_password(app, admin):
    resp = admin.post("/admin/users/new", data={"email": "New.Clin@Example.org", "name": "New Clinician",
                                                 "role": "clinician", "password": "Str0ng-password!"})
    assert resp.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "new.clin@example.org"))
    assert user.role == "clinician" and user.check_password("Str0ng-password!")
    [event] = audits("user.create")
    assert event.target_id == str(user.id) and event.details["role"] == "clinician"
    assert "Str0ng" not in str(event.details)


def test_create_user_with_reset_link_sends_mail(app, admin, smtp_server):
    from app.services.outbox import deliver_pending

    resp = admin.post("/admin/users/new", data={"email": "ml2@example.org", "name": "ML Two", "role": "ml",
                                                 "send_link": "y"})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    user = db.session.scalar(db.select(User).where(User.email == "ml2@example.org"))
    assert user.role == "ml"
    assert audits("user.create") and audits("user.reset_link")
    assert db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.recipient == "ml2@example.org")) is not None
    deliver_pending(app)
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "ml2@example.org"
    assert "/auth/reset" in message.get_body(("plain",)).get_content()


@pytest.mark.parametrize("data,message", [
    ({"email": "patient@example.org", "name": "Dup", "role": "patient", "password": "Str0ng-password!"},
     "already exists"),
    ({"email": "not-an-email", "name": "X", "role": "patient", "password": "Str0ng-password!"}, "not a valid e-mail"),
    ({"email": "x@example.org", "name": "X", "role": "patient", "password": "short"}, "at least"),
    ({"email": "x@example.org", "name": "X", "role": "patient", "password": ""}, "Set a password"),
    ({"email": "x@example.org", "name": "X", "role": "superuser", "password": "Str0ng-password!"}, "Not a valid choice"),
])
def test_create_user_errors(admin, users, data, message):
    before = db.session.scalar(db.select(db.func.count(User.id)))
    resp = admin.post("/admin/users/new", data=data)
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == before
    assert not audits("user.create")


def test_change_role_ends_sessions(app, admin, users):
    target = users["patient"]
    victim = client_for(app, target)
    assert victim.get("/auth/profile").status_code == 200
    resp = admin.post(f"/admin/users/{target.id}/role", data={"role": "clinician"})
    assert resp.status_code == 302
    db.session.refresh(target)
    assert target.role == "clinician"
    [event] = audits("user.role_change")
    assert event.details == {"old": "patient", "new": "clinician"}
    assert victim.get("/auth/profile").status_code == 302  # logged out


def test_deactivate_and_reactivate(app, admin, users):
    target = users["clinician"]
    victim = client_for(app, target)
    assert victim.get("/auth/profile").status_code == 200
    nonce = target.session_nonce
    resp = admin.post(f"/admin/users/{target.id}/active", data={"active": "0"})
    assert resp.status_code == 302
    db.session.refresh(target)
    assert not target.active and target.session_nonce == nonce + 1
    assert victim.get("/auth/profile").status_code == 302
    assert audits("user.deactivate")
    # cannot log in while inactive
    fresh = app.test_client()
    fresh.environ_base["HTTP_USER_AGENT"] = "pytest-client"
    fresh.post("/auth/login", data={"email": target.email, "password": PASSWORD})
    assert fresh.get("/auth/profile").status_code == 302
    resp = admin.post(f"/admin/users/{target.id}/active", data={"active": "1"})
    assert resp.status_code == 302
    db.session.refresh(target)
    assert target.active
    assert audits("user.reactivate")


def test_admin_cannot_lock_themself_out(admin, users):
    me = users["admin"]
    admin.post(f"/admin/users/{me.id}/active", data={"active": "0"})
    admin.post(f"/admin/users/{me.id}/role", data={"role": "patient"})
    db.session.refresh(me)
    assert me.active and me.role == "admin"
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "You cannot deactivate your own account" in page  # the flashes show on the next page
    assert "You cannot change the role of your own account" in page
    assert not audits("user.deactivate") and not audits("user.role_change")


def test_send_reset_link(app, admin, users, smtp_server):
    from app.services.outbox import deliver_pending

    target = users["ml"]
    resp = admin.post(f"/admin/users/{target.id}/reset")
    assert resp.status_code == 302
    [event] = audits("user.reset_link")
    assert event.target_id == str(target.id) and event.actor_email == "admin@example.org"
    deliver_pending(app)
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "ml@example.org"
    assert "/auth/reset" in message.get_body(("plain",)).get_content()


def test_unknown_user_is_404(admin):
    assert admin.post("/admin/users/999/role", data={"role": "admin"}).status_code == 404
    assert admin.post("/admin/users/999/active", data={"active": "0"}).status_code == 404
    assert admin.post("/admin/users/999/reset").status_code == 404
    assert admin.get("/admin/diseases/999").status_code == 404


def test_users_list_shows_last_login_and_confirms_role_changes(admin):
    from datetime import UTC, datetime

    u = make_user("clinician", "seen@example.org")
    u.last_login_at = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
    db.session.commit()
    make_user("patient", "never@example.org")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "Last login (UTC)" in page and "2026-03-04 05:06" in page and ">never<" in page
    form_tag = re.search(rf'<form[^>]*action="/admin/users/{u.id}/role"[^>]*>', page).group(0)
    assert "data-confirm=" in form_tag and "seen@example.org" in form_tag


def test_audit_log_uses_compact_dates(admin):
    admin.post(f"/admin/diseases/{make_disease().id}", data=form(name="Croup", icd10="J05.0", aliases="laryngotracheitis"))
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert re.search(r'<time datetime="[^"]+" title="\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC">\d{4}-\d\d-\d\d \d\d:\d\d</time>', page)
