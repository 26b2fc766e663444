"""Configuration classes, read from environment variables (README "Configuration"; docs/ARCHITECTURE.md).

`create_app` picks one by `APP_CONFIG` (development | testing | production) unless a
config object or mapping is passed in. Production refuses to start without SECRET_KEY.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def _list(name: str) -> list[str] | None:
    """A comma-separated environment variable as a list; None when unset or empty."""
    items = [part.strip() for part in (os.environ.get(name) or "").split(",") if part.strip()]
    return items or None


def base_url_problem(value: str | None) -> str | None:
    """Why `value` cannot be PUBLIC_BASE_URL (an absolute http(s) URL), else None."""
    from urllib.parse import urlsplit

    if not value:
        return "it is not set"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{value!r} is not an absolute http(s) URL"
    if parts.query or parts.fragment:
        return f"{value!r} must not have a query string or fragment"
    return None


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'app.db'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    MODEL_DIR = os.environ.get("MODEL_DIR", str(INSTANCE_DIR / "models" / "current"))
    MODELS_ROOT = os.environ.get("MODELS_ROOT", str(INSTANCE_DIR / "models"))
    LOAD_MODEL = _bool("LOAD_MODEL", True)
    MODEL_SYNC_INTERVAL = float(os.environ.get("MODEL_SYNC_INTERVAL", "5"))
    KNOWLEDGE_BASE_PATH = os.environ.get("KNOWLEDGE_BASE_PATH")  # None: the file in knowledge/
    # "Train a new version" on the ML pages (app/services/training_jobs.py); unset: the CLI's defaults.
    TRAINING_JOBS_DIR = os.environ.get("TRAINING_JOBS_DIR")  # None: instance/training-jobs
    TRAINING_JOB_TINY = _bool("TRAINING_JOB_TINY", False)  # --tiny: a small random BERT (tests, smoke runs)
    TRAINING_JOB_TEXTS_PER_CONDITION = int(os.environ.get("TRAINING_JOB_TEXTS_PER_CONDITION", "0")) or None
    TRAINING_JOB_THREADS = int(os.environ.get("TRAINING_JOB_THREADS", "0")) or None  # torch CPU threads
    TRAINING_JOB_TIMEOUT = int(os.environ.get("TRAINING_JOB_TIMEOUT", str(24 * 3600)))  # seconds an RQ worker allows
    # Background jobs (app/services/job_queue.py): "local" (default: no Redis; training in a detached
    # process, mail from a thread per web process) or "rq" (Redis queues `training` and `mail`, run by
    # `rq worker` processes on any machine that shares the database, MODELS_ROOT and TRAINING_JOBS_DIR).
    QUEUE_BACKEND = os.environ.get("QUEUE_BACKEND", "local")
    REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

    # Inference (app/services/inference.py): batcher threads (None: one per core with ONNX, else 1)
    # and torch intra-op threads (PyTorch engine only). MODEL_BACKEND (auto/onnx/torch) is read by
    # training.predictor.Classifier.load.
    INFERENCE_WORKERS = int(os.environ.get("INFERENCE_WORKERS", "0")) or None
    INFERENCE_THREADS = int(os.environ.get("INFERENCE_THREADS", "0")) or None

    # Assessment: below this calibrated top probability the model abstains.
    ABSTAIN_THRESHOLD = float(os.environ.get("ABSTAIN_THRESHOLD", "0.35"))
    # Red flags and findings matched by meaning as well as by words (app/services/semantic.py);
    # off: words only (faster; measured emergency sensitivity lower, see README).
    RED_FLAGS_BY_MEANING = os.environ.get("RED_FLAGS_BY_MEANING", "1") not in ("0", "false", "no")
    MAX_SYMPTOM_CHARS = int(os.environ.get("MAX_SYMPTOM_CHARS", "2000"))
    # Word explanations (occlusion, app/services/explain.py): a hard time budget per explanation,
    # the characters of text the model may re-read for one (fewer left-out variants for long
    # texts), and a per-user limit on the endpoints that compute them.
    EXPLANATION_TIME_BUDGET = float(os.environ.get("EXPLANATION_TIME_BUDGET", "5"))
    EXPLANATION_CHAR_BUDGET = int(os.environ.get("EXPLANATION_CHAR_BUDGET", "24000"))
    # a word is highlighted only when leaving it out lowers the suggestion by this much (0.02 = 2 points)
    EXPLANATION_MIN_ATTRIBUTION = float(os.environ.get("EXPLANATION_MIN_ATTRIBUTION", "0.02"))
    RATELIMIT_EXPLANATION = os.environ.get("RATELIMIT_EXPLANATION", "10 per minute")
    MAX_JSON_DEPTH = int(os.environ.get("MAX_JSON_DEPTH", "32"))  # deeper request bodies: 400
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(256 * 1024)))

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Diagnosis Assistant <no-reply@localhost>")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "5"))
    # Outbox (app/services/outbox.py): a background thread in each web process, off in tests (they drive
    # it); with QUEUE_BACKEND=local it delivers every OUTBOX_POLL_SECONDS, with rq it checks every
    # OUTBOX_SWEEP_SECONDS that a delivery round is scheduled on the `mail` queue, where each round
    # schedules the next at the earliest retry or one sweep interval later.
    OUTBOX_WORKER = _bool("OUTBOX_WORKER", True)
    OUTBOX_POLL_SECONDS = float(os.environ.get("OUTBOX_POLL_SECONDS", "5"))
    OUTBOX_SWEEP_SECONDS = float(os.environ.get("OUTBOX_SWEEP_SECONDS", "60"))
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "20"))  # then 'failed', kept for admins
    # Every absolute link in an e-mail is built from this, never from a request's Host header
    # (app/services/links.py). Required in production; development defaults to the serve.sh address.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")
    # Host names requests may carry (Flask checks Host and answers 400 otherwise). None: any host,
    # except in production, where the default is PUBLIC_BASE_URL's host (app/__init__.py).
    TRUSTED_HOSTS = _list("TRUSTED_HOSTS")

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))  # reverse proxies in front (ProxyFix)
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_AUTH = os.environ.get("RATELIMIT_AUTH", "10 per minute")  # per client address
    RATELIMIT_ACCOUNT = os.environ.get("RATELIMIT_ACCOUNT", "30 per hour")  # failed logins per account

    PASSWORD_RESET_MAX_AGE = int(os.environ.get("PASSWORD_RESET_MAX_AGE", "3600"))
    API_TOKEN_MAX_AGE = int(os.environ.get("API_TOKEN_MAX_AGE", str(24 * 3600)))
    # The deployment's one emergency number (e.g. 999 in the UK, 911 in the US), shown as a tap-to-call link.
    # Empty counts as unset: a patient page must never say "call  now" (create_app checks it too).
    EMERGENCY_NUMBER = os.environ.get("EMERGENCY_NUMBER", "").strip() or "112"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # token lives as long as the session
    FORCE_HTTPS = False
    TESTING = False
    DEBUG = False

    API_TITLE = "Diagnosis Assistant API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_REDOC_PATH = "/docs"
    OPENAPI_REDOC_URL = None  # no CDN: the docs page is rendered by our own template


def instance_secret(instance_dir: str | Path) -> str:
    """A random key generated once per installation and kept in instance/ (never a fixed default)."""
    path = Path(instance_dir) / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        return key
    except OSError:
        return secrets.token_hex(32)


class DevelopmentConfig(Config):
    """Local single-machine use (the README's run command); all workers share the instance key."""

    DEBUG = False
    USE_INSTANCE_SECRET = True  # without SECRET_KEY, use instance/secret_key (created once)
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"
    PUBLIC_BASE_URL = "http://localhost"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False  # tests that check CSRF turn it back on
    RATELIMIT_ENABLED = False  # tests that check rate limits turn it back on
    RATELIMIT_STORAGE_URI = "memory://"
    OUTBOX_WORKER = False
    QUEUE_BACKEND = "local"  # tests that use Redis set "rq" themselves
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "8025"))
    PASSWORD_HASH_FAST = True
    MODEL_SYNC_INTERVAL = 0.0  # follow promotions at once
    MODEL_DIR = os.environ.get("TEST_MODEL_DIR", "/nonexistent/model")  # degraded unless a test gives one  # cheaper argon2 parameters keep the suite fast


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    FORCE_HTTPS = _bool("FORCE_HTTPS", True)

    @classmethod
    def check(cls, config=None) -> None:
        """Refuse to start without the settings production cannot guess (`config`: the app's)."""
        if not os.environ.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set in production (no default secret is used)")
        base = (config or {}).get("PUBLIC_BASE_URL") or os.environ.get("PUBLIC_BASE_URL")
        problem = base_url_problem(base)
        if problem:
            raise RuntimeError(
                f"PUBLIC_BASE_URL must be set in production to the address users reach the service at, "
                f"e.g. https://diagnosis.example.org: every link in e-mails is built from it ({problem})")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
