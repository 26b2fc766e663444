"""Browser journeys: the real app served on 127.0.0.1 (werkzeug in a thread), Debian's Chromium
driven by Playwright's sync API (never `playwright install`).

The live server is created once per session: a file SQLite database in a temporary folder,
schema created and the knowledge base seeded, CSRF ON (real forms), rate limits off, the model a
real tiny artifact (`tiny_model_dir`). Tests create their own users with unique e-mails, so they
do not depend on each other. A failing test leaves a screenshot in
test-artifacts/screenshots/<test>.png. Helpers, `log_in(page, email)` among them, come from
tests/conftest.py like everywhere else: `from conftest import log_in`.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import uuid
from pathlib import Path

import pytest
from conftest import PASSWORD, json_load

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def pytest_collection_modifyitems(config, items):  # noqa: ARG001
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            if not os.path.exists(CHROMIUM):
                item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is missing (apt-get install chromium)"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep a screenshot of the page when a browser test fails (set-up or body)."""
    report = yield
    if report.failed and call.when in ("setup", "call"):
        page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
        if page is not None:
            try:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name)
                page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
            except Exception:  # noqa: BLE001 - a failing screenshot must not hide the real failure
                pass
    return report


# -- the live server ------------------------------------------------------------------------------

class LiveServer:
    def __init__(self, app, host: str = "127.0.0.1"):
        from werkzeug.serving import make_server

        self.app = app
        self.server = make_server(host, 0, app, threaded=True)
        self.url = f"http://{host}:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="live-server", daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture(scope="session")
def live_models_root(tmp_path_factory, tiny_model_pair) -> Path:
    """A models folder with two real tiny versions (for the promotion journey)."""
    root = tmp_path_factory.mktemp("live-models")
    for src in tiny_model_pair:
        version = json_load(src / "training_config.json")["version"]
        shutil.copytree(src, root / version)
    return root


@pytest.fixture(scope="session")
def live_app(tmp_path_factory, tiny_model_dir):
    from app import create_app
    from app.services.seed import seed_diseases
    from knowledge import load_knowledge_base
    from models import db

    base = tmp_path_factory.mktemp("live")
    os.environ["APP_CONFIG"] = "testing"
    os.environ["INSTANCE_PATH"] = str(base / "instance")
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{base / 'live.db'}",
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": False,
        "MODEL_DIR": str(tiny_model_dir),
        "MODELS_ROOT": str(base / "models"),
        "SERVER_NAME": None,
        "ABSTAIN_THRESHOLD": 0.0,  # a random tiny model is never confident: rank anyway, so pages show it
        "MAIL_PORT": 1,  # nothing listens: mail stays queued in the outbox, requests never wait on SMTP
    })
    with app.app_context():
        db.create_all()
        seed_diseases(load_knowledge_base())
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    server = LiveServer(live_app).start()
    yield server
    server.stop()


@pytest.fixture
def make_account(live_app):
    """make_account(role) -> (email, password): a new active user with a unique e-mail."""
    from models import User, db

    def make(role: str, name: str | None = None) -> tuple[str, str]:
        email = f"{role}-{uuid.uuid4().hex[:8]}@example.org"
        with live_app.app_context():
            user = User(email=email, name=name or f"Browser {role}", role=role)
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
        return email, PASSWORD

    return make


# -- the browser ----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def context(browser, live_server):
    ctx = browser.new_context(base_url=live_server.url, accept_downloads=True)
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    p = context.new_page()
    errors: list[str] = []
    p.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" and "Failed to load resource" not in msg.text
         else None)
    # Failed sub-resources (CSS, JS, images, XHR) by URL; the favicon is the browser's own guess.
    p.on("response", lambda r: errors.append(f"{r.status} {r.url}")
         if r.status >= 400 and r.request.resource_type != "document" and not r.url.endswith("/favicon.ico") else None)
    p.console_errors = errors
    return p
