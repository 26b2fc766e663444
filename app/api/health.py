from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from models import db

blp = Blueprint("health", __name__, description="Service health")


class HealthSchema(Schema):
    status = fields.String(metadata={"description": "ok, or degraded when no model or no database"})
    model_version = fields.String(allow_none=True)
    model_error = fields.String(allow_none=True)
    model_backend = fields.String(allow_none=True, metadata={"description": "onnx or torch (see MODEL_BACKEND)"})
    database = fields.String()


@blp.route("/health")
@blp.response(200, HealthSchema)
def health():
    """Is the service up, which model does it serve, can it reach its database?"""
    try:
        db.session.execute(db.text("SELECT 1"))
        database = "ok"
    except Exception:
        db.session.rollback()
        database = "unavailable"
    holder = current_app.extensions["model_holder"]
    if database == "ok":
        holder.sync_with_registry()
    status = "ok" if (holder.ready and database == "ok") else "degraded"
    current = holder.current
    return {
        "status": status,
        "model_version": holder.version,
        "model_error": None if holder.ready else holder.error,
        "model_backend": getattr(current.classifier, "backend", None) if current else None,
        "database": database,
    }
