"""The JSON API under /api/v1 (flask-smorest: the OpenAPI document is generated from the code).

Each resource is a module with its own smorest Blueprint, registered in `init_api`. The API
authenticates with bearer tokens only (no session cookies), so it is exempt from CSRF.
"""

from __future__ import annotations

from flask import Flask, jsonify
from flask_smorest import Api as _Api
from werkzeug.exceptions import HTTPException


class Api(_Api):
    """Errors as `{"error": {"code", "message"}}` (DESIGN.md), with field details for 422."""

    def handle_http_exception(self, error: HTTPException):
        from app.errors import _code_for

        message = error.description or error.name
        data = getattr(error, "data", None) or {}
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
    from app.api import health

    modules = [health]
    for optional in ("tokens", "assessments", "diseases"):
        try:
            modules.append(__import__(f"app.api.{optional}", fromlist=["blp"]))
        except ImportError:
            pass  # not built yet
    for module in modules:
        api.register_blueprint(module.blp, url_prefix="/api/v1")
        csrf.exempt(module.blp)
