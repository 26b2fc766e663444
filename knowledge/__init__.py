"""The project's knowledge base: versioned JSON files of conditions (see SCHEMA.md).

``diseases.json`` holds the version and the first conditions; ``conditions/<specialty>.json`` hold
the rest, one file per specialty so that each can be written and reviewed on its own. One loader,
one validation. Red flags are ids in the red-flag library (``flag_library.py``).

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
CONDITIONS_DIR = Path(__file__).with_name("conditions")

ICD10_RE = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?$")
# The one definition of the urgency levels (most urgent first) and of the levels a red flag may have;
# models/, app/ and training/ import them from here (knowledge/ is the lowest layer, docs/ARCHITECTURE.md).
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
    sex: str = "any"  # a symptom only one sex can have (periods, testicles)


@dataclass(frozen=True)
class RedFlag:
    finding: str
    level: str
    phrases: tuple[str, ...]
    id: str = ""  # the red-flag library id; empty for a flag written inline (admin edits)


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
    icd10_title: str = ""
    reviewed: dict[str, Any] = field(default_factory=dict)
    file: str = ""

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
                {"term": s.term, "frequency": s.frequency, "lay": list(s.lay), **({"sex": s.sex} if s.sex != "any" else {})}
                for s in self.symptoms
            ],
            "red_flags": [
                {**({"id": r.id} if r.id else {}), "finding": r.finding, "level": r.level, "phrases": list(r.phrases)}
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


def parse_condition(raw: Any, where: str, library: dict[str, Any] | None = None, file: str = "") -> Condition:
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
        ssex = s.get("sex", "any")
        if ssex not in SEXES:
            raise KnowledgeBaseError(f"{sw}: field 'sex' must be one of {', '.join(SEXES)}")
        symptoms.append(
            Symptom(term=_str(s, "term", sw, max_len=200), frequency=float(freq), lay=_str_list(s, "lay", sw, min_items=1), sex=ssex)
        )

    flags_raw = raw.get("red_flags", []) or []
    if not isinstance(flags_raw, list):  # hypothesis found `true` here crashing with a TypeError
        raise KnowledgeBaseError(f"{where}: field 'red_flags' must be a list")
    flags = []
    for j, r in enumerate(flags_raw):
        rw = f"{where}: red_flags[{j}]"
        if isinstance(r, str) and r.strip():
            if library is None:
                raise KnowledgeBaseError(f"{rw}: red-flag id {r!r} needs the red-flag library")
            finding = library.get(r.strip())
            if finding is None:
                raise KnowledgeBaseError(f"{rw}: unknown red-flag id {r!r} (not in knowledge/red_flags)")
            flags.append(RedFlag(finding=finding.description, level=finding.level,
                                 phrases=tuple(finding.display_phrases()), id=finding.id))
            continue
        if not isinstance(r, dict):
            raise KnowledgeBaseError(f"{rw}: must be an id from the red-flag library or an object")
        level = _str(r, "level", rw)
        if level not in RED_FLAG_LEVELS:
            raise KnowledgeBaseError(f"{rw}: field 'level' must be 'emergency' or 'urgent'")
        flags.append(RedFlag(finding=_str(r, "finding", rw, max_len=300), level=level, phrases=_str_list(r, "phrases", rw, min_items=1)))

    demographics = raw.get("demographics", {}) or {}
    if not isinstance(demographics, dict):
        raise KnowledgeBaseError(f"{where}: field 'demographics' must be an object")
    if demographics.get("sex", "any") not in SEXES:
        raise KnowledgeBaseError(f"{where}: field 'demographics.sex' must be one of {', '.join(SEXES)}")
    if demographics.get("pregnancy", "any") not in ("any", "required", "excluded"):
        raise KnowledgeBaseError(f"{where}: field 'demographics.pregnancy' must be any, required or excluded")
    gmin = demographics.get("gestation_weeks_min")
    if gmin is not None and (isinstance(gmin, bool) or not isinstance(gmin, (int, float)) or not 0 < gmin <= 42
                             or demographics.get("pregnancy") != "required"):
        raise KnowledgeBaseError(f"{where}: field 'demographics.gestation_weeks_min' must be a number of weeks "
                                 "(1-42), given only with pregnancy 'required'")
    reviewed = raw.get("reviewed", {}) or {}
    if not isinstance(reviewed, dict):
        raise KnowledgeBaseError(f"{where}: field 'reviewed' must be an object")

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
        icd10_title=_str(raw, "icd10_title", where, required=False, max_len=300),
        reviewed=reviewed,
        file=file,
    )


def _flag_library() -> dict[str, Any]:
    from knowledge.flag_library import FlagLibraryError, load_flag_library

    try:
        return load_flag_library().by_id
    except FlagLibraryError as exc:
        raise KnowledgeBaseError(f"red-flag library: {exc}") from exc


def parse_knowledge_base(data: Any, sha256: str = "", *, parts: list[tuple[str, Any]] | None = None,
                         library: dict[str, Any] | None = None) -> KnowledgeBase:
    """Validate the main file's object (and the per-specialty `parts`, (file name, object) pairs)."""
    if not isinstance(data, dict) or not isinstance(data.get("conditions"), list):
        raise KnowledgeBaseError("top level: must be an object with 'version' and a 'conditions' list")
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise KnowledgeBaseError("top level: field 'version' must be a non-empty string")
    entries: list[tuple[str, int, Any]] = [("", i, raw) for i, raw in enumerate(data["conditions"])]
    for name, part in parts or []:
        if not isinstance(part, dict) or not isinstance(part.get("conditions"), list):
            raise KnowledgeBaseError(f"{name}: must be an object with a 'conditions' list")
        entries += [(name, i, raw) for i, raw in enumerate(part["conditions"])]
    if library is None and any(isinstance(f, str) for _, _, raw in entries
                               if isinstance(raw, dict) and isinstance(raw.get("red_flags"), list)
                               for f in raw["red_flags"]):
        library = _flag_library()
    conditions: list[Condition] = []
    seen_names: dict[str, str] = {}
    seen_codes: dict[str, str] = {}
    for file, i, raw in entries:
        where = (f"{file}: " if file else "") + _where(i, raw)
        cond = parse_condition(raw, where, library, file=file)
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


def _read(path: Path) -> tuple[bytes, Any]:
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise KnowledgeBaseError(f"cannot read knowledge base {path}: {exc.strerror}") from exc
    try:
        return blob, json.loads(blob)
    except json.JSONDecodeError as exc:
        raise KnowledgeBaseError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from exc


def knowledge_files(path: str | Path | None = None) -> list[Path]:
    """The files that make up the knowledge base: the main file, then the specialty files."""
    main = Path(path) if path else DEFAULT_PATH
    parts_dir = CONDITIONS_DIR if path is None or main == DEFAULT_PATH else None
    return [main, *(sorted(parts_dir.glob("*.json")) if parts_dir and parts_dir.is_dir() else [])]


def load_knowledge_base(path: str | Path | None = None) -> KnowledgeBase:
    """Read and validate the knowledge base; raises KnowledgeBaseError with a clear message.

    With no path (or the default path) the specialty files in ``conditions/`` are included; any
    other path is read alone (tests and custom knowledge bases).
    """
    files = knowledge_files(path)
    digest = hashlib.sha256()
    blob, data = _read(files[0])
    digest.update(blob)
    parts = []
    for extra in files[1:]:
        extra_blob, extra_data = _read(extra)
        digest.update(extra.name.encode() + b"\0" + extra_blob)
        parts.append((extra.name, extra_data))
    sha = hashlib.sha256(blob).hexdigest() if not parts else digest.hexdigest()
    return parse_knowledge_base(data, sha256=sha, parts=parts)
