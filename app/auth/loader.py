"""Flask-Login user loader. The session holds "id:nonce"; a bumped nonce logs the user out."""

from __future__ import annotations

from app.extensions import login_manager
from models import User, db


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        uid, nonce = (int(part) for part in user_id.split(":", 1))
    except (ValueError, AttributeError):
        return None
    user = db.session.get(User, uid)
    if user is None or user.session_nonce != nonce or not user.is_active:
        return None
    return user
