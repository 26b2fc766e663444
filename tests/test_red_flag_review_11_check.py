"""Independent check of round 11 (red-flag-author-26; docs/hazards/round_11.md), by red-flag-reviewer-27 (emergency
physician): the new findings of knowledge/red_flags/round_11.json and the widened blue_lips,
drowning_or_submersion_symptoms and suicide_plan_or_preparations. The reviewer's own sentences, both ways, through
``triage.triage`` (words only).
"""

from __future__ import annotations

import pytest
from conftest import fire_quiet_tests

from app.services.triage import triage

CASES_FIRE = {
    # swimming no longer cancels blue lips said now
    "blue_lips": [
        "his lips are blue after swimming and he is breathing fast",
        "her lips are still blue after swimming and she's shivering and confused",
        "lips blue after a cold water swim an hour ago and still blue",
        "my daughter had a swim lesson last week; today her lips are blue and she is wheezy",
    ],
    # bare past-time words no longer cancel a current submersion
    "drowning_or_submersion_symptoms": [
        "she was pulled out of the pool 20 minutes ago and is coughing, she had pneumonia last year",
        "he fell in the pond this afternoon, last year he did the same, now coughing",
        "he fell in the pond and was under for a few seconds, now coughing",
    ],
    # terminal illness no longer cancels final arrangements with a burden / means
    "suicide_will_or_affairs_with_goodbye_or_means": [
        "Dad has terminal cancer and told me where his will is and that he's a burden",
        "my husband has palliative care, he has put his affairs in order and has saved up his morphine",
    ],
    "suicide_preparations_told_by_relative": [
        "My mum has stockpiled tablets in the cupboard since dad died",
    ],
    "early_pregnancy_faint_with_pain_or_bleeding": [
        "UPT positive, dizzy, LIF pain",
    ],
    "eye_red_painful_and_sight_worse_after_eye_surgery": [
        "I had my cataract op two weeks ago and now it's very red, painful and my vision is worse",
    ],
}

CASES_QUIET = {
    "blue_lips": [
        "there is a blue tinge to the bath water",
        "blue bath bomb in the bathwater",
    ],
    "drowning_or_submersion_symptoms": [
        "he fell in the pond on holiday last year, now he has a cough and cold",
        "he nearly drowned years ago, now he has a cough",
    ],
    "suicide_will_or_affairs_with_goodbye_or_means": [
        "Dad has terminal cancer and told me where his will is",
    ],
    "suicide_preparations_told_by_relative": [
        "he denies having saved up tablets",
    ],
    # a lateral flow / covid test or bleeding gums is not a pregnancy cue or pelvic bleeding
    "early_pregnancy_faint_with_pain_or_bleeding": [
        "lateral flow test positive and I feel dizzy with tummy pain",
        "I'm pregnant, feeling dizzy and I have bleeding gums",
    ],
}


test_fires, test_quiet = fire_quiet_tests(CASES_FIRE, CASES_QUIET)


@pytest.mark.parametrize("text", [
    "his lips are blue after swimming and he is breathing fast",
    "she was pulled out of the pool 20 minutes ago and is coughing, she had pneumonia last year",
])
def test_unwell_now_is_an_emergency(text):
    assert triage(text).level == "emergency", triage(text).reasons
