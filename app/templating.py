"""Template globals: role-aware navigation, model status banner, triage labels."""

from __future__ import annotations

from flask import Flask, current_app, url_for
from flask_login import current_user

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


def init_templating(app: Flask) -> None:
    app.jinja_env.globals.update(nav_items=nav_items, model_status=model_status, TRIAGE_LABELS=TRIAGE_LABELS)

    @app.context_processor
    def _emergency():
        return {"EMERGENCY_NUMBER": app.config.get("EMERGENCY_NUMBER")}
