"""API authentication: `Authorization: Bearer <token>` (tokens hashed at rest, expiring, revocable)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import wraps

from flask import g, request
from flask_smorest import abort
from sqlalchemy.orm import joinedload

from models import ApiToken, db
from models.api_token import hash_token


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def user_from_bearer():
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    plain = header[7:].strip()
    if not plain or len(plain) > 200:
        return None
    # The user comes with the token in one query (every API request needs both).
    row = db.session.scalar(db.select(ApiToken).options(joinedload(ApiToken.user))
                            .where(ApiToken.token_hash == hash_token(plain)))
    now = datetime.now(UTC)
    if row is None or row.revoked_at is not None or _aware(row.expires_at) <= now:
        return None
    if not row.user.is_active:
        return None
    g.api_token = row
    return row.user


def api_auth_required(*roles: str):
    """401 without a valid token; 403 when the user's role is not in `roles` (if given)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = user_from_bearer()
            if user is None:
                abort(401, message="A valid bearer token is required (POST /api/v1/tokens).",
                      headers={"WWW-Authenticate": "Bearer"})
            if roles and user.role not in roles:
                abort(403, message="Your role may not do this.")
            g.api_user = user
            return view(*args, **kwargs)

        return wrapped

    return decorator
