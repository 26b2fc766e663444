"""Review round 16, over-triage (docs/hazards/round_16_over_triage.md), by red-flag-author-50 (emergency physician;
needs an independent check). Harmless presentations from a development set that words-only rules raised: old,
superficial self-harm marks read as an emergency, a blood ketone value of 1.1 with insulin words read as DKA, round
ligament pain at 19 weeks read as an ectopic pregnancy or same-day pain, and a faint after prolonged standing. The
sentences are the author's own, never the development texts. For every narrowing, a real case said in the same
sentence still fires at its level.
"""

from __future__ import annotations

import pytest
from conftest import fired_ids as ids

LEVELS = ("emergency", "urgent", "routine", "self_care")


def level_of(text, age=None, sex="female"):
    from app.services.triage import triage

    return triage(text, age=age, sex=sex).level


# (text, the level it must reach now, a finding that must be among the reasons or None)
NARROWED = [
    # 1 old or superficial self-harm marks, no wish to die: urgent (NICE NG225 same-day assessment)
    ("my 15 year old daughter has old self-harm scratches on her arms, they're superficial and not bleeding, she says "
     "she doesn't want to die, can we get a GP appointment?", "urgent", "self_harm_old_or_superficial_marks"),
    ("my teenage son has self harmed, some old scratches on his arms, not bleeding, no suicidal thoughts, I'd like him "
     "to see the GP", "urgent", "self_harm_old_or_superficial_marks"),
    ("I found old self-harm marks on my daughter's arms, superficial scratches, healed, she isn't suicidal", "urgent",
     "self_harm_old_or_superficial_marks"),
    ("she's been cutting her arms, just surface scratches, not bleeding, no thoughts of suicide, need GP appointment",
     "urgent", "self_harm_old_or_superficial_marks"),
    # 2 ketones 1.0-1.9 with sugar or insulin words only: urgent (sick-day rules, call the diabetes team)
    ("I have type 1 diabetes and a sore throat, my blood ketones are 1.1, I'm drinking well and not vomiting, I've "
     "taken extra insulin", "urgent", "blood_ketones_raised_value"),
    ("my blood ketones are 1.1 and my sugars are 14, I've taken a correction dose of insulin, not being sick", "urgent",
     "blood_ketones_raised_value"),
    ("my ketones are high at 1.2, sugars 16", "urgent", "blood_ketones_raised_value"),
    # 3 round ligament pain from 16 weeks: a stabbing pain of seconds when moving
    ("I'm 19 weeks pregnant and I get a sharp stabbing pain low on one side of my bump for a few seconds when I stand "
     "up quickly, sneeze or roll over, no bleeding, otherwise well", "routine", None),
    ("I'm 19 weeks, a stabbing pain low down on one side for a second when I roll over in bed", "routine", None),
    ("pregnant 21 weeks, a sharp pain low down on the right for a second when I roll over", "routine", None),
    # 4 a faint after prolonged standing with a warning and a quick recovery (NICE CG109 uncomplicated faint)
    ("I fainted after standing for ages in a hot queue, felt hot and sick and everything went grey first, out for less "
     "than 30 seconds, no jerking, back to normal straight away, no chest pain or palpitations, ECG normal", "routine",
     None),
    ("22F, fainted after standing for a long time at a wedding, felt sick and hot beforehand, fine now", "routine",
     None),
]


@pytest.mark.parametrize("text,level,finding", NARROWED)
def test_harmless_presentation_reaches_its_level(text, level, finding):
    from app.services.triage import triage

    result = triage(text, sex="female")
    assert result.level == level, (text, result.level, result.reasons)
    if finding:
        assert finding in {f.get("id") for f in result.red_flags}, (text, result.reasons)


# The real cases, told beside the narrowing words, in the same sentence: they keep their level.
KEPT = [
    # 1 suicidal words, an attempt, an overdose or a serious wound beside old or superficial marks
    ("I want to die, I've been cutting, only superficial scratches", "emergency"),
    ("my daughter has self-harmed, superficial scratches on her arms, and she says she wants to kill herself",
     "emergency"),
    ("my son is self harming, the cuts aren't deep, he says he wants to end his life", "emergency"),
    ("I'm suicidal, I have scratches all over my arms from self-harm", "emergency"),
    ("I feel suicidal, my old scars are itching", "emergency"),
    ("old scars on my arms, I tried to kill myself last night", "emergency"),
    ("she has self harmed, old scratches but one new cut is deep", "emergency"),
    ("I've been self-harming, superficial cuts mostly but one keeps bleeding", "emergency"),
    ("I've self harmed, superficial cuts, and I took 20 paracetamol", "emergency"),
    ("I cut my wrists tonight and it won't stop bleeding, I have old scars", "emergency"),
    ("I cut my wrists last night and it's deep.", "emergency"),
    ("My daughter has been cutting her thighs again", "emergency"),
    ("I have been self-harming again", "emergency"),
    # 2 a raised ketone value with vomiting, pain, fast breathing or drowsiness; 3 or more with high sugars
    ("my blood ketones are 1.1 and I'm vomiting and can't keep fluids down", "emergency"),
    ("my blood ketones are 1.4 and I'm being sick", "emergency"),
    ("ketones 1.8 and she's drowsy and breathing fast", "emergency"),
    ("my blood ketones are 1.3, I've got tummy pain", "emergency"),
    ("my ketones are high at 1.2 and I've got tummy pain", "emergency"),
    ("my blood ketones are 3.4 and my sugars are 25", "emergency"),
    ("blood ketones are 2.1 and my blood sugar is 22, tummy pain", "emergency"),
    ("my meter just says HI and my blood ketones are 3.8", "emergency"),
    # 3 one-sided pain in early or unknown pregnancy, pain with bleeding, constant pain from 16 weeks
    ("6 weeks pregnant with pain low on one side", "emergency"),
    ("I'm pregnant with sharp pain low on one side that lasts a few seconds", "emergency"),
    ("I'm 7 weeks pregnant, sharp pain on one side for a few seconds when I stand up, and spotting", "emergency"),
    ("I'm 10 weeks pregnant with one-sided tummy pain", "emergency"),
    ("19 weeks pregnant, sharp pain low on one side for a few seconds when I stand, and I'm bleeding", "emergency"),
    ("I'm 30 weeks pregnant, my bump is hard and painful and I'm bleeding", "emergency"),
    ("I'm 19 weeks pregnant and I've had a constant pain low down on the right since last night", "urgent"),
    ("I'm 20 weeks pregnant with one-sided tummy pain since yesterday and a fever", "urgent"),
    ("I'm 30 weeks pregnant, tummy pain that comes every few minutes and lasts a few seconds", "urgent"),
    # 4 a faint after standing with a dangerous feature
    ("I fainted after standing for ages and I had chest pain just before", "emergency"),
    ("I passed out after standing for a long time, my heart was racing beforehand", "emergency"),
    ("fainted after standing for ages, no warning at all", "urgent"),
    ("my brother died suddenly at 30 and I fainted after standing for a long time", "urgent"),
    ("I fainted while running after standing for ages at the start line", "urgent"),
    ("I'm 70 and I fainted after standing for a long time", "urgent"),
    ("I fainted after standing for ages, I was out for 5 minutes and wet myself and bit my tongue", "urgent"),
    ("I fainted after standing for ages and I've been short of breath since", "urgent"),
    ("I fainted after standing for ages and came round confused", "urgent"),
    ("she fainted after standing for ages, she's on blood thinners and hit her head", "emergency"),
    ("I fainted at work today", "urgent"),
]


@pytest.mark.parametrize("text,level", KEPT)
def test_real_case_beside_the_narrowing_words_keeps_its_level(text, level):
    got = level_of(text)
    assert LEVELS.index(got) <= LEVELS.index(level), (text, got)


def test_self_harm_words_alone_still_raise_the_old_findings():
    assert "suicidal_thoughts" in ids("I have been self-harming again")
    assert "self_harm_act" in ids("My daughter has been cutting her thighs again")


def test_round_ligament_pain_at_19_weeks_is_not_read_as_an_ectopic_pregnancy():
    text = ("I'm 19 weeks pregnant and I get a sharp stabbing pain low on one side of my bump for a few seconds when I "
            "stand up quickly, no bleeding")
    assert not ids(text) & {"pregnancy_pain_and_bleeding", "pregnancy_pain_one_sided_under_16_weeks",
                            "one_sided_pain_possible_pregnancy", "pregnancy_abdominal_pain"}


# Gaps 5 and 6, recorded as they stand (no data change; see the hazard file).
def test_diabetic_stocking_numbness_is_quiet_by_words():
    for text in ("I have diabetes and I've had burning numbness in both feet for months, like wearing socks",
                 "numbness in both feet for months, burning, stocking distribution, I'm diabetic"):
        assert "cauda_equina" not in ids(text), text


def test_babys_fever_still_fires_when_the_mother_is_also_ill():
    for text in ("my 3 week old has a temp of 38", "my 3 week old baby has a temperature of 38.2",
                 "breastfeeding my 3 week old, she feels hot and her temperature is 38"):
        assert level_of(text) == "emergency", text
