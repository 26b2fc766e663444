"""Disease records over the API: read for any signed-in user, write for admins.

Validation is the admin form's (app/services/diseases.py): the schema here checks types and
documents the shape; the service checks the rest and answers 422 (invalid) or 409 (name, code
or alias already used by another disease).
"""

from __future__ import annotations

from flask import g, url_for
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from app.api import UTCDateTime, error_responses
from app.api.auth import api_auth_required
from app.api.pagination import PaginationArgsSchema, page_schema, paginate
from app.services import diseases as service
from models import URGENCY_LEVELS, Disease, db

blp = Blueprint("diseases", __name__, description="Disease records of the knowledge base")

BEARER = [{"bearerAuth": []}]


class SymptomSchema(Schema):
    term = fields.String(required=True, validate=validate.Length(min=1, max=service.LIMITS["term"]),
                         metadata={"description": "clinical term, e.g. productive cough"})
    frequency = fields.Float(required=True, validate=validate.Range(min=0, max=1),
                             metadata={"description": "how typical, 0..1"})
    lay = fields.List(fields.String(validate=validate.Length(min=1, max=service.LIMITS["lay"])),
                      load_default=list, validate=validate.Length(max=service.MAX_ITEMS["lay"]),
                      metadata={"description": "how people say it"})


class RedFlagSchema(Schema):
    finding = fields.String(required=True, validate=validate.Length(min=1, max=service.LIMITS["finding"]))
    level = fields.String(required=True, validate=validate.OneOf(service.RED_FLAG_LEVELS))
    phrases = fields.List(fields.String(validate=validate.Length(min=1, max=service.LIMITS["phrase"])),
                          required=True, validate=validate.Length(min=1, max=service.MAX_ITEMS["phrases"]),
                          metadata={"description": "lay phrases whose presence means the flag is present"})


class DiseaseInSchema(Schema):
    """A full record (POST creates, PUT replaces)."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=service.LIMITS["name"]))
    icd10 = fields.String(required=True, validate=validate.Regexp(service.ICD10_RE.pattern),
                          metadata={"description": "ICD-10 code, e.g. J45 or J45.9", "example": "J45.9"})
    aliases = fields.List(fields.String(validate=validate.Length(min=1, max=service.LIMITS["alias"])),
                          load_default=list, validate=validate.Length(max=service.MAX_ITEMS["aliases"]),
                          metadata={"description": "other names, unique across all diseases' names and aliases"})
    category = fields.String(load_default="general", validate=validate.Length(max=service.LIMITS["category"]))
    description = fields.String(load_default="", validate=validate.Length(max=service.LIMITS["description"]))
    urgency = fields.String(required=True, validate=validate.OneOf(URGENCY_LEVELS),
                            metadata={"description": "default urgency"})
    symptoms = fields.List(fields.Nested(SymptomSchema), required=True,
                           validate=validate.Length(min=1, max=service.MAX_ITEMS["symptoms"]))
    red_flags = fields.List(fields.Nested(RedFlagSchema), load_default=list,
                            validate=validate.Length(max=service.MAX_ITEMS["red_flags"]))
    precautions = fields.List(fields.String(validate=validate.Length(min=1, max=service.LIMITS["precaution"])),
                              load_default=list, validate=validate.Length(max=service.MAX_ITEMS["precautions"]))
    extra = fields.Dict(keys=fields.String(), metadata={
        "description": "generator hints (onset, triggers, tried, demographics); kept when omitted on PUT"})


class DiseaseSchema(DiseaseInSchema):
    id = fields.Integer(dump_only=True)
    kb_version = fields.String(dump_only=True, allow_none=True,
                               metadata={"description": "knowledge-base version it was last seeded from"})
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)


class DiseaseListArgsSchema(PaginationArgsSchema):
    q = fields.String(load_default="", validate=validate.Length(max=120),
                      metadata={"description": "search in name, code, category and aliases"})


def _get_or_404(disease_id: int) -> Disease:
    disease = db.session.get(Disease, disease_id) if 0 < disease_id < 2**31 else None
    if disease is None:
        abort(404, message=f"No disease with id {disease_id}.")
    return disease


def _service_error(exc: service.DiseaseError):
    message = "A disease with this name, ICD-10 code or alias already exists." if exc.status == 409 \
        else "The disease record has invalid fields."
    abort(exc.status, message=message, messages={"json": exc.errors})


@blp.route("/diseases", methods=["GET"])
@api_auth_required()
@blp.arguments(DiseaseListArgsSchema, location="query")
@blp.response(200, page_schema(DiseaseSchema))
@error_responses(blp, 401)
@blp.doc(security=BEARER)
def list_diseases(args):
    """List disease records, by name (paged, optional search)."""
    return paginate(service.search_query(args["q"]), args["page"], args["per_page"])


@blp.route("/diseases", methods=["POST"])
@api_auth_required("admin")
@blp.arguments(DiseaseInSchema)
@blp.response(201, DiseaseSchema)
@error_responses(blp, 401, 403, 409)
@blp.doc(security=BEARER)
def create_disease(data):
    """Create a disease record (admin)."""
    try:
        disease = service.create_disease(data, actor=g.api_user)
    except service.DiseaseError as exc:
        _service_error(exc)
    return disease, 201, {"Location": url_for("diseases.get_disease", disease_id=disease.id)}


@blp.route("/diseases/<int:disease_id>", methods=["GET"])
@api_auth_required()
@blp.response(200, DiseaseSchema)
@error_responses(blp, 401, 404)
@blp.doc(security=BEARER)
def get_disease(disease_id: int):
    """One disease record."""
    return _get_or_404(disease_id)


@blp.route("/diseases/<int:disease_id>", methods=["PUT"])
@api_auth_required("admin")
@blp.arguments(DiseaseInSchema)
@blp.response(200, DiseaseSchema)
@error_responses(blp, 401, 403, 404, 409)
@blp.doc(security=BEARER)
def replace_disease(data, disease_id: int):
    """Replace a disease record (admin; full update, same rules as the admin form)."""
    disease = _get_or_404(disease_id)
    try:
        service.update_disease(disease, data, actor=g.api_user)
    except service.DiseaseError as exc:
        db.session.rollback()
        _service_error(exc)
    return disease


@blp.route("/diseases/<int:disease_id>", methods=["DELETE"])
@api_auth_required("admin")
@blp.response(204)
@error_responses(blp, 401, 403, 404)
@blp.doc(security=BEARER)
def delete_disease(disease_id: int):
    """Delete a disease record (admin). Assessments that named it keep their stored text."""
    service.delete_disease(_get_or_404(disease_id), actor=g.api_user)
    return None
