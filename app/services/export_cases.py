"""Clinician-confirmed cases as de-identified training data (`flask export-cases OUT.jsonl`).

This is the "learn" edge of the loop: the AI proposes, the clinician decides, and the decision
becomes a labelled example. Only accepted and corrected reviews carry a trustworthy label
(accepted -> the AI's top suggestion, corrected -> the clinician's final code); rejections
say only what it was not.

What leaves the database: scrubbed symptom text, the label, the outcome, a 10-year age band,
sex, the month of the assessment, the model version, and a salted hash instead of the id.
No names, e-mail addresses, user ids or exact dates.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from flask import current_app

from app.services.audit import record
from models import Diagnosis, Disease, Review, User, db

SOURCE = "clinician_confirmed"
EXPORT_OUTCOMES = ("accepted", "corrected")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_DATE = re.compile(
    r"\b(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?:\s+\d{4})?\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?\b",
    re.IGNORECASE,
)
# Phone numbers: an optional +, then 7 or more digits with common separators between them.
_PHONE = re.compile(r"(?<![\w])\+?\(?\d[\d\s().-]{5,}\d(?![\w])")
_LONG_DIGITS = re.compile(r"\d{5,}")
_SPACES = re.compile(r"[ \t]+")


def scrub_text(text: str, names: Iterable[str] = ()) -> str:
    """Remove obvious identifiers: e-mails, URLs, dates, phone numbers, long digit runs, names.

    It is a safety net, not a guarantee; clinicians are asked not to type identifiers.
    """
    out = _EMAIL.sub("[email]", text or "")
    out = _URL.sub("[link]", out)
    out = _DATE.sub("[date]", out)

    def _phone(m: re.Match[str]) -> str:
        digits = sum(ch.isdigit() for ch in m.group(0))
        return "[phone]" if digits >= 7 else m.group(0)

    out = _PHONE.sub(_phone, out)
    out = _LONG_DIGITS.sub("[number]", out)
    for name in names:
        for part in {p for p in re.split(r"[\s,]+", name or "") if len(p) >= 3}:
            out = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", "[name]", out, flags=re.IGNORECASE)
    return _SPACES.sub(" ", out).strip()


def age_band(age: int | None) -> str | None:
    """10-year bands ("40-49"); 90 and over together, as ages above 89 can identify someone."""
    if age is None or age < 0:
        return None
    if age >= 90:
        return "90+"
    low = (age // 10) * 10
    return f"{low}-{low + 9}"


def export_salt() -> bytes:
    """A secret salt: EXPORT_SALT if set, else derived from SECRET_KEY (stable across exports)."""
    salt = current_app.config.get("EXPORT_SALT")
    if salt:
        return str(salt).encode()
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"export-cases/case-id", hashlib.sha256).digest()


def case_id(diagnosis_id: int, salt: bytes) -> str:
    """A salted hash of the id: the same case has the same id in every export, not reversible."""
    return hmac.new(salt, str(diagnosis_id).encode(), hashlib.sha256).hexdigest()[:20]


@dataclass
class ExportSummary:
    total: int = 0
    accepted: int = 0
    corrected: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason -> count
    labels: Counter = field(default_factory=Counter)  # icd10 -> count
    unknown_labels: Counter = field(default_factory=Counter)  # codes not in the disease table (skipped)

    def as_dict(self) -> dict[str, Any]:
        return {"total": self.total, "accepted": self.accepted, "corrected": self.corrected,
                "skipped": sum(self.skipped.values()), "labels": len(self.labels)}

    def text(self) -> str:
        lines = [f"exported {self.total} cases ({self.accepted} accepted, {self.corrected} corrected) "
                 f"over {len(self.labels)} conditions"]
        for reason, n in sorted(self.skipped.items()):
            lines.append(f"  skipped {n}: {reason}")
        for code, n in self.labels.most_common(10):
            lines.append(f"  {code}: {n}")
        return "\n".join(lines)


def _final_label(diagnosis: Diagnosis, review: Review) -> tuple[str | None, str]:
    """(ICD-10 label, '') or (None, reason to skip)."""
    if review.outcome == "accepted":
        top = (diagnosis.differential or [None])[0]
        code = (top or {}).get("icd10") if isinstance(top, dict) else None
        return (code, "") if code else (None, "accepted without an AI suggestion")
    if review.outcome == "corrected":
        code = (review.final_icd10 or "").strip().upper()
        return (code, "") if code else (None, "corrected without a final ICD-10 code")
    return None, f"outcome {review.outcome}"


def iter_cases(summary: ExportSummary | None = None) -> Iterator[dict[str, Any]]:
    """Yield the de-identified JSONL records, oldest first, filling `summary` as it goes."""
    summary = summary if summary is not None else ExportSummary()
    salt = export_salt()
    name_cache: dict[int, str] = {}
    known = set(db.session.scalars(db.select(Disease.icd10)))
    rows = db.session.execute(
        db.select(Diagnosis, Review)
        .join(Review, Review.diagnosis_id == Diagnosis.id)
        .where(Review.outcome.in_(EXPORT_OUTCOMES))
        .order_by(Diagnosis.id)
    ).all()
    for diagnosis, review in rows:
        label, reason = _final_label(diagnosis, review)
        if label is None:
            summary.skipped[reason] += 1
            continue
        names = people_names((diagnosis.patient_id, diagnosis.entered_by_id, review.reviewer_id), name_cache)
        text = scrub_text(diagnosis.symptoms, names)
        if not text:
            summary.skipped["no symptom text"] += 1
            continue
        if known and label not in known:
            # training refuses unknown labels; keep the export usable and say what was left out
            summary.skipped[f"code {label} is not in the disease records"] += 1
            summary.unknown_labels[label] += 1
            continue
        summary.total += 1
        summary.accepted += review.outcome == "accepted"
        summary.corrected += review.outcome == "corrected"
        summary.labels[label] += 1
        created = diagnosis.created_at
        yield {
            "text": text,
            "label": label,
            "source": SOURCE,
            "outcome": review.outcome,
            "age_band": age_band(diagnosis.age),
            "sex": diagnosis.sex if diagnosis.sex in ("female", "male") else None,
            "month": created.strftime("%Y-%m") if created else None,
            "case_id": case_id(diagnosis.id, salt),
            "model_version": diagnosis.model_version,
        }


def people_names(user_ids: Iterable[int | None], cache: dict[int, str] | None = None) -> list[str]:
    """Names of the people linked to a record, to scrub them from free text."""
    cache = {} if cache is None else cache
    ids = {i for i in user_ids if i}
    missing = [i for i in ids if i not in cache]
    if missing:
        for uid, name in db.session.execute(db.select(User.id, User.name).where(User.id.in_(missing))):
            cache[uid] = name or ""
    return [cache[i] for i in ids if cache.get(i)]


def write_cases(out: IO[str], *, actor=None, via: str = "cli") -> ExportSummary:
    """Write JSONL to an open text stream and audit the export (committed here)."""
    summary = ExportSummary()
    for case in iter_cases(summary):
        out.write(json.dumps(case, ensure_ascii=False, sort_keys=True) + "\n")
    record("cases.export", "cases", None, actor=actor, via=via, **summary.as_dict())
    db.session.commit()
    return summary


def export_to_file(path: str | os.PathLike[str], *, actor=None, via: str = "cli") -> ExportSummary:
    """Write the export atomically: a temporary file in the same folder, renamed into place."""
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            summary = write_cases(fh, actor=actor, via=via)
        os.chmod(tmp, 0o600)  # training data about patients: owner only
        os.replace(tmp, dest)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return summary


def export_to_bytes(*, actor=None, via: str = "web") -> tuple[bytes, ExportSummary]:
    """The export as bytes, for a download."""
    buf = io.StringIO()
    summary = write_cases(buf, actor=actor, via=via)
    return buf.getvalue().encode("utf-8"), summary
