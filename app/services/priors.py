"""Demographic priors: who can have a condition restricts the differential.

Why: the classifier reads words, not people. Age, sex and pregnancy come from the form or API and
from the text ("my 3 year old", "I'm 34 weeks pregnant"); a condition whose demographics exclude
the person (ectopic pregnancy in a man, croup at 60, prostatitis in a woman) is removed and the
rest renormalised. Unknowns never exclude anything: a missing age or sex keeps every condition.
Ages are checked with a margin (conditions do occur outside their usual range), and only hard
limits are applied: the knowledge base's ``age_min``/``age_max``, ``sex`` and ``pregnancy``, and
``gestation_weeks_min`` against a birth the text reports ("had my baby 4 months ago": no pregnancy can be
24 weeks along, so no reduced fetal movements; an early pregnancy, an ectopic, stays possible).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.services.acuity import Person

AGE_MARGIN_YEARS = 2.0


def excluded_by(demographics: dict[str, Any] | None, person: Person) -> str | None:
    """Why the condition cannot apply to this person, or None."""
    demo = demographics or {}
    sex = demo.get("sex", "any")
    if sex in ("female", "male") and person.sex and person.sex != sex:
        return f"only affects {'women' if sex == 'female' else 'men'}"
    if demo.get("pregnancy") == "required":
        if person.sex == "male":
            return "only occurs in pregnancy"
        if person.risk_factors.get("pregnant") is False:
            return "only occurs in pregnancy"
        gmin = demo.get("gestation_weeks_min")
        if gmin and person.weeks_since_birth is not None and person.weeks_since_birth < gmin:
            return f"needs a pregnancy of at least {gmin} weeks; the text says the baby was born since then"
    lo, hi = demo.get("age_min"), demo.get("age_max")
    ages = person.ages or ([] if person.age_range is None else list(person.age_range))
    if ages and (lo is not None or hi is not None):
        lo_v = float(lo) - AGE_MARGIN_YEARS if lo is not None else -1.0
        hi_v = float(hi) + AGE_MARGIN_YEARS if hi is not None else 999.0
        if person.ages and not any(lo_v <= a <= hi_v for a in person.ages):
            return f"does not occur at age {int(person.ages[0])}"
        if not person.ages and person.age_range and (person.age_range[1] < lo_v or person.age_range[0] > hi_v):
            return "does not occur at this age"
    return None


def apply_priors(differential: list[dict[str, Any]], demographics: Callable[[str], dict[str, Any] | None],
                 person: Person, top_k: int) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Drop impossible conditions, renormalise the rest; returns (differential, excluded).

    `demographics(icd10)` gives a condition's demographics (None when unknown: kept).
    """
    kept, excluded = [], []
    for item in differential:
        why = excluded_by(demographics(item["icd10"]), person)
        if why:
            excluded.append({"disease": item["disease"], "icd10": item["icd10"], "reason": why})
        else:
            kept.append(dict(item))
    total = sum(float(i["probability"]) for i in differential)
    kept_total = sum(float(i["probability"]) for i in kept)
    if kept and kept_total > 0 and excluded:
        # The removed mass is shared in proportion; the sum stays what the model gave to the top-N.
        for item in kept:
            item["probability"] = round(float(item["probability"]) * total / kept_total, 4)
    return kept[:top_k], excluded
