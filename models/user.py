from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models import db
from models._time import utcnow

ROLES = ("patient", "clinician", "admin", "ml")

_hasher = PasswordHasher()
# Tests set PASSWORD_HASH_FAST; cheap parameters are still argon2id, never plain text.
_fast_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _hasher_for_app() -> PasswordHasher:
    try:
        from flask import current_app

        if current_app and current_app.config.get("PASSWORD_HASH_FAST"):
            return _fast_hasher
    except RuntimeError:  # outside an app context
        pass
    return _hasher


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="patient")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped at password change / deactivation: invalidates sessions and reset links.
    session_nonce: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    def set_password(self, password: str) -> None:
        self.password_hash = _hasher_for_app().hash(password)

    def check_password(self, password: str) -> bool:
        try:
            return _hasher_for_app().verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive users cannot log in
        return bool(self.active) and self.deleted_at is None

    def get_id(self) -> str:
        # The nonce in the session id makes old sessions invalid after a password change.
        return f"{self.id}:{self.session_nonce}"

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
