"""The active-learning queue: which unreviewed assessments would teach the model the most.

A clinician's time is the scarce resource of the learning loop, so the queue puts first the
cases whose label the model most needs: low confidence, a flat differential, abstentions,
conditions with few confirmed cases, and cases where the served model now disagrees with the
one that made the suggestion. Each item says why it is there.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app

from app.services.agreement import final_label
from app.services.audit import record
from app.services.deid import diagnosis_names, scrub_text
from models import Diagnosis, Review, User, db

RARE_CASES = 5  # fewer confirmed cases of a condition than this makes it "rare"
CANDIDATE_CAP = 2000  # newest unreviewed assessments considered
WEIGHTS = {"uncertainty": 1.0, "entropy": 0.5, "abstained": 0.6, "rare": 0.5, "disagreement": 0.7}


@dataclass
class QueueItem:
    diagnosis_id: int
    created_at: datetime | None
    score: float
    reasons: list[str]
    text: str
    patient: str | None  # display name for clinicians; None in the de-identified view
    top: dict[str, Any] | None
    model_version: str | None
    abstained: bool
    source: str
    rescored_top: dict[str, Any] | None = None
    parts: dict[str, float] = field(default_factory=dict)


def normalised_entropy(differential: list[dict[str, Any]] | None) -> float:
    """Entropy of the differential (the probability left over as one 'other' bucket), in [0, 1]."""
    probs = [float(d.get("probability") or 0.0) for d in differential or [] if isinstance(d, dict)]
    probs = [p for p in probs if p > 0]
    rest = 1.0 - sum(probs)
    if rest > 1e-6:
        probs.append(rest)
    if len(probs) < 2:
        return 0.0
    total = sum(probs)
    h = -sum((p / total) * math.log(p / total) for p in probs)
    return h / math.log(len(probs))


def confirmed_counts() -> Counter[str]:
    """Confirmed (accepted or corrected) cases per ICD-10 code: what the model has learnt from."""
    counts: Counter[str] = Counter()
    rows = db.session.execute(
        db.select(Diagnosis.differential, Review.outcome, Review.final_icd10)
        .join(Review, Review.diagnosis_id == Diagnosis.id)
        .where(Review.outcome.in_(("accepted", "corrected")))
    )
    for differential, outcome, final_icd10 in rows:
        code = final_label(differential, outcome, final_icd10)
        if code:
            counts[code] += 1
    return counts


def _score(d: Diagnosis, counts: Counter[str]) -> tuple[float, list[str], dict[str, float]]:
    top = (d.differential or [None])[0] if d.differential else None
    p = d.top_probability if d.top_probability is not None else float((top or {}).get("probability") or 0.0)
    parts: dict[str, float] = {"uncertainty": max(0.0, 1.0 - p), "entropy": normalised_entropy(d.differential)}
    reasons: list[str] = []
    if p < 0.5:
        reasons.append(f"low confidence: top suggestion {p:.0%}")
    if parts["entropy"] >= 0.6:
        reasons.append(f"spread-out differential (entropy {parts['entropy']:.2f})")
    if d.abstained:
        parts["abstained"] = 1.0
        reasons.append("the model abstained")
    code = (top or {}).get("icd10")
    if code:
        seen = counts.get(code, 0)
        if seen < RARE_CASES:
            parts["rare"] = 1.0 / (1.0 + seen)
            reasons.append(f"rare condition: {seen} confirmed case{'s' if seen != 1 else ''} of {code}")
    score = sum(WEIGHTS[k] * v for k, v in parts.items())
    return score, reasons, parts


def _rescore(items: list[QueueItem], texts: dict[int, str]) -> None:
    """Ask the served model again; a different top suggestion than the stored one is informative."""
    holder = current_app.extensions.get("model_holder")
    loaded = holder.current if holder is not None else None
    if loaded is None:
        return
    todo = [it for it in items if it.model_version != loaded.version]
    if not todo:
        return
    batch = [texts[it.diagnosis_id] for it in todo]
    # the inference thread owns the classifier calls (tokenizers are not thread-safe)
    from app.services.inference import get_batcher

    preds = get_batcher(current_app).run(loaded.classifier, lambda: loaded.classifier.predict(batch, top_k=3))
    for it, pred in zip(todo, preds, strict=True):
        if not pred:
            continue
        best = pred[0]
        it.rescored_top = {"disease": best.disease, "icd10": best.icd10, "probability": float(best.probability)}
        old = (it.top or {}).get("icd10")
        if old != best.icd10:
            it.parts["disagreement"] = 1.0
            it.score += WEIGHTS["disagreement"]
            it.reasons.append(f"served model {loaded.version} suggests {best.icd10} ({best.disease}) instead of "
                              f"{old or 'nothing'}")


def queue_size() -> int:
    """How many unreviewed assessments the queue ranks (for its pages)."""
    n = db.session.scalar(db.select(db.func.count(Diagnosis.id)).outerjoin(Review, Review.diagnosis_id == Diagnosis.id)
                          .where(Review.id.is_(None))) or 0
    return min(n, CANDIDATE_CAP)


def build_queue(*, deidentify: bool, limit: int = 50, rescore: bool = False, audit: bool = True,
                offset: int = 0) -> list[QueueItem]:
    """Unreviewed assessments ranked by how much a clinician's label would teach the model.

    `deidentify` (the ML role's view, app/services/deid.py): scrubbed text, no patient name. The read is audited
    with the ids shown, never the text.
    """
    counts = confirmed_counts()
    candidates = list(db.session.scalars(
        db.select(Diagnosis)
        .outerjoin(Review, Review.diagnosis_id == Diagnosis.id)
        .where(Review.id.is_(None))
        .order_by(Diagnosis.created_at.desc(), Diagnosis.id.desc())
        .limit(CANDIDATE_CAP)
    ))
    patient_names: dict[int, str] = {}
    if not deidentify:
        ids = {d.patient_id for d in candidates if d.patient_id}
        if ids:
            patient_names = dict(db.session.execute(db.select(User.id, User.name).where(User.id.in_(ids))).tuples().all())
    items: list[QueueItem] = []
    raw_text: dict[int, str] = {}
    for d in candidates:
        score, reasons, parts = _score(d, counts)
        raw_text[d.id] = d.symptoms
        items.append(QueueItem(
            diagnosis_id=d.id, created_at=d.created_at, score=score, reasons=reasons, text=d.symptoms,
            patient=None if deidentify else patient_names.get(d.patient_id or -1),
            top=(d.differential or [None])[0] if d.differential else None,
            model_version=d.model_version, abstained=bool(d.abstained), source=d.source, parts=parts,
        ))
    items.sort(key=lambda it: (-it.score, -it.diagnosis_id))
    if rescore:
        head = items[: offset + limit * 2]
        _rescore(head, raw_text)
        items = sorted(head, key=lambda it: (-it.score, -it.diagnosis_id)) + items[len(head):]
    items = items[offset:offset + limit]
    if deidentify:
        cache: dict[int, str] = {}
        by_id = {d.id: d for d in candidates}
        for it in items:
            d = by_id[it.diagnosis_id]
            it.text = scrub_text(d.symptoms, diagnosis_names(d, cache=cache))
    if audit and items:
        record("queue.read", "diagnosis", None, ids=[it.diagnosis_id for it in items], deidentified=deidentify)
        db.session.commit()
    return items
