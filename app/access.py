"""Role checks for views: `@roles_required("clinician")` -> 401 to log in, 403 for other roles."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def roles_required(*roles: str):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403, description="You do not have permission to see this page.")
            return view(*args, **kwargs)

        return wrapped

    return decorator
