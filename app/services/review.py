"""The clinician's decision on an assessment, stored beside the AI output (never over it).

One review per assessment (a unique constraint backs the check, so two clinicians racing
cannot both succeed). After a review of a patient-linked assessment the patient gets an
e-mail with a link only - no clinical details travel by mail.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.services import audit
from app.services.assessment import AssessmentError, InvalidInput
from app.services.links import external_url
from models import REVIEW_OUTCOMES, TRIAGE_LEVELS, Diagnosis, Disease, Review, User, db

MAX_NOTE_CHARS = 2000


class AlreadyReviewed(AssessmentError):
    status = 409
    code = "conflict"


def clean_urgency(diagnosis: Diagnosis, level: str | None, reason: str | None) -> tuple[str, str | None]:
    """The clinician's urgency: the AI's when not given; a different level needs a reason."""
    level = (level or "").strip() or diagnosis.triage_level
    if level not in TRIAGE_LEVELS:
        raise InvalidInput("Urgency must be emergency, urgent, routine or self_care.",
                           {"triage_level": ["Choose one of the urgency levels."]})
    reason = (reason or "").strip() or None
    if reason and len(reason) > MAX_NOTE_CHARS:
        raise InvalidInput(f"The reason is too long (at most {MAX_NOTE_CHARS} characters).", {"triage_reason": ["Too long."]})
    if level != diagnosis.triage_level and not reason:
        raise InvalidInput("Changing the urgency needs a reason.",
                           {"triage_reason": ["Give a reason for changing the AI's urgency."]})
    return level, reason if level != diagnosis.triage_level else None


def create_review(diagnosis: Diagnosis, reviewer: User, outcome: str, final_icd10: str | None = None,
                  note: str | None = None, triage_level: str | None = None,
                  triage_reason: str | None = None) -> Review:
    """Validate and store the decision; raises InvalidInput (422) or AlreadyReviewed (409).

    The clinician's urgency is stored beside the AI's (never over it): by default it agrees.
    """
    if diagnosis.review is not None:
        raise AlreadyReviewed("This assessment has already been reviewed; a review cannot be changed.")
    level, level_reason = clean_urgency(diagnosis, triage_level, triage_reason)
    if outcome not in REVIEW_OUTCOMES:
        raise InvalidInput("Outcome must be accepted, corrected or rejected.", {"outcome": ["Must be accepted, corrected or rejected."]})
    note = (note or "").strip() or None
    if note and len(note) > MAX_NOTE_CHARS:
        raise InvalidInput(f"The note is too long (at most {MAX_NOTE_CHARS} characters).", {"note": ["Too long."]})
    code = (final_icd10 or "").strip().upper() or None
    final_disease = None
    if outcome == "corrected":
        if not code:
            raise InvalidInput("A correction needs the final diagnosis (ICD-10 code).", {"final_icd10": ["Required for a correction."]})
        disease = db.session.scalar(select(Disease).where(Disease.icd10 == code))
        if disease is None:
            raise InvalidInput(f"{code} is not a known disease.", {"final_icd10": ["Not a known disease."]})
        final_disease = disease.name
    elif outcome == "accepted":
        if not diagnosis.differential:
            raise InvalidInput("There is no suggestion to accept; use 'corrected' with the final diagnosis.",
                               {"outcome": ["Nothing to accept."]})
        top = diagnosis.differential[0]
        code, final_disease = top.get("icd10"), top.get("disease")
    else:  # rejected: the suggestion is wrong and no final diagnosis is recorded
        code = None

    review = Review(diagnosis_id=diagnosis.id, outcome=outcome, final_icd10=code, final_disease=final_disease,
                    reviewer_id=reviewer.id, note=note, triage_level=level, triage_reason=level_reason)
    db.session.add(review)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise AlreadyReviewed("This assessment has already been reviewed; a review cannot be changed.") from exc
    audit.record("review.create", "diagnosis", diagnosis.id, actor=reviewer, outcome=outcome, final_icd10=code,
                 ai_triage_level=diagnosis.triage_level, triage_level=level)
    if level != diagnosis.triage_level:  # the reason is clinical free text: stored on the review, not in the audit trail
        audit.record("review.urgency_override", "diagnosis", diagnosis.id, actor=reviewer,
                     from_level=diagnosis.triage_level, to_level=level)
    if diagnosis.patient_id:
        _notify_patient(diagnosis)
    db.session.commit()
    return review


def _notify_patient(diagnosis: Diagnosis) -> None:
    from app.services.mail import send_email

    patient = diagnosis.patient
    if patient is None or not patient.is_active:
        return
    send_email(patient.email, "Your assessment has been reviewed", "review_done",
               link=external_url("patient.result", diagnosis_id=diagnosis.id), name=patient.name)
