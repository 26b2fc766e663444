"""The red-flag library: every urgency finding defined once, with its level, population and source.

Why one library: the clinical review (docs/clinical-safety.md) found the same red flag re-typed in
many conditions with different levels, and generic phrases ("stiff neck") firing emergency on any
text. Here each finding has one id and one level; conditions refer to findings by id, and the
acuity layer (``app/services/acuity.py``) matches every finding against every description, so
urgency does not depend on the classifier knowing the disease.

Files: ``knowledge/red_flags/concepts.json`` (named phrase groups such as ``fever``) and any other
``knowledge/red_flags/*.json`` holding ``{"findings": [FINDING, ...]}`` (see SCHEMA.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from knowledge import RED_FLAG_LEVELS

LIBRARY_DIR = Path(__file__).with_name("red_flags")
CONCEPTS_FILE = "concepts.json"
FLAG_LEVELS = RED_FLAG_LEVELS
RISK_FACTORS = ("pregnant", "diabetes", "immunosuppressed", "anticoagulants", "recent_surgery")
POPULATION_KEYS = {"age_min", "age_max", "sex", "pregnant", "risk_factors", "strict_age"}
# Findings of these systems, or for a pregnant population, are about a pregnancy or a birth: none applies to an age
# given with the description over PREGNANCY_AGE_MAX (acuity.applies).
PREGNANCY_SYSTEMS = frozenset({"obstetric"})
PREGNANCY_AGE_MAX = 55.0


class FlagLibraryError(ValueError):
    """The library is malformed; the message names the file, the finding and the field."""


@dataclass(frozen=True)
class Population:
    """Who a finding applies to; every bound is optional (None = anyone)."""

    age_min: float | None = None
    age_max: float | None = None
    sex: str = "any"
    pregnant: bool = False
    risk_factors: tuple[str, ...] = ()
    strict_age: bool = False  # the age must be known (not guessed from "baby"/"child")
    childbearing: bool = False  # about a pregnancy or a birth: set by the loader (PREGNANCY_SYSTEMS), not written

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.age_min is not None:
            out["age_min"] = self.age_min
        if self.age_max is not None:
            out["age_max"] = self.age_max
        if self.sex != "any":
            out["sex"] = self.sex
        if self.pregnant:
            out["pregnant"] = True
        if self.risk_factors:
            out["risk_factors"] = list(self.risk_factors)
        return out


@dataclass(frozen=True)
class Finding:
    id: str
    description: str
    level: str
    system: str
    groups: tuple[tuple[str, ...], ...]  # every group needs one affirmed phrase
    group_names: tuple[str | None, ...]  # the concept id a group came from, if any
    # Words that, in the same clause as a phrase of the first group, mean another thing
    # ("can't breathe" + "through my nose"): the phrase does not count there.
    unless: tuple[str, ...] = ()
    population: Population = field(default_factory=Population)
    fires: tuple[str, ...] = ()
    does_not_fire: tuple[str, ...] = ()
    source: str = ""
    reviewed: dict[str, Any] = field(default_factory=dict)
    file: str = ""

    def display_phrases(self) -> list[str]:
        """A few phrases for a disease record (the first group is the finding's own words)."""
        return list(self.groups[0][:8])


@dataclass(frozen=True)
class FlagLibrary:
    findings: tuple[Finding, ...]
    concepts: dict[str, tuple[str, ...]]

    @property
    def by_id(self) -> dict[str, Finding]:
        return {f.id: f for f in self.findings}


def _err(where: str, msg: str) -> FlagLibraryError:
    return FlagLibraryError(f"{where}: {msg}")


def _phrases(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(p, str) and p.strip() for p in value):
        raise _err(where, "must be a non-empty list of non-empty strings")
    return tuple(p.strip().lower() for p in value)


def _population(raw: Any, where: str) -> Population:
    if raw is None:
        return Population()
    if not isinstance(raw, dict):
        raise _err(where, "field 'population' must be an object")
    unknown = set(raw) - POPULATION_KEYS
    if unknown:
        raise _err(where, f"field 'population' has unknown keys {sorted(unknown)}")
    ages = {}
    for key in ("age_min", "age_max"):
        v = raw.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 120):
            raise _err(where, f"field 'population.{key}' must be a number of years from 0 to 120")
        ages[key] = float(v) if v is not None else None
    sex = raw.get("sex", "any")
    if sex not in ("any", "female", "male"):
        raise _err(where, "field 'population.sex' must be any, female or male")
    risks = raw.get("risk_factors", [])
    if not isinstance(risks, list) or any(r not in RISK_FACTORS for r in risks):
        raise _err(where, f"field 'population.risk_factors' must list some of {', '.join(RISK_FACTORS)}")
    for key in ("pregnant", "strict_age"):
        if key in raw and not isinstance(raw[key], bool):
            raise _err(where, f"field 'population.{key}' must be true or false")
    return Population(age_min=ages["age_min"], age_max=ages["age_max"], sex=sex, pregnant=bool(raw.get("pregnant")),
                      risk_factors=tuple(risks), strict_age=bool(raw.get("strict_age")))


def parse_finding(raw: Any, where: str, concepts: dict[str, tuple[str, ...]], file: str = "") -> Finding:
    if not isinstance(raw, dict):
        raise _err(where, "must be an object")
    fid = raw.get("id")
    if not isinstance(fid, str) or not fid.strip() or not fid.replace("_", "").isalnum():
        raise _err(where, "field 'id' must be a snake_case identifier")
    where = f"{where} ({fid})"
    for key in ("description", "system", "source"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise _err(where, f"field '{key}' must be a non-empty string")
    level = raw.get("level")
    if level not in FLAG_LEVELS:
        raise _err(where, "field 'level' must be 'emergency' or 'urgent'")
    all_of = raw.get("all_of")
    if not isinstance(all_of, list) or not all_of:
        raise _err(where, "field 'all_of' must be a non-empty list of phrase lists or concept ids")
    groups, names = [], []
    for j, group in enumerate(all_of):
        if isinstance(group, str):
            if group not in concepts:
                raise _err(where, f"field 'all_of[{j}]': unknown concept {group!r}")
            groups.append(concepts[group])
            names.append(group)
        else:
            groups.append(_phrases(group, f"{where}: field 'all_of[{j}]'"))
            names.append(None)
    examples = raw.get("examples")
    if not isinstance(examples, dict):
        raise _err(where, "field 'examples' must be an object with 'fires' and 'does_not_fire'")
    fires = _phrases(examples.get("fires"), f"{where}: field 'examples.fires'")
    not_fire = _phrases(examples.get("does_not_fire"), f"{where}: field 'examples.does_not_fire'")
    unless = _phrases(raw["unless"], f"{where}: field 'unless'") if raw.get("unless") is not None else ()
    reviewed = raw.get("reviewed")
    if not isinstance(reviewed, dict) or not reviewed.get("date"):
        raise _err(where, "field 'reviewed' must be an object with at least a 'date'")
    population = _population(raw.get("population"), where)
    if raw["system"].strip() in PREGNANCY_SYSTEMS or population.pregnant:
        # Pregnancy findings read their cue from words ("LMP", "positive test"): the age given with the description
        # past childbearing is never a pregnancy ("64F, LMP age 51, spotting" was read as early pregnancy bleeding,
        # round 12); a younger person named in the text still counts ("6 weeks pregnant, my mum is 61").
        population = replace(population, childbearing=True)
    return Finding(id=fid, description=raw["description"].strip(), level=level, system=raw["system"].strip(),
                   groups=tuple(groups), group_names=tuple(names), unless=unless, population=population,
                   fires=fires, does_not_fire=not_fire, source=raw["source"].strip(), reviewed=dict(reviewed), file=file)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except OSError as exc:
        raise FlagLibraryError(f"cannot read {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise FlagLibraryError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from exc


def load_flag_library(directory: str | Path | None = None) -> FlagLibrary:
    """Read and validate every library file; one id, one definition."""
    directory = Path(directory) if directory else LIBRARY_DIR
    concepts_raw = _read_json(directory / CONCEPTS_FILE) if (directory / CONCEPTS_FILE).exists() else {"concepts": {}}
    concepts: dict[str, tuple[str, ...]] = {}
    for name, phrases in (concepts_raw.get("concepts") or {}).items():
        concepts[name] = _phrases(phrases, f"{CONCEPTS_FILE}: concept {name!r}")
    findings: list[Finding] = []
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.json")):
        if path.name == CONCEPTS_FILE:
            continue
        data = _read_json(path)
        if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
            raise FlagLibraryError(f"{path.name}: must be an object with a 'findings' list")
        for i, raw in enumerate(data["findings"]):
            finding = parse_finding(raw, f"{path.name}: findings[{i}]", concepts, file=path.name)
            if finding.id in seen:
                raise FlagLibraryError(f"{path.name}: finding {finding.id!r} is already defined in {seen[finding.id]}")
            seen[finding.id] = path.name
            findings.append(finding)
    return FlagLibrary(findings=tuple(findings), concepts=concepts)
