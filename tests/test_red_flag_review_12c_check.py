"""Independent check of round 12 (b) (red-flag-author-35; docs/hazards/round_12_b.md), by red-flag-reviewer-36
(emergency physician): the neck-injury and the postnatal / pregnancy / hormone headache findings of
knowledge/red_flags/round_12_b.json. The reviewer's own sentences, both ways, through ``triage.triage`` (words only).
"""

from __future__ import annotations

import pytest
from conftest import fired_ids as ids

from app.services.triage import triage

NK = "neck_injury_neck_pain_with_limb_tingling_numbness_or_weakness"
HS = "neck_injury_holding_head_still"
FOC = "postnatal_pregnancy_or_hormone_headache_with_twitching_weakness_or_fit"
RIP = "postnatal_pregnancy_or_hormone_worsening_headache_with_vomiting_or_drowsiness"
MINE = {NK, HS, FOC, RIP}

CASES_FIRE = {
    NK: [
        "my lad went over the handlebars onto his head, his neck is really painful and his hands are tingling",
        "fell down the stairs and hit my head, neck aches, both my legs feel numb",
        "trampolining accident, landed on neck, nek pain and tingly fingers",
        "RTC 1 hour ago, midline neck tenderness, bilateral upper limb paraesthesia",
        "she fell off the climbing frame onto her head, her neck hurts and she says her arms have pins and needles",
        "diving accident at the lake, neck pain, can't move my legs",
        "whiplash, arms tingling",
        # one limb (NG41: paraesthesia in the upper or lower limbs), reviewer's widening
        "got tackled playing rugby, my neck hurts, pins and needles in my right arm",
        "motorbike crash, neck pain, tingling down my left arm",
    ],
    HS: [
        "toddler fell off the sofa onto his head and won't turn his head",
        "fell off the trampoline onto her head, holding her neck still with both hands",
    ],
    FOC: [
        "gave birth 10 days ago, awful headache and now my right arm has gone weak",
        "on the combined pill, headache for a week, left leg keeps jerking on its own",
        "on HRT, bad head for days and now I can't use my hand properly",
        "2/52 post partum, severe headache, focal seizure L arm",
    ],
    RIP: [
        "5 weeks postnatal, headache getting worse, very sleepy",
        "new mum, my headache is worse when I bend over, been sick three times",
        "pregnant, headache worse in the morning, throwing up and confused",
        "on the pill, headache that wakes me up at night, vomitting",
        "I'm on estradiol gel, headache getting worse each day, now muddled and nodding off",
        "gave birth a fortnight ago, worsening headache, drowsy",
    ],
}

# Benign look-alikes: none of the round 12 (b) findings fires and the level stays below emergency.
CASES_QUIET = [
    # activity words without an injury
    "been playing rugby all season, stiff neck, legs tired and weak after training",
    "did some diving at the swimming pool, sore neck from swimming, fingers numb from the cold water",
    "I dived for the ball at netball, neck is sore, fingers numb from the cold",
    "tackling the garden all weekend, neck aches and my arms are weak",
    "crashed into bed exhausted, woke with a stiff neck and both arms numb",
    "whiplash from a car accident last year, still get neck ache and tingly fingers sometimes",
    "stiff neck from sitting at my desk, pins and needles in my fingers when I type",
    # the worsening must be the headache's
    "I'm 12 weeks pregnant, morning sickness getting worse, vomiting all day, headache, sleepy",
    "new mum, the baby wakes me up every two hours, constant headache and so sleepy",
    "I'm pregnant, nausea worse in the morning, headache, vomiting",
    "18 weeks pregnant, heartburn worse lying down, headache, been sick",
    "on the pill, tummy bug, vomiting and diarrhoea getting worse, headache and sleepy",
    "on the pill, period pain getting worse, headache, threw up",
    # twitching or weakness with another cause
    "I'm pregnant, headache, my leg keeps twitching when I try to sleep",
    "had my baby last week, headache, my arm is heavy from carrying the car seat",
    "on the pill, headache, my arm is weak from the gym",
    "I'm pregnant, headache, my leg is weak because of SPD pelvic pain",
    "gave birth 2 days ago, epidural headache worse when I sit up, vomited",
]


@pytest.mark.parametrize("finding,text", [(f, t) for f, ts in CASES_FIRE.items() for t in ts])
def test_fires_at_emergency_12c_check(finding, text):
    result = triage(text)
    assert result.level == "emergency", (text, result.reasons)
    assert finding in ids(text), (text, result.reasons)


@pytest.mark.parametrize("text", CASES_QUIET)
def test_benign_look_alike_quiet_12c_check(text):
    result = triage(text)
    assert not ids(text) & MINE, (text, result.reasons)
    assert result.level != "emergency", (text, result.reasons)


@pytest.mark.parametrize("text", [
    "car crash this morning, neck pain but no pins and needles or numbness in my arms or legs",
    "had my baby 9 days ago, headache, no weakness, no twitching, not vomiting and not drowsy",
])
def test_denied_words_quiet_12c_check(text):
    assert not ids(text) & MINE, triage(text).reasons
