"""Independent check of the mania split of round 12 (docs/hazards/round_12.md, "Independent check of the mania split
(red-flag-reviewer-33)"): `little_sleep_with_pressured_speech_spending_or_grandiosity` (round_12.json, split out of
`mania_signs` by red-flag-reviewer-31) and the `unless` words it shares with `mania_signs` (neuro_mental.json).
The reviewer's own sentences through ``triage.triage`` (words only): a manic or hypomanic episode told by a relative
or by the person, in lay, misspelt and clinical wordings, and benign look-alikes (insomnia, shift work, a new baby,
exam stress, excitement before a wedding, a busy entrepreneur) that must stay quiet.
"""

from __future__ import annotations

import pytest
from conftest import fired_ids as ids

from app.services.acuity import default_acuity_index
from app.services.triage import triage

SPLIT = "little_sleep_with_pressured_speech_spending_or_grandiosity"

# a manic or hypomanic episode: must fire the split finding and be urgent (or more)
MANIA = [
    # a relative, lay
    "My mum has barely slept all week and she's talking so fast none of us can keep up",
    "my husband has stopped sleeping and thinks he has special powers",
    "my son hasn't been sleeping and is talking nonstop, says he's going to be a millionaire",
    "my wife has barely slept in a week, she's buzzing, can't shut her up, spending like mad",
    "He has hardly slept for days and he's started 3 businesses this week",
    "he's barely slept and is acting really out of character, flirting with strangers and taking his clothes off",
    "my daughter hasn't slept properly for 4 nights, she's racing around, talking over everyone",
    "on steroids, not sleeping, talking nonstop and cleaning the house at 3am",
    # the relative's worry said after it does not cancel it (the bare worry words did)
    "he hasn't been sleeping, talking non-stop and spending loads of money, I'm worrying about him",
    "she's barely slept, talking a mile a minute, spent thousands, we're stressed about her",
    "she's hardly slept, full of grand plans, I'm beside myself with worry",
    "My son has bipolar and has barely slept, talking non-stop, I'm worrying about him",
    # misspelt
    "she hardly slep all week and spent thousnds on clothes",
    "hes hardly sleeping and thinks hes god, talking realy fast",
    "he hasnt been sleeping and is talking rubbish non stop jumping from one thing to another",
    "my mum's been up all nite every nite for a week and is on a massive spending spree",
    "my sister has barley slept, talking a mile a minute and maxed out her credit card",
    # the person
    "I've barely slept for a week but I feel amazing, full of energy and I've got so many business ideas",
    "I've hardly slept and I feel invincible, I don't need sleep",
    # clinical
    "34F, sleeping 2-3h/night for 1/52, pressured speech, flight of ideas, grandiose delusions",
    "28M, reduced sleep x5 days, pressure of speech, disinhibition, overspending",
    "Collateral from partner: minimal sleep for a week, elevated mood, grandiosity, impulsive spending",
    "45M no sleep for 4 nights, pressured speech, FOI, grandiose, elated",
]

# benign look-alikes: must not fire the split finding (nor mania_signs) and stay routine
BENIGN = [
    # insomnia, worry, grief
    "I've barely slept this week with insomnia, my mind won't switch off",
    "I've not been sleeping and I'm exhausted, no energy at all",
    "I've hardly slept for a week worrying about money, my partner says I'm talking so fast",
    "barely sleeping, worrying about work, talking so fast in meetings",
    "haven't slept properly, stressed about my job, spent thousands on online shopping",
    "hardly slept with anxiety, talking so fast I trip over my words",
    "hardly slept with the stress of the house move, spent thousands on furniture",
    "not sleeping well since my dad died, I keep talking too fast and crying",
    "reduced sleep due to back pain, overspending worries me",
    # shift work
    "I've barely slept this week after switching to nights, I'm talking rubbish at work",
    "hardly any sleep on my night shifts but full of energy on my days off",
    "shift worker, up all night every night, fine in myself",
    # a new baby or a small child
    "new baby, hardly slept for weeks, but on top of the world",
    "we've barely slept since the baby arrived, totally on top of the world though",
    "Our newborn is 2 weeks old, hardly any sleep, but we are full of energy and so happy",
    "baby barely sleeping, I'm talking non-stop to her all day",
    "baby not sleeping, I've spent thousands on sleep consultants",
    "my 2 year old has barely slept and he's full of energy, won't stop running around",
    "toddler isn't sleeping and won't stop talking at bedtime",
    # exams
    "barely slept with revision, talking so fast in my viva",
    "hardly slept before my exams, full of energy on caffeine",
    "barely slept last night before my interview, talking too fast",
    # a wedding, a party, a holiday
    "I've barely slept with excitement before the wedding, on top of the world",
    "hardly slept the night before my wedding, so excited, talking non-stop to everyone",
    "getting married on Saturday, barely sleeping, spent thousands on the dress and the venue",
    "hardly any sleep last night, talking non-stop at the party",
    "I've barely slept after my holiday, jet lagged but on top of the world",
    # a busy entrepreneur
    "I've barely slept launching my start-up, full of energy, so many business ideas",
    "I run two companies and have barely slept this quarter, always full of energy",
    # other causes of little sleep with energy
    "on prednisolone, barely sleeping and full of energy",
    "my husband has barely slept because of my snoring, he's on top of the world though after his promotion",
    "my dad has dementia and isn't sleeping, he won't stop talking and is confused",
]


@pytest.mark.parametrize("text", MANIA)
def test_mania_told_by_a_relative_or_the_person_fires(text):
    result = triage(text)
    assert SPLIT in ids(text), (text, result.reasons)
    assert result.level in ("urgent", "emergency"), (text, result.level, result.reasons)


@pytest.mark.parametrize("text", BENIGN)
def test_benign_little_sleep_stays_quiet(text):
    fired = ids(text)
    assert SPLIT not in fired and "mania_signs" not in fired, (text, fired)
    assert triage(text).level == "routine", (text, triage(text).reasons)


# mania_signs ("not slept for days", "don't need sleep"): a relative's worry said after it no longer cancels it;
# the person's own worry written onto the sleep words still does
@pytest.mark.parametrize("text", [
    "He hasn't slept for days, he's talking non-stop and spent thousands, we're all worrying about him",
    "she hasn't slept for days and is on top of the world, I'm so stressed about her",
    "he doesn't need sleep he says, full of energy, the family is beside itself with worry",
])
def test_mania_signs_not_cancelled_by_a_relatives_worry(text):
    assert "mania_signs" in ids(text), text


@pytest.mark.parametrize("text", [
    "I haven't slept for days with worry about money and my thoughts are racing",
    "haven't slept for days, worrying about my exams, racing thoughts",
    "I haven't slept for days with the stress of work, racing thoughts",
])
def test_mania_signs_quiet_on_the_persons_own_worry(text):
    assert "mania_signs" not in ids(text), text


def test_split_finding_is_recorded_as_checked():
    finding = default_acuity_index().library.by_id[SPLIT]
    # later rounds append their checks (round 14: numbered short sleep, checked by red-flag-reviewer-47)
    assert finding.reviewed["by"].startswith("red-flag-reviewer-31 (round 12); independently checked: red-flag-reviewer-33")
    assert finding.reviewed["date"] == "2026-12-01"
    assert finding.level == "urgent"


def test_mania_signs_change_waits_for_its_own_check():
    finding = default_acuity_index().library.by_id["mania_signs"]
    # checked by red-flag-reviewer-34 (docs/hazards/round_12_pending.md), who changed it again
    assert "pending change independently checked: red-flag-reviewer-34" in finding.reviewed["by"]
