"""Rate-limit settings and keys shared by every door that checks a password.

Two limits guard a password check:

* per client address (RATELIMIT_AUTH): login, register, password reset, API tokens, password
  change and account deletion;
* per account, failed password checks only (RATELIMIT_ACCOUNT), from any address. One shared
  bucket (scope ``account-password``) for the web login, the API token endpoint, the password
  change and the account deletion form, so a lock on one is a lock on all: guessing cannot move
  to the API when the web login is locked. The owner unlocks it at once by setting a new password
  from a reset e-mail (`clear_account_failures`).

A view marks a failed password check with `mark_password_failure()`; only such requests count.
"""

from __future__ import annotations

import hashlib
import time

from flask import current_app, g

ACCOUNT_SCOPE = "account-password"


def auth_limit() -> str:
    """Per client address: login, register, password reset, API tokens, password change, deletion."""
    return current_app.config.get("RATELIMIT_AUTH") or "10 per minute"


def account_limit() -> str:
    """Failed password attempts per account, from any address."""
    return current_app.config.get("RATELIMIT_ACCOUNT") or "30 per hour"


def explanation_limit() -> str:
    """Word explanations per user (they cost seconds of model time)."""
    return current_app.config.get("RATELIMIT_EXPLANATION") or "10 per minute"


def account_key(email: str | None) -> str:
    """Key of the account a request tries to log into (hashed: no e-mail addresses in the store)."""
    normalised = (email or "").strip().lower()[:254]
    return "account:" + hashlib.sha256(normalised.encode("utf-8", "replace")).hexdigest()[:32]


def mark_password_failure() -> None:
    """This request checked a password and it was wrong: count it against the account."""
    g.password_failed = True


def password_failed(response) -> bool:  # noqa: ARG001 - Flask-Limiter's deduct_when signature
    return bool(g.get("password_failed"))


def account_failure_limit(key_func):
    """The shared per-account limit on failed password checks, for a view (POST only)."""
    from app.extensions import limiter

    return limiter.shared_limit(account_limit, scope=ACCOUNT_SCOPE, key_func=key_func, methods=["POST"],
                                deduct_when=password_failed)


def is_account_lock(exc) -> bool:
    """Was this 429 (a RateLimitExceeded) the per-account failed-password limit?"""
    return getattr(getattr(exc, "limit", None), "scope", None) == ACCOUNT_SCOPE


def clear_account_failures(email: str | None) -> None:
    """Forget the failed password checks of an account (after a password reset by e-mail)."""
    from limits import parse

    from app.extensions import limiter

    if not limiter.enabled:
        return
    try:
        storage_limiter = limiter.limiter
        args = [account_key(email), ACCOUNT_SCOPE]
        prefix = current_app.config.get("RATELIMIT_KEY_PREFIX")
        if prefix:
            args = [prefix, *args]
        storage_limiter.clear(parse(account_limit()), *args)
    except Exception:  # noqa: BLE001 - a storage outage must not fail the password reset
        current_app.logger.warning("could not clear the failed-login counter of an account")


def retry_after_seconds() -> int | None:
    """Seconds until the breached limit of this request lets one more through, if known."""
    from app.extensions import limiter

    try:
        current = limiter.current_limit
        if current is None:
            return None
        return max(1, int(current.reset_at - time.time()))
    except Exception:  # noqa: BLE001
        return None


def describe_wait(seconds: int | None) -> str:
    """"1 minute", "45 minutes", "2 hours": how long the user really has to wait."""
    if seconds is None:
        return "a while"
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = -(-minutes // 60)
    return f"{hours} hours"


# -- word explanations -----------------------------------------------------------------------

EXPLANATION_SCOPE = "explanation"


def _user_key() -> str:
    """The signed-in user (API bearer or web session): one bucket per person, whatever door."""
    from flask_limiter.util import get_remote_address
    from flask_login import current_user

    user = g.get("api_user") or (current_user if current_user and current_user.is_authenticated else None)
    user_id = getattr(user, "id", None)
    return f"user:{user_id}" if user_id is not None else f"addr:{get_remote_address()}"


def _explanation_cached() -> bool:
    """Reading an explanation that is already computed costs nothing: not counted."""
    from flask import request

    from models import Diagnosis, db

    diagnosis_id = (request.view_args or {}).get("diagnosis_id")
    diagnosis = db.session.get(Diagnosis, diagnosis_id) if isinstance(diagnosis_id, int) else None
    return bool(diagnosis is not None and (diagnosis.explanation or {}).get("attributions"))


def explanation_rate_limit(view):
    """Per user, RATELIMIT_EXPLANATION explanations computed (cached reads are free), shared by
    the API and the clinician page. Put it under the authentication decorator: it needs the user."""
    from app.extensions import limiter

    return limiter.shared_limit(explanation_limit, scope=EXPLANATION_SCOPE, key_func=_user_key,
                                exempt_when=_explanation_cached)(view)
