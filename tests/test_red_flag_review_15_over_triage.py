"""Review round 15, over-triage (docs/hazards/round_15_over_triage.md), by red-flag-author-48 (emergency physician;
needs an independent check). Harmless presentations from a development set that words-only rules raised: an LMP
years ago read as early pregnancy, a worried question about seizures, a question about needing antibiotics, a small
stable bruise on a blood thinner, a known needle faint, and two more question patterns (anaphylaxis, a dose not yet
taken). The first list of each gap holds real presentations in the same words that must still fire at the level;
the second the harmless look-alikes. The sentences are the author's own, never the development texts.
"""

from __future__ import annotations

import pytest
from conftest import check_level
from conftest import fired_ids as ids
from conftest import gap_tests

# gap -> (level the real presentations must reach, findings any of which carries it,
#         real presentations that must fire, benign look-alikes that must stay below that level)
TABLE = {
    "1 an LMP years ago is not early pregnancy": (
        "urgent", {"early_pregnancy_bleeding_lmp_wording", "early_pregnancy_bleeding_wording", "pregnancy_bleeding",
                   "early_pregnancy_faint_with_pain_or_bleeding"}, [
            "F 29, LMP 7 weeks ago, PV spotting since this morning",
            "LMP 14/10, light bleeding and cramps today",
            "LMP 6/52, bleeding like a period, had an ectopic years ago",
            "LMP 5 weeks ago, I thought I was starting the menopause, now spotting and cramps",
            "LMP years ago according to my notes but I think LMP 6 weeks ago, spotting",
        ], [
            "LMP 6 weeks ago, my gums bleed when I brush my teeth",
            "LMP 3 yrs ago, nosebleed this morning",
        ]),
}

test_gap_fires_at_level, test_benign_look_alike_stays_below = gap_tests(TABLE)


# Gap 1: the bleed years after the last period is read as postmenopausal bleeding (urgent: NICE NG12 2-week-wait,
# raised as urgent here, docs/clinical-safety.md), never as early pregnancy.
@pytest.mark.parametrize("text,age", [
    ("58F, LMP 3 yrs ago, not on HRT, had one episode of spotting", None),
    ("58 year old woman, LMP 3 yrs ago, not on HRT, had one episode of spotting yesterday", 58),
    ("LMP over 4 years ago, some brown spotting on my pad", None),
    ("my last period was years ago and I've noticed a little bleeding this week", None),
    ("61 year old, LMP over 10 yrs ago, one small bleed on the pad this week", None),
])
def test_bleed_years_after_lmp_is_postmenopausal_not_pregnancy(text, age):
    fired = ids(text, age=age)
    assert "postmenopausal_bleeding" in fired, text
    assert not fired & {"early_pregnancy_bleeding_lmp_wording", "early_pregnancy_bleeding_wording",
                        "pregnancy_bleeding"}, (text, fired)


# Gaps 2 to 6: harmless texts that must not reach the level of the finding they used to fire.
QUIET = [
    # 2 hypnic jerks with a worried question about seizures
    ("my gran had epilepsy so I'm freaking out that it's seizures, my feet kick as I doze off", "emergency"),
    ("could these be seizures? my hand flicks when I'm nodding off, I never black out", "emergency"),
    ("what if it's seizures, my whole body jumps as I drift off", "emergency"),
    ("worried it's seizures, I jolt awake just as I'm falling asleep", "emergency"),
    # 3 a question about needing antibiotics is not having had them
    ("back from Goa with mild diarrhoea since yesterday, do I need any antibiotics?", "urgent"),
    ("loose poo for a day on holiday, can I get antibiotics from the pharmacy?", "urgent"),
    ("mild tummy upset and diarrhoea on a city break, do I need antibiotics or anything?", "urgent"),
    # 4 a small bruise on a blood thinner
    ("On apixaban, walked into the table, bruise about the size of a 50p on my thigh, no bigger today", "urgent"),
    ("On warfarin, a bruise the size of a grape on the back of my hand after a knock", "urgent"),
    ("on edoxaban, bruise the size of a coin on my forearm, not spreading", "urgent"),
    # 5 a known needle faint with a prodrome and quick recovery
    ("21M passed out during a blood test after going hot and sweaty, a couple of twitches, back to normal in "
     "seconds, always faint with needles", "urgent"),
    ("I fainted when the nurse did my jab, I always faint when I have injections", "urgent"),
    # 6 a question naming anaphylaxis without a sign; a question about a dose not yet taken
    ("is this anaphylaxis? two itchy welts on my wrist from a new watch strap, breathing fine", "emergency"),
    ("my sister said it could be anaphylactic shock but it's only a few hives on my legs", "emergency"),
    ("is it an overdose if I take 3 paracetamol instead of 2 for my period pain?", "emergency"),
    ("would it be an overdose if I take ibuprofen and paracetamol on the same day?", "emergency"),
]


@pytest.mark.parametrize("text,below", QUIET)
def test_harmless_text_stays_below(text, below):
    from app.services.triage import LEVELS, triage

    result = triage(text)
    assert LEVELS.index(result.level) > LEVELS.index(below), (text, result.level, result.reasons)


# Each narrowing checked the other way: a real case said in the same sentence or the next one still fires.
@pytest.mark.parametrize("text,level,finding,age", [
    # 2 seizures: a statement, or a sign beside a question or a worry
    ("I think he's having a seizure", "emergency", "seizure", None),
    ("is this a seizure? he's jerking and won't respond", "emergency", "fit_signs_or_statement_with_a_question", None),
    ("I'm freaking out that it's seizures, he's gone stiff and isn't responding", "emergency",
     "fit_signs_or_statement_with_a_question", None),
    ("he's having a seizure and I'm freaking out that it's seizures", "emergency",
     "fit_signs_or_statement_with_a_question", None),
    ("my son had a seizure this morning, could it be seizures again?", "emergency", "seizure", None),
    ("what if it's a seizure, my daughter is shaking all over and not responding", "emergency",
     "fit_movements_described", None),
    ("could these be seizures? she's had three today and is still drowsy", "emergency",
     "fit_signs_or_statement_with_a_question", None),
    ("are these seizures? he's had two this morning and is confused after each one", "emergency",
     "fit_signs_or_statement_with_a_question", None),
    # 3 antibiotics taken, said beside a question about more
    ("finished a course of antibiotics last week and now the runs", "urgent", "diarrhoea_after_antibiotics", None),
    ("finished my course of antibiotics on Friday and now I've got the runs, will I need more antibiotics?", "urgent",
     "diarrhoea_after_antibiotics", None),
    ("I was on amoxicillin last week, now watery diarrhoea 6 times a day, do I need antibiotics or anything?",
     "urgent", "diarrhoea_after_antibiotics", None),
    ("I've had diarrhoea for 3 days, do I need to stop antibiotics?", "urgent", "diarrhoea_after_antibiotics", None),
    ("diarrhoea on holiday, would antibiotics help? I finished clarithromycin on Monday", "urgent",
     "diarrhoea_after_antibiotics", None),
    # 4 a large, tense or growing bruise on a blood thinner (a plum kept: see the hazard file)
    ("on apixaban, knocked my leg and got a purple bruise about the size of a plum, not getting any bigger", "urgent",
     "anticoagulant_large_bruise_or_haematoma", None),
    ("On warfarin, bumped my shin, the bruise is the size of a small orange", "urgent",
     "anticoagulant_large_bruise_or_haematoma", None),
    ("on apixaban, a bruise a bit bigger than my hand on my thigh", "urgent",
     "anticoagulant_large_bruise_or_haematoma", None),
    ("on warfarin, bruise the size of a grapefruit", "urgent", "anticoagulant_large_bruise_or_haematoma", None),
    ("on warfarin, bruise the size of a coin and the skin over it is tight and shiny", "urgent",
     "anticoagulant_large_bruise_or_haematoma", None),
    ("On apixaban, knocked my arm, the bruise was the size of a coin this morning, now it's the size of my palm",
     "urgent", "anticoagulant_large_bruise_or_haematoma", None),
    # 5 a faint with a needle history and a feature that needs a same-day assessment (NICE CG109)
    ("I passed out having my bloods done this morning, was only out for a moment", "urgent", "fainting", 22),
    ("I fainted while running for the bus and I always faint with needles", "urgent", "exertional_syncope", 24),
    ("I fainted during my blood test and had crushing chest pain beforehand, always faint with needles", "emergency",
     "chest_pain_collapse", 40),
    ("fainted having blood taken, my heart was racing and pounding before I went, always faint with needles",
     "emergency", "palpitations_with_faint_or_pain", 35),
    ("she passed out lying on the sofa watching tv, she always faints with needles", "urgent",
     "faint_lying_down_no_warning_or_breathless", 30),
    ("I passed out at the blood test and I'm still short of breath, always faint with needles", "urgent",
     "faint_lying_down_no_warning_or_breathless", 35),
    ("fainted with no warning at my desk, I always faint when I see blood", "urgent",
     "faint_lying_down_no_warning_or_breathless", 30),
    ("I fainted having my bloods done, I always faint with needles", "urgent", "fainting_age_65_or_over", 72),
    ("my dad is 78, he passed out at his blood test, always faints with needles", "urgent",
     "fainting_age_65_or_over", None),
    ("my brother died suddenly at 25, I fainted having blood taken, always faint with needles", "urgent",
     "syncope_family_sudden_death", 20),
    # 6 anaphylaxis: a question with a sign, a used adrenaline pen, a person asking in the middle of it
    ("is this anaphylaxis? my lips are swelling and I can't breathe", "emergency", "airway_swelling", None),
    ("is this anaphylaxis? my son ate a cashew, he has a nut allergy, he's vomiting and floppy", "emergency",
     "anaphylaxis_question_with_a_sign", None),
    ("could it be a severe allergic reaction? I feel dizzy and clammy after the wasp sting", "emergency",
     "anaphylaxis_question_with_a_sign", None),
    ("could it be anaphylaxis? I used my epipen 10 minutes ago after a wasp sting", "emergency", "anaphylaxis", None),
    ("am I having anaphylaxis? itchy mouth after a biscuit with nuts, I'm allergic to nuts", "emergency",
     "anaphylaxis", None),
    # 6 overdose: a dose taken, said beside a question about a future one; a question about a past dose is kept
    ("I took 30 paracetamol, is it an overdose if I take more?", "emergency", "tablet_count_overdose", None),
    ("I've taken an overdose, is it an overdose if I take my normal dose tonight?", "emergency",
     "overdose_poisoning", None),
    ("could I have overdosed? I took 2 paracetamol at 8 and 2 more at 2", "emergency", "overdose_poisoning", None),
])
def test_real_case_beside_the_narrowing_still_fires(text, level, finding, age):
    check_level(text, level, finding, age=age)
