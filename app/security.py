"""Security headers (flask-talisman): CSP without inline scripts, frame denial, referrer policy."""

from __future__ import annotations

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
    trust_proxies(app)


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
