"""Accounts: registration, authentication, password reset, profile changes, data export and
account deletion. The views (app/auth/routes.py), the admin pages and the CLI all call these,
so a rule (password strength, e-mail normalisation, auditing) lives in exactly one place.

Every change here writes its audit event in the same transaction. Functions that change data
commit by default (`commit=False` lets a caller fold them into its own transaction).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_request_context, url_for
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from app.services.audit import record
from app.services.mail import send_email
from models import ApiToken, Diagnosis, OutboxMessage, User, db

NAME_MAX = 120
EMAIL_MAX = 254
PASSWORD_MIN = 10
PASSWORD_MAX = 256
EXPORT_FORMAT = "diagnosis-assistant-export/1"
UNUSABLE_PASSWORD = "!unusable"  # not an argon2 hash: check_password() is always False


class AccountError(ValueError):
    """A request that cannot be done as asked; `field` names the form field to show it on."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _commit(commit: bool) -> None:
    if commit:
        db.session.commit()
    else:
        db.session.flush()


# -- validation --------------------------------------------------------------------------------

def validate_password(password: str) -> str | None:
    """A clear reason when the password is too weak, else None (shared by web, admin and CLI)."""
    if len(password) < PASSWORD_MIN:
        return f"Password must be at least {PASSWORD_MIN} characters long."
    if len(password) > PASSWORD_MAX:
        return f"Password must be at most {PASSWORD_MAX} characters long."
    if password.isdigit() or password.isalpha() or len(set(password)) < 5:
        return "Password must mix letters with digits or symbols and not repeat one character."
    return None


def normalize_email(email: str) -> str:
    """The one spelling we store and look up: validated, lower-case. Raises AccountError."""
    email = (email or "").strip()
    if not email:
        raise AccountError("email", "Enter your e-mail address.")
    if len(email) > EMAIL_MAX:
        raise AccountError("email", f"E-mail address must be at most {EMAIL_MAX} characters.")
    try:
        normalized = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountError("email", f"Enter a valid e-mail address ({exc}).") from exc
    if len(normalized) > EMAIL_MAX:
        raise AccountError("email", f"E-mail address must be at most {EMAIL_MAX} characters.")
    return normalized


def clean_name(name: str) -> str:
    name = " ".join("".join(ch if ch.isprintable() else " " for ch in (name or "")).split())  # one line, no controls
    if not name:
        raise AccountError("name", "Enter your name.")
    if len(name) > NAME_MAX:
        raise AccountError("name", f"Name must be at most {NAME_MAX} characters.")
    return name


def find_user_by_email(email: str) -> User | None:
    try:
        normalized = normalize_email(email)
    except AccountError:
        # Accounts made before addresses were validated everywhere (the first bootstrap-admin
        # default was admin@localhost, which the validator rejects) must still be able to log in.
        normalized = (email or "").strip().lower()
        if not normalized or len(normalized) > EMAIL_MAX:
            return None
    return db.session.scalar(select(User).where(User.email == normalized))


# -- registration and login --------------------------------------------------------------------

def register_patient(name: str, email: str, password: str, *, commit: bool = True) -> User:
    """Create a patient account and queue the welcome mail. Raises AccountError, changes nothing then."""
    name = clean_name(name)
    email = normalize_email(email)
    problem = validate_password(password or "")
    if problem:
        raise AccountError("password", problem)
    duplicate = AccountError("email", "An account with this e-mail address already exists. Log in or reset your password.")
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise duplicate
    user = User(email=email, name=name, role="patient")
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as exc:  # a concurrent registration won the race
        db.session.rollback()
        raise duplicate from exc
    record("user.register", "user", user.id, actor=user, role="patient")
    send_email(user.email, "Welcome to the Diagnosis Assistant", "welcome",
               name=user.name, login_url=external_url("auth.login"))
    try:
        _commit(commit)
    except IntegrityError as exc:
        db.session.rollback()
        raise duplicate from exc
    return user


_dummy_hashes: dict[bool, User] = {}


def _burn_password_check(password: str) -> None:
    """Spend the time a real check would, so response times do not reveal unknown e-mails."""
    fast = bool(current_app.config.get("PASSWORD_HASH_FAST"))
    dummy = _dummy_hashes.get(fast)
    if dummy is None:
        dummy = User(email="", name="")
        dummy.set_password("dummy-password-for-timing-1")
        _dummy_hashes[fast] = dummy
    dummy.check_password(password)


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None (and a user.login_failed audit event, committed)."""
    email = email or ""
    password = password or ""
    user = None
    if len(email) <= EMAIL_MAX and len(password) <= PASSWORD_MAX:
        user = find_user_by_email(email)
    if user is None:
        _burn_password_check(password[:PASSWORD_MAX])
        record("user.login_failed", "user", None, reason="unknown_account")
    elif not user.check_password(password):
        record("user.login_failed", "user", user.id, reason="bad_password")
        user = None
    elif not user.is_active:
        record("user.login_failed", "user", user.id, reason="inactive")
        user = None
    db.session.commit()
    return user


def record_login(user: User) -> None:
    user.last_login_at = _utcnow()
    record("user.login", "user", user.id, actor=user)
    db.session.commit()


def record_logout(user: User) -> None:
    record("user.logout", "user", user.id, actor=user)
    db.session.commit()


# -- password reset ----------------------------------------------------------------------------

def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link for an e-mail. PUBLIC_BASE_URL, when set, wins over the request's Host
    header, so a forged Host cannot point reset links at another site."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        with current_app.test_request_context(base_url=base):
            return url_for(endpoint, _external=True, **values)
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url="http://localhost"):
        return url_for(endpoint, _external=True, **values)


def make_reset_token(user: User) -> str:
    """A signed link token, valid PASSWORD_RESET_MAX_AGE seconds and only until the password changes."""
    from app.auth.tokens import make_user_token  # here, not at the top: app.auth imports this module

    return make_user_token(user)


def verify_reset_token(token: str) -> User | None:
    """The active user a good, unexpired, unused token belongs to; None for anything else."""
    from app.auth.tokens import fingerprint_matches, load_user_token

    max_age = int(current_app.config.get("PASSWORD_RESET_MAX_AGE", 3600))
    loaded = load_user_token(token, max_age)
    if loaded is None:
        return None
    user_id, fingerprint = loaded
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or not fingerprint_matches(user, fingerprint):
        return None
    return user


def send_password_reset(user: User, *, commit: bool = True) -> OutboxMessage:
    """Queue a reset link for `user` (self-service, or an admin's "send reset link").

    Not audited here: the caller records who asked (the user, or an admin)."""
    token = make_reset_token(user)
    max_age = int(current_app.config.get("PASSWORD_RESET_MAX_AGE", 3600))
    message = send_email(user.email, "Reset your password", "password_reset", name=user.name,
                         reset_url=external_url("auth.reset_password", token=token),
                         expires_minutes=max(1, max_age // 60))
    _commit(commit)
    return message


def request_password_reset(email: str) -> None:
    """Send a link when the address belongs to an active account; silent otherwise (no enumeration)."""
    user = find_user_by_email(email)
    if user is not None and user.is_active:
        record("user.reset_requested", "user", user.id)
        send_password_reset(user)


def reset_password(user: User, new_password: str, *, commit: bool = True) -> None:
    """Set a new password from a reset link; ends every session and every other reset link."""
    problem = validate_password(new_password or "")
    if problem:
        raise AccountError("password", problem)
    user.set_password(new_password)
    user.session_nonce = (user.session_nonce or 0) + 1
    record("user.password_reset", "user", user.id, actor=user)
    _commit(commit)


# -- profile -----------------------------------------------------------------------------------

def update_name(user: User, name: str, *, commit: bool = True) -> None:
    user.name = clean_name(name)
    record("user.update", "user", user.id, fields=["name"])
    _commit(commit)


def change_password(user: User, current_password: str, new_password: str, *, commit: bool = True) -> None:
    """Change a password knowing the current one; other sessions end (nonce bump)."""
    if not user.check_password(current_password or ""):
        raise AccountError("current_password", "Your current password is not correct.")
    problem = validate_password(new_password or "")
    if problem:
        raise AccountError("new_password", problem)
    user.set_password(new_password)
    user.session_nonce = (user.session_nonce or 0) + 1
    record("user.password_change", "user", user.id)
    _commit(commit)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite returns naive UTC
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def _assessment_export(d: Diagnosis) -> dict[str, Any]:
    review = d.review
    return {
        "id": d.id,
        "created_at": _iso(d.created_at),
        "source": d.source,
        "symptoms": d.symptoms,
        "age": d.age,
        "sex": d.sex,
        "model_version": d.model_version,
        "differential": d.differential or [],
        "top_probability": d.top_probability,
        "triage": {"level": d.triage_level, "reasons": d.triage_reasons or []},
        "explanation": d.explanation,
        "abstained": bool(d.abstained),
        "review": None if review is None else {
            "outcome": review.outcome,
            "final_icd10": review.final_icd10,
            "final_disease": review.final_disease,
            "note": review.note,
            "created_at": _iso(review.created_at),
        },
    }


def export_user_data(user: User, *, commit: bool = True) -> dict[str, Any]:
    """Everything we hold about the user as a JSON-ready dict (audited as user.data_export).

    Patients get their assessments and reviews; other roles hold no record about themselves
    beyond the profile (assessments they entered belong to their patients)."""
    assessments: list[Diagnosis] = []
    if user.role == "patient":
        assessments = list(db.session.scalars(
            select(Diagnosis).where(Diagnosis.patient_id == user.id).order_by(Diagnosis.created_at, Diagnosis.id)))
    data = {
        "format": EXPORT_FORMAT,
        "exported_at": _iso(_utcnow()),
        "user": {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
        },
        "assessments": [_assessment_export(d) for d in assessments],
    }
    record("user.data_export", "user", user.id, assessments=[d.id for d in assessments])
    _commit(commit)
    return data


def delete_account(user: User, *, commit: bool = True) -> None:
    """De-identify and deactivate the account; clinical content and the audit trail stay.

    The row is kept (audit events, reviews and model promotions point at it) but says nothing
    about the person any more; the user's assessments lose their link to it; API tokens are
    revoked and queued mail to the old address is dropped.
    """
    if user.deleted_at is not None:
        return
    if user.role == "admin":
        others = db.session.scalar(select(func.count()).select_from(User).where(
            User.role == "admin", User.id != user.id, User.active.is_(True), User.deleted_at.is_(None)))
        if not others:
            raise AccountError(None, "You are the only administrator. Make another user an administrator first.")
    now = _utcnow()
    old_email = user.email
    own = select(Diagnosis.id).where(Diagnosis.patient_id == user.id)
    detached = len(db.session.scalars(own).all())
    db.session.execute(update(Diagnosis).where(Diagnosis.patient_id == user.id, Diagnosis.entered_by_id == user.id)
                       .values(entered_by_id=None))  # self-assessments: not linkable via the author either
    db.session.execute(update(Diagnosis).where(Diagnosis.patient_id == user.id).values(patient_id=None))
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=now))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.recipient == old_email))
    user.email = f"deleted-{user.id}@invalid"
    user.name = "Deleted user"
    user.password_hash = UNUSABLE_PASSWORD
    user.active = False
    user.session_nonce = (user.session_nonce or 0) + 1
    user.deleted_at = now
    record("user.delete", "user", user.id, assessments_detached=detached)
    _commit(commit)
