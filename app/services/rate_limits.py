"""Rate-limit settings and keys shared by the login form and the API token endpoint."""

from __future__ import annotations

import hashlib

from flask import current_app


def auth_limit() -> str:
    """Per client address: login, register, password reset, API tokens."""
    return current_app.config.get("RATELIMIT_AUTH") or "10 per minute"


def account_limit() -> str:
    """Failed password attempts per account, from any address."""
    return current_app.config.get("RATELIMIT_ACCOUNT") or "30 per hour"


def account_key(email: str | None) -> str:
    """Key of the account a request tries to log into (hashed: no e-mail addresses in the store)."""
    normalised = (email or "").strip().lower()[:254]
    return "account:" + hashlib.sha256(normalised.encode("utf-8", "replace")).hexdigest()[:32]
