"""Independent check of the changes waiting in `reviewed.pending_check` after round 12, and of the two findings that
red-flag-reviewer-30 added (docs/hazards/round_12_pending.md), by red-flag-reviewer-34 (emergency physician; my own
widenings need an independent check). Words only, through ``triage.triage``; every sentence is my own."""

from __future__ import annotations

from conftest import finding_table_tests, findings_by_id

# finding id -> (level it must reach, age, sentences that must fire it)
FIRES = {
    "not_responding_said_of_the_person": ("emergency", 40, [
        "my dad is on the floor and unresponsive",
        "he's not responding when I shout his name",
        "no response to voice, eyes closed",
        "found her unresponsive, her chest infection was not responding to antibiotics",
        "my husband is unresponive on the sofa",
        "she's not responsive and breathing slowly",
    ]),
    "unconscious_collapse": ("emergency", 40, [
        "he collapsed and isn't responding, his cough has not responded to antibiotics",
    ]),
    "child_very_unwell": ("emergency", 2, [
        "toddler is floppy, fever not responding to calpol",
        "my baby is mottled and not responding to calpol",
    ]),
    "major_trauma": ("emergency", 40, [
        "looks like he's been hit by a car, he's not moving",
        "my friend got hit by a car and her leg looks wrong",
    ]),
    "serious_burn": ("emergency", 40, [
        "burnt my leg with drain cleaner, one small blister",
        "cement burn on my knees from kneeling in wet concrete",
        "got burnt by battery acid, acid spilt on my wrist",
        "scalded my hand, large blisters and one tiny blister on my finger",
    ]),
    "burn_with_diabetes_or_weak_immunity": ("urgent", 40, [
        "type 2 diabetic, burnt my foot on the radiator",
        "I'm on methotrexate and burnt my hand, there's a small blister",
        "had a kidney transplant, spilt hot tea on my thigh, blistered",
        "I'm diabetic, a burn to my foot from the fire",
    ]),
    "older_fall_cant_get_up": ("emergency", 82, [
        "mum is 85, had a fall, non weight bearing since",
        "tripped, can't weight bare on my right leg",
    ]),
    "injury_cannot_bear_weight_wording": ("urgent", 30, [
        "twisted ankle, the bone on the outside is tender to touch",
        "rolled my ankle, could weight bear afterwards but bony tenderness at the base of the 5th metatarsal",
        "twisted ankle, can't weight bare",
    ]),
    "post_operative_wound_bleeding": ("urgent", 55, [
        "had my c-section 5 days ago, squishy swelling under the wound, bruised and growing",
        "had a seroma drained after my mastectomy, now blood soaking through the dressing",
    ]),
    "sudden_hearing_loss_wording": ("urgent", 55, ["SSNHL left ear since yesterday", "sudden R SNHL 2/7, tinnitus"]),
    "high_potassium_with_symptoms": ("emergency", 60, [
        "potassium 6.3 and I feel weak and my heart is skipping",
        "GP rang, potassium result was 6.1, I feel fluttery in my chest",
    ]),
    "inr_very_high_with_bleeding": ("emergency", 60, [
        "on warfarin, INR 8.5 today and my gums are bleeding, it was 2.5 last year",
    ]),
    "potassium_severely_low_with_symptoms": ("emergency", 60, [
        "K 2.4 and my legs are weak, I had low potassium years ago too",
    ]),
    "mania_signs": ("urgent", 35, [
        "my son hasn't slept for 3 nights, he's talking non-stop and spending loads, we're stressed about money now",
        "he hasn't slept for days, talking non-stop, spending money like mad, his wife is worrying about money",
    ]),
    "seizure": ("emergency", 40, [
        "he's fitting, please help",
        "shes fitting and her lips are blue",
        "my husband's fitting on the floor, jerking",
        "she's fitting and her arms are jerking",
        "he's fitting and throwing up",
        "my wife's fitting, she's never had one before",
    ]),
}

# finding id -> (age, benign look-alikes that must not fire it)
QUIET = {
    "not_responding_said_of_the_person": (40, [
        "my back pain is not responding to painkillers", "my eczema is unresponsive to steroids",
        "she's not responding to my messages", "my cough is not responsive to antibiotics",
    ]),
    "child_very_unwell": (2, ["my son's temperature is not responding to calpol, he's playing"]),
    "major_trauma": (40, ["aching all over, feel like I've been run over", "my back feels like someone stabbed me"]),
    "serious_burn": (40, [
        "I get acid reflux and heartburn after meals", "the plug socket sparked but I'm not hurt",
        "mixing cement all day and my back aches", "burnt myself on the iron, tiny blister, cooled it",
    ]),
    "burn_with_diabetes_or_weak_immunity": (40, [
        "diabetic, burnt my tongue on hot soup", "diabetic, burnt my finger on the iron, red, no blisters",
        "I'm on chemo, sunburnt my shoulders", "diabetic, heartburn and sore feet",
    ]),
    "older_fall_cant_get_up": (80, ["I'm 80, can't weight bear for long because of arthritis, no fall"]),
    "injury_cannot_bear_weight_wording": (30, [
        "no tenderness over the lateral malleolus, rolled ankle, walking fine", "I can't put weight on, however much I eat",
    ]),
    "post_operative_wound_bleeding": (55, ["six weeks after my hernia op, soft squishy lump under the scar, no pain"]),
    "sudden_hearing_loss_wording": (55, ["known bilateral SNHL for years, wears hearing aids, no change"]),
    "high_potassium_with_symptoms": (60, ["on IV potassium 40 mmol 6 hourly, feel fine", "potassium 4.6, palpitations after coffee"]),
    "inr_very_high_with_bleeding": (60, ["INR 8 last year, nosebleed today after picking"]),
    "potassium_severely_low_with_symptoms": (60, ["potassium 2 months ago was fine, now tired"]),
    "mania_signs": (35, [
        "I haven't slept for days worrying about money, my thoughts are racing",
        "haven't slept for days, worrying about work, racing thoughts",
    ]),
    "seizure": (40, [
        "he's fitting a new kitchen and hurt his back", "she's fitting in well at her new school",
        "I'm fitting the carpets today, sore knees", "he's fitting tyres all day and his wrist hurts",
        "they're fitting my new boiler tomorrow", "my son's fitting into his old clothes again",
        "we're fitting a new kitchen, I cut my hand",
    ]),
}



test_fires, test_look_alike_quiet = finding_table_tests(FIRES, QUIET)


def test_records():
    lib = findings_by_id()
    for fid in FIRES:
        rv = lib[fid]["reviewed"]
        text = rv.get("by", "") + rv.get("pending_check", "")
        assert "red-flag-reviewer-34" in text, fid
        assert "red-flag-reviewer-30" not in rv.get("pending_check", ""), fid
        assert "red-flag-reviewer-32" not in rv.get("pending_check", ""), fid
