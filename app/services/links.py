"""Absolute links for e-mails: the one `external_url` helper of the whole app.

Every link that leaves the app by mail (reset links, welcome and "already registered" mails,
clinician alerts about urgent self-assessments, review notices) is built from PUBLIC_BASE_URL,
never from the request's Host header: a forged ``Host: evil.test`` must not be able to point a
reset link (and the token in it) at another site. Production refuses to start without
PUBLIC_BASE_URL (config.py); development and tests have a local default.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app

DEFAULT_BASE_URL = "http://localhost"


def public_base_url() -> str:
    """PUBLIC_BASE_URL without a trailing slash (a local default outside production)."""
    return (current_app.config.get("PUBLIC_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


def external_url(endpoint: str, **values: Any) -> str:
    """`url_for(endpoint, **values)` as an absolute URL under PUBLIC_BASE_URL.

    Works inside and outside a request (CLI, outbox worker); a path prefix in the base URL
    (https://example.org/assistant) is kept as the script root.
    """
    # Built on the URL map directly: pushing a request context here (inside a request) would run
    # the request teardown handlers in the middle of the request.
    parts = urlsplit(public_base_url())
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    values = {k: v for k, v in values.items() if v is not None}
    current_app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)


def host_of(value: str) -> str:
    """The host name of a base URL (for the default TRUSTED_HOSTS)."""
    return urlsplit(value).hostname or ""
