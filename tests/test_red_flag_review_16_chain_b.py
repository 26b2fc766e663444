"""Round 16, chain B: independent check by red-flag-reviewer-64 (emergency physician, 2026-12-01) of red-flag-reviewer-63's
new finding self_harm_said_outright_with_overdose_or_serious_wound and of some of its changes
(docs/hazards/round_16_chain.md). Verdicts: docs/hazards/round_16_chain_b.md. Words only, the reviewer's own sentences.
"""

from __future__ import annotations

from conftest import finding_table_tests

SH = "self_harm_said_outright_with_overdose_or_serious_wound"

FIRES = {
    SH: ("emergency", 30, [
        "i self harmed last night with a razor, its gaping and needs stitches",
        "slef harmed tonite n its still bleeding loads",
        "self harmd again, cut is deep",
        "pt with DSH, superficial lacs, ingested 20 x sertraline",
        "she deliberately took all her mums tablets",
        "my son self harms, he cut himself in the kitchen with a knife tonight and it keeps bleeding",
        "i did it on purpose, cut my arm while cooking, its deep",
        "cut myself with a knife on purpose, its gaping",
        "burnt myself with the iron on purpose, big burn",
        "tried to end my life, took all my tablets",
        "attempted suicide, overdosed on amitriptyline",
        "took 30 paracetamol on purpose",
    ]),
    "pregnancy_or_after_birth_breathless_lying_flat_with_swelling_or_fast_heart": ("emergency", 30, [
        "had my baby 3 weeks ago, cant lie flat to sleep, legs swollen, hip pain too",
    ]),
    "faint_after_standing_with_diabetes_pregnancy_or_recurrence": ("urgent", 40, [
        "on insulin, passed out, vision went black for a second before",
    ]),
}

QUIET = {
    SH: (30, [
        "my dog bit me on purpose, deep wound on my hand",
        "my brother hit me on purpose and the cut is deep, might need stitches",
        "I stopped my antidepressants on purpose and took some paracetamol for a headache",
        "the doctor left the stitches in on purpose",
        "deliberately fasting for ramadan, took some paracetamol",
        "my toddler swallowed a coin, not on purpose",
        "I haven't self harmed for two years, I took my tablets this morning",
        "I self harmed years ago, I needed stitches then, fine now",
        "I self harmed as a teenager, now deep depression",
    ]),
    "pregnancy_or_after_birth_breathless_lying_flat_with_swelling_or_fast_heart": (30, [
        "35 weeks, can't lie flat because of my spd, ankles swollen",
    ]),
    "faint_after_standing_with_diabetes_pregnancy_or_recurrence": (30, [
        "my friend is diabetic, i nearly fainted at the sight of blood, no other problems",
    ]),
}

test_finding_fires, test_finding_look_alike_quiet = finding_table_tests(FIRES, QUIET, sex="female")
