"""Assessments over the API (DESIGN.md section 3): create, read, list, review, explanation.

Same service as the HTML pages. Roles: patients create and read their own (source "self");
clinicians create (optionally for a patient account), read, list and review all; admins read;
ML staff read de-identified (no patient or staff ids, e-mails or notes). A record a patient
may not see is a 404.
"""

from __future__ import annotations

from flask import g, jsonify, url_for
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from app.api import error_responses
from app.api.auth import api_auth_required
from app.api.pagination import PaginationArgsSchema, paginate
from app.services import assessment as svc
from app.services.review import create_review
from models import REVIEW_OUTCOMES, TRIAGE_LEVELS, Diagnosis

blp = Blueprint("assessments", __name__, description="Symptom assessments, their triage, explanation and review")

BEARER = [{"bearerAuth": []}]
READERS = ("patient", "clinician", "admin", "ml")


# -- schemas --------------------------------------------------------------------------------

class AssessmentInSchema(Schema):
    symptoms = fields.String(required=True, validate=validate.Length(min=svc.MIN_SYMPTOM_CHARS),
                             metadata={"description": "free text, 3 to MAX_SYMPTOM_CHARS (default 2000) characters",
                                       "example": "fever, dry cough and aching muscles since yesterday"})
    age = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=0, max=120),
                         metadata={"description": "years, 0..120"})
    sex = fields.String(allow_none=True, validate=validate.OneOf(svc.SEXES))
    patient_email = fields.Email(allow_none=True, metadata={
        "description": "clinicians only: link the assessment to this patient account"})


class DifferentialItemSchema(Schema):
    disease = fields.String(required=True)
    icd10 = fields.String(required=True)
    probability = fields.Float(required=True, metadata={"description": "calibrated, 0..1"})


class TriageSchema(Schema):
    level = fields.String(required=True, validate=validate.OneOf(TRIAGE_LEVELS),
                          metadata={"description": "emergency, urgent (within 24 h), routine, self_care"})
    reasons = fields.List(fields.String(), required=True)


class PersonSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()


class ReviewOutSchema(Schema):
    outcome = fields.String(validate=validate.OneOf(REVIEW_OUTCOMES))
    final_icd10 = fields.String(allow_none=True)
    final_disease = fields.String(allow_none=True)
    note = fields.String(allow_none=True, metadata={"description": "absent when de-identified"})
    reviewer = fields.Nested(PersonSchema, allow_none=True, metadata={"description": "absent when de-identified"})
    created_at = fields.String()


class AssessmentSchema(Schema):
    id = fields.Integer(required=True)
    created_at = fields.String(required=True, metadata={"description": "ISO 8601, UTC"})
    model_version = fields.String(allow_none=True)
    source = fields.String(metadata={"description": "clinician or self"})
    symptoms = fields.String(required=True)
    age = fields.Integer(allow_none=True)
    sex = fields.String(allow_none=True)
    differential = fields.List(fields.Nested(DifferentialItemSchema), required=True,
                               metadata={"description": "best first; not a ranking when abstained"})
    top_probability = fields.Float(allow_none=True)
    triage = fields.Nested(TriageSchema, required=True)
    explanation = fields.Dict(allow_none=True, metadata={
        "description": "abstain_reason, findings per ICD-10 code (present / absent / not_mentioned), red_flags, "
                       "attributions (null until GET .../explanation computes them)"})
    abstained = fields.Boolean(required=True, metadata={"description": "the model is not confident enough to rank"})
    abstain_message = fields.String(allow_none=True)
    disclaimer = fields.String(required=True)
    review = fields.Nested(ReviewOutSchema, allow_none=True)
    patient = fields.Nested(PersonSchema, allow_none=True, metadata={"description": "absent when de-identified"})
    entered_by = fields.Nested(PersonSchema, allow_none=True, metadata={"description": "absent when de-identified"})


class LinksSchema(Schema):
    self = fields.String()
    first = fields.String()
    last = fields.String()
    next = fields.String(allow_none=True)
    prev = fields.String(allow_none=True)


class AssessmentPageSchema(Schema):
    items = fields.List(fields.Nested(AssessmentSchema), required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    links = fields.Nested(LinksSchema, required=True)


class ReviewInSchema(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(REVIEW_OUTCOMES))
    final_icd10 = fields.String(allow_none=True, validate=validate.Length(max=10),
                                metadata={"description": "required for corrected; a known disease's code"})
    note = fields.String(allow_none=True, validate=validate.Length(max=2000))


class ExplanationSchema(Schema):
    abstain_reason = fields.String(allow_none=True, metadata={"description": "low_confidence or no_symptom_content"})
    findings = fields.Dict(metadata={"description": "per ICD-10 code: present, absent (negated), not_mentioned"})
    red_flags = fields.List(fields.Dict())
    attributions = fields.Dict(allow_none=True, metadata={
        "description": "occlusion: words, and per ICD-10 code each word's score and the top words; "
                       "words_per_group > 1 when a long text was scored a few neighbouring words at a time"})
    attributions_error = fields.String(metadata={"description": "why attributions are missing"})


class ModelUnavailableSchema(Schema):
    error = fields.Dict(required=True)
    triage = fields.Nested(TriageSchema, metadata={"description": "rules-only triage: still applies"})


# -- helpers --------------------------------------------------------------------------------

def _deidentify() -> bool:
    return g.api_user.role == "ml"


def _load(diagnosis_id: int) -> Diagnosis:
    try:
        return svc.get_for(g.api_user, diagnosis_id)
    except svc.NotFound:
        abort(404, message=f"No assessment with id {diagnosis_id}.")


def _fail(exc: svc.AssessmentError):
    if isinstance(exc, svc.ModelUnavailableError):
        resp = jsonify({"error": {"code": exc.code, "message": exc.message}, "triage": exc.triage.as_dict()})
        resp.status_code = 503
        return resp
    body = {"error": {"code": exc.code, "message": exc.message}}
    if exc.fields:
        body["error"]["fields"] = {"json": exc.fields}
    resp = jsonify(body)
    resp.status_code = exc.status
    return resp


# -- views ----------------------------------------------------------------------------------

@blp.route("/assessments", methods=["POST"])
@api_auth_required("patient", "clinician")
@blp.arguments(AssessmentInSchema)
@blp.response(201, AssessmentSchema)
@error_responses(blp, 400, 401, 403, 413, 422)
@blp.alt_response(503, schema=ModelUnavailableSchema, description="No model loaded: no ranking; rules-only triage included")
@blp.doc(security=BEARER)
def create_assessment(data):
    """Assess symptoms: ranked differential, triage, findings (patients: their own; clinicians: any)."""
    user = g.api_user
    try:
        if user.role == "patient":
            if data.get("patient_email"):
                return _fail(svc.InvalidInput("patient_email is for clinicians; a patient assesses their own symptoms.",
                                              {"patient_email": ["Not allowed for patients."]}))
            patient, source = user, "self"
        else:
            patient, source = svc.find_patient(data.get("patient_email")), "clinician"
        diagnosis = svc.create_assessment(data["symptoms"], data.get("age"), data.get("sex"),
                                          actor=user, patient=patient, source=source)
    except svc.AssessmentError as exc:
        return _fail(exc)
    return svc.to_dict(diagnosis), 201, {"Location": url_for("assessments.get_assessment", diagnosis_id=diagnosis.id)}


@blp.route("/assessments/<int:diagnosis_id>", methods=["GET"])
@api_auth_required(*READERS)
@blp.response(200, AssessmentSchema)
@error_responses(blp, 401, 404)
@blp.doc(security=BEARER)
def get_assessment(diagnosis_id: int):
    """One assessment and its review (its patient, clinicians, admins; ML staff de-identified)."""
    return svc.to_dict(_load(diagnosis_id), deidentify=_deidentify())


@blp.route("/assessments", methods=["GET"])
@api_auth_required(*READERS)
@blp.arguments(PaginationArgsSchema, location="query")
@blp.response(200, AssessmentPageSchema)
@error_responses(blp, 401, 422)
@blp.doc(security=BEARER)
def list_assessments(args):
    """Newest first, paged (patients: their own; everyone else: all, ML staff de-identified)."""
    user = g.api_user
    f = svc.HistoryFilter(patient_id=user.id if user.role == "patient" else None)
    deid = _deidentify()
    body = paginate(svc.history_query(f), args["page"], args["per_page"])
    svc.audit_list(user, [d.id for d in body["items"]], "api")
    body["items"] = [svc.to_dict(d, deidentify=deid) for d in body["items"]]

    def link(page: int | None) -> str | None:
        if page is None:
            return None
        return url_for("assessments.list_assessments", page=page, per_page=args["per_page"])

    last = max(body["pages"], 1)
    body["links"] = {"self": link(args["page"]), "first": link(1), "last": link(last),
                     "next": link(args["page"] + 1) if args["page"] < body["pages"] else None,
                     "prev": link(min(args["page"] - 1, last)) if args["page"] > 1 else None}
    return body


@blp.route("/assessments/<int:diagnosis_id>/review", methods=["POST"])
@api_auth_required("clinician")
@blp.arguments(ReviewInSchema)
@blp.response(201, AssessmentSchema)
@error_responses(blp, 400, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def review_assessment(data, diagnosis_id: int):
    """The clinician's decision, stored beside the AI output (once; a second review is 409)."""
    diagnosis = _load(diagnosis_id)
    try:
        create_review(diagnosis, g.api_user, data["outcome"], data.get("final_icd10"), data.get("note"))
    except svc.AssessmentError as exc:
        return _fail(exc)
    return svc.to_dict(diagnosis)


@blp.route("/assessments/<int:diagnosis_id>/explanation", methods=["GET"])
@api_auth_required(*READERS)
@blp.response(200, ExplanationSchema)
@error_responses(blp, 401, 404)
@blp.doc(security=BEARER)
def get_explanation(diagnosis_id: int):
    """Why each suggestion: knowledge-base findings and word attributions (computed once, then cached)."""
    return svc.explanation_for(_load(diagnosis_id))

