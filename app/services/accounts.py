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
from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from app.services.audit import record
from app.services.links import external_url
from app.services.mail import send_email
from models import ApiToken, Diagnosis, OutboxMessage, User, db

NAME_MAX = 120
EMAIL_MAX = 254
PASSWORD_MIN = 10
PASSWORD_MAX = 256
# zxcvbn's strength score (0-4) a new password needs: 3 is "safely unguessable" against an
# offline attack slowed by hashing; it refuses common passwords and their variants (password12).
PASSWORD_MIN_SCORE = 3
ZXCVBN_MAX_CHARS = 72  # zxcvbn's own limit; a longer password is judged by its first 72 characters
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

def validate_password(password: str, user_inputs: tuple[str, ...] | list[str] = ()) -> str | None:
    """A clear reason when the password is too weak, else None (shared by web, admin and CLI).

    Length and character rules first, then zxcvbn (score >= PASSWORD_MIN_SCORE), which knows the
    common passwords, keyboard patterns, dates and l33t variants; `user_inputs` (the account's
    e-mail and name) count as known words too."""
    if len(password) < PASSWORD_MIN:
        return f"Password must be at least {PASSWORD_MIN} characters long."
    if len(password) > PASSWORD_MAX:
        return f"Password must be at most {PASSWORD_MAX} characters long."
    if password.isdigit() or password.isalpha() or len(set(password)) < 5:
        return "Password must mix letters with digits or symbols and not repeat one character."
    from zxcvbn import zxcvbn

    words = [w for value in user_inputs if value for w in [value, *str(value).replace("@", " ").split()]]
    result = zxcvbn(password[:ZXCVBN_MAX_CHARS], user_inputs=words[:20])
    if result["score"] < PASSWORD_MIN_SCORE:
        hint = (result.get("feedback") or {}).get("warning") or ""
        hint = f" ({hint.rstrip('.')})" if hint else ""
        return ("This password is too common or too easy to guess" + hint +
                ". Try a few unrelated words, or a longer phrase with symbols.")
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

def register_patient(name: str, email: str, password: str, *, commit: bool = True) -> User | None:
    """Create a patient account and queue the welcome mail; the new user, or None when the
    address already has an account. Raises AccountError (bad input), changes nothing then.

    No enumeration: for an address that is taken, the owner gets an "you already have an
    account" mail instead, and the caller answers exactly as for a new account. Both paths hash
    the password, write an audit event and queue one mail, so they also take about as long."""
    name = clean_name(name)
    email = normalize_email(email)
    problem = validate_password(password or "", (email, name))
    if problem:
        raise AccountError("password", problem)
    existing = db.session.scalar(select(User).where(User.email == email))
    if existing is not None:
        _account_exists(existing, password, commit=commit)
        return None
    user = User(email=email, name=name, role="patient")
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.flush()
        record("user.register", "user", user.id, actor=user, role="patient")
        send_email(user.email, "Welcome to the Diagnosis Assistant", "welcome",
                   name=user.name, login_url=external_url("auth.login"))
        _commit(commit)
    except IntegrityError:  # a concurrent registration of the same address won the race
        db.session.rollback()
        existing = db.session.scalar(select(User).where(User.email == email))
        if existing is None:
            raise
        _account_exists(existing, password, commit=commit)
        return None
    return user


def _account_exists(user: User, password: str, *, commit: bool) -> None:
    """Someone registered with the address of an existing account: tell its owner (not the
    visitor), spending the time a new registration would (a password hash)."""
    User(email="", name="").set_password(password or "")
    record("user.register_existing", "user", user.id)
    if user.is_active:
        send_email(user.email, "You already have an account", "account_exists", name=user.name,
                   login_url=external_url("auth.login"), reset_url=external_url("auth.reset_request"))
    _commit(commit)


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


def authenticate(email: str, password: str, *, channel: str = "web") -> User | None:
    """The user for these credentials, or None (and a user.login_failed audit event, committed).

    The one password check: the web login (channel "web") and the API token endpoint (channel
    "api") both call it, so both audit their failures the same way.
    """
    email = email or ""
    password = password or ""
    user = None
    if len(email) <= EMAIL_MAX and len(password) <= PASSWORD_MAX:
        user = find_user_by_email(email)
    if user is None:
        _burn_password_check(password[:PASSWORD_MAX])
        record("user.login_failed", "user", None, reason="unknown_account", channel=channel)
    elif not user.check_password(password):
        record("user.login_failed", "user", user.id, reason="bad_password", channel=channel)
        user = None
    elif not user.is_active:
        record("user.login_failed", "user", user.id, reason="inactive", channel=channel)
        user = None
    db.session.commit()
    return user


def record_login(user: User) -> None:
    user.last_login_at = _utcnow()
    record("user.login", "user", user.id, actor=user)
    db.session.commit()


def record_logout(user: User) -> None:
    """Log out: the session nonce moves on, so a copy of the session cookie (stolen, or left in
    another browser) is worthless from now on - the signed cookie itself cannot be revoked."""
    user.session_nonce = (user.session_nonce or 0) + 1
    record("user.logout", "user", user.id, actor=user)
    db.session.commit()


def revoke_api_tokens(user: User) -> int:
    """Revoke every live API token of the user (password change and reset); returns how many."""
    result = db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                                .values(revoked_at=_utcnow()))
    return int(result.rowcount or 0)


# -- password reset ----------------------------------------------------------------------------

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
    """Send a link when the address belongs to an active account; silent otherwise (no enumeration).

    An unknown address does the same work minus the delivery (an audit event, a token and the
    rendered mail, thrown away), so the response time does not tell the two apart either."""
    user = find_user_by_email(email)
    if user is not None and user.is_active:
        record("user.reset_requested", "user", user.id)
        send_password_reset(user)
        return
    record("user.reset_requested", "user", user.id if user is not None else None,
           reason="inactive" if user is not None else "unknown_account")
    _render_unsent_reset()
    db.session.commit()


def _render_unsent_reset() -> None:
    """What send_password_reset costs without a recipient: a token and both mail bodies."""
    from flask import render_template

    from app.auth.tokens import _serializer

    token = _serializer("password-reset-unsent").dumps({"uid": 0, "fp": "0" * 32})
    context = {"name": "", "reset_url": external_url("auth.reset_password", token=token), "expires_minutes": 60,
               "service_name": current_app.config.get("SERVICE_NAME", "Diagnosis Assistant"),
               "subject": "Reset your password"}
    render_template("email/password_reset.txt", **context)
    render_template("email/password_reset.html", **context)


def reset_password(user: User, new_password: str, *, commit: bool = True) -> None:
    """Set a new password from a reset link; ends every session, API token and other reset link."""
    problem = validate_password(new_password or "", (user.email, user.name))
    if problem:
        raise AccountError("password", problem)
    user.set_password(new_password)
    user.session_nonce = (user.session_nonce or 0) + 1
    revoked = revoke_api_tokens(user)
    record("user.password_reset", "user", user.id, actor=user, api_tokens_revoked=revoked)
    _commit(commit)


# -- profile -----------------------------------------------------------------------------------

def update_name(user: User, name: str, *, commit: bool = True) -> None:
    user.name = clean_name(name)
    record("user.update", "user", user.id, fields=["name"])
    _commit(commit)


def change_password(user: User, current_password: str, new_password: str, *, commit: bool = True) -> None:
    """Change a password knowing the current one; other sessions (nonce bump) and API tokens end."""
    if not user.check_password(current_password or ""):
        raise AccountError("current_password", "Your current password is not correct.")
    problem = validate_password(new_password or "", (user.email, user.name))
    if problem:
        raise AccountError("new_password", problem)
    user.set_password(new_password)
    user.session_nonce = (user.session_nonce or 0) + 1
    revoked = revoke_api_tokens(user)
    record("user.password_change", "user", user.id, api_tokens_revoked=revoked)
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
    about the person any more; the user's assessments lose their link to it and their text (the
    description, its word attributions, the review notes) goes through the PHI scrubber; the audit
    trail stays but pseudonymous: a salted hash instead of the e-mail, salted case ids instead of
    the ids of the person's assessments; API tokens are revoked and queued mail to the old
    address is dropped.
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
    own_ids = list(db.session.scalars(own).all())
    detached = len(own_ids)
    _scrub_assessments_of(user, own_ids)  # while they still name the person
    _pseudonymise_audit_of(user, old_email, own_ids)
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


def _scrub_assessments_of(user: User, diagnosis_ids: list[int]) -> None:
    """Run a deleted person's assessments through the PHI scrubber (account deletion only): the
    description, the words kept in its explanation, and the review notes; the AI output stays."""
    from sqlalchemy.orm.attributes import flag_modified

    from app.services.deid import diagnosis_names, explanation_view, scrub_text

    cache: dict[int, str] = {}
    for start in range(0, len(diagnosis_ids), 500):
        rows = db.session.scalars(select(Diagnosis).where(Diagnosis.id.in_(diagnosis_ids[start:start + 500])))
        for d in rows:
            names = [*diagnosis_names(d, cache=cache), user.name or ""]
            text = d.symptoms or ""
            if d.explanation:
                d.explanation = explanation_view(d.explanation, text, names)
                flag_modified(d, "explanation")
            d.symptoms = scrub_text(text, names) or "[removed]"
            if d.review is not None and d.review.note:
                d.review.note = scrub_text(d.review.note, names)
    db.session.flush()


def _pseudonymise_audit_of(user: User, old_email: str, diagnosis_ids: list[int]) -> None:
    """Keep the deleted person's audit rows, pseudonymous (account deletion only).

    The person's own rows get a salted hash instead of the e-mail (the same hash in every row,
    so the trail still reads as one actor), and the ids of their assessments in those rows
    (created / read / listed / exported) become the salted case ids of the de-identified export.
    Their IP addresses are erased: an address identifies the person as well as the e-mail did.
    Audit rows are append-only for the application (models/audit.py refuses ORM updates); this
    is the one sanctioned rewrite, done with direct UPDATE statements.
    """
    from sqlalchemy import or_

    from app.services.deid import case_id, export_salt, pseudonym
    from models import AuditEvent

    salt = export_salt()
    own = {str(i) for i in diagnosis_ids}
    alias = pseudonym(old_email)

    def relabel(value: Any) -> Any:
        if isinstance(value, list):
            return [case_id(int(v), salt) if str(v) in own else v for v in value]
        return value

    mine = or_(AuditEvent.actor_id == user.id, func.lower(AuditEvent.actor_email) == old_email.lower())
    rows = db.session.execute(select(AuditEvent.id, AuditEvent.target_type, AuditEvent.target_id, AuditEvent.details)
                              .where(or_(mine, (AuditEvent.target_type == "user") & (AuditEvent.target_id == str(user.id))))
                              ).all()
    for event_id, target_type, target_id, details in rows:
        values: dict[str, Any] = {}
        if target_type == "diagnosis" and target_id in own:
            values["target_id"] = case_id(int(target_id), salt)
        if isinstance(details, dict) and any(k in details for k in ("assessments", "ids")):
            new = {k: relabel(v) if k in ("assessments", "ids") else v for k, v in details.items()}
            if new != details:
                values["details"] = new
        if values:
            db.session.execute(update(AuditEvent).where(AuditEvent.id == event_id).values(**values))
    db.session.execute(update(AuditEvent).where(mine).values(actor_email=alias, ip=None))
