"""Template globals: role-aware navigation, model status banner, triage labels."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import PurePath

from flask import Flask, current_app, url_for
from flask_login import current_user
from markupsafe import Markup

TRIAGE_LABELS = {
    "emergency": "Emergency: call the emergency number now",
    "urgent": "Urgent: see a doctor within 24 hours",
    "routine": "Routine: book an appointment with your doctor",
    "self_care": "Self-care: look after yourself at home; see a doctor if it gets worse",
}

# (endpoint, label, roles allowed; None = any logged-in user)
NAV = [
    ("assess.new", "New assessment", {"clinician"}),
    ("assess.worklist", "Worklist", {"clinician"}),
    ("assess.history", "History", {"clinician", "admin"}),
    ("patient.self_assess", "Check my symptoms", {"patient"}),
    ("patient.history", "My assessments", {"patient"}),
    ("admin.diseases", "Diseases", {"admin"}),
    ("admin.users", "Users", {"admin"}),
    ("admin.audit", "Audit log", {"admin"}),
    ("ml.versions", "Models", {"ml", "admin"}),
    ("ml.agreement", "Agreement", {"ml", "admin", "clinician"}),
    ("ml.queue", "Review queue", {"ml", "clinician"}),
    ("auth.profile", "Account", None),
]


def nav_items():
    if not current_user.is_authenticated:
        return []
    items = []
    for endpoint, label, roles in NAV:
        if endpoint not in current_app.view_functions:
            continue  # a feature that is switched off or not built yet
        if roles is None or current_user.role in roles:
            items.append((url_for(endpoint), label, endpoint))
    return items


def model_status():
    holder = current_app.extensions.get("model_holder")
    if holder is None or not holder.ready:
        return {"ready": False, "version": None, "error": holder.error if holder else "not configured"}
    return {"ready": True, "version": holder.version, "error": None}


_FIRST_NUMBER = re.compile(r"\s*(\+?[\d(][\d\s().-]*)")


def emergency_tel(number: str | None) -> str:
    """The `tel:` URI of the configured number (digits and a leading + only). Of a list such as
    "112 / 999 / 911" only the first number is dialled, never the digits run together."""
    match = _FIRST_NUMBER.match(number or "")
    first = match.group(1).strip() if match else ""
    digits = re.sub(r"[^0-9]", "", first)
    return f"tel:{'+' if first.startswith('+') else ''}{digits}" if digits else ""


def waited(created_at: datetime | None, now: datetime | None = None) -> str:
    """How long a case has waited, compact: '45 min', '3 h 20 min', '2 d 4 h'."""
    if created_at is None:
        return ""
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    minutes = max(0, int(((now or datetime.now(UTC)) - created_at).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def snippet(text: str | None, limit: int = 80) -> str:
    """The start of a text on one line, cut at a word boundary."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(",.;: ") + "\u2026"


def markdown(text: str | None, shift: int = 2) -> Markup:
    """Markdown (a model card) as HTML; raw HTML in the source stays text (CommonMark, html off).
    Headings move down `shift` levels so that they nest under the page's own h1 and h2."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    tokens = md.parse(text or "")
    for tok in tokens:
        if tok.type in ("heading_open", "heading_close"):
            tok.tag = f"h{min(6, int(tok.tag[1:]) + shift)}"
    return Markup(md.renderer.render(tokens, md.options, {}))


_ABS_PATH = re.compile(r"(?<![\w:/.])/(?:[\w.@+-]+/)+([\w.@+-]+)")


def hide_paths(text: str | None) -> str:
    """A log line without the server's folders: '/srv/app/instance/models/v1' becomes '.../v1'."""
    return _ABS_PATH.sub(lambda m: ".../" + m.group(1), text or "")


def basename(path: str | None) -> str:
    """The last part of a path: pages never show the server's folders."""
    return PurePath(str(path or "")).name or str(path or "")


def init_templating(app: Flask) -> None:
    app.jinja_env.globals.update(nav_items=nav_items, model_status=model_status, TRIAGE_LABELS=TRIAGE_LABELS)
    from app.services.plain_names import plain_name

    app.jinja_env.filters.update(waited=waited, snippet=snippet, markdown=markdown, basename=basename,
                                 plain_name=plain_name, hide_paths=hide_paths)

    @app.context_processor
    def _emergency():
        number = app.config.get("EMERGENCY_NUMBER")
        return {"EMERGENCY_NUMBER": number, "EMERGENCY_TEL": emergency_tel(number)}
