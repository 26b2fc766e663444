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


# A pregnancy at least this far along (knowledge base `gestation_weeks_min`): reduced fetal movements from 24 weeks.
RFM = {"age_min": 14, "age_max": 50, "sex": "female", "pregnancy": "required", "gestation_weeks_min": 24}


def test_a_recent_birth_rules_out_late_pregnancy_conditions_but_not_an_early_pregnancy():
    mum = read_person("Had my baby 4 months ago. Heart racing even sitting down and lost weight", age=31, sex="female")
    assert mum.weeks_since_birth is not None and 17 < mum.weeks_since_birth < 18
    assert "24 weeks" in excluded_by(RFM, mum)
    assert excluded_by(DEMO["O00.9"], mum) is None  # an ectopic can follow a birth within months
    for text, weeks in (("day 5 postnatal, headache", 5 / 7), ("I'm 10 days postpartum", 10 / 7),
                        ("gave birth two weeks ago", 2.0), ("my wife had our baby 3 weeks ago", 3.0),
                        ("had my c-section 6 days ago", 6 / 7), ("I had my baby four weeks ago", 4.0),
                        ("gave birth eleven days ago", 11 / 7)):
        assert abs(read_person(text).weeks_since_birth - weeks) < 0.01, text


def test_an_old_birth_or_a_new_pregnancy_excludes_nothing():
    assert read_person("I had my baby 3 years ago, tummy pain").weeks_since_birth is None
    assert read_person("had my baby years ago", sex="female").weeks_since_birth is None
    again = read_person("had my son 8 months ago and now I'm 30 weeks pregnant? baby not moving", sex="female")
    assert again.weeks_since_birth is None and excluded_by(RFM, again) is None


def test_gestation_weeks_min_is_validated():
    import pytest

    from knowledge import KnowledgeBaseError, _flag_library, load_knowledge_base, parse_condition

    kb = load_knowledge_base()
    rfm = next(c for c in kb.conditions if c.name == "Reduced fetal movements")
    assert rfm.demographics["gestation_weeks_min"] == 16  # RCOG: reduced movements are reported from 16 weeks
    raw = next(c for c in __import__("json").load(open(kb_file("renal_obgyn.json")))["conditions"]
               if c["name"] == "Reduced fetal movements")
    for bad in ("24", 60, True):
        broken = {**raw, "demographics": {**raw["demographics"], "gestation_weeks_min": bad}}
        with pytest.raises(KnowledgeBaseError, match="gestation_weeks_min"):
            parse_condition(broken, "conditions[0] (Reduced fetal movements)", _flag_library())
    not_pregnancy = {**raw, "demographics": {**raw["demographics"], "pregnancy": "any"}}
    with pytest.raises(KnowledgeBaseError, match="gestation_weeks_min"):
        parse_condition(not_pregnancy, "conditions[0] (Reduced fetal movements)", _flag_library())


def kb_file(name):
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "knowledge" / "conditions" / name


def test_a_birth_told_in_number_words_reads_through_the_whole_triage():
    """A name clash once replaced the acuity module's duration words with these (KeyError on "four weeks ago",
    found by the knowledge-base author): the whole triage must run on every number word."""
    from app.services.triage import triage

    for word in ("a", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"):
        assert triage(f"I had my baby {word} weeks ago and I'm bleeding heavily, soaking a pad an hour").level == "emergency"
