"""The project's knowledge base: one versioned JSON file of conditions (see SCHEMA.md).

Shared by the web app (``flask seed``, triage rules) and the ``training`` package (text
generator, labels). It imports neither, so both may depend on it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_PATH = Path(__file__).with_name("diseases.json")

ICD10_RE = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?$")
URGENCY_LEVELS = ("emergency", "urgent", "routine", "self_care")
RED_FLAG_LEVELS = ("emergency", "urgent")
SEXES = ("any", "female", "male")


class KnowledgeBaseError(ValueError):
    """The file is malformed; the message names the entry and the field."""


@dataclass(frozen=True)
class Symptom:
    term: str
    frequency: float
    lay: tuple[str, ...]


@dataclass(frozen=True)
class RedFlag:
    finding: str
    level: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Condition:
    name: str
    icd10: str
    aliases: tuple[str, ...]
    category: str
    description: str
    urgency: str
    symptoms: tuple[Symptom, ...]
    red_flags: tuple[RedFlag, ...]
    precautions: tuple[str, ...]
    onset: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    tried: tuple[str, ...] = ()
    demographics: dict[str, Any] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        """Plain-JSON form (as in the file), used to seed the database."""
        return {
            "name": self.name,
            "icd10": self.icd10,
            "aliases": list(self.aliases),
            "category": self.category,
            "description": self.description,
            "urgency": self.urgency,
            "symptoms": [
                {"term": s.term, "frequency": s.frequency, "lay": list(s.lay)} for s in self.symptoms
            ],
            "red_flags": [
                {"finding": r.finding, "level": r.level, "phrases": list(r.phrases)}
                for r in self.red_flags
            ],
            "precautions": list(self.precautions),
            "onset": list(self.onset),
            "triggers": list(self.triggers),
            "tried": list(self.tried),
            "demographics": dict(self.demographics),
        }


@dataclass(frozen=True)
class KnowledgeBase:
    version: str
    conditions: tuple[Condition, ...]
    sha256: str

    def by_icd10(self) -> dict[str, Condition]:
        return {c.icd10: c for c in self.conditions}

    def label_index(self) -> dict[str, str]:
        """Lower-cased name, alias or ICD-10 code -> ICD-10 code (for label files)."""
        index: dict[str, str] = {}
        for c in self.conditions:
            for key in (c.name, c.icd10, *c.aliases):
                index[key.strip().lower()] = c.icd10
        return index


# -- validation ---------------------------------------------------------------------------


def _where(i: int, raw: Any) -> str:
    name = raw.get("name") if isinstance(raw, dict) else None
    return f"condition #{i + 1}" + (f" ({name!r})" if isinstance(name, str) and name else "")


def _str(raw: dict, key: str, where: str, *, required: bool = True, max_len: int = 4000) -> str:
    value = raw.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeBaseError(f"{where}: field '{key}' must be a non-empty string")
    if len(value) > max_len:
        raise KnowledgeBaseError(f"{where}: field '{key}' is longer than {max_len} characters")
    return value.strip()


def _str_list(raw: dict, key: str, where: str, *, min_items: int = 0) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise KnowledgeBaseError(f"{where}: field '{key}' must be a list of non-empty strings")
    if len(value) < min_items:
        raise KnowledgeBaseError(f"{where}: field '{key}' needs at least {min_items} entries")
    return tuple(v.strip() for v in value)


def parse_condition(raw: Any, where: str) -> Condition:
    """Validate one condition dict; raise KnowledgeBaseError naming entry and field."""
    if not isinstance(raw, dict):
        raise KnowledgeBaseError(f"{where}: must be an object")
    icd10 = _str(raw, "icd10", where, max_len=10).upper()
    if not ICD10_RE.match(icd10):
        raise KnowledgeBaseError(f"{where}: field 'icd10' {icd10!r} is not an ICD-10 code like J45 or J45.9")
    urgency = _str(raw, "urgency", where)
    if urgency not in URGENCY_LEVELS:
        raise KnowledgeBaseError(f"{where}: field 'urgency' must be one of {', '.join(URGENCY_LEVELS)}")

    symptoms_raw = raw.get("symptoms")
    if not isinstance(symptoms_raw, list) or not symptoms_raw:
        raise KnowledgeBaseError(f"{where}: field 'symptoms' must be a non-empty list")
    symptoms = []
    for j, s in enumerate(symptoms_raw):
        sw = f"{where}: symptoms[{j}]"
        if not isinstance(s, dict):
            raise KnowledgeBaseError(f"{sw}: must be an object")
        freq = s.get("frequency", 0.5)
        if isinstance(freq, bool) or not isinstance(freq, (int, float)) or not 0 <= freq <= 1:
            raise KnowledgeBaseError(f"{sw}: field 'frequency' must be a number between 0 and 1")
        symptoms.append(
            Symptom(term=_str(s, "term", sw, max_len=200), frequency=float(freq), lay=_str_list(s, "lay", sw, min_items=1))
        )

    flags_raw = raw.get("red_flags", []) or []
    if not isinstance(flags_raw, list):  # hypothesis found `true` here crashing with a TypeError
        raise KnowledgeBaseError(f"{where}: field 'red_flags' must be a list")
    flags = []
    for j, r in enumerate(flags_raw):
        rw = f"{where}: red_flags[{j}]"
        if not isinstance(r, dict):
            raise KnowledgeBaseError(f"{rw}: must be an object")
        level = _str(r, "level", rw)
        if level not in RED_FLAG_LEVELS:
            raise KnowledgeBaseError(f"{rw}: field 'level' must be 'emergency' or 'urgent'")
        flags.append(RedFlag(finding=_str(r, "finding", rw, max_len=300), level=level, phrases=_str_list(r, "phrases", rw, min_items=1)))

    demographics = raw.get("demographics", {}) or {}
    if not isinstance(demographics, dict):
        raise KnowledgeBaseError(f"{where}: field 'demographics' must be an object")
    if demographics.get("sex", "any") not in SEXES:
        raise KnowledgeBaseError(f"{where}: field 'demographics.sex' must be one of {', '.join(SEXES)}")

    return Condition(
        name=_str(raw, "name", where, max_len=120),
        icd10=icd10,
        aliases=_str_list(raw, "aliases", where),
        category=_str(raw, "category", where, required=False, max_len=60) or "general",
        description=_str(raw, "description", where),
        urgency=urgency,
        symptoms=tuple(symptoms),
        red_flags=tuple(flags),
        precautions=_str_list(raw, "precautions", where),
        onset=_str_list(raw, "onset", where),
        triggers=_str_list(raw, "triggers", where),
        tried=_str_list(raw, "tried", where),
        demographics=demographics,
    )


def parse_knowledge_base(data: Any, sha256: str = "") -> KnowledgeBase:
    if not isinstance(data, dict) or not isinstance(data.get("conditions"), list):
        raise KnowledgeBaseError("top level: must be an object with 'version' and a 'conditions' list")
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise KnowledgeBaseError("top level: field 'version' must be a non-empty string")
    conditions: list[Condition] = []
    seen_names: dict[str, str] = {}
    seen_codes: dict[str, str] = {}
    for i, raw in enumerate(data["conditions"]):
        where = _where(i, raw)
        cond = parse_condition(raw, where)
        if cond.icd10 in seen_codes:
            raise KnowledgeBaseError(f"{where}: field 'icd10' {cond.icd10} is already used by {seen_codes[cond.icd10]!r}")
        seen_codes[cond.icd10] = cond.name
        for key in (cond.name, *cond.aliases):
            low = key.lower()
            if low in seen_names and seen_names[low] != cond.name:
                raise KnowledgeBaseError(f"{where}: name or alias {key!r} is already used by {seen_names[low]!r}")
            seen_names[low] = cond.name
        conditions.append(cond)
    return KnowledgeBase(version=version, conditions=tuple(conditions), sha256=sha256)


def load_knowledge_base(path: str | Path | None = None) -> KnowledgeBase:
    """Read and validate the file; raises KnowledgeBaseError with a clear message."""
    path = Path(path) if path else DEFAULT_PATH
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise KnowledgeBaseError(f"cannot read knowledge base {path}: {exc.strerror}") from exc
    try:
        data = json.loads(blob)
    except json.JSONDecodeError as exc:
        raise KnowledgeBaseError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from exc
    return parse_knowledge_base(data, sha256=hashlib.sha256(blob).hexdigest())
