"""Assessments over the API (docs/ARCHITECTURE.md, OpenAPI): create, read, list, review, explanation.

Same service as the HTML pages. Roles: patients create and read their own (source "self");
clinicians create (optionally for a patient account), read, list and review all; admins read;
ML staff read de-identified, the same view as the case export (app/services/deid.py): a salted
`case_id` instead of the id, the month instead of timestamps, an age band instead of the age,
scrubbed text and explanation words, no patient or staff identity and no review notes. A record a
patient may not see is a 404.
"""

from __future__ import annotations

from flask import g, jsonify, url_for
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from app.api import error_responses
from app.api.auth import api_auth_required
from app.api.pagination import PaginationArgsSchema, paginate
from app.services import assessment as svc
from app.services import deid
from app.services.rate_limits import explanation_rate_limit
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
    vitals = fields.Nested("VitalsSchema", allow_none=True, metadata={
        "description": "optional vital signs; values written in the text (\"sats 91%\", \"BP 95/65\") are read too"})
    risk_factors = fields.Nested("RiskFactorsSchema", allow_none=True, metadata={
        "description": "answers to the questions that change urgency (true, false, or null for not known)"})


class VitalsSchema(Schema):
    temperature_c = fields.Float(allow_none=True, validate=validate.Range(min=25, max=45))
    heart_rate = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=20, max=300))
    respiratory_rate = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=4, max=80))
    systolic_bp = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=40, max=300))
    spo2 = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=50, max=100),
                          metadata={"description": "oxygen saturation, %"})
    on_oxygen = fields.Boolean(allow_none=True)
    consciousness = fields.String(allow_none=True, validate=validate.OneOf(("alert", "confused", "voice", "pain", "unresponsive")),
                                  metadata={"description": "ACVPU"})


class RiskFactorsSchema(Schema):
    pregnant = fields.Boolean(allow_none=True, metadata={"description": "pregnant or could be"})
    diabetes = fields.Boolean(allow_none=True)
    immunosuppressed = fields.Boolean(allow_none=True, metadata={"description": "weakened immune system or chemotherapy"})
    anticoagulants = fields.Boolean(allow_none=True, metadata={"description": "takes blood thinners"})
    recent_surgery = fields.Boolean(allow_none=True, metadata={"description": "an operation or hospital stay in the last 4 weeks"})


class DifferentialItemSchema(Schema):
    disease = fields.String(required=True)
    icd10 = fields.String(required=True)
    probability = fields.Float(required=True, metadata={"description": "calibrated, 0..1"})


class News2Schema(Schema):
    score = fields.Integer(required=True)
    parts = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"description": "points per parameter"})
    complete = fields.Boolean(metadata={"description": "all seven parameters were known"})


class MeaningSchema(Schema):
    words = fields.String(metadata={"description": "the clause of the description that was read"})
    means = fields.String(metadata={"description": "the library phrase it was read as"})
    similarity = fields.Float(metadata={"description": "cosine similarity of their sentence embeddings"})


class AcuityRuleSchema(Schema):
    id = fields.String(metadata={"description": "red-flag library id (empty for a flag typed into a disease record)"})
    level = fields.String()
    finding = fields.String()
    match = fields.String(metadata={"description": "the words that raised it"})
    by_meaning = fields.List(fields.Nested(MeaningSchema), metadata={
        "description": "present when a phrase group was matched by meaning rather than by its words"})


class TriageSchema(Schema):
    level = fields.String(required=True, validate=validate.OneOf(TRIAGE_LEVELS),
                          metadata={"description": "emergency, urgent (within 24 h), routine, self_care"})
    reasons = fields.List(fields.String(), required=True)
    news2 = fields.Nested(News2Schema, allow_none=True, metadata={"description": "adults with vital signs; null otherwise"})
    rules = fields.List(fields.Nested(AcuityRuleSchema), metadata={"description": "the acuity rules that fired"})


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
    created_at = fields.String(metadata={"description": "ISO 8601, UTC; the month (YYYY-MM) when de-identified"})
    triage_level = fields.String(allow_none=True, metadata={
        "description": "the clinician's urgency, beside the AI's triage.level (null on older reviews)"})
    triage_reason = fields.String(allow_none=True, metadata={
        "description": "why the clinician changed the urgency; absent when de-identified"})


class AssessmentSchema(Schema):
    id = fields.Integer(metadata={"description": "absent when de-identified (ML staff): see case_id"})
    case_id = fields.String(metadata={
        "description": "de-identified view only: a salted hash of the id, the same as in the case export"})
    created_at = fields.String(required=True, metadata={
        "description": "ISO 8601, UTC; the month (YYYY-MM) when de-identified"})
    model_version = fields.String(allow_none=True)
    source = fields.String(metadata={"description": "clinician or self"})
    symptoms = fields.String(required=True, metadata={
        "description": "as entered; when de-identified, names, e-mails, phone and id numbers, dates and addresses "
                       "are replaced by placeholders ([name], [email], ...)"})
    age = fields.Integer(allow_none=True, metadata={"description": "years; absent when de-identified: see age_band"})
    age_band = fields.String(allow_none=True, metadata={
        "description": "de-identified view only: 10-year band (\"40-49\"), 90 and over as \"90+\""})
    sex = fields.String(allow_none=True)
    differential = fields.List(fields.Nested(DifferentialItemSchema), required=True,
                               metadata={"description": "best first; not a ranking when abstained"})
    top_probability = fields.Float(allow_none=True)
    triage = fields.Nested(TriageSchema, required=True)
    explanation = fields.Dict(allow_none=True, metadata={
        "description": "abstain_reason, findings per ICD-10 code (present / absent / not_mentioned), red_flags, "
                       "attributions (null until GET .../explanation computes them); when de-identified the words "
                       "of the text in attributions and red flags are scrubbed like `symptoms`"})
    abstained = fields.Boolean(required=True, metadata={"description": "the model is not confident enough to rank"})
    out_of_scope = fields.Boolean(metadata={"description": "the text fits none of the known conditions"})
    vitals = fields.Dict(metadata={"description": "vital signs used for triage (given, or read from the text)"})
    risk_factors = fields.Dict(metadata={"description": "risk-factor answers as given"})
    abstain_message = fields.String(allow_none=True)
    disclaimer = fields.String(required=True)
    review = fields.Nested(ReviewOutSchema, allow_none=True)
    interview = fields.Nested("InterviewSchema", metadata={
        "description": "follow-up questions (app/api/interview.py): status, the answers with the differential before "
                       "and after each, the first differential; after answers `differential` is the updated one"})
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
    triage_level = fields.String(allow_none=True, validate=validate.OneOf(TRIAGE_LEVELS), metadata={
        "description": "the clinician's urgency; default: the AI's. A different level needs triage_reason"})
    triage_reason = fields.String(allow_none=True, validate=validate.Length(max=2000))


class ExplanationSchema(Schema):
    abstain_reason = fields.String(allow_none=True, metadata={"description": "low_confidence or no_symptom_content"})
    findings = fields.Dict(metadata={"description": "per ICD-10 code: present, absent (negated), not_mentioned"})
    red_flags = fields.List(fields.Dict())
    attributions = fields.Dict(allow_none=True, metadata={
        "description": "occlusion: words, and per ICD-10 code each word's score and the top words; "
                       "words_per_group > 1 when a long text was scored a few neighbouring words at a time; "
                       "for ML staff each word that is part of an identifier is a placeholder ([email], ...)"})
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


def service_error(exc):
    """The API's one error shape for a service error (anything with status, code, message, fields)."""
    body = {"error": {"code": exc.code, "message": exc.message}}
    if getattr(exc, "fields", None):
        body["error"]["fields"] = {"json": exc.fields}
    resp = jsonify(body)
    resp.status_code = exc.status
    return resp


def _fail(exc: svc.AssessmentError):
    if isinstance(exc, svc.ModelUnavailableError):
        resp = jsonify({"error": {"code": exc.code, "message": exc.message}, "triage": exc.triage.as_dict()})
        resp.status_code = 503
        return resp
    return service_error(exc)


# -- views ----------------------------------------------------------------------------------

@blp.route("/assessments", methods=["POST"])
@api_auth_required("patient", "clinician")
@blp.arguments(AssessmentInSchema)
@blp.response(201, AssessmentSchema)
@error_responses(blp, 400, 401, 403, 413, 422)
@blp.alt_response(503, schema=ModelUnavailableSchema, description="No model loaded: no ranking; rules-only triage included")
@blp.doc(security=BEARER)
def create_assessment(data):
    """Assess symptoms: ranked differential, triage, findings (patients: their own; clinicians: any).

    As on the patient's page, a patient's text with no symptom content ("asdf") that raises no red
    flag and no urgent or emergency level is refused with 422 (`fields.json.symptoms` asks for a
    description) and nothing is stored; a text with a red flag is always assessed. A clinician's
    entry is always stored (the model abstains with `no_symptom_content`).
    """
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
                                          actor=user, patient=patient, source=source,
                                          vitals=data.get("vitals"), risk_factors=data.get("risk_factors"),
                                          ask_again_without_symptoms=source == "self")
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
        create_review(diagnosis, g.api_user, data["outcome"], data.get("final_icd10"), data.get("note"),
                      triage_level=data.get("triage_level"), triage_reason=data.get("triage_reason"))
    except svc.AssessmentError as exc:
        return _fail(exc)
    return svc.to_dict(diagnosis)


@blp.route("/assessments/<int:diagnosis_id>/explanation", methods=["GET"])
@api_auth_required(*READERS)
@explanation_rate_limit
@blp.response(200, ExplanationSchema)
@error_responses(blp, 401, 404, 429)
@blp.doc(security=BEARER)
def get_explanation(diagnosis_id: int):
    """Why each suggestion: knowledge-base findings and word attributions (computed once, then cached).

    Computing attributions takes model time: it is limited per user (RATELIMIT_EXPLANATION; reading
    a computed one is free) and bounded by EXPLANATION_TIME_BUDGET seconds, past which
    `attributions_error` says to try again later."""
    diagnosis = _load(diagnosis_id)
    explanation = svc.explanation_for(diagnosis)
    if _deidentify():  # the words of the text, scrubbed as in every de-identified view
        explanation = deid.explanation_view(explanation, diagnosis.symptoms, deid.diagnosis_names(diagnosis))
    return explanation

