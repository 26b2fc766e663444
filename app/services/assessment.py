"""The assessment service: the one path from symptoms to a stored, audited assessment.

Both the HTML views (clinician and patient) and the JSON API call it, so the rules are the
same everywhere: validation, the ranked differential, abstention, triage, findings, storage,
audit, and the notification of clinicians about urgent self-assessments.

Without a model the ranking is unavailable (503), but triage is rules over the text and the
knowledge base, so ``ModelUnavailableError`` carries the triage: an emergency is still shown
(nothing is stored then: there is no AI output to store and review).
"""

from __future__ import annotations

import logging
import re
import threading
import time as time_mod
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

from flask import current_app
from sqlalchemy import case, event, func, select
from sqlalchemy.orm import Session, selectinload

from app.services import audit
from app.services.acuity import read_person
from app.services.explain import findings_for, has_symptom_content, symptom_vocabulary
from app.services.inference import ModelUnavailable, current_model, predict
from app.services.interview import current_differential as interview_differential
from app.services.interview import decorate_body as interview_body
from app.services.interview import findings_with_answers as interview_findings
from app.services.interview import initial_state as initial_interview
from app.services.interview import moved_for_display as interview_moved
from app.services.links import external_url
from app.services.priors import apply_priors
from app.services.semantic import served_semantic
from app.services.triage import RedFlagIndex, TriageResult, triage
from app.services.vitals import VitalsError, clean_vitals
from models import Diagnosis, Disease, Review, User, db

log = logging.getLogger(__name__)

DISCLAIMER = ("Decision support, not a diagnosis. These suggestions come from a statistical model and "
              "knowledge-base rules; a clinician decides. In an emergency call the emergency number.")
TOP_K = 5
PRIOR_POOL = 20  # ranked before demographic priors remove impossible conditions
SEXES = ("female", "male")
MIN_SYMPTOM_CHARS = 3

ABSTAIN_LOW_CONFIDENCE = "low_confidence"
ABSTAIN_NO_SYMPTOMS = "no_symptom_content"
ABSTAIN_OUT_OF_SCOPE = "out_of_scope"
RISK_FACTORS = ("pregnant", "diabetes", "immunosuppressed", "anticoagulants", "recent_surgery")
ABSTAIN_MESSAGES = {
    ABSTAIN_LOW_CONFIDENCE: "The model is not confident enough to rank possible causes. Please add more detail: "
                            "what you feel and where, when it started, how it changed, and anything that makes it better or worse.",
    ABSTAIN_NO_SYMPTOMS: "The description does not contain any symptoms we recognise, so no causes are ranked. "
                         "Please describe what you feel and where, and since when.",
    ABSTAIN_OUT_OF_SCOPE: "This description does not fit any of the conditions the model knows, so no causes are "
                          "ranked. The urgency advice still applies; a clinician should look at it.",
}


# -- errors -------------------------------------------------------------------------------

class AssessmentError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidInput(AssessmentError):
    status = 422
    code = "unprocessable_entity"


class ModelUnavailableError(AssessmentError):
    """An assessment refused for want of a model (503): raised from ``inference.ModelUnavailable``
    and carrying the rules-only triage, so views and the API still show the urgency advice."""

    status = 503
    code = "model_unavailable"

    def __init__(self, message: str, triage_result: TriageResult):
        super().__init__(message)
        self.triage = triage_result


class NoSymptomContent(InvalidInput):
    """The text names no symptom and raises no alarm: ask again rather than store an empty record."""


class NotFound(AssessmentError):
    status = 404
    code = "not_found"


# -- knowledge-base snapshot (cached per process, refreshed when the rows change) -------------
#
# Why: building the disease objects and compiling their phrases costs far more than an
# assessment, and the knowledge base changes rarely. A snapshot is reused while a cheap
# count / max(updated_at) / max(id) query returns the same key; that query itself runs at most
# every KB_SNAPSHOT_CHECK_SECONDS (default 2; 0 in tests), and at once after this process
# flushed a change to a disease (a session event), so an edit is seen by the next assessment here
# and within the interval by other workers.

@dataclass(frozen=True)
class KBSnapshot:
    key: tuple
    diseases: tuple[Any, ...]
    by_code: dict[str, Any] = field(default_factory=dict)
    vocabulary: frozenset[str] = frozenset()
    flag_index: RedFlagIndex | None = None
    generation: int = 0
    checked_at: float = 0.0


_kb_lock = threading.Lock()
_kb_cache: dict[str, KBSnapshot] = {}
_kb_generation = 0  # bumped whenever a Disease row is flushed in this process


def invalidate_knowledge_snapshot() -> None:
    """Make the next assessment re-check the knowledge base (called after disease changes)."""
    global _kb_generation
    _kb_generation += 1


@event.listens_for(Session, "after_flush")
def _disease_flushed(session: Session, flush_context: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Disease):
            session.info["kb_changed"] = True
            invalidate_knowledge_snapshot()
            return


@event.listens_for(Session, "after_commit")
def _disease_committed(session: Session) -> None:
    if session.info.pop("kb_changed", False):
        invalidate_knowledge_snapshot()  # again: a read between flush and commit saw the old rows


@event.listens_for(Session, "after_rollback")
def _disease_rolled_back(session: Session) -> None:
    session.info.pop("kb_changed", None)


def knowledge_snapshot() -> KBSnapshot:
    """Disease rows as plain objects, their compiled red flags and the symptom vocabulary."""
    app = current_app._get_current_object()
    cache_key = str(db.engine.url) + str(id(app))
    snap = _kb_cache.get(cache_key)
    interval = float(app.config.get("KB_SNAPSHOT_CHECK_SECONDS", 0.0 if app.testing else 2.0))
    now = time_mod.monotonic()
    if (snap is not None and snap.generation == _kb_generation and interval > 0
            and now - snap.checked_at < interval):
        return snap
    generation = _kb_generation
    key = tuple(db.session.execute(select(func.count(Disease.id), func.max(Disease.updated_at), func.max(Disease.id))).one())
    if snap is not None and snap.key == key:
        snap = replace(snap, generation=generation, checked_at=now)
        _kb_cache[cache_key] = snap
        return snap
    rows = db.session.scalars(select(Disease).order_by(Disease.name)).all()
    diseases = tuple(
        SimpleNamespace(id=d.id, name=d.name, icd10=d.icd10, urgency=d.urgency, category=d.category,
                        description=d.description, symptoms=list(d.symptoms or []), red_flags=list(d.red_flags or []),
                        precautions=list(d.precautions or []), demographics=dict((d.extra or {}).get("demographics") or {}))
        for d in rows
    )
    snap = KBSnapshot(key=key, diseases=diseases, by_code={d.icd10: d for d in diseases},
                      vocabulary=symptom_vocabulary(diseases), flag_index=RedFlagIndex(diseases),
                      generation=generation, checked_at=now)
    with _kb_lock:
        _kb_cache[cache_key] = snap
    return snap


# -- validation ---------------------------------------------------------------------------

def _is_valid_unicode(text: str) -> bool:
    """False for strings that cannot be stored or tokenised (unpaired surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# Invisible control characters (NUL, vertical tab, escape, ... - not tab or newline) carry no
# meaning in a description; PostgreSQL refuses NUL in text (hypothesis found the 500), so they
# are dropped before anything else sees the text.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_input(symptoms: Any, age: Any = None, sex: Any = None) -> tuple[str, int | None, str | None]:
    """Normalise and check the three inputs; raises InvalidInput naming every bad field."""
    errors: dict[str, list[str]] = {}
    max_chars = int(current_app.config.get("MAX_SYMPTOM_CHARS", 2000))
    text = _CONTROL_CHARS.sub("", symptoms).strip() if isinstance(symptoms, str) else None
    if text is None or not text:
        errors["symptoms"] = ["Please describe the symptoms."]
    elif not _is_valid_unicode(text):  # e.g. a lone surrogate from a JSON "\ud800" escape
        errors["symptoms"] = ["The description contains characters that are not valid text."]
    elif len(text) < MIN_SYMPTOM_CHARS:
        errors["symptoms"] = [f"Please write at least {MIN_SYMPTOM_CHARS} characters."]
    elif len(text) > max_chars:
        errors["symptoms"] = [f"The description is too long: at most {max_chars} characters (it has {len(text)})."]
    if age in ("", None):
        age = None
    elif isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 120:
        errors["age"] = ["Age must be a whole number from 0 to 120."]
    if sex in ("", None):
        sex = None
    elif sex not in SEXES:
        errors["sex"] = ["Sex must be female or male (or left empty)."]
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, errors)
    return text, age, sex


def clean_risk_inputs(vitals: Any = None, risk_factors: Any = None) -> tuple[dict[str, Any], dict[str, bool]]:
    """Structured vital signs and risk-factor answers; raises InvalidInput naming every bad field."""
    errors: dict[str, list[str]] = {}
    try:
        clean = clean_vitals(vitals)
    except VitalsError as exc:
        errors.update(exc.fields)
        clean = {}
    risks: dict[str, bool] = {}
    if risk_factors not in (None, ""):
        if not isinstance(risk_factors, dict):
            errors["risk_factors"] = ["Risk factors must be an object of true/false answers."]
        else:
            for key, value in risk_factors.items():
                if key not in RISK_FACTORS:
                    errors[f"risk_factors.{key}"] = [f"Unknown risk factor {key!r}; known: {', '.join(RISK_FACTORS)}."]
                elif value is not None and not isinstance(value, bool):
                    errors[f"risk_factors.{key}"] = [f"{key} must be true, false or null."]
                elif value is not None:
                    risks[key] = value
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], errors)
    return clean, risks


def find_patient(email: str | None) -> User | None:
    """The patient account an entry is linked to; InvalidInput when the e-mail is not a patient's."""
    if not email:
        return None
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or user.role != "patient" or not user.is_active:
        raise InvalidInput("No active patient account has this e-mail address.",
                           {"patient_email": ["No active patient account has this e-mail address."]})
    return user


# -- the assessment --------------------------------------------------------------------------

def rules_only_triage(text: str, age: int | None = None, sex: str | None = None,
                      vitals: dict[str, Any] | None = None, risk_factors: dict[str, bool] | None = None) -> TriageResult:
    kb = knowledge_snapshot()
    return triage(text, None, kb.diseases, abstained=True, flag_index=kb.flag_index, age=age, sex=sex,
                  vitals=vitals, risk_factors=risk_factors)


def create_assessment(
    symptoms: Any,
    age: Any = None,
    sex: Any = None,
    *,
    actor: User,
    patient: User | None = None,
    source: str = "clinician",
    vitals: Any = None,
    risk_factors: Any = None,
    ask_again_without_symptoms: bool = False,
) -> Diagnosis:
    """Validate, predict, abstain or rank, triage, store and audit; returns the committed row.

    With `ask_again_without_symptoms` (the patient's page) a text with no symptom content
    ("asdf") that raises no red flag and no urgency is refused with NoSymptomContent: nothing is
    stored, and the person is asked to describe what they feel.
    """
    text, age, sex = clean_input(symptoms, age, sex)
    vitals, risk_factors = clean_risk_inputs(vitals, risk_factors)
    kb = knowledge_snapshot()
    app = current_app._get_current_object()
    try:
        early = served_semantic(app, current_model(app).classifier)
        if early is not None:
            early.prepare(text)  # the clauses are embedded while the classifier ranks the text
        loaded, predictions = predict(app, text, top_k=PRIOR_POOL)
    except ModelUnavailable as exc:
        log.info("assessment refused: no model (%s)", exc)
        raise ModelUnavailableError(
            "No diagnostic model is loaded, so possible causes cannot be ranked right now. "
            "The urgency advice below comes from safety rules and still applies.",
            rules_only_triage(text, age, sex, vitals, risk_factors),
        ) from exc

    ranked = []
    for p in predictions:
        disease = kb.by_code.get(p.icd10)
        ranked.append({"disease": disease.name if disease else p.disease, "icd10": p.icd10,
                       "probability": round(float(p.probability), 4)})
    person = read_person(text, age, sex, risk_factors)
    pool, excluded = apply_priors(ranked, lambda code: getattr(kb.by_code.get(code), "demographics", None),
                                  person, PRIOR_POOL)
    differential = pool[:TOP_K]  # the pool stays with the interview: follow-up answers may lift a lower one
    top = differential[0]["probability"] if differential else 0.0
    threshold = float(current_app.config.get("ABSTAIN_THRESHOLD", 0.35))
    abstain_reason = None
    if not has_symptom_content(text, kb.vocabulary):
        abstain_reason = ABSTAIN_NO_SYMPTOMS
    elif loaded.classifier.out_of_scope(predictions) if hasattr(loaded.classifier, "out_of_scope") else False:
        abstain_reason = ABSTAIN_OUT_OF_SCOPE
    elif top < threshold:
        abstain_reason = ABSTAIN_LOW_CONFIDENCE
    abstained = abstain_reason is not None

    semantic = served_semantic(app, loaded.classifier)  # by meaning too (None: off, or a --tiny model)
    result = triage(text, differential, kb.diseases, abstained=abstained, flag_index=kb.flag_index, age=age, sex=sex,
                    vitals=vitals, risk_factors=risk_factors, person=person, semantic=semantic)
    if (ask_again_without_symptoms and abstain_reason == ABSTAIN_NO_SYMPTOMS and not result.red_flags
            and result.level not in ("emergency", "urgent")):
        message = ("We could not find any symptoms in what you wrote. Please describe what you feel and where, "
                   "and since when (for example: 'a sore throat and a cough for three days').")
        raise NoSymptomContent(message, {"symptoms": [message]})
    explanation = {
        "abstain_reason": abstain_reason,
        "findings": findings_for(text, differential, kb.by_code, semantic),
        "excluded_by_demographics": excluded,
        "scope_fit": getattr(predictions, "fit", None),
        "red_flags": result.red_flags,
        "attributions": None,  # computed on demand (explanation endpoint)
    }
    diagnosis = Diagnosis(
        patient_id=patient.id if patient else None,
        entered_by_id=actor.id,
        source=source,
        symptoms=text,
        age=age,
        sex=sex,
        model_version=loaded.version,
        differential=differential,
        top_probability=top,
        triage_level=result.level,
        triage_reasons=result.reasons,
        explanation=explanation,
        abstained=abstained,
        out_of_scope=abstain_reason == ABSTAIN_OUT_OF_SCOPE,
        vitals=result.vitals or None,
        risk_factors=risk_factors or None,
        triage_detail={"news2": result.news2, "rules": result.rules, "person": result.person,
                       "from_rules": result.from_rules},
        interview=initial_interview(pool),
    )
    # Known for a new row: set them so that reading them back needs no queries.
    diagnosis.patient, diagnosis.entered_by, diagnosis.review = patient, actor, None
    db.session.add(diagnosis)
    db.session.flush()
    audit.record("diagnosis.create", "diagnosis", diagnosis.id, actor=actor, source=source,
                 triage_level=result.level, abstained=abstained, model_version=loaded.version)
    if source == "self" and result.level in ("emergency", "urgent"):
        notify_clinicians(diagnosis)
    _commit_keeping_loaded()
    return diagnosis


def _commit_keeping_loaded() -> None:
    """One commit that keeps the request's objects loaded.

    Why: the default expire-on-commit makes the response re-read the row just written and its
    users (three more queries); the values in memory are exactly what was committed.
    """
    session = db.session()
    previous = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = previous


def notify_clinicians(diagnosis: Diagnosis) -> int:
    """E-mail every active clinician a link (no clinical details) to an urgent self-assessment."""
    from app.services.mail import send_email

    link = external_url("assess.result", diagnosis_id=diagnosis.id)
    clinicians = db.session.scalars(
        select(User).where(User.role == "clinician", User.active.is_(True), User.deleted_at.is_(None))
    ).all()
    for clinician in clinicians:
        send_email(clinician.email, "A patient self-assessment needs attention", "urgent_assessment",
                   link=link, name=clinician.name)
    return len(clinicians)


# -- reading ------------------------------------------------------------------------------

def can_read(user: User, diagnosis: Diagnosis) -> bool:
    if user.role in ("clinician", "admin", "ml"):
        return True
    return user.role == "patient" and diagnosis.patient_id == user.id


def get_for(user: User, diagnosis_id: int, *, audit_read: bool = True) -> Diagnosis:
    """The assessment if `user` may read it (else NotFound: never reveal others' records)."""
    diagnosis = db.session.get(Diagnosis, diagnosis_id)
    if diagnosis is None or not can_read(user, diagnosis):
        raise NotFound("No such assessment.")
    if audit_read:
        audit.record("diagnosis.read", "diagnosis", diagnosis.id, actor=user, role=user.role)
        db.session.commit()
    return diagnosis


def differential_for_display(diagnosis: Diagnosis) -> list[dict[str, Any]]:
    """The ranked list with disease records joined by ICD-10 code (name, urgency, advice).

    Rows after the first that round to 0% are left out: a "0%" possibility is noise on a
    clinician's screen and confusing on a patient's; the first is kept (shown as "<1%"). `plain_name` is the lay name first ("Heart attack (myocardial
    infarction)"), for patients and their PDF.
    """
    from app.services.plain_names import local_emergency_number, plain_name

    number = current_app.config.get("EMERGENCY_NUMBER")
    by_code = knowledge_snapshot().by_code
    findings = (diagnosis.explanation or {}).get("findings") or {}
    follow_up = interview_moved(diagnosis)
    rows = []
    for item in interview_differential(diagnosis):  # after follow-up answers, if any
        disease = by_code.get(item.get("icd10"))
        if item.get("icd10") not in findings and disease is not None:  # lifted into the list by an answer
            findings = {**findings, item["icd10"]: findings_for(diagnosis.symptoms or "", [item], by_code)[item["icd10"]]}
        percent = round(100 * float(item.get("probability") or 0))
        if percent <= 0 and rows:
            continue
        rows.append({
            **item,
            "percent": percent if percent > 0 else "<1",
            "plain_name": plain_name(str(item.get("disease") or ""), item.get("icd10")),
            "description": local_emergency_number(getattr(disease, "description", ""), number),
            "precautions": [local_emergency_number(p, number) for p in getattr(disease, "precautions", [])],
            "urgency": getattr(disease, "urgency", None),
            "findings": interview_findings(diagnosis, findings.get(item.get("icd10"))
                                           or {"present": [], "absent": [], "not_mentioned": []}),
            "moved": follow_up.get(item.get("icd10"), []),  # "ranked higher because you said yes to: ..."
        })
    return rows


def review_dict(review: Review | None, *, deidentify: bool = False) -> dict[str, Any] | None:
    if review is None:
        return None
    body = {
        "outcome": review.outcome,
        "final_icd10": review.final_icd10,
        "final_disease": review.final_disease,
        "created_at": _iso(review.created_at),
        "triage_level": review.triage_level,  # the clinician's urgency, beside the AI's
    }
    if not deidentify:
        body["triage_reason"] = review.triage_reason
        body["note"] = review.note
        body["reviewer"] = ({"id": review.reviewer.id, "email": review.reviewer.email, "name": review.reviewer.name}
                            if review.reviewer else None)
    return body


def to_dict(diagnosis: Diagnosis, *, deidentify: bool = False) -> dict[str, Any]:
    """The API body (docs/ARCHITECTURE.md, OpenAPI); de-identified for ML staff (app/services/deid.py): salted case id,
    month, age band, scrubbed text and explanation, no patient or staff identity, no notes."""
    explanation = diagnosis.explanation or {}
    body: dict[str, Any] = {
        "id": diagnosis.id,
        "created_at": _iso(diagnosis.created_at),
        "model_version": diagnosis.model_version,
        "source": diagnosis.source,
        "symptoms": diagnosis.symptoms,
        "age": diagnosis.age,
        "sex": diagnosis.sex,
        "differential": list(diagnosis.differential or []),
        "top_probability": diagnosis.top_probability,
        "triage": {"level": diagnosis.triage_level, "reasons": list(diagnosis.triage_reasons or []),
                   "news2": (diagnosis.triage_detail or {}).get("news2"),
                   "rules": list((diagnosis.triage_detail or {}).get("rules") or [])},
        "out_of_scope": bool(diagnosis.out_of_scope),
        "vitals": dict(diagnosis.vitals or {}),
        "risk_factors": dict(diagnosis.risk_factors or {}),
        "explanation": _with_highlights(explanation),  # the same highlighted words as the page
        "abstained": bool(diagnosis.abstained),
        "abstain_message": ABSTAIN_MESSAGES.get(explanation.get("abstain_reason")) if diagnosis.abstained else None,
        "disclaimer": DISCLAIMER,
        "review": review_dict(diagnosis.review, deidentify=deidentify),
    }
    body = interview_body(diagnosis, body)  # follow-up questions: the updated differential and the answers
    if deidentify:  # the same de-identified view as the case export and the /ml pages
        from app.services.deid import assessment_view

        return assessment_view(diagnosis, body)
    p = diagnosis.patient
    e = diagnosis.entered_by
    body["patient"] = {"id": p.id, "email": p.email, "name": p.name} if p else None
    body["entered_by"] = {"id": e.id, "email": e.email, "name": e.name} if e else None
    return body


def _iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.isoformat()


# -- lists --------------------------------------------------------------------------------

URGENCY_ORDER = case(
    (Diagnosis.triage_level == "emergency", 0),
    (Diagnosis.triage_level == "urgent", 1),
    (Diagnosis.triage_level == "routine", 2),
    (Diagnosis.triage_level == "self_care", 3),
    else_=4,
)


def worklist_query(level: str | None = None, source: str | None = None):
    """Unreviewed assessments: emergency first, then the oldest first (optionally one level or source)."""
    stmt = (select(Diagnosis).outerjoin(Review, Review.diagnosis_id == Diagnosis.id)
            .options(selectinload(Diagnosis.patient))
            .where(Review.id.is_(None)).order_by(URGENCY_ORDER, Diagnosis.created_at.asc(), Diagnosis.id.asc()))
    if level:
        stmt = stmt.where(Diagnosis.triage_level == level)
    if source:
        stmt = stmt.where(Diagnosis.source == source)
    return stmt


def next_unreviewed(exclude_id: int | None = None) -> int | None:
    """The id of the case at the top of the worklist ("save and next"), other than `exclude_id`."""
    stmt = (select(Diagnosis.id).outerjoin(Review, Review.diagnosis_id == Diagnosis.id).where(Review.id.is_(None))
            .order_by(URGENCY_ORDER, Diagnosis.created_at.asc(), Diagnosis.id.asc()).limit(1))
    if exclude_id is not None:
        stmt = stmt.where(Diagnosis.id != exclude_id)
    return db.session.scalar(stmt)


@dataclass
class HistoryFilter:
    q: str | None = None
    level: str | None = None
    reviewed: str | None = None  # "yes" | "no" | None
    source: str | None = None  # "clinician" | "self" | None
    date_from: date | None = None
    date_to: date | None = None
    patient_id: int | None = None


def history_query(f: HistoryFilter):
    """Newest first, filtered by text, triage level, review state and date range."""
    stmt = (select(Diagnosis).outerjoin(Review, Review.diagnosis_id == Diagnosis.id)
            .options(selectinload(Diagnosis.patient), selectinload(Diagnosis.review)))
    if f.patient_id is not None:
        stmt = stmt.where(Diagnosis.patient_id == f.patient_id)
    if f.q:
        stmt = stmt.where(func.lower(Diagnosis.symptoms).contains(f.q.strip().lower(), autoescape=True))
    if f.level:
        stmt = stmt.where(Diagnosis.triage_level == f.level)
    if f.source:
        stmt = stmt.where(Diagnosis.source == f.source)
    if f.reviewed == "yes":
        stmt = stmt.where(Review.id.is_not(None))
    elif f.reviewed == "no":
        stmt = stmt.where(Review.id.is_(None))
    if f.date_from:
        stmt = stmt.where(Diagnosis.created_at >= datetime.combine(f.date_from, time.min, tzinfo=UTC))
    if f.date_to:
        stmt = stmt.where(Diagnosis.created_at < datetime.combine(f.date_to + timedelta(days=1), time.min, tzinfo=UTC))
    return stmt.order_by(Diagnosis.created_at.desc(), Diagnosis.id.desc())


def audit_list(user: User, ids: list[int], where: str) -> None:
    """One event per page of records shown (ids only), so list reads are audited too."""
    if ids:
        audit.record("diagnosis.list", "diagnosis", None, actor=user, ids=ids[:100], view=where)
        db.session.commit()


# -- lazy word attributions --------------------------------------------------------------------

def explanation_for(diagnosis: Diagnosis) -> dict[str, Any]:
    """The stored explanation with word attributions, computed once and cached on the row.

    Attributions are only computed by the model version that made the assessment; after a
    promotion the old ones stay, and a missing one is reported rather than faked by another model.

    Bounded work: fewer left-out variants for long texts, predicted a piece at a time in the
    batcher's background lane (assessments always go first), within EXPLANATION_TIME_BUDGET
    seconds; past it the answer says so and nothing is cached (try again later).
    """
    from sqlalchemy.orm.attributes import flag_modified

    from app.services.explain import (
        ExplanationTimeout,
        attribution_payload,
        budgeted_proba,
        occlusion,
        variant_budget,
    )
    from app.services.inference import current_model, get_batcher

    explanation = dict(diagnosis.explanation or {})
    if explanation.get("attributions") or not diagnosis.differential:
        return _with_highlights(explanation)
    app = current_app._get_current_object()
    try:
        loaded = current_model(app)
    except ModelUnavailable:
        explanation["attributions_error"] = "No model is loaded, so word attributions cannot be computed now."
        return explanation
    if loaded.version != diagnosis.model_version:
        explanation["attributions_error"] = (f"The model that made this assessment ({diagnosis.model_version}) is no longer "
                                             f"served, so its word attributions cannot be computed.")
        return explanation
    clf = loaded.classifier
    index = {code: i for i, (_, code) in enumerate(clf.labels)}
    label_ids = {item["icd10"]: index[item["icd10"]] for item in diagnosis.differential if item.get("icd10") in index}
    text = diagnosis.symptoms
    batcher = get_batcher(app)
    deadline = time_mod.monotonic() + float(app.config.get("EXPLANATION_TIME_BUDGET", 5.0))

    def run_piece(texts: list[str], timeout: float):
        return batcher.run_background(clf, lambda: clf.predict_proba(texts), timeout=timeout)

    variants = variant_budget(text, int(app.config.get("EXPLANATION_CHAR_BUDGET", 24_000)))
    try:
        occl = occlusion(budgeted_proba(run_piece, deadline), text, list(label_ids.values()), max_variants=variants)
    except ExplanationTimeout:
        log.info("explanation of assessment %s stopped at its time budget", diagnosis.id)
        explanation["attributions_error"] = ("The service is busy, so word attributions could not be computed in "
                                             "time. Please try again in a minute.")
        return explanation
    explanation["attributions"] = attribution_payload(text, occl, label_ids)
    explanation.pop("attributions_error", None)
    diagnosis.explanation = explanation
    flag_modified(diagnosis, "explanation")
    db.session.commit()
    return _with_highlights(explanation)


def _with_highlights(explanation: dict[str, Any]) -> dict[str, Any]:
    """The explanation as shown: highlighted words only where they carry the suggestion (a copy)."""
    from app.services.highlights import DEFAULT_MIN_ATTRIBUTION, select_highlights

    if not explanation.get("attributions"):
        return explanation
    minimum = float(current_app.config.get("EXPLANATION_MIN_ATTRIBUTION", DEFAULT_MIN_ATTRIBUTION))
    return {**explanation, "attributions": select_highlights(explanation["attributions"], minimum)}
