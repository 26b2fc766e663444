"""Demographic priors: impossible conditions never shown (issue 12)."""

from __future__ import annotations

from app.services.acuity import read_person
from app.services.priors import apply_priors, excluded_by

DEMO = {
    "O00.9": {"age_min": 12, "age_max": 55, "sex": "female", "pregnancy": "required"},
    "J05.0": {"age_min": 0.25, "age_max": 8, "sex": "any"},
    "N41.0": {"age_min": 18, "age_max": 100, "sex": "male"},
    "K58.8": {"age_min": 15, "age_max": 90, "sex": "any"},
}


def ddx(*codes_probs):
    return [{"disease": c, "icd10": c, "probability": p} for c, p in codes_probs]


def test_no_ectopic_pregnancy_in_a_man_no_croup_at_60_no_prostatitis_in_a_woman():
    man = read_person("sudden pain low in my tummy", age=40, sex="male")
    assert excluded_by(DEMO["O00.9"], man) == "only affects women"
    old = read_person("barking cough and hoarse voice", age=60)
    assert "age 60" in excluded_by(DEMO["J05.0"], old)
    woman = read_person("burning when I pee", sex="female")
    assert excluded_by(DEMO["N41.0"], woman) == "only affects men"


def test_age_and_pregnancy_are_read_from_the_text():
    toddler = read_person("my 3 year old has a barking cough")
    assert excluded_by(DEMO["J05.0"], toddler) is None
    assert excluded_by(DEMO["K58.8"], toddler) is not None  # IBS from 15 (with a 2-year margin)
    pregnant = read_person("I'm 7 weeks pregnant with pain on one side")
    assert excluded_by(DEMO["O00.9"], pregnant) is None


def test_unknowns_exclude_nothing():
    nobody = read_person("pain low in my tummy")
    assert all(excluded_by(d, nobody) is None for d in DEMO.values())


def test_removed_mass_is_shared_and_order_kept():
    man = read_person("pain low on one side", age=30, sex="male")
    kept, excluded = apply_priors(ddx(("O00.9", 0.5), ("K58.8", 0.3), ("N41.0", 0.1)), DEMO.get, man, 5)
    assert [e["icd10"] for e in excluded] == ["O00.9"]
    assert [k["icd10"] for k in kept] == ["K58.8", "N41.0"]
    assert abs(sum(k["probability"] for k in kept) - 0.9) < 1e-3
    assert kept[0]["probability"] > 0.3
