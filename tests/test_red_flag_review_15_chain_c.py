"""Round 15 chain C: red-flag-reviewer-57 (emergency physician) independently checks the round-15 changes of
red-flag-reviewer-55 and red-flag-reviewer-56 (docs/hazards/round_15_chain_c.md). First the trade-off of the arm
that cannot be lifted: a bare 'I can't lift my arm' is an emergency again (NICE NG128, NHS FAST), and only a
shoulder injury, strain or shoulder pain named in the sentence lowers it. Sentences are the reviewer's own,
checked through ``triage.triage`` (words only).
"""

from __future__ import annotations

import pytest

from conftest import finding_table_tests

# finding id -> (level it must reach at least, age, [sentences that fire it])
FIRES = {
    "cant_lift_arm_unexplained": ("emergency", None, [
        "I can't lift my arm",
        "cant lift my arm",
        "i cannot raise my arm at all",
        "my wife can't lift her arm",
        "cant raise my arm at all since lunch, no idea why",
        "my nan can't lift her arm, she seems fine otherwise",
    ]),
    "cant_lift_arm_with_stroke_context": ("emergency", None, [
        "tweaked my shoulder yesterday, cant lift my arm and my face has gone numb",
        "I pulled my shoulder at the gym and suddenly I can't lift my arm or speak properly",
        "can't lift my arm and my speech is slurred",
        "husband cant lift his arm suddenly",
    ]),
    "shoulder_cant_lift_after_injury": ("urgent", None, [
        "I pulled my shoulder at the gym, can't lift my arm",
        "I've pulled my shoulder at the gym, can't lift my arm",
        "my mum pulled her shoulder, can't lift her arm",
        # lead engineer, after this check: named shoulder causes that had fallen to routine (needs an independent check)
        "I think I dislocated my shoulder playing rugby, can't raise my arm",
        "my shoulder is killing me, unable to lift my arm",
        "landed on my shoulder when I came off my bike, can't lift my arm",
    ]),
    "anaphylaxis": ("emergency", None, [
        "my lips swelled after prawns and the ambulance crew had to give me adrenaline",
        "my son needed adrenaline after eating cashews, his throat felt tight",
    ]),
    "open_fracture_bone_visible": ("emergency", None, [
        "came off the motorbike, bone sticking out of my shin, had a tooth removed last week",
        "glassed in the face, i can see bone in the eye socket after the fight",
    ]),
    "nosebleed_not_stopping": ("emergency", None, [
        "my nose has been bleeding for 25 minutes and won't stop",
    ]),
    "nosebleed_still_going_after_stopping_and_starting": ("emergency", None, [
        "nosebleed for 30 mins, it stopped for a bit then started again and still won't stop",
        "nose bled 20 mins, stopped after 5, started again and hasnt stopped",
    ]),
    "child_limp_with_fever": ("emergency", 2, [
        "my toddler has a temp of 39 and wont move his leg",
        "baby has a fever and isn't moving her arm",
        "my little girl has a high temp and wont weight bear on her right leg",
    ]),
    "inr_5_to_8_with_minor_bleeding": ("urgent", None, ["inr 6.2 and my gums bleed when i brush"]),
    "inr_5_or_more_with_minor_bleeding_told_beside_advice": ("urgent", None, [
        "INR 5.5, gums bleeding a bit, leaflet says to look out for bruising",
    ]),
    "inr_8_or_more_value_with_bleeding": ("emergency", None, ["INR is 9 and I have blood in my wee"]),
    "inr_8_or_more_with_bleeding_told_beside_advice": ("emergency", None, [
        "my INR came back 8.7 and my nose is bleeding, they said watch for bleeding",
    ]),
    "eye_injury_with_misshapen_pupil_cut_globe_or_vision_change": ("emergency", None, [
        "got hit in the eye with a squash ball, pupil looks oval and my sight is blurry",
        "poked in the eye by a branch, vision was fine at first but now its blurry",
    ]),
    "peritoneal_dialysis_cloudy_fluid": ("urgent", None, [
        "on peritoneal dialysis, drain bag looks cloudy today and tummy is sore",
    ]),
    "dialysis_fistula_or_graft_bleeding_not_stopping": ("emergency", None, [
        "av graft in my arm keeps bleeding through the dressing, wont stop",
    ]),
    "acute_breathlessness_cannot_lie_flat": ("emergency", None, [
        "can't sleep lying flat, I wake up gasping and my legs are swollen",
    ]),
    "cancer_spinal_pain_with_leg_weakness_numbness_or_bladder_change": ("emergency", None, [
        "had breast cancer, now bad back pain and my legs are going numb and weak, worried it's cancer back",
    ]),
    "anticoagulant_nosebleed_repeated_or_long_wording": ("urgent", None, [
        "on clopidogrel and my nose has bled twice since yesterday",
    ]),
    "sudden_severe_abdominal_pain_with_af_or_arterial_disease_beside_family_history": ("emergency", 48, [
        "i have atrial fibrillation and suddenly severe belly pain, family history of heart attacks",
        "af on apixaban, sudden agonising tummy pain, dad had heart disease",
    ]),
    "testicle_in_slang_sudden_severe_pain_or_sick": ("emergency", 17, [
        "sudden agony in my left nut and I've been sick",
        "my left ball is suddenly really swollen and painful",
    ]),
    "dental_infection_or_extraction_swelling_to_eye_neck_or_mouth_floor": ("emergency", None, [
        "had a tooth out 3 days ago, now my face is swollen up to my eye",
        "bad tooth and the swelling has gone down my neck, I cant swallow",
    ]),
    "nonblanching_rash_under_60": ("emergency", 25, ["spots on the back of my hand that dont fade under a glass"]),
    "knocked_out_after_fall_or_blow": ("emergency", None, [
        "fell off a ladder and was knocked out for a few seconds",
        "got tackled at rugby and was out cold",
    ]),
    "anaphylaxis_question_with_a_sign": ("emergency", None, [
        "is this anaphylaxis? her lips are swelling and she's gone white",
        "could this be anaphylaxis, I feel like I'm about to faint after the wasp sting",
    ]),
}

# finding id -> (age, [look-alikes that must not fire it])
QUIET = {
    "cant_lift_arm_unexplained": (None, [
        "I pulled my shoulder at the gym, can't lift my arm",
        "strained my shoulder doing bench press, cant raise my arm",
        "my shoulder is killing me, unable to lift my arm",
        "had a frozen shoulder for months, can't raise my arm",
        "woke up and can't lift my arm because I slept on it",
    ]),
    "cant_lift_arm_with_stroke_context": (None, [
        "my mum pulled her shoulder, can't lift her arm",
        "I pulled my shoulder at the gym, can't lift my arm",
    ]),
    "anaphylaxis": (None, [
        "I had adrenaline pumping before the interview",
        "the dentist used adrenaline in my local and my heart was pounding",
        "had an adrenaline rush on the zipwire",
    ]),
    "open_fracture_bone_visible": (None, [
        "since my tooth extraction i can see bone in the gum",
        "dry socket, can see bone where my wisdom tooth was taken out",
    ]),
    "nosebleed_not_stopping": (None, ["nosebleed lasted 30 minutes and then stopped, fine now"]),
    "nosebleed_still_going_after_stopping_and_starting": (None, [
        "had a nosebleed yesterday that stopped after 10 minutes",
        "my nose bled last year and it stopped on its own",
    ]),
    "child_limp_with_fever": (2, [
        "my 2 year old has a cold and won't move from the sofa",
        "no fever, she's not weight bearing after falling off the slide",
    ]),
    "inr_5_or_more_with_minor_bleeding_told_beside_advice": (None, ["INR 5.5, look out for bleeding gums they said"]),
    "inr_8_or_more_with_bleeding_told_beside_advice": (None, ["INR 8.5, the nurse said to watch for any bleeding"]),
    "inr_8_or_more_value_with_bleeding": (None, ["INR 10, what if my nose bleeds? no bleeding now"]),
    "eye_injury_with_misshapen_pupil_cut_globe_or_vision_change": (None, [
        "scratched my eye on a twig, vision's fine now, just a bit watery",
    ]),
    "after_birth_perineal_wound_infection_or_breakdown": (None, [
        "2 weeks after birth, normal white discharge, stitches healing well",
    ]),
    "peritoneal_dialysis_cloudy_fluid": (None, ["I do PD at home, fluid is clear, its just cloudy today outside"]),
    "dialysis_fistula_or_graft_bleeding_not_stopping": (None, ["had an acl graft in my knee, the wound is bleeding a little"]),
    "acute_breathlessness_cannot_lie_flat": (None, ["can't sleep lying flat because of my bad back"]),
    "cancer_spinal_pain_with_leg_weakness_numbness_or_bladder_change": (None, [
        "worried about cancer, my back aches after gardening",
    ]),
    "sudden_severe_abdominal_pain_with_af_or_arterial_disease_beside_family_history": (45, [
        "family history of heart disease, mild tummy ache after curry",
    ]),
    "testicle_in_slang_sudden_severe_pain_or_sick": (30, [
        "kicked the ball and hurt my knee, sudden pain",
        "nut allergy, sudden tummy pain and sick",
        "his ball suddenly rolled into the road",
        "I kicked the ball and all of a sudden my ankle swelled up and I was sick",
    ]),
    "dental_infection_or_extraction_swelling_to_eye_neck_or_mouth_floor": (None, [
        "had my wisdom tooth out yesterday, cheek a bit puffy, jaw stiff",
    ]),
    "nonblanching_rash_under_60": (25, ["a rash on the back of my hand that fades when I press a glass"]),
    "knocked_out_after_fall_or_blow": (None, [
        "we got knocked out of the cup last night",
        "the sleeping tablet knocked me out",
        "had a tooth knocked out playing hockey",
    ]),
}

test_chain_c_fires, test_chain_c_look_alike_quiet = finding_table_tests(FIRES, QUIET)


@pytest.mark.parametrize("text", [
    "I pulled my shoulder at the gym, can't lift my arm",
    "my mum pulled her shoulder, can't lift her arm",
    "my shoulder is killing me after I fell, can't lift my arm",
])
def test_a_named_shoulder_injury_lowers_the_arm_to_urgent(text):
    """The trade-off: a named injury, strain or shoulder pain lowers a bare arm to urgent, never to an emergency."""
    from app.services.triage import triage
    assert triage(text, age=40).level == "urgent", text
