"""The skeleton: factory, configuration, migrations vs models, health, error formats, CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_production_refuses_without_secret_key(monkeypatch):
    from app import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("APP_CONFIG", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    from app import create_app

    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("APP_CONFIG", "production")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://diagnosis.example.org")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "LOAD_MODEL": False})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_health_reports_degraded_without_model(client):
    resp = client.get("/api/v1/health")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["status"] == "degraded"
    assert body["model_version"] is None
    assert body["database"] == "ok"


def test_api_404_is_json_and_site_404_is_html(client):
    resp = client.get("/api/v1/nope")
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"
    page = client.get("/nope")
    assert page.status_code == 404
    assert b"Page not found" in page.data
    assert b"Traceback" not in page.data


def test_degraded_banner_on_every_page(client):
    page = client.get("/")
    assert page.status_code == 200
    assert b"No diagnostic model is loaded" in page.data


def test_security_headers(client):
    resp = client.get("/")
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_migrations_match_models(database_url, tmp_path):
    """`flask db upgrade` on an empty database, then Alembic finds no difference to models/."""
    env_url = database_url
    if database_url == "sqlite://":
        env_url = f"sqlite:///{tmp_path / 'mig.db'}"
    else:  # empty the shared test database first
        from sqlalchemy import create_engine, text

        eng = create_engine(database_url)
        with eng.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        eng.dispose()
    env = {"DATABASE_URL": env_url, "INSTANCE_PATH": str(tmp_path / "inst"), "LOAD_MODEL": "0",
           "APP_CONFIG": "development", "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from models import db

    engine = create_engine(env_url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, db.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_nul_characters_never_reach_the_database(app, db):
    """PostgreSQL refuses NUL in text; every string column drops it before a flush (both databases)."""
    from models import User

    user = User(email="nul@example.org", name="Ann\x00 Smith", role="patient")
    user.set_password("a-long-enough-password")
    db.session.add(user)
    db.session.commit()
    user.name = "Ann\x00\x00 Jones"
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Ann Jones"
