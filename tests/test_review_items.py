"""Each Unsafe and Wrong item of the clinical review of 2026-11-30, as a regression test.

The review is docs/clinical-safety.md's source; docs/hazards/primary_care.md marks each item fixed.
Content checks read the knowledge base; urgency checks go through the real triage (rules only: the
floor that no model can lower).
"""

from __future__ import annotations

import pytest

from app.services.triage import LEVELS, triage
from knowledge import load_knowledge_base

KB = load_knowledge_base()
BY_NAME = {c.name: c for c in KB.conditions}


def cond(name):
    return BY_NAME[name]


def advice(name) -> str:
    return " ".join(cond(name).precautions).lower()


def at_least(text: str, level: str, **kw) -> bool:
    return LEVELS.index(triage(text, **kw).level) <= LEVELS.index(level)


@pytest.mark.parametrize("text,level,kw", [
    ("my angina is coming on at rest now and more often", "emergency", {}),                         # crescendo angina
    ("my face drooped for ten minutes and then the symptoms went away", "emergency", {}),            # resolved stroke (TIA)
    ("my blue inhaler isn't helping and I can't finish a sentence", "emergency", {}),                # asthma attack
    ("he is diabetic and now unconscious after a hypo", "emergency", {}),                            # unconscious hypoglycaemia
    ("my hypo is not improving after sugar", "emergency", {"risk_factors": {"diabetes": True}}),
    ("my 6 week old has a fever", "emergency", {}),                                                  # fever under 3 months
    ("my goitre is swelling and I'm struggling to breathe", "emergency", {}),                        # hypothyroidism
    ("my poo has been black and tarry since yesterday", "emergency", {}),                            # haemorrhoids: black stools
    ("I'm 68 with what feels like kidney stone pain and I feel faint", "urgent", {}),                # AAA flag for renal colic
    ("I have prostate cancer, back pain and now my legs are weak", "emergency", {}),                 # MSCC
    ("my 9 year old is very thirsty, weeing a lot and losing weight", "urgent", {}),                 # possible type 1
    ("terrible sore throat and I can't open my mouth properly", "emergency", {}),                    # quinsy
    ("my eye got splashed with bleach", "emergency", {}),                                            # conjunctivitis: chemical
    ("my toddler has diarrhoea, sunken eyes and no wet nappies", "urgent", {}),                      # child dehydration
    ("I'm 72 with a new headache and my scalp hurts when I brush my hair", "urgent", {}),            # GCA (migraine/TTH)
])
def test_unsafe_urgencies_are_fixed(text, level, kw):
    assert at_least(text, level, **kw), (text, triage(text, **kw).level)


def test_asthma_is_urgent_with_an_attack_plan_and_reliever_use_is_not_an_urgent_flag():
    assert cond("Bronchial asthma").urgency == "urgent"
    assert "999" in advice("Bronchial asthma") and "puff" in advice("Bronchial asthma")
    assert not at_least("I use my reliever inhaler more than 3 times a week", "urgent")


def test_hypoglycaemia_advice_covers_the_unconscious_person_and_the_sugar_dose():
    a = advice("Hypoglycaemia")
    assert "15 to 20 g" in a and "recovery position" in a and "glucagon" in a and "nothing by mouth" in a


def test_aspirin_is_not_unconditional():
    a = advice("Myocardial infarction")
    assert "aspirin" in a and "adult" in a and ("allergic" in a or "allergy" in a) and "bleeding" in a


def test_safety_advice_added_where_missing():
    assert "black" in advice("Iron-deficiency anaemia") and ("999" in advice("Iron-deficiency anaemia")
                                                              or "a&e" in advice("Iron-deficiency anaemia"))
    assert "72" in advice("Hepatitis B") or "48" in advice("Hepatitis B")  # post-exposure treatment window
    assert "20 minutes" in advice("Conjunctivitis")
    assert "combined" in advice("Migraine")  # aura rules out the combined pill


def test_haemorrhoids_routine_and_cholecystitis_admitted():
    assert cond("Haemorrhoids").urgency == "routine"
    assert cond("Acute cholecystitis").icd10 == "K81.0" and cond("Acute cholecystitis").urgency == "emergency"
    assert cond("Gallstones (biliary colic)").icd10 == "K80.2"


def test_wrong_codes_and_aliases_fixed():
    assert cond("Tuberculosis").icd10 == "A16.2"
    assert cond("Dengue").icd10 == "A97.9"
    assert "acute coronary syndrome" not in [a.lower() for a in cond("Myocardial infarction").aliases]
    assert "erysipelas" not in [a.lower() for a in cond("Cellulitis").aliases]


def test_wrong_frequencies_fixed():
    typhoid = {s.term: s.frequency for s in cond("Typhoid fever").symptoms}
    assert typhoid["fever rising step by step over several days"] <= 0.4 and typhoid["persistent fever"] >= 0.9
    assert {s.term: s.frequency for s in cond("Atrial fibrillation").symptoms}["irregular pulse"] >= 0.85
    for name in ("Malaria", "Dengue", "Typhoid fever"):
        assert max(s.frequency for s in cond(name).symptoms if "travel" in s.term.lower()) >= 0.95, name


def test_sex_specific_symptoms_and_childrens_ages_fixed():
    for name in ("Iron-deficiency anaemia", "Hypothyroidism", "Hyperthyroidism", "Acne"):
        period = [s for s in cond(name).symptoms if "period" in (s.term + " ".join(s.lay)).lower()
                  or "menstrua" in s.term.lower() or "menorrhagia" in s.term.lower()]
        assert period and all(s.sex == "female" for s in period), name
    for name in ("Urinary tract infection", "Pyelonephritis", "Cellulitis", "Sepsis"):
        assert cond(name).demographics["age_min"] <= 1 and cond(name).demographics["typical_age"][0] <= 5, name


@pytest.mark.parametrize("text", ["I have a stiff neck", "feeling hot and shivery", "I feel really unwell",
                                  "I get double vision when tired", "I feel faint when I stand up", "headache with a fever",
                                  "my symptoms went away", "I have a weak immune system"])
def test_generic_phrases_no_longer_raise_an_emergency(text):
    assert triage(text).level != "emergency", text
