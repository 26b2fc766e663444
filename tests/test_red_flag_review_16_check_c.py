"""Round 16, check C: independent check by red-flag-reviewer-62 (emergency physician, 2026-12-01) of
red-flag-author-51's findings (knowledge/red_flags/round_16_b.json) and the lead's blood-ketone value findings
(knowledge/red_flags/round_16_values.json). Verdicts: docs/hazards/round_16_check_c.md. Words only, the reviewer's
own sentences.
"""

from __future__ import annotations

from conftest import finding_table_tests

# finding -> (level it must reach at least, age, [sentences that fire it])
FIRES = {
    "headache_with_stiff_neck_and_light_sensitivity": ("emergency", 30, [
        "bad headache and my neck is stiff, light hurts my eyes, no temperature",
        "hedache n stiff nek, cant stand the light",
        "HA, neck stiffness, photophobia, afebrile",
        "my head is killing me, can't touch my chin to my chest and bright lights hurt",
        "severe headache, light hurts my eyes, neck stiff, had a car accident 10 years ago",
        "headache, stiff neck and light hurts, I've had migraines for years",
        "headache, stiff neck and photophobia, I have rheumatoid arthritis on methotrexate",
        "headache, stiff neck, light hurts, had to leave my desk at work",
        "stiff neck after a car accident yesterday, headache and light hurts",
    ]),
    "suicidal_words_said_of_another_person": ("emergency", 40, [
        "my husband told me he doesnt want to be alive anymore",
        "my son 16 wants 2 die, he's got old scars on his arms",
        "my mum says she wants to die, she's had cancer for years and is in a nursing home",
        "my dad doesn't want to live anymore, he can't live alone since mum died",
        "pt expressing wish to die, wants to end it",
    ]),
    "wants_to_end_it_wording": ("emergency", 40, [
        "my friend said she's going to end it all tonight",
        "my brother wants to end it after his divorce",
        "my son wants to end it since his girlfriend left him",
        "my daughter says she wants to end it, she broke up with her boyfriend",
    ]),
    "after_birth_feeling_high_not_needing_sleep_or_hearing_things": ("emergency", 29, [
        "had my baby 6 wks ago and I'm hearing voices telling me things",
        "my wife gave birth last month, she's manic, talking non stop, hasn't slept",
        "3 months pp, feel invincible, don't need sleep",
        "had my baby 2 weeks ago, I'm worried because I'm hearing things and thinking strange thoughts",
    ]),
    "after_birth_racing_mind_and_not_sleeping_for_days": ("emergency", 29, [
        "new mum, baby 3 weeks old, my mind is racing and I haven't slept for 3 nights even when baby sleeps",
        "gave birth 5 weeks ago, thoughts racing, not slept for days",
    ]),
    "pregnancy_or_after_birth_breathless_lying_flat_with_swelling_or_fast_heart": ("emergency", 31, [
        "6 weeks postpartum, short of breath lying flat, palps and swollen legs",
        "gave birth 3 weeks ago, SOB lying flat, ankle oedema",
        "had my baby 2 months ago, can't lie flat, my back hurts, heart racing",
        "33 weeks pregnant, breathless lying down, need extra pillows, legs swollen",
    ]),
    "blood_ketones_3_or_more_reading": ("emergency", 40, [
        "ketones 3.2 on my keto diet",
        "I'm on a keto diet, ketones 3.5, feel fine",
        "type 2 on dapagliflozin and low carb, ketones 3.4, sugar 9",
        "fasting for ramadan, ketones 3.3, type 1",
        "my daughter is type 1, ketones 3.1, throwing up",
    ]),
    "blood_ketones_1_5_or_more_reading_with_diabetes": ("urgent", 40, [
        "type 1 diabetic, blood ketones 1.7 with a cold",
        "on insulin, bks 2.4 and sugars 20",
        "my son has type 1, ketones 1.9",
        "insulin pump, ketone level 1.6",
    ]),
    "blood_ketones_0_6_or_more_reading_with_diabetes": ("urgent", 40, [
        "type 1, sick day, ketones 0.7",
        "on insulin, ketones of 0.8 and a chest infection",
        "type 1 diabetic, blood ketones 1.1, sore throat",
        "diabetic on insulin, bks 0.9 and a temp",
    ]),
}

# finding -> (age, [benign look-alikes that must not fire it])
QUIET = {
    "headache_with_stiff_neck_and_light_sensitivity": (30, [
        "woke up with a stiff neck after sleeping funny, slight headache and the sun hurts my eyes",
        "headache, stiff neck, sensitive to light, my neck has been stiff for years with arthritis in my neck",
        "neck stiff from sleeping on a new pillow, headache, light bothers my eyes",
        "whiplash from a car accident, stiff neck, headache, light bothers me",
        # red-flag-reviewer-65 (2026-12-01) moved the desk / computer look-alikes ("stiff neck from working at the desk all
        # day, tension headache, sensitive to light from the screen", "stiff neck, headache and light hurts from working at
        # the computer all day") to tests/test_red_flag_review_16_chain_c.py as must-fire: a desk explains the neck, not
        # headache with photophobia (docs/hazards/round_16_chain_c.md).
    ]),
    "suicidal_words_said_of_another_person": (40, [
        "my grandad has terminal cancer and wants to die peacefully at home",
        "my mum wants to die her hair red",
        "my mum doesn't want to live in a care home",
    ]),
    "wants_to_end_it_wording": (40, [
        "my boyfriend wants to end things with me",
        "my daughter wants to end it with her boyfriend",
        "my son wants to end the game",
    ]),
    "after_birth_feeling_high_not_needing_sleep_or_hearing_things": (29, [
        "new mum, feel high on life, so happy",
        "had my baby 5 weeks ago, my blood pressure was high so they gave me tablets, feel fine",
        "had my baby 3 weeks ago, felt high on the gas and air in labour",
    ]),
    "after_birth_racing_mind_and_not_sleeping_for_days": (29, [
        "had my baby 4 weeks ago, can't sleep when the baby sleeps, mind racing with worry about her weight",
        "new mum, baby cluster feeding, haven't slept for 2 nights, wired on coffee",
        "had my baby 6 weeks ago, sleeping ok, feel on top of the world",
    ]),
    "pregnancy_or_after_birth_breathless_lying_flat_with_swelling_or_fast_heart": (31, [
        "34 weeks pregnant, can't lie flat because of heartburn, ankles swollen",
        "had my baby 2 months ago, can't lie flat because of my back, ankles a bit puffy",
        "36 weeks pregnant, ankles swollen in the evening, breathing fine",
    ]),
    "blood_ketones_3_or_more_reading": (40, [
        "the leaflet says go to a&e if ketones over 3",
        "urine ketones 3+ on the stick",
        "blood ketones 0.3",
    ]),
    "blood_ketones_1_5_or_more_reading_with_diabetes": (40, [
        "keto diet, blood ketones 1.8, feel great",
        "type 1, ketones 0.4 and sugars 8",
        "on insulin, if ketones are over 1.5 ring the team",
    ]),
    "blood_ketones_0_6_or_more_reading_with_diabetes": (40, [
        "keto diet, blood ketones 0.9, feel great",
        "type 1, blood ketones 0.3",
        "on insulin, ketones 0.5",
    ]),
}

test_fires, test_look_alike_quiet = finding_table_tests(FIRES, QUIET, sex="female")
