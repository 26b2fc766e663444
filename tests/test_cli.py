"""`flask seed`, `create-user` and `bootstrap-admin` as the README describes them."""

from __future__ import annotations

import copy
import json

import pytest

from knowledge import ICD10_RE, KnowledgeBaseError, load_knowledge_base
from models import AuditEvent, Disease, User


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def test_knowledge_base_covers_required_conditions(kb):
    assert len(kb.conditions) >= 60
    names = {c.name for c in kb.conditions}
    for required in ("Common cold", "Myocardial infarction", "Stroke", "Meningitis", "Anaphylaxis",
                     "Appendicitis", "Depression", "Urinary tract infection", "Gout", "Otitis media"):
        assert required in names
    for c in kb.conditions:
        assert ICD10_RE.match(c.icd10), c.icd10
        assert len(c.symptoms) >= 6, c.name
        assert all(len(s.lay) >= 2 for s in c.symptoms), c.name
        assert c.red_flags and c.precautions and c.description, c.name


def test_seed_is_idempotent_and_reports_changes(runner, db, kb):
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert f"{len(kb.conditions)} created" in first.output
    assert db.session.query(Disease).count() == len(kb.conditions)

    # A record edited in the database is put back by the next seed; nothing is duplicated.
    cold = db.session.scalar(db.select(Disease).where(Disease.icd10 == "J00"))
    cold.description = "edited"
    db.session.commit()
    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0, second.output
    assert "0 created, 1 updated" in second.output
    assert "J00" in second.output
    assert db.session.query(Disease).count() == len(kb.conditions)


def test_malformed_file_names_entry_and_field_and_changes_nothing(runner, db, tmp_path):
    data = json.loads(open(load_knowledge_base.__globals__["DEFAULT_PATH"]).read())
    broken = copy.deepcopy(data)
    broken["conditions"][3]["icd10"] = "not-a-code"
    path = tmp_path / "kb.json"
    path.write_text(json.dumps(broken))
    result = runner.invoke(args=["seed", "--file", str(path)])
    assert result.exit_code != 0
    assert "condition #4" in result.output and "'icd10'" in result.output
    assert db.session.query(Disease).count() == 0

    broken = copy.deepcopy(data)
    del broken["conditions"][0]["symptoms"][0]["term"]
    path.write_text(json.dumps(broken))
    result = runner.invoke(args=["seed", "--file", str(path)])
    assert "symptoms[0]" in result.output and "'term'" in result.output
    assert db.session.query(Disease).count() == 0


def test_duplicate_alias_is_rejected(tmp_path):
    from knowledge import parse_knowledge_base

    data = json.loads(open(load_knowledge_base.__globals__["DEFAULT_PATH"]).read())
    data["conditions"][1]["aliases"].append(data["conditions"][0]["name"])
    with pytest.raises(KnowledgeBaseError, match="already used"):
        parse_knowledge_base(data)


@pytest.mark.parametrize("value", [True, 3, "urgent", {"finding": "x"}])
def test_red_flags_that_are_not_a_list_are_named(value):
    """Found by hypothesis (tests/test_fuzz_services.py): `"red_flags": true` was a TypeError."""
    from knowledge import parse_knowledge_base

    data = json.loads(open(load_knowledge_base.__globals__["DEFAULT_PATH"]).read())
    data["conditions"][1]["red_flags"] = value
    with pytest.raises(KnowledgeBaseError, match=r"condition #2 .*red_flags.* must be a list"):
        parse_knowledge_base(data)


def test_create_user_from_env_password(runner, db, monkeypatch):
    monkeypatch.setenv("PASSWORD", "Str0ng-enough-pass")
    result = runner.invoke(args=["create-user", "Doc@Example.org", "--role", "clinician"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "doc@example.org"))
    assert user.role == "clinician" and user.check_password("Str0ng-enough-pass")
    assert user.password_hash != "Str0ng-enough-pass"
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "user.create"))

    again = runner.invoke(args=["create-user", "doc@example.org", "--role", "admin"])
    assert again.exit_code != 0 and "already exists" in again.output


@pytest.mark.parametrize("args,message", [
    (["create-user", "x@example.org", "--role", "wizard"], "Invalid value"),
    (["create-user", "not-an-email", "--role", "patient"], "invalid e-mail"),
])
def test_create_user_rejects_bad_input(runner, db, monkeypatch, args, message):
    monkeypatch.setenv("PASSWORD", "Str0ng-enough-pass")
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and message in result.output
    assert db.session.query(User).count() == 0


def test_create_user_rejects_weak_password(runner, db, monkeypatch):
    monkeypatch.setenv("PASSWORD", "short")
    result = runner.invoke(args=["create-user", "x@example.org", "--role", "patient"])
    assert result.exit_code != 0 and "at least 10" in result.output
    assert db.session.query(User).count() == 0


def test_bootstrap_admin_prints_generated_password_once(app, runner, db):
    first = runner.invoke(args=["bootstrap-admin"])
    assert first.exit_code == 0
    email = first.output.split("Admin account created: ")[1].split()[0]
    password = first.output.split("Password (shown once, store it now): ")[1].split()[0]
    admin = db.session.scalar(db.select(User).where(User.role == "admin"))
    assert admin.check_password(password) and admin.email == email == "admin@example.org"
    # what the README tells the admin to do: log in with the printed address and password
    login = app.test_client().post("/auth/login", data={"email": email, "password": password})
    assert login.status_code == 302, "the printed admin credentials do not log in"
    second = runner.invoke(args=["bootstrap-admin"])
    assert "already exists" in second.output and password not in second.output
    other = runner.invoke(args=["bootstrap-admin", "--email", "b@example.org"])
    assert db.session.query(User).count() == 1 and "already exists" in other.output


def test_bootstrap_admin_refuses_an_address_nobody_could_log_in_with(runner, db):
    result = runner.invoke(args=["bootstrap-admin", "--email", "admin@localhost"])
    assert result.exit_code != 0 and "valid e-mail" in result.output
    assert db.session.query(User).count() == 0


def test_an_account_stored_before_validation_can_still_log_in(app, db):
    """Installs bootstrapped with the old default admin@localhost keep working."""
    legacy = User(email="admin@localhost", name="Administrator", role="admin")
    legacy.set_password("an-old-generated-password")
    db.session.add(legacy)
    db.session.commit()
    login = app.test_client().post("/auth/login", data={"email": "Admin@localhost ", "password": "an-old-generated-password"})
    assert login.status_code == 302
