"""Application factory (Flask tutorial style): `create_app(config=None)`.

It does no database I/O and no network calls; migrations run as their own step. A missing or
broken model never stops the app from starting: it runs degraded.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

from config import CONFIGS, ProductionConfig

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Any = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("INSTANCE_PATH", str(ROOT / "instance")),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    _load_config(app, config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    register_url_converters(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security(app)
    register_template_helpers(app)
    register_commands(app)
    register_model(app)
    register_outbox_worker(app)
    return app


def _load_config(app: Flask, config: Any) -> None:
    name = os.environ.get("APP_CONFIG", "development")
    if config is None or isinstance(config, Mapping):
        base = CONFIGS.get(name)
        if base is None:
            raise RuntimeError(f"APP_CONFIG must be one of {', '.join(CONFIGS)}, not {name!r}")
        app.config.from_object(base)
        if isinstance(config, Mapping):
            app.config.update(config)
    else:
        app.config.from_object(config)
        base = config if isinstance(config, type) else type(config)
    if not app.config.get("PUBLIC_BASE_URL") and os.environ.get("PUBLIC_BASE_URL"):
        app.config["PUBLIC_BASE_URL"] = os.environ["PUBLIC_BASE_URL"]  # set after config was imported
    production = isinstance(base, type) and issubclass(base, ProductionConfig)
    if production:
        base.check(app.config)
    _trusted_hosts(app, production)
    if not app.config.get("SECRET_KEY") and os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]  # set after the config module was imported
    if not app.config.get("SECRET_KEY") and app.config.get("USE_INSTANCE_SECRET"):
        from config import instance_secret

        app.config["SECRET_KEY"] = instance_secret(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY is not set")
    if not str(app.config.get("EMERGENCY_NUMBER") or "").strip():
        app.config["EMERGENCY_NUMBER"] = "112"  # never a page without a number to call (config.py)
    # Quiet, patient-text-free logs: we never log request bodies, and the development server's
    # request lines (if its level is lowered) never show a reset token (app/log_safety.py).
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    from app.log_safety import install_werkzeug_filter

    install_werkzeug_filter()


def _trusted_hosts(app: Flask, production: bool) -> None:
    """TRUSTED_HOSTS: from the setting or the environment; in production by default only
    PUBLIC_BASE_URL's host. Flask answers 400 to any other Host header. The public host is
    always trusted (the links in e-mails point there)."""
    from app.services.links import host_of
    from config import _list

    hosts = app.config.get("TRUSTED_HOSTS")
    if hosts is None:
        hosts = _list("TRUSTED_HOSTS")
    if isinstance(hosts, str):
        hosts = [h.strip() for h in hosts.split(",") if h.strip()]
    public = host_of(app.config.get("PUBLIC_BASE_URL") or "")
    if hosts is None and production:
        hosts = [public]
    if hosts is not None and public and public not in hosts:
        hosts = [*hosts, public]
    app.config["TRUSTED_HOSTS"] = hosts


class RecordIdConverter(IntegerConverter):
    """`<int:id>` limited to the database's integer range: a huge id is a 404, not a 500."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def register_url_converters(app: Flask) -> None:
    app.url_map.converters["int"] = RecordIdConverter


def register_extensions(app: Flask) -> None:
    from app.extensions import csrf, db, limiter, login_manager, mail, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    from app.auth.loader import load_user  # noqa: F401  (registers the user loader)


def register_blueprints(app: Flask) -> None:
    from app.admin import bp as admin_bp
    from app.api import init_api
    from app.assess import bp as assess_bp
    from app.auth import bp as auth_bp
    from app.main import bp as main_bp
    from app.ml import bp as ml_bp
    from app.patient import bp as patient_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(assess_bp, url_prefix="/clinic")
    app.register_blueprint(patient_bp, url_prefix="/me")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(ml_bp, url_prefix="/ml")
    init_api(app)


def register_errorhandlers(app: Flask) -> None:
    from app.errors import register

    register(app)


def register_security(app: Flask) -> None:
    from app.security import init_security

    init_security(app)


def register_template_helpers(app: Flask) -> None:
    from app.templating import init_templating

    init_templating(app)


def register_commands(app: Flask) -> None:
    from app.cli import register

    register(app)


def register_model(app: Flask) -> None:
    from app.services.model_holder import ModelHolder

    app.extensions["model_holder"] = ModelHolder.from_app(app)


def register_outbox_worker(app: Flask) -> None:
    """The outbox thread of a web process: QUEUE_BACKEND=local, it delivers; rq (`rq worker mail`
    delivers), it checks that a delivery round is on its way (app/services/outbox.py)."""
    from app.services.outbox import start_worker

    if app.config.get("OUTBOX_WORKER") and not app.config.get("TESTING"):
        start_worker(app)
