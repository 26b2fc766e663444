"""The JSON API under /api/v1 (flask-smorest: the OpenAPI document is generated from the code).

Each resource is a module with its own smorest Blueprint, registered in `init_api`. The API
authenticates with bearer tokens only (no session cookies), so it is exempt from CSRF.
"""

from __future__ import annotations

from datetime import UTC

from flask import Flask, jsonify
from flask_smorest import Api as _Api
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"description": "machine-readable, e.g. not_found"})
    message = fields.String(required=True, metadata={"description": "for people"})
    field_errors = fields.Dict(keys=fields.String(), data_key="fields",
                               metadata={"description": "invalid fields -> messages (422 only)"})


class ErrorSchema(Schema):
    """The one error format of the API."""

    error = fields.Nested(ErrorBodySchema, required=True)


class UTCDateTime(fields.DateTime):
    """ISO 8601 with an offset always: SQLite hands back naive datetimes, and we store UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


ERROR_DESCRIPTIONS = {
    400: "Bad request", 401: "Missing, invalid, expired or revoked credentials",
    403: "Your role may not do this", 404: "No such record", 409: "Conflicts with an existing record",
    413: "Request too large", 422: "Invalid fields", 429: "Too many requests", 503: "Service unavailable",
}


def error_responses(blp, *codes: int):
    """Document error responses (ErrorSchema) on a view: `@error_responses(blp, 401, 404)`."""

    def decorator(view):
        for code in reversed(codes):
            view = blp.alt_response(code, schema=ErrorSchema, description=ERROR_DESCRIPTIONS.get(code, "Error"))(view)
        return view

    return decorator


class Api(_Api):
    """Errors as `{"error": {"code", "message"}}` (docs/ARCHITECTURE.md), with field details for 422."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException):
        from app.errors import _code_for

        data = getattr(error, "data", None) or {}
        message = (data.get("message") if isinstance(data, dict) else None) or error.description or error.name
        details = data.get("messages") if isinstance(data, dict) else None
        if error.code == 422 and details:
            message = "The request has invalid fields."
        body = {"error": {"code": _code_for(error), "message": message}}
        if details:
            body["error"]["fields"] = details
        resp = jsonify(body)
        resp.status_code = error.code or 500
        headers = data.get("headers") if isinstance(data, dict) else None
        if headers:
            resp.headers.update(headers)
        return resp


api = Api()


def init_api(app: Flask) -> None:
    from app.extensions import csrf

    api.init_app(app, spec_kwargs={
        "components": {"securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer"},
            "basicAuth": {"type": "http", "scheme": "basic"},
        }},
    })
    from app.api import assessments, diseases, docs, health, interview, tokens

    for module in (health, tokens, assessments, interview, diseases):
        api.register_blueprint(module.blp, url_prefix="/api/v1")
        csrf.exempt(module.blp)
    app.register_blueprint(docs.bp)  # the human-readable reference at /api/v1/docs (HTML, rendered from the spec)
