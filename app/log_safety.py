"""Safe log lines: no secrets, no forged lines.

* Secrets in paths: a password-reset link carries its token in the path (/auth/reset/<token>);
  an access log line with that path hands the account to anyone who can read the logs. Such
  path segments are masked as ``[redacted]``; headers that carry credentials (Authorization,
  Cookie, Set-Cookie) are never logged.
* Control characters: a ``%0a`` in a path decodes to a newline and forges a second access-log
  line; a NUL makes the log file binary for grep. Every logged field has control characters,
  backslashes and double quotes escaped (``\\n``, ``\\x00``, ``\\"``), so one request is one line
  and quoted fields stay quoted.

Used by the gunicorn access logger (gunicorn.conf.py -> `SafeAccessLogger`), the werkzeug
development server's logger (`install_werkzeug_filter`) and the app's own log lines that
mention a request path.
"""

from __future__ import annotations

import logging
import re
from typing import Any

REDACTED = "[redacted]"
# Path segments that are secrets: the reset token (and any future one-time link under /auth/).
_SECRET_PATHS = re.compile(r"(/auth/(?:reset|confirm|verify)/)[^/?#\s]+", re.IGNORECASE)
_SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "proxy-authorization", "x-api-key"})
# C0 controls, DEL, C1 controls (incl. NEL), Unicode line/paragraph separators, and the two
# characters that would break a quoted field.
_ESCAPE = re.compile(r'[\x00-\x1f\x7f-\x9f\u2028\u2029"\\]')
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"', "\\": "\\\\"}


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group(0)
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_controls(value: str) -> str:
    """`value` on one line: control characters, backslashes and double quotes escaped."""
    return _ESCAPE.sub(_escape_char, value)


def redact_secrets(value: str) -> str:
    """`value` with secret path segments (reset tokens) replaced by [redacted]."""
    return _SECRET_PATHS.sub(lambda m: m.group(1) + REDACTED, value)


def safe_log_value(value: Any) -> Any:
    """A value fit for a log line: strings redacted and escaped; other types unchanged."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if isinstance(value, str):
        return escape_controls(redact_secrets(value))
    return value


def safe_atoms(atoms: dict[str, Any]) -> dict[str, Any]:
    """Gunicorn's access-log atoms, made safe: every string field escaped and redacted,
    credential headers dropped (request `{name}i`, response `{name}o` and environ `{http_name}e`)."""
    out: dict[str, Any] = {}
    for key, value in atoms.items():
        name = key[1:-2].lower() if key.startswith("{") and key[-2:] in ("}i", "}o", "}e") else ""
        if name and (name in _SECRET_HEADERS or name.removeprefix("http_").replace("_", "-") in _SECRET_HEADERS):
            out[key] = REDACTED
        else:
            out[key] = safe_log_value(value)
    return out


class SafeLogRecordFilter(logging.Filter):
    """A logging filter that makes a record's message arguments safe: secrets redacted and, with
    `escape`, control characters escaped (werkzeug escapes its request line itself, and styles it
    with ANSI colours on a terminal, so its filter only redacts)."""

    def __init__(self, escape: bool = True):
        super().__init__()
        self.clean = safe_log_value if escape else (lambda v: redact_secrets(v) if isinstance(v, str) else v)

    def filter(self, record: logging.LogRecord) -> bool:
        # the arguments carry the request data; the format string is the logger's own
        if isinstance(record.args, tuple):
            record.args = tuple(self.clean(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: self.clean(v) for k, v in record.args.items()}
        return True


_werkzeug_filter = SafeLogRecordFilter(escape=False)


def install_werkzeug_filter() -> None:
    """The development server (werkzeug) logs request lines on the "werkzeug" logger: make
    them safe too (idempotent)."""
    logger = logging.getLogger("werkzeug")
    if _werkzeug_filter not in logger.filters:
        logger.addFilter(_werkzeug_filter)


def _gunicorn_logger_base():
    from gunicorn.glogging import Logger

    return Logger


try:
    _GunicornLogger = _gunicorn_logger_base()
except ImportError:  # gunicorn is a deployment dependency; the app runs without it
    _GunicornLogger = object


class SafeAccessLogger(_GunicornLogger):  # type: ignore[misc, valid-type]
    """gunicorn's logger with safe access-log fields (gunicorn.conf.py sets it as logger_class)."""

    def atoms(self, resp, req, environ, request_time):
        return safe_atoms(super().atoms(resp, req, environ, request_time))
