"""Signed, expiring, single-use links (password reset).

A token carries the user id and a fingerprint of the user's current password hash and
session nonce. Setting a new password changes both, so a used link no longer verifies:
single use without storing tokens. The salt keeps these tokens from being valid for any
other signed value of the app (sessions, CSRF).
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from models import User

RESET_SALT = "password-reset-v1"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def user_fingerprint(user: User) -> str:
    """Changes whenever the password or the session nonce changes (no secret leaves the server)."""
    material = f"{user.id}:{user.password_hash}:{user.session_nonce}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def make_user_token(user: User, salt: str = RESET_SALT) -> str:
    return _serializer(salt).dumps({"uid": user.id, "fp": user_fingerprint(user)})


def load_user_token(token: str, max_age: int, salt: str = RESET_SALT) -> tuple[int, str] | None:
    """(user id, fingerprint) from a good, unexpired token; None for anything else."""
    if not isinstance(token, str) or not token or len(token) > 512:
        return None
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int) or not isinstance(data.get("fp"), str):
        return None
    return data["uid"], data["fp"]


def fingerprint_matches(user: User, fingerprint: str) -> bool:
    return hmac.compare_digest(user_fingerprint(user), fingerprint)
