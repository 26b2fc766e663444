"""Clinician-confirmed cases as de-identified training data (`flask export-cases OUT.jsonl`).

This is the "learn" edge of the loop: the AI proposes, the clinician decides, and the decision
becomes a labelled example. Only accepted and corrected reviews carry a trustworthy label
(accepted -> the AI's top suggestion, corrected -> the clinician's final code); rejections
say only what it was not.

What leaves the database: scrubbed symptom text, the label, the outcome, a 10-year age band,
sex, the month of the assessment, the model version, and a salted hash instead of the id.
No names, e-mail addresses, user ids or exact dates. The de-identification is app/services/deid.py,
the same as the /ml pages and the API's view for ML staff.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from app.services.audit import record
from app.services.deid import age_band, case_fields, case_id, export_salt, people_names, scrub_text
from models import Diagnosis, Disease, Review, db

__all__ = ["EXPORT_OUTCOMES", "SOURCE", "ExportSummary", "age_band", "case_id", "export_salt", "export_to_bytes",
           "export_to_file", "iter_cases", "people_names", "scrub_text", "write_cases"]

SOURCE = "clinician_confirmed"
EXPORT_OUTCOMES = ("accepted", "corrected")


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
        case = case_fields(diagnosis, salt=salt, review=review, cache=name_cache)
        text = case["text"]
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
        yield {**case, "label": label, "source": SOURCE, "outcome": review.outcome}


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
