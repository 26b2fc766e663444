"""Independent check of round 15's over-triage changes (docs/hazards/round_15_over_triage_check.md), by
red-flag-reviewer-54 (emergency physician), 2026-12-01. Words only. Each narrowing is put beside a real emergency in
the same sentence or the next one (lay, misspelt, shorthand); the four new findings are checked for over-triage; and
three more look-alikes are decided: actinic purpura (a), a dry socket (b), stiffness after a wisdom tooth (c, kept).
The sentences are the reviewer's own, never the development texts.
"""

from __future__ import annotations

import pytest
from conftest import check_level
from conftest import fired_ids as ids
from conftest import gap_tests

# gap -> (level, findings any of which carries it, real presentations that fire, look-alikes below the level)
TABLE = {
    "a actinic purpura on the backs of the hands": (
        "emergency", {"nonblanching_rash", "purple_or_nonblanching_rash_child",
                      "purple_or_nonblanching_rash_with_fever_or_unwell"}, [
            "my 4 year old has purple spots on the backs of her hands",
            "my son has purple spots on the backs of his hands",
            "I'm 72, purple blotches on the backs of my hands and a fever",
            "purple rash on the back of my hands and I feel really unwell",
            "purple blotches on the backs of my hands. I've got a high temperature and feel awful",
        ], [
            "I'm 72 and I get purple blotches on my forearms and the backs of my hands, I'm on apixaban, I feel fine",
            "mum is 86, dark purple patches on the back of her hands, she's well in herself",
        ]),
    "b a dry socket is not an open fracture": (
        "emergency", {"open_fracture_bone_visible", "major_trauma"}, [
            "fell off my bike, can see bone in my shin, knocked a tooth out",
            "glass hit his face and I can see bone in the eye socket",
            "crashed my bike, bone sticking out of my leg, my tooth was knocked out and removed by the paramedic",
            "cut my hand on a knife, I can see bone in the back of my hand",
        ], [
            "after my tooth extraction I can see bone in the socket",
            "can see bone in the socket where my wisdom tooth was taken out",
            "had a tooth out, can see bone where the tooth was, smells bad",
        ]),
}

test_gap_fires_at_level, test_benign_look_alike_stays_below = gap_tests(TABLE)


# Each narrowing beside a real case: (text, level, a finding that carries it, age).
FIRES = [
    # fainting: a known needle faint told after a faint that is not one (faint_lying_down_no_warning_or_breathless)
    ("I've fainted twice this week for no reason, I always faint with needles", "urgent", None, 30),
    ("passed out at my blood test and was out for 5 minutes, always faint with needles", "urgent", None, 30),
    ("passed out at the blood test and wet myself and bit my tongue, always faint with needles", "urgent", None, 30),
    ("fainted having bloods, came round confused for 20 mins, always faint with needles", "urgent", None, 30),
    ("i blacked out out of nowhere at my desk, always faint with needles", "urgent", None, 30),
    ("i fainted in the shower this morning and hit my head, i always faint with needles", "urgent", None, 30),
    ("fainted at the blood test and have been sob since, always faint with needles", "urgent", None, 30),
    ("I keep fainting, always faint with needles", "urgent", None, 30),
    ("fainted n no warning, always faint w needles", "urgent", None, 30),
    ("i always pass out wiv needles n i passed out again today in the kitchen for no reason", "urgent", None, 30),
    ("72 yo fainted at the blood test, always faint with needles", "urgent", "fainting_age_65_or_over", None),
    ("I always faint with needles. I've fainted twice this week for no reason", "urgent", "fainting", 30),
    # seizure: a live fit beside a worry or question form
    ("he's fitting and I'm freaking out it's seizures", "emergency", "fit_signs_or_statement_with_a_question", None),
    ("scared it's seizures, my husband has had 2 fits today", "emergency", None, None),
    ("worried its seizures, hes been shaking for 5 mins n not responding", "emergency", None, None),
    ("could it be seizures? he keeps zoning out and his lips went blue", "emergency", None, None),
    ("my son's fitting in the playground at school", "emergency", "seizure", None),
    ("she's fitting in the kitchen", "emergency", "seizure", None),
    ("he's fitting in bed really badly", "emergency", "seizure", None),
    # anaphylaxis: a sign or adrenaline beside the question
    ("the paramedic said it could be anaphylaxis and gave adrenaline", "emergency", "anaphylaxis", None),
    ("is it anaphylaxis? my sons face is swelling up n he's wheezy", "emergency", None, None),
    ("is this anaphylactic shock? my throat feels tight n im dizzy", "emergency", None, None),
    ("is this anaphylaxis? he's gone pale and floppy after the peanut", "emergency",
     "anaphylaxis_question_with_a_sign", None),
    # overdose: a dose taken, said beside a question about more
    ("is it an overdose if I took 12 paracetamol last night", "emergency", "overdose_poisoning", None),
    ("I've had 12 co-codamol today, would it be an overdose to take 2 more?", "emergency", None, None),
    # antibiotics being taken, asked about in the question itself
    ("diarrhoea for 4 days, would stopping antibiotics help?", "urgent", "diarrhoea_after_antibiotics", None),
    ("watery diarrhoea 6 times a day, will I need to stop antibiotics?", "urgent", "diarrhoea_after_antibiotics", None),
    ("I've got the runs, do I need to take my antibiotics still?", "urgent", "diarrhoea_after_antibiotics", None),
    ("diarrhoea and I need to know do I need to stop antibiotics or not", "urgent",
     "diarrhoea_after_antibiotics", None),
    # a large or growing bruise on a blood thinner beside a small one
    ("on apixaban, huge bruise on my thigh after a fall and some small bruises on my arms", "urgent",
     "anticoagulant_large_bruise_or_haematoma", None),
    ("on apixaban, a small bruise that is now getting bigger", "urgent", "anticoagulant_large_bruise_or_haematoma", None),
    # early pregnancy by LMP, and a bleed after the menopause
    ("LMP 7/52 PV bleed", "urgent", "early_pregnancy_bleeding_lmp_wording", None),
    ("lmp 10/11 spotting n cramping", "urgent", "early_pregnancy_bleeding_lmp_wording", None),
    ("lmp 8 weeks ago, bleeding, had a miscarriage years ago", "urgent", "early_pregnancy_bleeding_lmp_wording", None),
    ("LMP 3 yrs ago but positive pregnancy test, now bleeding", "urgent", None, None),
    ("52F LMP 2 years ago, bleeding again", "urgent", "postmenopausal_bleeding", None),
]


@pytest.mark.parametrize("text,level,finding,age", FIRES)
def test_real_case_beside_the_narrowing_still_fires(text, level, finding, age):
    check_level(text, level, finding, age=age)


# Over-triage of the new findings and the reviewer's own narrowings: each stays below the level.
QUIET = [
    ("is this anaphylaxis? pale pink hives on my arm, breathing fine", "emergency", None),
    ("is this anaphylaxis? a faint red rash on my tummy after amoxicillin, otherwise fine", "emergency", None),
    ("I fainted when the nurse did my jab, I always faint when I have injections", "urgent", 30),
    ("I fainted having blood taken, always faint with needles, felt fine lying down after", "urgent", 40),
    ("I'm 70 and I've never fainted", "urgent", 70),
    ("LMP 5 weeks ago, a nosebleed after blowing my nose hard", "urgent", None),
    ("my gran had epilepsy so I'm freaking out that it's seizures, my feet kick as I doze off", "emergency", None),
]


@pytest.mark.parametrize("text,below,age", QUIET)
def test_harmless_text_stays_below(text, below, age):
    from app.services.triage import LEVELS, triage

    result = triage(text, age=age)
    assert LEVELS.index(result.level) > LEVELS.index(below), (text, result.level, result.reasons)


def test_early_pregnancy_finding_does_not_read_an_lmp_years_ago():
    fired = ids("LMP over 4 years ago, some brown spotting on my pad")
    assert "postmenopausal_bleeding" in fired and "early_pregnancy_bleeding_lmp_wording" not in fired, fired


# (c) kept firing (docs/hazards/round_15_over_triage_check.md): `unless` words act on the tooth words, so any words
# for expected stiffness ("can't open my mouth very wide") would also cancel a spreading neck swelling, a swallow or
# a breathing problem told in the same sentence (tried: all three went routine). Trismus with those signs must fire.
@pytest.mark.parametrize("text", [
    "wisdom tooth out yesterday, can't open my mouth and the swelling is spreading down my neck",
    "wisdom tooth taken out 2 days ago, can't open my mouth and can't swallow",
    "wisdom tooth removed, can't open my mouth, difficulty breathing",
    "tooth abscess and I can't open my mouth at all",
])
def test_trismus_with_a_spreading_sign_fires(text):
    check_level(text, "emergency")


def test_accepted_over_triage_stiffness_after_a_wisdom_tooth():
    """Accepted (left open for a split finding): expected stiffness after an extraction is still an emergency."""
    assert "dental_swelling_spreading" in ids("had a wisdom tooth out yesterday and can't open my mouth very wide")
