"""Review round 13, over-triage (docs/hazards/round_13_over_triage.md), by red-flag-author-39 (emergency physician;
needs an independent check): benign descriptions that a red flag raised to emergency or urgent. A worried question
naming the feared condition ("is this a seizure??", "is this rhabdo??", "am I having a stroke?"), one burn blister
measured as a small coin, purple blotches on an older person's forearms from knocks, and a baby's fever said to be
gone now. Every narrowed finding is checked the other way too: the real presentations in the same words still fire
at their level (the first list of each gap). The sentences are the author's own, never the development texts.
"""

from __future__ import annotations

import pytest
from conftest import fired_ids as ids
from conftest import gap_tests

from app.services.triage import triage

# gap -> (level the real presentations must reach, findings any of which carries it,
#         real presentations that must fire, benign look-alikes that must stay below that level)
TABLE = {
    "d7-002 question naming a fit": ("emergency", {"seizure", "fit_movements_described"}, [
        "my son's eyes have rolled back and his arms and legs are twitching, is this a seizure??",
        "she went stiff and started jerking, is she having a fit?",
        "Is this a fit? He's jerking and not responding on the sofa",
        "my daughter had a seizure for the first time this morning. Could it be a seizure again?",
        "my wife is fitting on the bathroom floor",
    ], [
        "right as I'm dropping off my whole body jolts and I wake with a start, is this a seizure??",
        "when i drift off to sleep my leg kicks out, am i having seizures?",
        "my toddler had a tantrum and went red in the face, was it a fit?",
    ]),
    "d7-080 question naming rhabdo": ("emergency", {"dark_cola_urine_muscle_injury",
                                                   "rhabdomyolysis_named_with_muscle_cause"}, [
        "my pee went dark brown like cola after crossfit, could this be rhabdo??",
        "did 200 press-ups yesterday, my arms are swollen and my wee has gone brown",
        "found on the floor after a long lie, CK was high and the paramedic said rhabdomyolysis",
        "after a spin class my thighs are agony and my urine looks like tea, is it rhabdo?",
    ], [
        "did a spin class two days ago, thighs aching, pee is normal colour, worried about rhabdo",
        "my legs are killing me after squats yesterday, is this rhabdo or just DOMS?",
        "first gym session in years and my arms are sore, could it be rhabdomyolysis? wee looks normal",
    ]),
    "d7-010 one coin-sized burn blister": ("emergency", {"hot_agent_burn_blistered_limb", "serious_burn",
                                                        "hot_agent_burn_face_hands_feet_genitals_or_large"}, [
        "scalded my hand with the kettle, there's a blister the size of a 50p",
        "burnt my hand on the hob, blister the size of a penny and the skin is white and leathery",
        "burnt my forearm on the oven door, a 5p sized blister and big blisters on my wrist",
        "scalded my foot with boiling water from the kettle and it's blistered",
    ], [
        "burnt my finger on the baking tray, one blister about the size of a 5p, cooled it for 20 minutes",
        "caught my thumb on the hot pan, a penny sized blister, ran it under the cold tap",
        "burned my wrist on the oven shelf, one blister smaller than a 5p, skin pink not white",  # "one": reviewer-41
    ]),
    "d7-014 purple blotches from knocks in an older person": ("emergency", {
        "nonblanching_rash", "purple_or_nonblanching_rash_with_fever_or_unwell", "purple_or_nonblanching_rash_child"}, [
        "my 80 year old dad has purple blotches on his forearms from knocks and a high temperature",
        "mum bruises from the slightest knock, purple spots on her arms and she's drowsy and confused",
        "my 4 year old has purple spots on her legs, she bumps into things at nursery",
        "purple spots that don't fade under a glass on my arms and legs",
        "Nan has purple blotches on her forearms because her skin is so thin, and her gums are bleeding",
    ], [
        "my 82 year old nan has purple blotches on her forearms, she knocks them on everything, skin is so thin",
        "Grandad is 88, flat purple blotches on the backs of his arms from the slightest knock, otherwise well",
        "76F, senile purpura both forearms, well, no fever",
    ]),
    "d7-139 a baby's fever that is gone now": ("urgent", {"fever_baby"}, [
        "my 8 month old has had a fever since last night",
        "my baby's fever settled yesterday and came back this morning",
        "my 10 month old's fever went down with calpol but it's back up again",
    ], [
        "my 9 month old had a high temperature for 3 days, now afebrile with a pink rash, playing happily",
        "8 month old, fever for 2 days, fever free since this morning, feeding well",
        "my baby had a high temperature on Monday, she no longer has a fever and is eating well",
    ]),
    "d7-038 question naming a stroke (words only, unchanged)": ("emergency", {
        "stroke_signs", "stroke_speech_wording", "stroke_face_lopsided_wording"}, [
        "my speech is slurred and my left arm is numb, am I having a stroke?",
        "dad's face has dropped on one side and his arm is weak, is he having a stroke?",
        "mum suddenly can't lift her arm and her words are jumbled, is this a stroke??",
    ], [
        "woke in the night and couldn't move for a few seconds, then fine, no weakness now, am I having strokes?",
        "I get a tingly lip when I'm anxious, could it be a stroke? no weakness, talking fine",
    ]),
}

test_gap_fires_at_level, test_benign_look_alike_stays_below = gap_tests(TABLE)


ROUND_13_NEW = {"fit_movements_described", "rhabdomyolysis_named_with_muscle_cause",
                "purple_or_nonblanching_rash_with_fever_or_unwell", "purple_or_nonblanching_rash_child"}


@pytest.mark.parametrize("text", [
    "no jerking, eyes didn't roll back, he just fainted and came round straight away",
    "my legs jerk as I fall asleep, no fits in the day",
    "shivering with rigors, arms and legs shaking, teeth chattering, temperature 38.9",
    "no rhabdo on the bloods, CK normal after the marathon",
    "no purple spots and no fever",
    "my back went stiff after gardening",
])
def test_round_13_new_findings_quiet_on_denials_and_look_alikes(text):
    assert not ids(text) & ROUND_13_NEW, triage(text).reasons


@pytest.mark.parametrize("text", [
    # a question in the same sentence cancels `seizure`, never the described movements
    "he's jerking all over and his eyes rolled back, is it a seizure?",
    "she went rigid and is shaking and not responding, was that a fit?",
])
def test_a_question_never_cancels_a_described_fit(text):
    assert triage(text).level == "emergency"
    assert "fit_movements_described" in ids(text)


# Independent check (red-flag-reviewer-41, 2026-12-01): the reviewer's own sentences. A question naming a fit beside a
# sign or a statement of one (fit_signs_or_statement_with_a_question); a bare coin size beside more blisters; purple
# blotches in an older person who is off her legs or has bleeding gums.
REVIEW_TABLE = {
    "r41 a question about a fit with signs of one or a fit stated": ("emergency", {
        "seizure", "fit_movements_described", "fit_signs_or_statement_with_a_question"}, [
        "my 2 year old is twitching and staring blankly and won't respond to me, is this a seizure?",
        "is this a fit? his whole body is shaking and he won't answer me",
        "his face has been twitching on one side for 10 minutes, is this a seizure",
        "dad's arm is shaking uncontrollably and he can't talk, is it a seizure?",
        "my baby keeps doing jerky movements with her arms and her eyes are rolling, could it be a seizure?",
        "my husband was found confused and had bitten his tongue and wet himself, was it a seizure?",
        "she had a seizure this morning, was it a seizure?",
        "my son had his first seizure an hour ago, is it a seizure or a faint?",
        "she is having a seizure right now, is this a seizure?",
        "My boy is on the floor and his body is jerking. Is this a seizure?",
    ], [
        "my eyelid keeps twitching, could it be a seizure?",
        "my muscles keep twitching all over, am I having seizures? I'm really anxious",
        "I get a jerk in my leg when I'm nodding off. Is it a seizure?",
        "I have a tremor in my hands, could it be a seizure?",
        "my baby jerks her arms when she's startled, is this a fit?",
        "my legs feel stiff after running, could it be a seizure?",
        "i shook with the cold after swimming, was it a fit?",
    ]),
    "r41 a bare coin size beside more blisters": ("emergency", {"hot_agent_burn_blistered_limb"}, [
        "scalded my hand with the kettle, blister the size of a 5p, and lots of blisters across my palm",
        "burnt my hand on the oven, blister the size of a 5p on my thumb and another on each finger",
        "burnt my fingers on the hob, a penny sized blister on two of them",
    ], [
        "burnt my finger on the hob, just a blister the size of a penny",
        "burnt my thumb on the grill pan, a single 5p sized blister, cooled it",
    ]),
    "r41 purple blotches from knocks in an older person who is unwell or bleeding": ("emergency", {
        "purple_or_nonblanching_rash_with_fever_or_unwell"}, [
        "mum is 79 and has purple blotches on her forearms, she knocks them on things, and she's been off her legs and not eating",
        "loads of purple spots on my legs and my gums bleed when I brush, skin is thin",
        "Grandad has purple blotches on his arms from the slightest knock and a nosebleed that won't stop",
    ], [
        "Nana is 85, purple blotches on her forearms from knocks, eating fine, otherwise well",
        "senile purpura on both forearms, no bleeding, well in herself",
    ]),
}

test_review_fires, test_review_quiet = gap_tests(REVIEW_TABLE)


# Independent check of the reviewers' changes (red-flag-reviewer-42, 2026-12-01): other wordings of the findings that
# red-flag-reviewer-41 changed or added, their unless words beside a real emergency, and look-alikes.
CHECK_TABLE = {
    "a sign or a statement of a fit with a question (check)": (
        "emergency", {"fit_signs_or_statement_with_a_question"}, [
            "my baby keeps shaking and her lips are blue, is it a fit?",
            "he suddenly fell down and started shaking all over, could it be a seizure",
            "is this a seizure?? my son is jerking and wont respond",
            "my husband was shivering then went rigid and is not answering, is it a fit?",
            "she had a seizure this morning, was it a seizure?",
            "she had a seizure last year, is this a seizure? she is jerking now and not answering",
        ], [
            "my legs jerk when I drift off, is this a seizure?",
            "he was shaking with rigors, could it be a seizure?",
            "my hands are shaking when I'm anxious, is this a seizure?",
            "my wife's hands shook with the cold, is this a seizure",
            "I had a seizure as a child, is this a seizure? my eyelid twitches",
        ]),
    "a fit with a tantrum or panic word beside it stays an emergency (check)": (
        "emergency", {"fit_movements_described", "fit_signs_or_statement_with_a_question", "unconscious_collapse",
                      "blue_lips", "child_very_unwell"}, [
            "my wife had a panic attack then went stiff and started jerking and won't respond, is this a seizure",
            "my 2 year old had a tantrum then went stiff and blue and won't wake, was it a seizure?",
        ], [
            "my 2 year old had a tantrum and held her breath, was it a fit?",
            "my baby startled and shook her arms, is it a fit?",
        ]),
    "purple patches or blotches in an older adult with bleeding or off legs (check)": (
        "emergency", {"purple_or_nonblanching_rash_with_fever_or_unwell"}, [
            "dad is 80, purple patches on his arms, paper thin skin, he has had a nosebleed and bleeding gums since yesterday",
            "mum is 80, purple blotches on her arms from the slightest knock, she's off her legs today",
            "my gran (84) has purple spots on her legs from bumping into things, her nose keeps bleeding",
        ], [
            "mum is 80, purple marks on her forearms from knocks, she is well",
            "dad is 82, purple bruises on his arms from bumps, paper thin skin, he had a nosebleed last year",
        ]),
    "limb burn with a small blister and more blisters (check)": (
        "emergency", {"hot_agent_burn_more_than_one_blister_limb"}, [
            "scalded my hand with the kettle, one blister the size of a 5p and the whole back of my hand is blistered",
            "burnt my palm on the hob, just a blister the size of a penny, and lots of little blisters on my fingers",
            "burnt my hand on the oven, one blister the size of a 5p on my thumb and another blister on my finger",
        ], [
            "burnt my finger on the hob, single blister the size of a penny, no other blisters",
            "burnt my thumb on the oven tray, one blister the size of a 5p, cooled it under the tap",
        ]),
}
test_check_fires, test_check_quiet = gap_tests(CHECK_TABLE)


# Independent check of round 13's last changes (red-flag-reviewer-43, 2026-12-01): the new burn companion (further
# blisters told without the word "blisters"; no clause-wide heartburn / burning pain; misspelt scalds) and the purple
# patches / marks widening.
LAST_TABLE = {
    "hot burn on a limb with more than one blister (last check)": (
        "emergency", {"hot_agent_burn_more_than_one_blister_limb"}, [
            "burnt my hand on the oven, one blister the size of a 5p on my palm and two more on my fingers",
            "scalded my hand with boiling water, one blister the size of a penny on my thumb and another one on my finger",
            "scaulded my hand with the kettel, one blister the size of a 5p and blisters on my fingers",
            "burnt my hand on the oven, blisters all over my palm, I also have heartburn",
            "burnt my hand on the kettle, it's blistered and there's a burning pain",
            "scolded my arm with hot tea, blistering and a burning sensation",
        ], [
            "burnt my thumb on the oven, one blister the size of a 5p, it hasn't blistered anywhere else",
            "burnt my finger on the hob, one blister the size of a penny, no more blisters",
            "burnt the toast, blisters on my heels from my new boots, the kettle is broken",
        ]),
    "purple patches or marks with fever or unwell (last check)": (
        "emergency", {"purple_or_nonblanching_rash_with_fever_or_unwell"}, [
            "purple patches on her legs and she has a temperature",
            "dark purple marks came up on my son's legs and he's burning up",
            "my dad is 80, purple patches on his forearms and he is drowsy",
        ], [
            "a purple birthmark on her cheek, she's poorly with a cold",
            "purple patches on her shins from varicose veins, otherwise well",
        ]),
}
test_last_check_fires, test_last_check_quiet = gap_tests(LAST_TABLE)


# Independent check (red-flag-reviewer-44, 2026-12-01): red-flag-reviewer-43's changes to
# hot_agent_burn_more_than_one_blister_limb; the further-blister words are now tied to "on" ("two more on my fingers").
REVIEW44_TABLE = {
    "hot burn on a limb with more than one blister (reviewer-44)": (
        "emergency", {"hot_agent_burn_more_than_one_blister_limb"}, [
            "scalded my hand with the kettel, one small blister and two more on my fingers",
            "I scaulded my arm with boiling water, a blister the size of a 5p and another one on my wrist",
            "burnd my palm on the hob, tiny blister on my thumb and a few more on my fingers",
            "got scolded by hot tea on my leg, one blister the size of a penny and several more on my thigh",
            "burnt my toast and then burnt my hand on the oven, blisters on my fingers",
        ], [
            "burnt my finger on the iron, red but no blister, do I need to buy another one of those burn gels",
            "burnt my finger on the oven, single blister the size of a 5p, cooled it, no others",
        ]),
}
test_review44_fires, test_review44_quiet = gap_tests(REVIEW44_TABLE)
