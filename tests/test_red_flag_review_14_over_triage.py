"""Review round 14, over-triage (docs/hazards/round_14_over_triage.md), by red-flag-author-46 (emergency physician;
needs an independent check). A baby's fever said to follow the day's vaccinations (NHS MenB: expected within 48
hours) was narrowed in `fever_baby` (the narrowing was removed again by red-flag-reviewer-48, see REVIEW_TABLE); the companion `fever_baby_high_reading` keeps 39C or more and a fever still there
after 3 doses or 48 hours. The first list of each gap holds real presentations in the same words that must still
fire at the level. The sentences are the author's own, never the development texts.
"""

from __future__ import annotations

import pytest
from conftest import check_level
from conftest import fired_ids as ids
from conftest import gap_tests

# gap -> (level the real presentations must reach, findings any of which carries it,
#         real presentations that must fire, benign look-alikes that must stay below that level)
TABLE = {
    "d8-162 a baby's fever on the day of the jabs": ("urgent", {"fever_baby", "fever_baby_high_reading"}, [
        "my 7 month old has had a fever since last night",
        "my baby had her jabs last week and now she's got a high temperature",
        "my 4 month old is burning up after his jabs this morning, his temperature is 39.3",
        "baby had his immunisations yesterday and still has a fever after 3 doses of calpol",
        "my baby feels hot and feverish, she had her jabs a few days ago",
    ], [
        # The author's benign look-alikes ("a bit feverish since her jabs this morning, feeding fine") fire again:
        # red-flag-reviewer-48 removed the vaccination unless words (see REVIEW_TABLE below).
        "my baby had her jabs this morning and her leg is red and sore where they did it, no temperature",
        "little one is grizzly after his vaccinations today but his temperature is normal",
    ]),
}

test_gap_fires_at_level, test_benign_look_alike_stays_below = gap_tests(TABLE)


# Narrowing checked the other way: a vaccination today never cancels what else the baby shows.
@pytest.mark.parametrize("text,finding,level", [
    ("my baby had jabs yesterday, has a high temperature and is floppy", "child_very_unwell", "emergency"),
    ("my 3 month old had her injections this afternoon, she's burning up and has a rash that doesn't fade",
     "nonblanching_rash", "emergency"),
    ("my 6 week old has a high temperature since her jabs this morning", "fever_infant_under_3m", "emergency"),
])
def test_other_signs_after_jabs_still_fire(text, finding, level):
    check_level(text, level, finding)


# Kept (docs/hazards/round_14_over_triage.md): tightenings told in lay words before 37 weeks (round 12 kept them;
# tests/test_red_flag_review_12b.py), a toddler going blue and floppy, and a faint.
@pytest.mark.parametrize("text,finding,level,age", [
    ("34 weeks with twins, my bump keeps going hard every so often, doesn't really hurt", "preterm_contractions",
     "emergency", None),
    ("my 20 month old screamed, then held her breath and her lips went blue and she went floppy", "blue_lips",
     "emergency", None),
    ("I passed out having my bloods done this morning, was only out for a moment", "fainting", "urgent", 22),
])
def test_kept_findings_still_fire(text, finding, level, age):
    check_level(text, level, finding, age=age)


def test_jab_words_do_not_reach_a_fever_in_another_clause_before_them():
    """Accepted: 'had her jabs today and has a fever' still fires (the clause starts at 'and has')."""
    assert "fever_baby" in ids("my baby had her jabs today and has a fever")


# Independent check by red-flag-reviewer-48 (2026-12-01; docs/hazards/round_14_over_triage.md). A clause `unless`
# word counts from the fever's clause start to the sentence end, so jab words said AFTER the fever, across a comma,
# cancelled fever_baby, the only finding that reads these babies: each of these was routine with the narrowing.
REVIEW_TABLE = {
    "r48 a febrile baby whose sentence also names the day's jabs": ("urgent", {"fever_baby", "fever_baby_high_reading"}, [
        "my baby has a fever and is breathing fast, she had her vaccines today",
        "my baby is burning up and very sleepy, jabs this morning",
        "my baby has a fever and a rash, she had her jabs yesterday",
        "my baby has a high temperature and has gone pale and quiet, jabs today",
        "my 6 month old has a fever and has been vomiting for hours, jabs today",
        "my baby is still burning up after 3 lots of calpol, she had her jabs yesterday",
        "my baby has had a fever for 2 days, she had her jabs yesterday",
        "we had to cancel my baby's jabs today as she has a high temperature",
        "my baby had her jabs last week today she has a high temperature",
        "baby had jabs last tuesday yesterday she got a fever",
        "my baby had injections of antibiotics yesterday and is feverish again",
    ], [
        "my baby had her jabs yesterday and is a bit grizzly, no fever",
        "my baby is still hot after her bath",
    ]),
}

test_review_fires, test_review_quiet = gap_tests(REVIEW_TABLE)


# Independent check of red-flag-reviewer-48's changes by red-flag-reviewer-49 (2026-12-01): the vaccination words
# stay out of fever_baby (a fever in a baby after jabs is urgent whatever else is said), and the companion's
# 'still hot after' needs a medicine or a number of doses.
REVIEW49_TABLE = {
    "r49 a febrile baby after jabs, and a fever still there after medicine": (
        "urgent", {"fever_baby", "fever_baby_high_reading"}, [
            "my 4 month old has a temperature, she had her vaccines this morning",
            "my baby has had a fever since her jabs 3 days ago and is still hot",
            "my 5 month old is still hot after ibuprofen",
            "baby still hot after three doses, had jabs yesterday",
        ], [
            "my baby is still hot after his nap in the sun, no temperature taken",
            "baby had jabs today, temperature 37.2, feeding well",
        ]),
}

test_review49_fires, test_review49_quiet = gap_tests(REVIEW49_TABLE)
