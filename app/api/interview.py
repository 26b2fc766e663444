"""Follow-up questions over the API: what would change the assistant's mind (app/services/interview.py).

`GET /assessments/<id>/questions` proposes up to five yes / no / don't-know questions (red flags
first, then by expected information gain); `POST /assessments/<id>/answers` records answers to
any of them and returns the updated assessment: the differential after the answers (the first
one stays in `interview.initial_differential`), the urgency (a "yes" to a red flag escalates at
once) and, per condition, the answers that moved it (`explanation.follow_up`).

Who: the assessment's own patient and clinicians. Anyone else gets 404 for a record they may not
see (never 403, which would confirm that it exists), and the roles that may not answer at all
(admin, ML) get 403. Reads and answers are audited like every read or change of a patient's record.
"""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from app.api import error_responses
from app.api.assessments import BEARER, AssessmentSchema, DifferentialItemSchema, service_error
from app.api.auth import api_auth_required
from app.services import assessment as svc
from app.services import interview
from models import TRIAGE_LEVELS, Diagnosis

blp = Blueprint("interview", __name__, description="Follow-up questions: answers that refine the differential and the urgency")

ANSWERERS = ("patient", "clinician")


class QuestionSchema(Schema):
    id = fields.String(required=True, metadata={"description": "stable id: s:<finding> for a symptom, rf:<red-flag id>"})
    kind = fields.String(required=True, validate=validate.OneOf(("symptom", "red_flag")))
    text = fields.String(required=True, metadata={"description": "the question in plain words",
                                                  "example": "Does this describe you: \u201cblocked nose\u201d?"})
    finding = fields.String(required=True, metadata={"description": "the knowledge-base finding (clinical term)"})
    label = fields.String(metadata={"description": "a short lay label, used in 'ranked higher because you said yes to: ...'"})
    examples = fields.List(fields.String(), metadata={"description": "lay phrasings of the finding"})
    level = fields.String(allow_none=True, validate=validate.OneOf(TRIAGE_LEVELS),
                          metadata={"description": "red flags: the urgency a yes means"})
    helps_tell_apart = fields.List(fields.String(), metadata={"description": "two conditions this question separates"})
    why = fields.String(metadata={"description": "why it is asked, in plain words"})


class AnswerRecordSchema(Schema):
    id = fields.String(required=True)
    answer = fields.String(required=True, validate=validate.OneOf(interview.ANSWERS))
    kind = fields.String()
    finding = fields.String()
    label = fields.String()
    level = fields.String(allow_none=True)
    by = fields.String(metadata={"description": "the role that answered: patient or clinician"})
    at = fields.String(metadata={"description": "ISO 8601, UTC"})
    before = fields.List(fields.Nested(DifferentialItemSchema), metadata={"description": "top 5 before this answer"})
    after = fields.List(fields.Nested(DifferentialItemSchema), metadata={"description": "top 5 after this answer"})
    triage_before = fields.String(allow_none=True)
    triage_after = fields.String(allow_none=True)


class InterviewSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(("open", "done", "closed")), metadata={
        "description": "open: questions to answer; done: finished (all answered, confident, nothing worth asking); "
                       "closed: emergency (care first), reviewed, or nothing was ranked"})
    reason = fields.String(allow_none=True, metadata={
        "description": "why not open: emergency, confident (top >= 0.9), no_ranking, reviewed, limit, no_gain"})
    message = fields.String(metadata={"description": "the status in plain words"})
    max_questions = fields.Integer()
    answered = fields.Integer()
    remaining = fields.Integer(metadata={"description": "questions that may still be answered"})
    questions = fields.List(fields.Nested(QuestionSchema), allow_none=True, metadata={
        "description": "the current questions, red flags first (null in an assessment body until GET .../questions "
                       "proposes them)"})
    answers = fields.List(fields.Nested(AnswerRecordSchema))
    initial_differential = fields.List(fields.Nested(DifferentialItemSchema), metadata={
        "description": "the differential from the first description, never changed"})
    differential = fields.List(fields.Nested(DifferentialItemSchema), allow_none=True, metadata={
        "description": "after the answers (null before any)"})


class QuestionsSchema(InterviewSchema):
    assessment_id = fields.Integer(required=True)


class AnswerInSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=120),
                       metadata={"description": "a question id from GET .../questions"})
    answer = fields.String(required=True, validate=validate.OneOf(interview.ANSWERS),
                           metadata={"description": "yes, no, or unknown (don't know / skip)"})


class AnswersInSchema(Schema):
    answers = fields.List(fields.Nested(AnswerInSchema), required=True, validate=validate.Length(min=1, max=interview.MAX_QUESTIONS),
                          metadata={"description": "any subset of the current questions, in any order"})


def _load(diagnosis_id: int) -> Diagnosis:
    try:
        return svc.get_for(g.api_user, diagnosis_id)
    except svc.NotFound:
        abort(404, message=f"No assessment with id {diagnosis_id}.")


@blp.route("/assessments/<int:diagnosis_id>/questions", methods=["GET"])
@api_auth_required(*ANSWERERS)
@blp.response(200, QuestionsSchema)
@error_responses(blp, 401, 403, 404)
@blp.doc(security=BEARER)
def get_questions(diagnosis_id: int):
    """Follow-up questions (yes / no / unknown) that would change the differential most, red flags first.

    None when the top probability is already >= 0.9, the case is an emergency (care first), nothing
    was ranked, a clinician has reviewed it, or five have been answered: `status` and `message` say why."""
    diagnosis = _load(diagnosis_id)
    return {"assessment_id": diagnosis.id, **interview.questions_for(diagnosis)}


@blp.route("/assessments/<int:diagnosis_id>/answers", methods=["POST"])
@api_auth_required(*ANSWERERS)
@blp.arguments(AnswersInSchema)
@blp.response(200, AssessmentSchema)
@error_responses(blp, 400, 401, 403, 404, 409, 422)
@blp.doc(security=BEARER)
def post_answers(data, diagnosis_id: int):
    """Answer any of the current questions; returns the updated assessment.

    The differential is updated with the knowledge base's finding frequencies (a tempered Bayesian
    update of the classifier's calibrated probabilities); a yes to a red flag escalates the urgency at
    once. 409 when no questions are open (emergency, reviewed, finished); 422 for an answer to
    something that is not a current question, or a question answered twice."""
    diagnosis = _load(diagnosis_id)
    try:
        interview.submit(diagnosis, data["answers"], g.api_user)
    except interview.InterviewError as exc:
        return service_error(exc)
    return svc.to_dict(diagnosis)
