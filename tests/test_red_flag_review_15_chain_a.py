"""Round 15, chain A: independent check by red-flag-reviewer-55 (emergency physician, 2026-12-01) of the pending
changes of red-flag-reviewer-51 (docs/hazards/round_15_pending.md) and red-flag-reviewer-53
(docs/hazards/round_15_check_b.md), and two gaps of the knowledge-base reviewers (testicular torsion in slang, a
spreading dental infection). Verdicts: docs/hazards/round_15_chain_a.md. Words only, the reviewer's own sentences.
"""

from __future__ import annotations

from conftest import finding_table_tests

# finding -> (level it must reach at least, age, [sentences that fire it])
FIRES = {
    "prolonged_fever_child": ("urgent", 3, [
        "feverish for 7 days, temp free only with calpol",
        "my toddler has had a temp for 5 days, it never goes",
    ]),
    "child_fever_five_days_with_kawasaki_signs": ("emergency", 3, [
        "feverish for 7 days, temp free only with calpol, strawberry tongue, bloodshot eyes",
        "fever 6 days, not once fever free in 5 days, lips cracked and red eyes",
    ]),
    "child_fever_five_days_with_red_eyes_and_rash_hands_or_neck_gland": ("emergency", 3, [
        "temp for 6 days and only temp free for an hour after nurofen, red eyes and a rash",
        "his fever has gone on 6 days, he was fever free a week ago before this started, red eyes, rash, swollen hands",
    ]),
    "dmard_blood_count_warning": ("urgent", 40, [
        "on methotraxate for RA and I've had a sore throat and a fever since yesterday",
        "azathiaprine after my transplant, lots of bruises appearing",
        "sulphasalazine for my colitis, temperature of 38.6",
    ]),
    "burn_with_diabetes_or_weak_immunity": ("urgent", 40, [
        "type 2 diabetic, I've got a second degree burn from the iron on my wrist",
        "type 1, partial thickness scald on my leg from the kettle",
    ]),
    "tropical_fever_danger_signs": ("emergency", 40, [
        "returned from Kampala, fever and yellow eyes",
    ]),
    "wound_infection_after_operation_cut_or_belly_button": ("urgent", 40, [
        "had my hernia repair last week, the wound is red and oozing",
        "post op day 4, wound site erythema and pus",
    ]),
    "eczema_herpeticum_near_the_eye": ("emergency", 3, [
        "my toddler has excema and now has painful blisters around her eye and a fever",
        "she has eczema and pompholyx on her hands, now crops of blisters around her eye",
    ]),
    "eczema_herpeticum": ("urgent", 3, [
        "his excema has gone weepy with clusters of little blisters on his neck and he has a temperature",
    ]),
    "bartholin_abscess_painful_vulval_lump": ("urgent", 30, [
        "bartolins cyst is huge and hot, cant sit",
        "painful swollen vaginal lip, walking hurts",
    ]),
    "mpox_like_genital_or_anal_lesions_with_fever_glands_or_contact": ("urgent", 30, [
        "sores around my bum hole, flu-ish and glands swollen, sex with a new guy",
        "pustular spots on my penis and a fever",
    ]),
    "mpox_like_umbilicated_lesions_with_fever_or_glands": ("urgent", 30, [
        "spots with dips in the middle, fever last week",
    ]),
    "inr_8_or_more_value_with_bleeding": ("emergency", 70, [
        "inr 8.5, nose bleeding since lunch, what if i bleed to death",
        "INR 11 and bruises everywhere, will I bleed inside?",
    ]),
    "inr_8_or_more_with_bleeding_told_beside_advice": ("emergency", 70, [
        "INR 9.1 and my gums are bleeding, the nurse said to watch for bleeding",
        "INR 9 and my nose keeps bleeding, in case of bleeding where do I go",
    ]),
    "inr_5_or_more_with_minor_bleeding_told_beside_advice": ("urgent", 70, [
        "INR 5.9 and lots of bruises, the leaflet said look out for bruising",
    ]),
    "nosebleed_still_going_after_stopping_and_starting": ("emergency", 40, [
        "my nose has been bleeding for 30 mins, it stopped after 10 mins then started again and won't stop",
        "nosebleed for 40 minutes, it's stopped and started all afternoon and is still going",
    ]),
    "nosebleed_not_stopping": ("emergency", 40, [
        "nosebleed for 30 mins despite pinching. it stopped after 5 mins earlier but now it won't stop",
    ]),
    "anticoagulant_nosebleed_repeated_or_long_wording": ("urgent", 70, [
        "on clopidogrel, nosebleeds twice a week lately",
        "ticagrelor, third nosebleed in 2 days",
        "on clopidogrel, my nose has bled twice since yesterday",
        "on ticagrelor, long nosebleed last night, took ages to stop",
    ]),
    "sudden_severe_abdominal_pain_with_af_or_arterial_disease": ("emergency", 75, [
        "77F with paroxysmal AF, awful tummy pain all of a sudden, passing blood",
    ]),
    "sudden_severe_abdominal_pain_with_af_or_arterial_disease_beside_family_history": ("emergency", 55, [
        "55M, AF, sudden severe central abdo pain, vomiting, FH of IHD",
        "afib, really bad stomach pain came on suddenly, family history of heart problems too",
    ]),
    "testicle_in_slang_sudden_severe_pain_or_sick": ("emergency", 16, [
        "a cyst on my ball and it suddenly became really painful and I was sick",
        "my nut is suddenly agony",
        "my left bollock is killing me, came on out of the blue",
    ]),
    "dental_infection_or_extraction_swelling_to_eye_neck_or_mouth_floor": ("emergency", 40, [
        "had a tooth out 3 days ago, face swollen up to my eye and I can't open my mouth",
        "had a tooth out on monday. the swelling is spreading down my neck and it's hard to swallow",
    ]),
}

# finding -> (age, [look-alikes that must not fire it])
QUIET = {
    "child_fever_five_days_with_kawasaki_signs": (3, [
        "she's been temp free for the past week, lips chapped and eyes red from crying",
    ]),
    "child_fever_five_days_with_red_eyes_and_rash_hands_or_neck_gland": (3, [
        "my son has been fever free for 5 days now, red eyes from hay fever and a rash from his nappy",
    ]),
    "dmard_blood_count_warning": (40, ["on methotraxate, bloods normal, no sore throat, no fever"]),
    "burn_with_diabetes_or_weak_immunity": (40, [
        "I'm diabetic and burnt my finger on the pan, not second degree, just red",
        "type 2 diabetes, I have 2nd degree heart block, chest feels fine",
    ]),
    "tropical_fever_danger_signs": (40, ["fever after a holiday in Spain, feel drowsy"]),
    "wound_infection_after_operation_cut_or_belly_button": (40, ["after the op I got wound up and red in the face"]),
    "eczema_herpeticum_near_the_eye": (40, ["pompholyx eczema on my fingers, itchy blisters, eyes itchy from hay fever"]),
    "eczema_herpeticum": (40, ["dyshidrotic eczema flare, tiny blisters on my palms"]),
    "bartholin_abscess_painful_vulval_lump": (30, ["sore vaginal lip after waxing, a bit red"]),
    "mpox_like_genital_or_anal_lesions_with_fever_glands_or_contact": (30, [
        "blisters on my foot, swollen glands in my groin, temperature",
    ]),
    "mpox_like_umbilicated_lesions_with_fever_or_glands": (5, [
        "molluscum on my son's tummy, little spots with dents in the middle, he has a cold",
    ]),
    "inr_8_or_more_value_with_bleeding": (70, ["INR 9.2 today, what if I bleed?", "INR 10, what if my nose bleeds?"]),
    "inr_8_or_more_with_bleeding_told_beside_advice": (70, [
        "INR 8.8 this morning, the clinic said watch out for bleeding and call if any",
        "INR 9.5 today, what if my gums start bleeding?",
    ]),
    "inr_5_or_more_with_minor_bleeding_told_beside_advice": (70, [
        "INR 6.3 today, the nurse said watch out for bleeding or bruising",
        "INR 3.1, my gums bleed a bit when I brush",
    ]),
    "nosebleed_not_stopping": (40, ["nosebleed lasted 30 minutes and then stopped, feel fine"]),
    "nosebleed_still_going_after_stopping_and_starting": (40, [
        "nosebleed for 20 minutes then it stopped",
        "had a nosebleed for 20 mins this morning, has now stopped",
    ]),
    "anticoagulant_nosebleed_repeated_or_long_wording": (70, [
        "clopidogrel 75mg, been on it a long time, nose bleed this morning for a minute",
    ]),
    "sudden_severe_abdominal_pain_with_af_or_arterial_disease_beside_family_history": (30, [
        "my dad died of heart disease, I have a sudden stomach ache with diarrhoea",
        "tummy ache is bad af after the curry, sudden",
    ]),
    "testicle_in_slang_sudden_severe_pain_or_sick": (30, [
        "suddenly my nut allergy kicked in and I was sick, lips really swollen up",
        "the ball of my foot suddenly really hurts",
        "I kicked the ball and suddenly my knee swelled up and I was sick from the pain",
    ]),
    "dental_infection_or_extraction_swelling_to_eye_neck_or_mouth_floor": (40, [
        "wisdom teeth out yesterday, sore throat and it hurts to swallow",
        "wisdom tooth removed, swelling in my cheek, jaw stiff",
        "toothache and a cold, I have a swollen neck gland",
    ]),
}

test_fires, test_look_alike_quiet = finding_table_tests(FIRES, QUIET)
