"""Security headers (flask-talisman): CSP without inline scripts, frame denial, referrer policy;
and request guards that turn hostile bodies into clear 400s instead of 500s."""

from __future__ import annotations

import re

from flask import Flask
from flask_talisman import Talisman

CSP = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "style-src": "'self'",
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

talisman = Talisman()


def init_security(app: Flask) -> None:
    talisman.init_app(
        app,
        content_security_policy=CSP,
        force_https=bool(app.config.get("FORCE_HTTPS")),
        strict_transport_security=bool(app.config.get("FORCE_HTTPS")),
        session_cookie_secure=bool(app.config.get("SESSION_COOKIE_SECURE", False)),
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )
    app.after_request(_no_store_for_private_responses)
    app.before_request(_refuse_deep_json)
    app.before_request(_refuse_file_parts)
    trust_proxies(app)


# -- request guards ------------------------------------------------------------------------------

# A string (skipped whole, escapes included) or one bracket.
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Does the JSON text nest arrays/objects deeper than `limit`? (Brackets inside strings do
    not count.) Python's json parser recurses per level: 5,000 levels raised RecursionError,
    which no JSON error handler catches (a 500)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for match in _JSON_TOKENS.finditer(body):
        token = match.group(0)
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


def _refuse_deep_json():
    from flask import current_app, request
    from werkzeug.exceptions import BadRequest

    if not request.is_json:
        return None
    limit = int(current_app.config.get("MAX_JSON_DEPTH", 32))
    if json_depth_exceeds(request.get_data(cache=True), limit):
        raise BadRequest(f"The JSON body is nested too deeply (more than {limit} levels).")
    return None


def _refuse_file_parts():
    """No page or endpoint takes file uploads: a text field sent as a multipart file part (which
    WTForms would hand to the form as a file object, a 500) is a clear 400."""
    from flask import request
    from werkzeug.exceptions import BadRequest

    if request.mimetype != "multipart/form-data" or request.method not in ("POST", "PUT", "PATCH"):
        return None
    if request.files:
        raise BadRequest("File uploads are not accepted here: send every form field as text.")
    return None


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client address, scheme and host from
    their X-Forwarded-* headers (werkzeug's ProxyFix), so rate limits and audit events see the
    real client. Off by default: without a proxy those headers are client-controlled, and
    trusting them would let anyone pick the address the rate limiter counts."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _no_store_for_private_responses(response):
    """Never let a browser or proxy cache a page or API answer that belongs to a logged-in user."""
    from flask import request
    from flask_login import current_user

    if request.endpoint == "static":
        return response
    private = request.headers.get("Authorization") or (current_user and current_user.is_authenticated)
    if private:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response
