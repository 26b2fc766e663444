"""User administration: create with any role, change role, deactivate / reactivate, reset links.

Why here and not in the views: every change is audited in the transaction that makes it, and
the guards (an admin cannot lock themself out) must hold whatever page or tool calls them.
Deactivation bumps `session_nonce`, which ends every session of that user at its next request
(the session id is "id:nonce", see app/auth/loader.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from email_validator import EmailNotValidError
from sqlalchemy import func, or_

from app.services.accounts import AccountError, normalize_email, send_password_reset, validate_password
from app.services.audit import record
from models import ROLES, ApiToken, User, db
from models._time import utcnow


class UserAdminError(Exception):
    """Field -> messages, shown beside the form fields; nothing was changed."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(m for msgs in errors.values() for m in msgs))


@dataclass
class UserFilter:
    q: str = ""
    role: str = ""
    status: str = ""  # "", "active", "inactive"


def _admin_email(email: str) -> str:
    """accounts.normalize_email (the one spelling stored and looked up), with the admin form's wording."""
    try:
        return normalize_email(email)
    except AccountError as exc:
        cause = exc.__cause__
        message = f"This is not a valid e-mail address: {cause}" if isinstance(cause, EmailNotValidError) else exc.message
        raise UserAdminError({"email": [message]}) from exc


def search_query(flt: UserFilter):
    """SELECT of users matching the filter, newest first; deleted accounts are listed too."""
    stmt = db.select(User).order_by(User.created_at.desc(), User.id.desc())
    q = (flt.q or "").strip().lower()
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        stmt = stmt.where(or_(func.lower(User.email).like(like, escape="\\"),
                              func.lower(User.name).like(like, escape="\\")))
    if flt.role in ROLES:
        stmt = stmt.where(User.role == flt.role)
    if flt.status == "active":
        stmt = stmt.where(User.active.is_(True), User.deleted_at.is_(None))
    elif flt.status == "inactive":
        stmt = stmt.where(or_(User.active.is_(False), User.deleted_at.is_not(None)))
    return stmt


def create_user(*, email: str, name: str, role: str, password: str | None = None, send_link: bool = False,
                actor=None) -> User:
    """Create an account with any role: the admin sets a password, or a reset link is e-mailed.

    Without a password the account gets a random one nobody knows, so only the link opens it.
    """
    errors: dict[str, list[str]] = {}
    try:
        email = _admin_email(email)
    except UserAdminError as exc:
        errors.update(exc.errors)
    name = (name or "").strip()
    if not name:
        errors.setdefault("name", []).append("Name is required.")
    elif len(name) > 120:
        errors.setdefault("name", []).append("Name must be at most 120 characters.")
    if role not in ROLES:
        errors.setdefault("role", []).append(f"Role must be one of: {', '.join(ROLES)}.")
    if password:
        problem = validate_password(password)
        if problem:
            errors.setdefault("password", []).append(problem)
    elif not send_link:
        errors.setdefault("password", []).append("Set a password, or choose to e-mail a password-reset link.")
    if "email" not in errors and db.session.scalar(db.select(User.id).where(func.lower(User.email) == email)):
        errors.setdefault("email", []).append("A user with this e-mail address already exists.")
    if errors:
        raise UserAdminError(errors)
    user = User(email=email, name=name, role=role)
    user.set_password(password or secrets.token_urlsafe(32))
    db.session.add(user)
    db.session.flush()
    record("user.create", "user", user.id, actor=actor, role=role, password_set_by_admin=bool(password))
    db.session.commit()
    if send_link:
        send_reset_link(user, actor=actor)
    return user


def _not_self(user: User, actor, what: str) -> None:
    if actor is not None and getattr(actor, "id", None) == user.id:
        raise UserAdminError({"user": [f"You cannot {what} your own account (ask another admin)."]})


def change_role(user: User, role: str, *, actor=None) -> bool:
    """Give the user another role; returns False when it was already that role."""
    if role not in ROLES:
        raise UserAdminError({"role": [f"Role must be one of: {', '.join(ROLES)}."]})
    if user.role == role:
        return False
    _not_self(user, actor, "change the role of")
    old = user.role
    user.role = role
    user.session_nonce = (user.session_nonce or 0) + 1  # pages open under the old role end
    record("user.role_change", "user", user.id, actor=actor, old=old, new=role)
    db.session.commit()
    return True


def set_active(user: User, active: bool, *, actor=None) -> bool:
    """Deactivate (ends sessions, revokes API tokens) or reactivate; False when nothing changed."""
    if user.deleted_at is not None:
        raise UserAdminError({"user": ["This account was deleted by its owner and cannot be changed."]})
    if bool(user.active) == active:
        return False
    if not active:
        _not_self(user, actor, "deactivate")
    user.active = active
    user.session_nonce = (user.session_nonce or 0) + 1
    if not active:
        now = utcnow()
        for token in db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == user.id,
                                                                  ApiToken.revoked_at.is_(None))):
            token.revoked_at = now
    record("user.reactivate" if active else "user.deactivate", "user", user.id, actor=actor)
    db.session.commit()
    return True


def send_reset_link(user: User, *, actor=None) -> None:
    """E-mail the user a password-reset link (the accounts feature sends it) and audit it."""
    if not user.is_active:
        raise UserAdminError({"user": ["Reactivate the account before sending a reset link."]})
    send_password_reset(user, commit=False)  # queued in the outbox, committed with the audit event
    record("user.reset_link", "user", user.id, actor=actor)
    db.session.commit()
