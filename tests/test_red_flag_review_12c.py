"""Review round 12 (b) of the acuity layer (docs/hazards/round_12_b.md), by red-flag-author-35 (emergency physician;
needs an independent check): a neck injury with neck pain and tingling, numbness or weakness in both hands, arms or
legs, or holding the head still; and a worsening headache after a birth, in pregnancy or on the combined pill or HRT
with a fit, a limb twitching on its own, new weakness, vomiting or drowsiness (possible cerebral venous sinus
thrombosis). Checked both ways through ``triage.triage`` (words only); the sentences are the author's own.
"""

from __future__ import annotations

import pytest
from conftest import fired_ids as ids
from conftest import gap_tests

from app.services.triage import triage

NECK = {"neck_injury_neck_pain_with_limb_tingling_numbness_or_weakness", "neck_injury_holding_head_still",
        "neck_injury_dangerous_mechanism_neuro", "neck_pain_dangerous_mechanism", "neck_injury_neuro"}
CVST = {"postnatal_pregnancy_or_hormone_headache_with_twitching_weakness_or_fit",
        "postnatal_pregnancy_or_hormone_worsening_headache_with_vomiting_or_drowsiness", "seizure", "stroke_signs"}

# The shared gap table: gap -> (level, findings, firing sentences, benign look-alikes).
TABLE = {
    "neck_cord": ("emergency", NECK, [
        "my son did a somersault on the trampoline and came down on his head, the middle of his neck hurts and he says his fingers are tingling on both sides",
        "Fell face first onto the pavement, my neck is agony and both my arms have gone numb",
        "took a hard tackle at rugby and landed on my neck, now I have pins and needles down both arms",
        "dived off the pier into the shallows, sore neck and my hands feel weird and tingly",
        "crashed my car into a wall, neck really sore, tingling in both my hands and feet",
        "headbutted the bottom of the pool, neck pain and pins n needles in my hands",
        "she fell off the monkey bars onto her head, neck sore, holding her head stiffly and won't turn it",
    ], [
        "whiplash after being rear-ended, my neck is stiff, my hands feel fine",
        "woke with a stiff neck after sleeping funny, pins and needles in my hands",
        "pins and needles in both hands at night, carpal tunnel, neck a bit stiff",
        "came off my bike, sore neck, pins and needles in my hands at night from my carpal tunnel",
        "I fell asleep on the sofa awkwardly, neck pain and both arms tingling",
        "slept on my arm funny, neck hurts and both hands are numb",
    ]),
    "cvst": ("emergency", CVST, [
        "had a caesarean 9 days ago, thumping headache since Saturday and tonight my left hand keeps jerking on its own",
        "my baby is 2 weeks old, headache for 3 days worse when I lie down and I've been throwing up this morning",
        "I'm 30 weeks pregnant, bad head for days getting worse, worse on coughing, I keep dozing off and threw up",
        "on HRT, headache for 5 days getting worse, worse when I cough, now drowsy and being sick",
        "postpartum day 8, progressive headache worse supine, vomiting, R hand focal jerking",
        "on microgynon, head pain building up over the week and my right leg keeps twitching by itself",
    ], [
        "just had a baby, headache from no sleep and my eyelid keeps twitching",
        "on the pill, migraine with nausea like I always get, no weakness or twitching",
        "had an epidural 3 days ago, headache is worse sitting up and eases when I lie flat, I was sick once",
        "on the combined pill, usual migraine with vomiting, settled with sleep",
    ]),
}
test_gap_fires_at_level, test_benign_look_alike_stays_below = gap_tests(TABLE)  # two of each per gap


@pytest.mark.parametrize("text", [
    "fell off the trampoline, neck sore, no tingling or numbness in his hands or feet",
    "had my baby a week ago, headache but no vomiting, no twitching and no weakness",
])
def test_denied_words_do_not_fire_round_12c(text):
    assert not ids(text) & (NECK | CVST) - {"neck_pain_dangerous_mechanism"}, triage(text).reasons
