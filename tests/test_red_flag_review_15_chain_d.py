"""Round 15 chain D (docs/hazards/round_15_chain_d.md), by red-flag-reviewer-58 (emergency physician): the
independent check of red-flag-reviewer-57's changes and the lead engineer's four widenings of 2026-12-01. Each
finding is tried with the reviewer's own firing sentences and harmless look-alikes (words only)."""

from __future__ import annotations

from conftest import finding_table_tests

# finding -> (level it must reach at least, age, [sentences that fire it])
FIRES = {
    "head_injury_anticoagulant_wording": ("emergency", 80, [
        "on rivaroxaban, struck head on the car door this morning",
        "85F warfarin, mechanical fall, scalp haematoma, GCS 15",
        "on dabigatran, fell and struck occiput, small lump",
    ]),
    "glandular_fever_spleen_pain": ("emergency", 19, [
        "glandular fever, got punched in the stomach and now severe pain",
        "mono, took a knock to the stomach at rugby and now pain in my left shoulder tip",
        "glandular fever, pain in my tummy and my left shoulder",
        "glandular fever 3 weeks ago, kicked in the tummy at football, now pain under my left ribs",
    ]),
    "blistering_rash_mucosal_sores": ("emergency", 35, [
        "started carbamazepine, now blisters and the skin is sloughing off, mouth ulcers",
        "new rash with bullae and mucositis after co-trimoxazole",
        "positive nikolsky, oral ulceration, conjunctivitis, on lamotrigine",
        "had chickenpox as a child, started lamotrigine, now skin peeling off in sheets and mouth ulcers",
    ]),
    "inr_5_or_more_with_minor_bleeding_told_beside_advice": ("urgent", 70, [
        "INR is 6, gums bleeding since this morning",
    ]),
    "nosebleed_still_going_after_stopping_and_starting": ("emergency", 40, [
        "my nose has bled for 15 minutes and hasnt stopped",
        "nose bled for 25 mins, stopped, started again and still hasnt stopped",
    ]),
    "cant_lift_arm_with_stroke_context": ("emergency", 70, [
        "tweaked my shoulder, can't lift my arm and my speech is slurred",
        "my wife can't raise her arm, she seems confused",
    ]),
    "cant_lift_arm_unexplained": ("emergency", 70, [
        "I can't lift my arm, since this morning, no injury",
        "mum can't lift her arm, came on an hour ago",
    ]),
    "shoulder_cant_lift_after_injury": ("urgent", 50, [
        "did my shoulder in at work, unable to raise my arm",
        "fell onto my shoulder from the horse, unable to lift my arm",
    ]),
}

# finding -> (age, [look-alikes that must not fire it])
QUIET = {
    "head_injury_anticoagulant_wording": (80, [
        "on warfarin, frontal headache for a week, no injury",
        "on apixaban, what if I hit head on something?",
        "on apixaban, used to hit head playing rugby as a child",
    ]),
    "glandular_fever_spleen_pain": (19, [
        "glandular fever, left shoulder pain from carrying my rucksack",
        "had mono a year ago, hit in the stomach by a football today, fine now",
        "glandular fever, ordinary tummy ache on and off",
        "glandular fever, hit in the stomach by a ball, no pain, just checking",
    ]),
    "blistering_rash_mucosal_sores": (4, [
        "my child has hand foot and mouth, blisters on hands and feet and mouth ulcers",
        "my toddler has chickenpox blisters all over his body and sores in his mouth",
        "sunburn blisters all over my body and my lips are crusted from the sun",
        "ringworm target like rash, mouth ulcers from stress",
        "I have mucositis from chemotherapy, no rash",
    ]),
    "inr_5_or_more_with_minor_bleeding_told_beside_advice": (70, [
        "INR 6.1, no gums bleeding, no bruises, feel well",
        "INR 2.4, gums bleeding after brushing",
    ]),
    "nosebleed_still_going_after_stopping_and_starting": (40, [
        "nose bled this morning for 2 mins, has stopped now",
        "nose has bled a few times this year, never for long",
    ]),
    "cant_lift_arm_with_stroke_context": (70, ["my mum pulled her shoulder, can't lift her arm"]),
    "cant_lift_arm_unexplained": (50, [
        "unable to lift my arm after the flu jab yesterday, sore",
        "did my shoulder in at work, unable to raise my arm",
    ]),
    "shoulder_cant_lift_after_injury": (50, ["frozen shoulder, unable to raise my arm past shoulder height for months"]),
}

test_chain_d_fires, test_chain_d_look_alike_quiet = finding_table_tests(FIRES, QUIET)


def test_testicle_slang_swelling_words_fire_and_quiet():
    from app.services.triage import triage

    for text in ("my right nut is really swollen all of a sudden and throbbing",
                 "woke up with one ball swollen and sore"):
        r = triage(text, age=15, sex="male")
        assert "testicle_in_slang_sudden_severe_pain_or_sick" in {f["id"] for f in r.red_flags}, text
        assert r.level == "emergency", text
    for text in ("suddenly my ankle is really swollen and painful, kicked the ball at football",
                 "my left nut is swollen and sore, came on gradually over a week"):
        r = triage(text, age=30, sex="male")
        assert "testicle_in_slang_sudden_severe_pain_or_sick" not in {f["id"] for f in r.red_flags}, text
