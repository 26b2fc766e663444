"""Independent check of the changes waiting in `reviewed.pending_check` (round 12: red-flag-reviewer-34 and -36 first,
then the oldest ones), by red-flag-reviewer-37 (emergency physician). docs/hazards/round_12_pending_2.md.
Words only, through ``triage.triage``; every sentence is my own."""

from __future__ import annotations

from conftest import finding_table_tests, findings_by_id

# finding id -> (level it must reach, age, sentences that must fire it)
FIRES = {
    "not_responding_said_of_the_person": ("emergency", 40, [
        "my dad is unresponive on the floor",
        "found my wife unresposive in bed",
        "she's not respondin when I shake her",
        "grandad isn't responsive and breathing funny",
        "my son is unresponcive after a fall",
    ]),
    "seizure": ("emergency", 40, [
        "she's fitting on the carpet",
        "he's fitting in the bathroom",
        "my son's fitting in his room",
        "my wife's fitting in the kitchen",
        "dad's fitting on the bathroom floor",
        "he is fitting in the kitchen",
        "she's fitting in bed at the moment",
        "my son's fitting in bed with a temperature of 39",
        "he has a high temperature and he's fitting as well",
        "my husband's fitting on the kitchen floor",
        "baby's fitting right now",
        "he's still fitting, its been 6 minutes",
    ]),
    "older_fall_cant_get_up": ("emergency", 81, [
        "my mum tripped in the garden and can't weight bare on her leg",
        "dad slipped on ice, unable to weight bare",
        "fell on the stairs, non weight baring left leg",
    ]),
    "injury_cannot_bear_weight_wording": ("urgent", 30, [
        "twisted my ankle playing football and cant weight bare",
        "went over on my ankle, not weight baring since",
        "my knee gave way at the gym, unable to weight bare on it",
    ]),
    "high_potassium_with_symptoms": ("emergency", 60, [
        "my potassium result was 6.3 and my heart feels fluttery",
        "GP said high potassium, I've got skipped beats and feel odd",
        "hyperkalaemia on bloods, irregular pulse",
        "potassium came back very high and my heart is pounding",
    ]),
    "mania_signs": ("urgent", 35, [
        "my brother hasn't slept for days, spending spree, and he's worrying about money now",
        "he hasn't slept for days, spent thousands, now stressed about money and bills",
    ]),
    "burn_with_diabetes_or_weak_immunity": ("urgent", 50, [
        "I'm type 2 diabetic, a burn to my heel from the radiator",
        "diabetic with a partial thickness burn on my forearm",
        "I'm on chemo, partial-thickness burn to my arm from the kettle",
        "kidney transplant, partial-thickness burn from the kettle, blistering",
    ]),
    "neck_injury_neck_pain_with_limb_tingling_numbness_or_weakness": ("emergency", 30, [
        "came off my motorbike, neck hurts and pins and needles down my right arm",
        "got tackled at rugby, pain in my neck and tingling in my left hand",
        "dived into the shallow end, neck is sore, tingling in one leg",
        "cycling accident, neck pain and paraesthesia in right arm",
        "bike crash this morning, sore neck, pins and needles in one hand",
    ]),
    "neck_injury_holding_head_still": ("emergency", 12, [
        "my son came off his bike and is holding his head very still, won't move his neck",
        "after a rugby tackle he won't turn his neck",
        "car flipped over and she refuses to move her head",
    ]),
    "one_sided_pain_possible_pregnancy": ("emergency", 28, [
        "positive pregnancy test last week and right sided pain",
        "bfp on sunday, cramping on one side since",
        "I think I might be pregnant, period late, one sided pain in my lower belly",
    ]),
    "later_pregnancy_one_sided_pain": ("urgent", 28, ["24 weeks pregnant, constant right sided pain for two days"]),
    "head_injury_bleeding_disorder_or_brain_surgery": ("emergency", 9, [
        "my son has haemophilia, his last bloods were normal, he banged his head on the table today",
        "I have von willebrands, tests came back normal last month, hit my head on a cupboard",
    ]),
    "headache_after_head_injury": ("emergency", 40, [
        "hit my head yesterday and now I have a terrible headache",
        "fell and hit my head on the kitchen floor, splitting headache",
    ]),
    "preterm_labour_signs": ("emergency", 28, [
        "I'm 32 weeks, my waters have broken",
        "30 weeks pregnant, my waters broke, midwife said earlier the tightenings were braxton hicks",
    ]),
    "preterm_braxton_hicks_regular_or_painful": ("emergency", 28, [
        "33 weeks pregnant, contractions, I think they might be braxton hicks",
        "28 weeks, tightening, could be braxton hicks but they keep coming",
    ]),
    "syncope_trigger_and_family_sudden_death": ("emergency", 25, [
        "fainted when the alarm clock went off, my uncle died suddenly at 30, I was hungover",
    ]),
    "syncope_with_long_qt_or_known_inherited_heart_condition": ("emergency", 25, [
        "I have long QT and I passed out at the pub after a few drinks",
    ]),
    "eating_disorder_pulse_under_40_or_bmi_under_13": ("emergency", 19, [
        "her anorexia is worse, BMI 11.8",
        "diagnosed with anorexia last year, now BMI 12",
        "in recovery from anorexia, relapsed, pulse 36",
    ]),
    "retinal_vein_occlusion_or_fundal_haemorrhage_or_disc_swelling": ("urgent", 60, [
        "optician saw flame haemorrhages in my left eye",
    ]),
}

# finding id -> (age, look-alikes that must not fire it)
QUIET = {
    "not_responding_said_of_the_person": (40, [
        "my cough is not responsive to antibiotics", "the rash isn't responsive to the cream",
        "her fever is not responsive to calpol, she's playing happily", "the surgery is not responsive to my emails",
    ]),
    "seizure": (40, [
        "we're fitting a new kitchen and I cut my finger", "my brother's fitting carpets and hurt his knee",
        "he's fitting in at school fine but has a cough", "I'm fitting shelves and my back aches",
        "my son's fitting the blinds and fell off a chair, bumped his arm",
    ]),
    "older_fall_cant_get_up": (70, ["I can't weight bare on my bad knee since my arthritis flared, no fall"]),
    "high_potassium_with_symptoms": (60, [
        "my potassium was 4.1, normal, I get skipped beats after coffee",
        "potassium 5.2, slightly high, heart pounding after running",
        "I eat bananas for potassium and my heart pounds when anxious",
    ]),
    "burn_with_diabetes_or_weak_immunity": (50, [
        "I'm diabetic, a burn to my finger, no blister, looks fine",
        "type 2 diabetic, superficial burn on my hand, no blisters, just red",
    ]),
    "neck_injury_neck_pain_with_limb_tingling_numbness_or_weakness": (40, [
        "neck pain after sleeping funny, pins and needles in my hand",
        "I've got carpal tunnel, pins and needles in my hand, and a stiff neck from my desk",
        "bought some new fishing tackle, neck ache from reading, pins and needles in one hand",
    ]),
    "one_sided_pain_possible_pregnancy": (28, ["I'm not pregnant, period came, left sided pain from trapped wind"]),
    "head_injury_bleeding_disorder_or_brain_surgery": (9, [
        "haemophilia was ruled out last year, he knocked his head at football, no symptoms",
        "they ruled out a bleeding disorder, I hit my head on the door frame, small bump",
    ]),
    "headache_after_head_injury": (40, [
        "knocked my head on a cupboard an hour ago, mild headache, eased with paracetamol",
        "bumped my head on the car boot, it's a bit tender, no headache",
    ]),
    "preterm_braxton_hicks_regular_or_painful": (28, [
        "26 weeks pregnant, occasional braxton hicks, irregular and painless, settle when I rest",
    ]),
    "syncope_with_long_qt_or_known_inherited_heart_condition": (25, [
        "had a few pints and passed out, my ECG was normal last year",
    ]),
    "eating_disorder_pulse_under_40_or_bmi_under_13": (25, ["my friend has anorexia, I have a cold"]),
    "retinal_vein_occlusion_or_fundal_haemorrhage_or_disc_swelling": (60, [
        "I have varicose veins with dilated tortuous veins in my legs, aching",
    ]),
}

CHANGED = {"seizure", "burn_with_diabetes_or_weak_immunity"}


test_fires, test_look_alike_quiet = finding_table_tests(FIRES, QUIET, sex="female")


def test_records():
    lib = findings_by_id()
    for fid in FIRES:
        rv = lib[fid]["reviewed"]
        if fid in CHANGED:
            # red-flag-reviewer-37's change was checked and changed again by a later reviewer (round 15): the
            # finding waits for that reviewer's check, or has had it.
            assert "pending_check" not in rv or rv["pending_check"].startswith(
                ("needs an independent check: red-flag-reviewer-37", "needs an independent check: red-flag-reviewer-51")), fid
        else:
            assert "pending_check" not in rv, fid
            assert "independently checked: red-flag-reviewer-37" in rv["by"], fid
