"""Error pages: HTML for the site, JSON `{"error": {"code", "message"}}` under /api/. Never a trace."""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.log_safety import safe_log_value

log = logging.getLogger(__name__)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, headers=None, link: tuple[str, str] | None = None):
    """`link`: (url, text) of a way out, shown under the message on HTML pages."""
    from flask.globals import request_ctx

    if wants_json():
        resp = jsonify({"error": {"code": code, "message": message}})
        resp.status_code = status
    elif request_ctx.url_adapter is None:
        # No URL can be built for this request (an untrusted Host header): a bare page, no links.
        from flask import make_response
        from markupsafe import escape

        resp = make_response(f"<!doctype html><title>{status}</title><p>{escape(message)}</p>", status)
    else:
        resp = render_template("errors/error.html", status=status, code=code, message=message, link=link), status
        from flask import make_response

        resp = make_response(resp)
    if headers:
        for k, v in headers.items():
            resp.headers[k] = v
    return resp


def _too_many(exc: HTTPException) -> tuple[str, tuple[str, str] | None]:
    """The 429 message with the real wait; a locked account is told how to unlock it now."""
    from flask import url_for

    from app.services.rate_limits import describe_wait, is_account_lock, retry_after_seconds

    wait = describe_wait(retry_after_seconds())
    if is_account_lock(exc):
        reset = url_for("auth.reset_request")
        return (f"Too many requests: too many wrong passwords for this account. Please wait {wait} and try again, "
                f"or unlock the account now by choosing a new password from a reset e-mail ({reset})."), \
            (reset, "Send me a password reset e-mail")
    return f"Too many requests. Please wait {wait} and try again.", None


def _code_for(exc: HTTPException) -> str:
    return (exc.name or "error").lower().replace(" ", "_").replace("'", "")


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if wants_json() and isinstance(getattr(exc, "data", None), dict):
            # flask-smorest abort()/webargs errors: keep their message, headers and field details
            from app.api import api

            return api.handle_http_exception(exc)
        headers = {}
        link = None
        valid = getattr(exc, "valid_methods", None)
        if exc.code == 405 and valid:
            headers["Allow"] = ", ".join(valid)
        if exc.code == 429:
            message, link = _too_many(exc)
        elif exc.code == 413:
            message = "The request is too large."
        else:
            message = exc.description or exc.name
        return error_response(exc.code or 500, _code_for(exc), message, headers, link)

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def database_down(exc):
        from models import db

        db.session.rollback()
        g._login_user = app.login_manager.anonymous_user()  # render the page without loading the user from the down database
        log.error("database unavailable: %s", exc.__class__.__name__)
        return error_response(503, "database_unavailable", "The database is unavailable right now. Nothing was saved; please try again shortly.")

    @app.errorhandler(Exception)
    def unhandled(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        log.exception("unhandled error on %s %s", safe_log_value(request.method), safe_log_value(request.path))
        return error_response(500, "internal_error", InternalServerError.description)

