"""De-identification: the one implementation behind every view of patient data for ML staff.

The case export (`flask export-cases`, the download on /ml), the /ml pages (review queue,
agreement notes), the API for the ml role and account deletion all come here, so the rules
are the same everywhere:

- free text goes through the PHI scrubber (app/services/phi.py), which also removes the names
  of the people linked to the record;
- the age becomes a 10-year band (90 and over together), dates become the month (YYYY-MM);
- the internal id becomes a salted hash (`case_id`: the same case has the same id in every
  export and API response, and it cannot be turned back into the id without the secret);
- no patient or staff identity (ids, names, e-mails) and no review note.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import current_app

from app.services.phi import PLACEHOLDERS, find_spans, scrub_text
from models import Diagnosis, Review, User, db

__all__ = ["PLACEHOLDERS", "age_band", "assessment_view", "case_fields", "case_id", "diagnosis_names",
           "explanation_view", "export_salt", "month", "people_names", "pseudonym", "scrub_text", "scrub_words"]


def age_band(age: int | None) -> str | None:
    """10-year bands ("40-49"); 90 and over together, as ages above 89 can identify someone."""
    if age is None or age < 0:
        return None
    if age >= 90:
        return "90+"
    low = (age // 10) * 10
    return f"{low}-{low + 9}"


def month(value: datetime | None) -> str | None:
    """The month of a timestamp ("2025-03"): no day, time or microseconds."""
    return value.strftime("%Y-%m") if value else None


def export_salt() -> bytes:
    """A secret salt: EXPORT_SALT if set, else derived from SECRET_KEY (stable across exports)."""
    salt = current_app.config.get("EXPORT_SALT")
    if salt:
        return str(salt).encode()
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"export-cases/case-id", hashlib.sha256).digest()


def case_id(diagnosis_id: int, salt: bytes | None = None) -> str:
    """A salted hash of the id: the same case has the same id in every export, not reversible."""
    salt = export_salt() if salt is None else salt
    return hmac.new(salt, str(diagnosis_id).encode(), hashlib.sha256).hexdigest()[:20]


def pseudonym(value: str) -> str:
    """A salted hash standing in for an identifier (a deleted account's e-mail in the audit trail)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    salt = hmac.new(key, b"deid/pseudonym", hashlib.sha256).digest()
    return "pseudonym:" + hmac.new(salt, value.strip().lower().encode(), hashlib.sha256).hexdigest()[:24]


def people_names(user_ids: Iterable[int | None], cache: dict[int, str] | None = None) -> list[str]:
    """Names of the people linked to a record, to scrub them from free text."""
    cache = {} if cache is None else cache
    ids = {i for i in user_ids if i}
    missing = [i for i in ids if i not in cache]
    if missing:
        for uid, name in db.session.execute(db.select(User.id, User.name).where(User.id.in_(missing))):
            cache[uid] = name or ""
    return [cache[i] for i in ids if cache.get(i)]


def diagnosis_names(diagnosis: Diagnosis, review: Review | None = None,
                    cache: dict[int, str] | None = None) -> list[str]:
    """The patient's, the author's and the reviewer's names (to remove from the record's text)."""
    review = review if review is not None else diagnosis.review
    return people_names((diagnosis.patient_id, diagnosis.entered_by_id, review.reviewer_id if review else None), cache)


def case_fields(diagnosis: Diagnosis, *, salt: bytes | None = None, review: Review | None = None,
                cache: dict[int, str] | None = None) -> dict[str, Any]:
    """The de-identified description of one assessment, shared by the export and the API."""
    return {
        "case_id": case_id(diagnosis.id, salt),
        "text": scrub_text(diagnosis.symptoms, diagnosis_names(diagnosis, review, cache)),
        "age_band": age_band(diagnosis.age),
        "sex": diagnosis.sex if diagnosis.sex in ("female", "male") else None,
        "month": month(diagnosis.created_at),
        "model_version": diagnosis.model_version,
    }


# -- word lists (attributions) ---------------------------------------------------------------------

_PLACEHOLDER_WORDS = frozenset(PLACEHOLDERS.values())


def scrub_words(text: str, words: list[str], names: Iterable[str] = ()) -> list[str]:
    """`words` (the whitespace-separated words of `text`, in order, as the attributions keep them)
    with every word that overlaps an identifier replaced by its placeholder; same length, so the
    per-word scores still line up."""
    spans = find_spans(text or "", names)
    positions = [(m.start(), m.end()) for m in re.finditer(r"\S+", text or "")]
    out = []
    for i, word in enumerate(words):
        if i < len(positions) and (text or "")[positions[i][0]:positions[i][1]] == word:
            a, b = positions[i]
            hit = next((s for s in spans if s.start < b and a < s.end), None)
            out.append(PLACEHOLDERS[hit.kind] if hit else word)
        else:  # not a word of this text: scrub it on its own
            out.append(scrub_text(word, names) or word)
    return out


def explanation_view(explanation: dict[str, Any] | None, text: str, names: Iterable[str] = ()) -> dict[str, Any]:
    """The explanation with the words of the text scrubbed (attributions and their top words) and
    the matched red-flag words scrubbed; knowledge-base findings are kept."""
    names = list(names)
    out = dict(explanation or {})
    attributions = out.get("attributions")
    if isinstance(attributions, dict) and isinstance(attributions.get("words"), list):
        words = scrub_words(text, [str(w) for w in attributions["words"]], names)
        by_code = {}
        for code, item in (attributions.get("by_icd10") or {}).items():
            item = dict(item)
            top = [i for i in item.get("top_indices") or [] if isinstance(i, int) and 0 <= i < len(words)]
            item["top_words"] = [words[i] if words[i] in _PLACEHOLDER_WORDS else re.sub(r"^\W+|\W+$", "", words[i])
                                 or words[i] for i in top]
            by_code[code] = item
        out["attributions"] = {**attributions, "words": words, "by_icd10": by_code}
    if isinstance(out.get("red_flags"), list):
        out["red_flags"] = [{**f, "match": scrub_text(str(f["match"]), names)} if isinstance(f, dict) and f.get("match")
                            else f for f in out["red_flags"]]
    return out


# -- the API body for ML staff -------------------------------------------------------------------

# What the de-identified API body keeps of assessment.to_dict's full one (an allow-list: a field
# added there later stays out of the ML view until it is added here).
VIEW_FIELDS = ("created_at", "model_version", "source", "symptoms", "sex", "differential", "top_probability", "triage",
               "out_of_scope", "vitals", "risk_factors", "explanation", "abstained", "abstain_message", "disclaimer",
               "review")
REVIEW_FIELDS = ("outcome", "final_icd10", "final_disease", "created_at", "triage_level")  # not the reason: free text


def assessment_view(diagnosis: Diagnosis, body: dict[str, Any]) -> dict[str, Any]:
    """`body` (assessment.to_dict's full view) made de-identified: salted case id instead of the
    id, month instead of timestamps, age band instead of the age, scrubbed text, explanation and
    triage words, the review's outcome without note or reviewer, nobody's identity."""
    cache: dict[int, str] = {}
    names = diagnosis_names(diagnosis, cache=cache)
    fields = case_fields(diagnosis, cache=cache)
    out = {k: body[k] for k in VIEW_FIELDS if k in body}
    out.update(case_id=fields["case_id"], created_at=fields["month"], symptoms=fields["text"],
               age_band=fields["age_band"])
    out["explanation"] = explanation_view(body.get("explanation"), diagnosis.symptoms, names)
    triage = dict(body.get("triage") or {})
    triage["reasons"] = [scrub_text(r, names) for r in triage.get("reasons") or []]
    triage["rules"] = [{**r, "match": scrub_text(str(r["match"]), names)} if isinstance(r, dict) and r.get("match")
                       else r for r in triage.get("rules") or []]
    out["triage"] = triage
    review = body.get("review")
    if review:
        out["review"] = {k: review[k] for k in REVIEW_FIELDS if k in review}
        out["review"]["created_at"] = month(diagnosis.review.created_at) if diagnosis.review else None
    return out
