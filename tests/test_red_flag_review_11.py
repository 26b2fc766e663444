"""Review round 11 of the acuity layer (docs/hazards/round_11.md), by red-flag-author-26 (emergency physician;
needs an independent check): blue lips said mildly and a fall into water, early pregnancy with shoulder tip pain
or faintness in clinical shorthand, suicidal preparations told by a relative, and a red painful eye that sees worse
after eye surgery. Each gap is checked both ways through ``triage.triage`` (words only); the sentences are the
author's own, never the development texts.
"""

from __future__ import annotations

import pytest
from conftest import fired_ids as ids
from conftest import gap_tests

from app.services.triage import triage

# gap -> (findings any of which may carry it, level, firing sentences, benign look-alikes that must not reach it)
GAPS = {
    "g097": ({"blue_lips", "drowning_or_submersion_symptoms"}, "emergency", [
        "My little boy slipped into the pond and was under for a few seconds, he keeps coughing and his lips have gone a bit blue",
        "her lips look slightly bluish and she's breathing really fast",
        "there's a bluish tinge around his mouth and he's wheezy",
        "2yo fell into the paddling pool, now coughing and breathing quickly",
    ], [
        "there is a blue tinge to the bath water from the bath bomb",
        "her lips were a bit blue after swimming in the sea, fine now and pink",
        "my fingers go white then blue in the cold, Raynaud's",
    ]),
    "h040": ({"early_pregnancy_shoulder_tip_pain_clinical_wording", "early_pregnancy_faint_with_pain_or_bleeding",
              "shoulder_tip_pain_possible_pregnancy"}, "emergency", [
        "31F, UPT positive, LMP 6/52 ago, L shoulder-tip pain today",
        "Positive test 10 days ago, sharp pain low on my right side and I nearly passed out in the kitchen",
        "My period is 3 weeks late, I've got brown spotting and cramps and I went dizzy on the loo",
    ], [
        "shoulder tip pain after painting the ceiling, no chance I'm pregnant",
        "I'm 9 weeks pregnant and felt faint in a hot shop, no pain and no bleeding",
        "LMP 2/52 ago, UPT negative, shoulder tip pain after a laparoscopy yesterday",
    ]),
    "g092": ({"suicide_preparations_told_by_relative", "suicide_will_or_affairs_with_goodbye_or_means",
              "suicide_plan_or_preparations"}, "emergency", [
        "My grandad phoned and said goodbye like it was the last time, and told me where his will is",
        "Found her tablets saved up in a shoebox, she's been so flat since the divorce",
        "Mum has put her affairs in order and keeps saying we'd be better off without her",
    ], [
        "He said goodbye before his holiday to Spain",
        "I saved up tablets for the trip in case I run out abroad",
        "Dad told me where his will is before his hip operation",
        "Mum's giving things away to the charity shop because she's moving house",
    ]),
    "h095": ({"eye_red_painful_and_sight_worse_after_eye_surgery", "eye_worse_after_eye_surgery_wording",
              "eye_worse_after_eye_surgery_or_injection", "eye_problem_after_eye_surgery"}, "emergency", [
        "Dad had his cataract op on Tuesday and it was fine, but since this morning the eye is very red, throbbing and misty, worse than before the op",
        "4 days post intravitreal injection, painful red eye, acuity down, white level in the anterior chamber",
    ], [
        "Had my cataract done yesterday, the eye is a bit gritty and slightly blurry as the nurse said it would be",
        "Cataract surgery 5 years ago, now my vision is cloudy again and they said it's the capsule, no pain",
    ]),
}


# The shared gap table's order: (level, findings, firing sentences, look-alikes).
TABLE = {gap: (level, findings, fire, quiet) for gap, (findings, level, fire, quiet) in GAPS.items()}
test_gap_fires_at_level, test_benign_look_alike_stays_below = gap_tests(TABLE)  # two of each per gap


@pytest.mark.parametrize("text", [
    "no blue lips, breathing normally",
    "she is not dizzy and has no shoulder tip pain, pregnancy test positive",
    "he hasn't said goodbye and hasn't saved up any tablets",
])
def test_denied_words_do_not_fire_round_11(text):
    fired = ids(text)
    assert not fired & {"blue_lips", "early_pregnancy_shoulder_tip_pain_clinical_wording",
                        "early_pregnancy_faint_with_pain_or_bleeding", "suicide_preparations_told_by_relative",
                        "suicide_will_or_affairs_with_goodbye_or_means"}, triage(text).reasons
