"""API tokens: exchange an e-mail and password (HTTP Basic) for an expiring bearer token.

Why tokens and not the password on every call: the password is checked once (rate limited),
the token is random, hashed at rest (`ApiToken.issue`), expires after API_TOKEN_MAX_AGE
seconds, and can be revoked on its own with `DELETE /api/v1/tokens/current`.
"""

from __future__ import annotations

from flask import current_app, g, request
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields

from app.api import UTCDateTime, error_responses
from app.api.auth import api_auth_required
from app.extensions import limiter
from app.services.accounts import authenticate
from app.services.audit import record
from app.services.rate_limits import account_failure_limit, account_key, auth_limit, mark_password_failure
from models import ApiToken, User, db
from models._time import utcnow

blp = Blueprint("tokens", __name__, description="Bearer tokens for the API (HTTP Basic to get one)")

FAILED = "Invalid e-mail or password."


class TokenSchema(Schema):
    token = fields.String(required=True, metadata={"description": "send as `Authorization: Bearer <token>`; "
                                                                  "shown once, stored only as a hash"})
    expires_at = UTCDateTime(required=True, metadata={"description": "UTC, ISO 8601"})


def _authenticate() -> User:
    auth = request.authorization
    if auth is None or auth.type != "basic" or not auth.username or auth.password is None:
        abort(401, message="Send your e-mail and password with HTTP Basic authentication.",
              headers={"WWW-Authenticate": 'Basic realm="api"'})
    # The same check as the web login: timing kept for unknown e-mails, every failure audited.
    user = authenticate(auth.username, auth.password, channel="api")
    if user is None:
        mark_password_failure()
        abort(401, message=FAILED, headers={"WWW-Authenticate": 'Basic realm="api"'})
    return user


def _account_key() -> str:
    auth = request.authorization
    return account_key(auth.username if auth is not None else None)


@blp.route("/tokens", methods=["POST"])
@limiter.limit(auth_limit, methods=["POST"])
@account_failure_limit(_account_key)  # failed passwords per account, one bucket with the web login
@blp.response(201, TokenSchema)
@error_responses(blp, 401, 429)
@blp.doc(security=[{"basicAuth": []}])
def issue_token():
    """Get a bearer token for an active user (HTTP Basic: e-mail and password).

    Every failure answers 401 with the same message, so the response never tells whether an
    e-mail address has an account. Rate limited per client address (RATELIMIT_AUTH) and, for
    failed passwords, per account (RATELIMIT_ACCOUNT) in the same bucket as the web login.
    """
    user = _authenticate()
    row, plain = ApiToken.issue(user, int(current_app.config["API_TOKEN_MAX_AGE"]))
    db.session.add(row)
    db.session.flush()
    record("api_token.issue", "user", user.id, actor=user, token_id=row.id)
    db.session.commit()
    return {"token": plain, "expires_at": row.expires_at}


@blp.route("/tokens/current", methods=["DELETE"])
@api_auth_required()
@blp.response(204)
@error_responses(blp, 401)
@blp.doc(security=[{"bearerAuth": []}])
def revoke_current_token():
    """Revoke the bearer token this request was made with (log out of the API)."""
    row: ApiToken = g.api_token
    row.revoked_at = utcnow()
    record("api_token.revoke", "user", row.user_id, actor=g.api_user, token_id=row.id)
    db.session.commit()
    return None
