"""Error pages: HTML for the site, JSON `{"error": {"code", "message"}}` under /api/. Never a trace."""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, headers=None):
    if wants_json():
        resp = jsonify({"error": {"code": code, "message": message}})
        resp.status_code = status
    else:
        resp = render_template("errors/error.html", status=status, code=code, message=message), status
        from flask import make_response

        resp = make_response(resp)
    if headers:
        for k, v in headers.items():
            resp.headers[k] = v
    return resp


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
        valid = getattr(exc, "valid_methods", None)
        if exc.code == 405 and valid:
            headers["Allow"] = ", ".join(valid)
        if exc.code == 429:
            message = "Too many requests. Please wait a minute and try again."
        elif exc.code == 413:
            message = "The request is too large."
        else:
            message = exc.description or exc.name
        return error_response(exc.code or 500, _code_for(exc), message, headers)

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
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", InternalServerError.description)

