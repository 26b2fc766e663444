"""Disease records: one validation path for the admin pages and the JSON API.

Why one module: the admin form and `PUT /api/v1/diseases/<id>` must accept and reject exactly
the same records, and every change must be audited in the same transaction that makes it.

The admin form edits the lists (symptoms, red flags, precautions, aliases) as plain text, one
item per line, in a simple pipe format (see `SYMPTOM_FORMAT` and friends); the parsers here turn
that text into the JSON lists stored on `Disease` and report problems per line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError

from app.services.audit import record
from knowledge import RED_FLAG_LEVELS
from models import URGENCY_LEVELS, Disease, db

ICD10_RE = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?$")
# Control characters other than tab and newlines are never part of a clinical text.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

LIMITS = {
    "name": 120, "icd10": 10, "category": 60, "description": 4000, "alias": 120,
    "term": 200, "lay": 300, "finding": 300, "phrase": 200, "precaution": 500,
}
MAX_ITEMS = {"aliases": 30, "symptoms": 100, "lay": 30, "red_flags": 50, "phrases": 30, "precautions": 50}

SYMPTOM_FORMAT = "term | frequency 0..1 | lay phrase; lay phrase; ..."
RED_FLAG_FORMAT = "finding | emergency or urgent | lay phrase; lay phrase; ..."
PRECAUTION_FORMAT = "one piece of advice per line"
ALIAS_FORMAT = "one other name per line"

EDITABLE_FIELDS = ("name", "icd10", "aliases", "category", "description", "urgency",
                   "symptoms", "red_flags", "precautions")


class DiseaseError(Exception):
    """Field -> list of messages; the caller shows them beside the fields (or as JSON)."""

    status = 422

    def __init__(self, errors: Mapping[str, list[str]]):
        self.errors = {k: list(v) for k, v in errors.items() if v}
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items()))


class DiseaseValidationError(DiseaseError):
    """A field is malformed (HTTP 422)."""


class DiseaseConflictError(DiseaseError):
    """The name, code or an alias is already used by another disease (HTTP 409)."""

    status = 409


@dataclass
class _Errors:
    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.by_field)


# -- small checks ---------------------------------------------------------------------------

def _text(value: Any, name: str, label: str, errors: _Errors, *, limit: int, required: bool = True,
          multiline: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(name, f"{label} must be text.")
        return ""
    value = value.strip()
    if required and not value:
        errors.add(name, f"{label} is required.")
    elif len(value) > limit:
        errors.add(name, f"{label} must be at most {limit} characters (it has {len(value)}).")
    elif _CONTROL_RE.search(value) or (not multiline and ("\n" in value or "\r" in value)):
        errors.add(name, f"{label} contains control characters or line breaks; remove them.")
    return value


def _text_list(values: Any, name: str, label: str, errors: _Errors, *, limit: int, max_items: int) -> list[str]:
    if values is None:
        return []
    if not isinstance(values, list | tuple):
        errors.add(name, f"{label} must be a list of texts.")
        return []
    if len(values) > max_items:
        errors.add(name, f"At most {max_items} {label.lower()} are allowed (got {len(values)}).")
        return []
    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(values, 1):
        item = _text(raw, name, f"{label} {i}", errors, limit=limit)
        if not item:
            continue
        if item.lower() in seen:
            errors.add(name, f"{label} {i} ({item!r}) is listed twice.")
            continue
        seen.add(item.lower())
        out.append(item)
    return out


def _frequency(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, int | float) or not math.isfinite(value) or not 0 <= value <= 1:
        return None
    return round(float(value), 4)


def _symptoms(values: Any, errors: _Errors) -> list[dict[str, Any]]:
    if not isinstance(values, list | tuple) or not values:
        errors.add("symptoms", "At least one symptom is required.")
        return []
    if len(values) > MAX_ITEMS["symptoms"]:
        errors.add("symptoms", f"At most {MAX_ITEMS['symptoms']} symptoms are allowed.")
        return []
    out, seen = [], set()
    for i, raw in enumerate(values, 1):
        where = f"Symptom {i}"
        if not isinstance(raw, Mapping):
            errors.add("symptoms", f"{where} must be an object with term, frequency and lay.")
            continue
        term = _text(raw.get("term"), "symptoms", f"{where}: the term", errors, limit=LIMITS["term"])
        freq = _frequency(raw.get("frequency"))
        if freq is None:
            errors.add("symptoms", f"{where} ({term or '?'}): frequency must be a number from 0 to 1 (how typical it is).")
        lay = _text_list(raw.get("lay", []), "symptoms", f"{where} ({term or '?'}): lay phrase", errors,
                         limit=LIMITS["lay"], max_items=MAX_ITEMS["lay"])
        if term and term.lower() in seen:
            errors.add("symptoms", f"{where}: the term {term!r} is listed twice.")
        seen.add(term.lower())
        if term and freq is not None:
            out.append({"term": term, "frequency": freq, "lay": lay})
    return out


def _red_flags(values: Any, errors: _Errors) -> list[dict[str, Any]]:
    if values is None:
        return []
    if not isinstance(values, list | tuple):
        errors.add("red_flags", "Red flags must be a list.")
        return []
    if len(values) > MAX_ITEMS["red_flags"]:
        errors.add("red_flags", f"At most {MAX_ITEMS['red_flags']} red flags are allowed.")
        return []
    out = []
    for i, raw in enumerate(values, 1):
        where = f"Red flag {i}"
        if not isinstance(raw, Mapping):
            errors.add("red_flags", f"{where} must be an object with finding, level and phrases.")
            continue
        finding = _text(raw.get("finding"), "red_flags", f"{where}: the finding", errors, limit=LIMITS["finding"])
        level = raw.get("level")
        if level not in RED_FLAG_LEVELS:
            errors.add("red_flags", f"{where} ({finding or '?'}): level must be 'emergency' or 'urgent'.")
        phrases = _text_list(raw.get("phrases", []), "red_flags", f"{where} ({finding or '?'}): phrase", errors,
                             limit=LIMITS["phrase"], max_items=MAX_ITEMS["phrases"])
        if finding and not phrases:
            errors.add("red_flags", f"{where} ({finding}): give at least one lay phrase that reveals it.")
        if finding and level in RED_FLAG_LEVELS and phrases:
            out.append({"finding": finding, "level": level, "phrases": phrases})
    return out


# -- validation of a whole record -------------------------------------------------------------

def validate(data: Mapping[str, Any], *, current: Disease | None = None) -> dict[str, Any]:
    """Clean values for a full record, or raise DiseaseValidationError / DiseaseConflictError.

    Uniqueness (name, ICD-10 code, and aliases against every other disease's name and aliases,
    case-insensitive) is checked only once the fields themselves are valid.
    """
    errors = _Errors()
    clean: dict[str, Any] = {}
    clean["name"] = _text(data.get("name"), "name", "Name", errors, limit=LIMITS["name"])
    icd10 = _text(data.get("icd10"), "icd10", "ICD-10 code", errors, limit=LIMITS["icd10"]).upper()
    if icd10 and "icd10" not in errors.by_field and not ICD10_RE.match(icd10):
        errors.add("icd10", f"ICD-10 code {icd10!r} is not valid: use a letter and two digits, optionally a dot and "
                            "one or two more characters, e.g. J45 or J45.9.")
    clean["icd10"] = icd10
    clean["aliases"] = _text_list(data.get("aliases", []), "aliases", "Alias", errors,
                                  limit=LIMITS["alias"], max_items=MAX_ITEMS["aliases"])
    if clean["name"] and clean["name"].lower() in {a.lower() for a in clean["aliases"]}:
        errors.add("aliases", "An alias may not repeat the disease's own name.")
    clean["category"] = _text(data.get("category") or "general", "category", "Category", errors,
                              limit=LIMITS["category"])
    clean["description"] = _text(data.get("description", ""), "description", "Description", errors,
                                 limit=LIMITS["description"], required=False, multiline=True)
    urgency = data.get("urgency")
    if urgency not in URGENCY_LEVELS:
        errors.add("urgency", f"Urgency must be one of: {', '.join(URGENCY_LEVELS)}.")
    clean["urgency"] = urgency
    clean["symptoms"] = _symptoms(data.get("symptoms"), errors)
    clean["red_flags"] = _red_flags(data.get("red_flags", []), errors)
    clean["precautions"] = _text_list(data.get("precautions", []), "precautions", "Precaution", errors,
                                      limit=LIMITS["precaution"], max_items=MAX_ITEMS["precautions"])
    if errors:
        raise DiseaseValidationError(errors.by_field)
    _check_unique(clean, current)
    return clean


def _check_unique(clean: dict[str, Any], current: Disease | None) -> None:
    errors = _Errors()
    others = db.select(Disease)
    if current is not None and current.id is not None:
        others = others.where(Disease.id != current.id)
    taken: dict[str, str] = {}  # lower-cased name or alias -> the disease that uses it
    for other in db.session.scalars(others):
        if other.icd10 == clean["icd10"]:
            errors.add("icd10", f"ICD-10 code {clean['icd10']} is already used by {other.name!r}.")
        for key in (other.name, *(other.aliases or [])):
            taken.setdefault(key.strip().lower(), other.name)
    owner = taken.get(clean["name"].lower())
    if owner is not None:
        what = "name" if owner.lower() == clean["name"].lower() else "an alias"
        errors.add("name", f"The name {clean['name']!r} is already {what} of {owner!r}.")
    for alias in clean["aliases"]:
        owner = taken.get(alias.lower())
        if owner is not None:
            errors.add("aliases", f"Alias {alias!r} is already a name or alias of {owner!r}.")
    if errors:
        raise DiseaseConflictError(errors.by_field)


# -- changes (audited, committed) ------------------------------------------------------------

def _commit_or_conflict() -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:  # a concurrent writer took the name or code first
        db.session.rollback()
        raise DiseaseConflictError({"name": ["Another disease with this name or ICD-10 code was just saved."]}) from exc


def create_disease(data: Mapping[str, Any], *, actor=None) -> Disease:
    """Validate, insert and audit (disease.create) in one transaction."""
    clean = validate(data)
    extra = data.get("extra")
    disease = Disease(**clean, extra=dict(extra) if isinstance(extra, Mapping) else {})
    db.session.add(disease)
    db.session.flush()
    record("disease.create", "disease", disease.id, actor=actor, icd10=disease.icd10)
    _commit_or_conflict()
    return disease


def _plain(value: Any) -> Any:
    """A JSON-ready copy of a field's value (lists and dicts copied, so later edits do not change it)."""
    import copy

    return copy.deepcopy(value)


def update_disease(disease: Disease, data: Mapping[str, Any], *, actor=None) -> list[str]:
    """Full update with the same rules as create; returns the changed field names (audited).

    `extra` (generator hints such as onset and triggers) is kept unless the data brings a new one.
    """
    clean = validate(data, current=disease)
    if isinstance(data.get("extra"), Mapping):
        clean["extra"] = dict(data["extra"])
    changed = [k for k, v in clean.items() if getattr(disease, k) != v]
    # The audit trail keeps what each changed field was and became (knowledge-base data, not patient data).
    changes = {k: {"before": _plain(getattr(disease, k)), "after": _plain(clean[k])} for k in changed}
    for k in changed:
        setattr(disease, k, clean[k])
    if changed:
        record("disease.update", "disease", disease.id, actor=actor, icd10=disease.icd10, fields=changed,
               changes=changes)
        _commit_or_conflict()
    return changed


def delete_disease(disease: Disease, *, actor=None) -> None:
    """Delete and audit (disease.delete); the code and name stay in the audit details."""
    record("disease.delete", "disease", disease.id, actor=actor, icd10=disease.icd10, name=disease.name)
    db.session.delete(disease)
    db.session.commit()


def search_query(q: str | None = None):
    """SELECT of diseases matching `q` in name, code, category or aliases, ordered by name."""
    stmt = db.select(Disease).order_by(func.lower(Disease.name))
    q = (q or "").strip()
    if q:
        escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        stmt = stmt.where(or_(
            func.lower(Disease.name).like(like, escape="\\"),
            func.lower(Disease.icd10).like(like, escape="\\"),
            func.lower(Disease.category).like(like, escape="\\"),
            func.lower(db.cast(Disease.aliases, db.String)).like(like, escape="\\"),
        ))
    return stmt


def to_dict(disease: Disease) -> dict[str, Any]:
    """The JSON shape of a record (API responses)."""
    return {k: getattr(disease, k) for k in ("id", *EDITABLE_FIELDS, "extra", "kb_version", "created_at", "updated_at")}


# -- the admin form's line formats ------------------------------------------------------------

class LineErrors(list):
    """Per-line messages from a textarea parser ("Line 3: ...")."""


def _lines(text: str | None) -> Iterable[tuple[int, str]]:
    for number, line in enumerate((text or "").splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#"):
            yield number, line


def _phrases(part: str) -> list[str]:
    return [p.strip() for p in part.split(";") if p.strip()]


def parse_symptom_lines(text: str | None) -> tuple[list[dict[str, Any]], LineErrors]:
    """`term | 0.8 | lay phrase; lay phrase` per line (frequency 0..1; lay phrases optional)."""
    items, errors = [], LineErrors()
    for number, line in _lines(text):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) not in (2, 3) or not parts[0]:
            errors.append(f"Line {number}: expected 'term | frequency | lay phrase; lay phrase', got {line[:60]!r}.")
            continue
        freq = _frequency(parts[1])
        if freq is None:
            errors.append(f"Line {number}: frequency {parts[1]!r} must be a number from 0 to 1, e.g. 0.8.")
            continue
        items.append({"term": parts[0], "frequency": freq, "lay": _phrases(parts[2]) if len(parts) == 3 else []})
    return items, errors


def parse_red_flag_lines(text: str | None) -> tuple[list[dict[str, Any]], LineErrors]:
    """`finding | emergency | lay phrase; lay phrase` per line (level emergency or urgent)."""
    items, errors = [], LineErrors()
    for number, line in _lines(text):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3 or not parts[0]:
            errors.append(f"Line {number}: expected 'finding | emergency or urgent | phrase; phrase', got {line[:60]!r}.")
            continue
        level = parts[1].lower()
        if level not in RED_FLAG_LEVELS:
            errors.append(f"Line {number}: level {parts[1]!r} must be 'emergency' or 'urgent'.")
            continue
        phrases = _phrases(parts[2])
        if not phrases:
            errors.append(f"Line {number}: give at least one lay phrase after the second '|'.")
            continue
        items.append({"finding": parts[0], "level": level, "phrases": phrases})
    return items, errors


def parse_plain_lines(text: str | None) -> list[str]:
    """One item per line (precautions, aliases); blank lines and # comments are skipped."""
    return [line for _, line in _lines(text)]


def format_symptom_lines(symptoms: Iterable[Mapping[str, Any]] | None) -> str:
    return "\n".join(
        f"{s.get('term', '')} | {s.get('frequency', '')} | {'; '.join(s.get('lay') or [])}".rstrip(" |")
        for s in symptoms or []
    )


def format_red_flag_lines(flags: Iterable[Mapping[str, Any]] | None) -> str:
    return "\n".join(f"{r.get('finding', '')} | {r.get('level', '')} | {'; '.join(r.get('phrases') or [])}"
                     for r in flags or [])


def format_plain_lines(items: Iterable[str] | None) -> str:
    return "\n".join(items or [])


# -- which conditions the served model knows -------------------------------------------------

@dataclass
class LabelDiff:
    """Records vs model labels, compared by ICD-10 code (names compared too)."""

    model_loaded: bool
    model_version: str | None
    model_labels: list[tuple[str, str]]
    only_in_records: list[tuple[str, str]]
    only_in_model: list[tuple[str, str]]
    renamed: list[tuple[str, str, str]]  # (icd10, name in records, name in model)

    @property
    def retrain_needed(self) -> bool:
        return bool(self.only_in_records or self.only_in_model or self.renamed)


def label_diff(records: Iterable[tuple[str, str]], model_labels: Iterable[tuple[str, str]] | None,
               model_version: str | None = None) -> LabelDiff:
    """Compare (name, icd10) pairs of the records with the model's labels."""
    recs = {code: name for name, code in records}
    if model_labels is None:
        return LabelDiff(False, None, [], [], [], [])
    labels = [(str(n), str(c)) for n, c in model_labels]
    model = {code: name for name, code in labels}
    only_records = sorted(((recs[c], c) for c in recs.keys() - model.keys()), key=lambda p: p[1])
    only_model = sorted(((model[c], c) for c in model.keys() - recs.keys()), key=lambda p: p[1])
    renamed = sorted((c, recs[c], model[c]) for c in recs.keys() & model.keys()
                     if recs[c].strip().lower() != model[c].strip().lower())
    return LabelDiff(True, model_version, labels, only_records, only_model, renamed)


def served_label_diff(holder) -> LabelDiff:
    """The diff for the model the app serves now (holder: current_app.extensions['model_holder'])."""
    rows = db.session.execute(db.select(Disease.name, Disease.icd10)).all()
    current = holder.current if holder is not None else None
    if current is None:
        return label_diff(rows, None)
    return label_diff(rows, current.classifier.labels, current.version)
