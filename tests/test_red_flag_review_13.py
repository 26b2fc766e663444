"""Round 13 of the red-flag library (red-flag-author-38): under-triage gaps of the seventh development set.

Each gap is fixed as a kind of presentation (docs/hazards/round_13.md): a burst aortic aneurysm in an older person
taken for a kidney stone, saving up a named medicine and asking how many would kill, tearing pain said as a
description, a low sodium with symptoms (the new sodium value concepts), an infected tear sac, acute gout of the big
toe, a lost or stuck tampon, high calcium in someone who has had cancer, Kawasaki disease, a hair tourniquet and a
sore mouth on chemotherapy. Each gap is checked both ways through ``triage.triage`` (words only); the sentences are
the author's own, never the development texts.
"""

from __future__ import annotations

import pytest
from conftest import check_level, gap_tests
from conftest import fired_ids as ids

from app.services.triage import triage

# gap -> (level, findings any of which may carry it, firing sentences, benign look-alikes that must stay below it)
TABLE = {
    "d7-006": ("emergency", {"older_person_back_flank_or_belly_pain_with_faint_or_grey", "aneurysm_with_pain"}, [
        "My dad is a 77 year old smoker, sudden back ache going into his side this evening and he nearly fainted getting up",
        "68M, new L loin pain radiating to the groin, thinks it's renal colic, grey and clammy",
        "I'm 72, tummy pain and backache since lunch, I almost passed out on the toilet",
    ], [
        "I'm a 70 year old with back ache for years, I fainted once at a blood test",
        "72 year old with stomach pain after a curry, no fainting, colour is good",
        "I'm 66 and did the garden, back ache today, otherwise fine",
    ]),
    "d7-022": ("emergency", {"saving_up_a_named_medicine", "asking_how_many_tablets_would_kill",
                             "suicide_plan_or_preparations"}, [
        "I've been stashing my mirtazapine for a month and there's a bag of them under the bed",
        "feel like there's no point anymore, how many co-codamol would it take",
        "my sister admitted she's been hoarding her zopiclone, she asked me how many would be lethal",
        "28M, low mood, disclosed stockpiling citalopram",
    ], [
        "saving my fluoxetine for the trip so I don't run out abroad",
        "how many weeks will it take for the citalopram to kick in",
        "how many ibuprofen can I take a day for my back",
    ]),
    "d7-037": ("emergency", {"tearing_chest_back_pain", "pain_with_blood_pressure_or_pulse_different_between_arms"}, [
        "Sudden pain between my shoulder blades when I lifted the sofa, I'd describe it as tearing",
        "55M, abrupt onset back pain, tearing in nature, radiating to the abdomen, hypertensive",
        "he says the pain in his chest is ripping and goes through to his back",
    ], [
        "my eyes keep tearing up and my chest feels wheezy with this cold",
        "a tearing sensation in my bottom when I poo, and a bit of back ache",
    ]),
    "d7-019": ("urgent", {"sodium_under_130_with_new_symptoms", "sodium_under_125_reading"}, [
        "Dad is 86, on a water tablet and citalopram, sodium came back at 127 and he's been wobbly and off his food",
        "79F, Na+ 126 today, nausea and two near-falls this week",
        "the GP rang to say my sodium is 129, I've had a headache and felt sick for days",
    ], [
        "sodium 128 on my bloods last week, no symptoms at all, repeat in a month",
        "Na 134, a bit nauseous after my chemo",
        "my sodium was 126 last year, this week I feel a bit sick, sodium is 138",
    ]),
    "d7-059": ("urgent", {"painful_swelling_inner_corner_of_eye_tear_sac"}, [
        "there's a red, hot lump between my eye and my nose and it's really sore, yellow stuff came out",
        "65M, tender swelling over L lacrimal sac, erythematous, epiphora for months",
        "my tear duct area is swollen and throbbing and I've got a temperature",
    ], [
        "a stye at the inner corner of my eye, a bit red and swollen",
        "hay fever making the inner corner of my eyes puffy and red",
        "crusty gunk in the inner corner of my eye in the morning, no lump",
    ]),
    "d7-066": ("urgent", {"hot_swollen_joint"}, [
        "woke up with my big toe red hot and swollen, can't bear anything touching it",
        "my toe is on fire and shiny red and swollen since last night, had a few beers",
        "58M on furosemide, acute podagra, L 1st MTP",
    ], [
        "my toe is red and swollen since I stubbed it on the bed",
        "the side of my big toe is red and swollen from an ingrown toenail",
        "my toe is itchy and red between the toes, athlete's foot",
    ]),
    "d7-076": ("urgent", {"tampon_or_object_stuck_in_vagina", "tampon_string_cannot_be_found"}, [
        "I forgot to take my tampon out before the weekend and now there's a bad smell down there",
        "the string of my tampon has gone up inside and I can't reach the string at all",
        "think my menstrual cup is stuck, I've tried for an hour",
        "29F, retained tampon 3/7, malodorous discharge, apyrexial",
    ], [
        "I'm scared of losing a tampon up there, is that possible?",
        "I can't feel the string of my coil, I've got tampons in my bag",
    ]),
    "d7-088": ("emergency", {"cancer_thirst_confusion_hypercalcaemia"}, [
        "Mum had breast cancer a few years back, now she's super thirsty, weeing all the time and muddled",
        "he's got prostate cancer, drinking gallons of water and more confused this week",
        "71F, myeloma, polydipsia, drowsy",
    ], [
        "I had breast cancer 10 years ago and I'm super thirsty after my run, feel great",
        "very thirsty with a tummy bug, no cancer",
    ]),
    "d7-088 without confusion": ("urgent", {"cancer_history_thirst_with_constipation_bone_pain_or_tiredness"}, [
        "I had lung cancer treated last year, the last fortnight I'm very thirsty, peeing loads and constipated",
        "Nan has breast cancer, she's always thirsty, her bones ache and she's so tired",
        "64M, metastatic prostate cancer, polyuria and polydipsia, new rib pain",
    ], [
        "I have breast cancer and I'm really thirsty in this heatwave, bit tired",
        "on furosemide so I'm weeing loads, had skin cancer removed years ago, tired",
        "my friend has cancer and I'm so thirsty and tired after the gym",
    ]),
    "d7-107": ("emergency", {"child_fever_five_days_with_kawasaki_signs"}, [
        "my 2 year old has had a fever for 6 days, her lips are red and cracked and her eyes are bloodshot",
        "3yo boy, febrile 5/7, strawberry tongue, rash on trunk, swollen hands and feet",
        "our toddler's had a temperature for a week, cracked lips and a lump in his neck, he's so grumpy",
    ], [
        "my 4 year old has had a fever for 2 days with a red rash and a sore throat",
        "my daughter is 3, chapped lips from the cold wind, no fever",
    ]),
    "d7-118": ("urgent", {"hair_or_thread_wrapped_round_toe_finger_or_penis"}, [
        "my 3 month old won't settle and I found a hair wrapped round his little toe, it's swollen",
        "baby's finger is red and puffy with a thin line round the base, I think it's a thread from her mitten",
        "6 week old, possible hair tourniquet 3rd toe R foot",
    ], [
        "my long hair gets wrapped round the hairbrush and pulls on my finger",
        "there's a thin line round my finger where my wedding ring was, no pain",
    ]),
    "d7-157": ("urgent", {"sore_mouth_or_ulcers_on_chemotherapy_or_immunosuppressants", "diarrhoea_immunosuppressed"}, [
        "a week after my chemo my mouth is red raw and it hurts to eat anything",
        "I'm on methotrexate and my mouth is full of ulcers, struggling to swallow",
        "62F, cycle 3 FOLFOX, oral mucositis, soft food only",
    ], [
        "on chemo, bit my cheek yesterday and have a small ulcer, eating fine",
        "got a mouth ulcer from my new brace, it hurts to eat crisps",
    ]),
    # not an under-triage any more: a fever on a biologic is read as immunosuppressed (code), and the existing
    # reviewed immunosuppressed_fever gives emergency (docs/hazards/round_13.md: accepted)
    "d7-171": ("emergency", {"immunosuppressed_fever"}, [
        "I'm on adalimumab for Crohn's and I've got a chesty cough and a temperature of 38.4",
        "on Humira for my psoriasis, coughing green phlegm and feverish since yesterday",
    ], [
        "on Humira, a cough for 3 days, no temperature",
        "my friend is on adalimumab; I've got a cold, temperature is normal",
    ]),
}
test_gap_fires_at_level, test_benign_look_alike_stays_below = gap_tests(TABLE)  # two of each per gap


# The sodium value concepts (acuity._sodium): the level for each band, with and without symptoms.
@pytest.mark.parametrize("text,level,finding", [
    ("the hospital rang, my sodium is 122, I feel fine", "urgent", "sodium_under_125_reading"),
    ("Na 120 on routine bloods, asymptomatic", "urgent", "sodium_under_125_reading"),
    ("Mum's sodium is 118 and she's confused and unsteady today", "emergency", "sodium_under_125_with_symptoms"),
    ("Na 128 and he had a fit this morning", "emergency", "sodium_under_130_with_severe_symptoms"),
    ("sodium 127, keeps vomiting and can't keep anything down", "emergency", "sodium_under_130_with_severe_symptoms"),
    ("sodium 128, muddled and had a fall", "urgent", "sodium_under_130_with_new_symptoms"),
])
def test_sodium_levels(text, level, finding):
    check_level(text, level, finding)


# The severe forms written beside two urgent gaps (d7-118, d7-157).
@pytest.mark.parametrize("text,level,finding", [
    ("my 7 week old has a hair tangled round his toe and the end of the toe is going purple", "emergency",
     "hair_or_thread_tourniquet_with_pale_blue_or_dark_tip"),
    ("there's a thread round her finger, the finger is swollen but still pink", "urgent",
     "hair_or_thread_wrapped_round_toe_finger_or_penis"),
    ("second cycle of chemo, my mouth is red raw and I can't swallow my spit", "emergency",
     "mouth_too_sore_to_drink_on_chemotherapy_or_immunosuppressants"),
    ("on azathioprine, mouth ulcers all over, painful to eat, still drinking", "urgent",
     "sore_mouth_or_ulcers_on_chemotherapy_or_immunosuppressants"),
])
def test_severe_forms(text, level, finding):
    check_level(text, level, finding)


ROUND_13_NEW = {
    "older_person_back_flank_or_belly_pain_with_faint_or_grey", "saving_up_a_named_medicine",
    "asking_how_many_tablets_would_kill", "sodium_under_125_reading", "sodium_under_125_with_symptoms",
    "sodium_under_130_with_new_symptoms", "sodium_under_130_with_severe_symptoms",
    "painful_swelling_inner_corner_of_eye_tear_sac", "tampon_or_object_stuck_in_vagina",
    "tampon_string_cannot_be_found", "cancer_history_thirst_with_constipation_bone_pain_or_tiredness",
    "child_fever_five_days_with_kawasaki_signs", "hair_or_thread_wrapped_round_toe_finger_or_penis",
    "sore_mouth_or_ulcers_on_chemotherapy_or_immunosuppressants",
    "hair_or_thread_tourniquet_with_pale_blue_or_dark_tip", "mouth_too_sore_to_drink_on_chemotherapy_or_immunosuppressants",
}


@pytest.mark.parametrize("text", [
    "I'm 75 with back pain, not fainted, not grey, not clammy",
    "I'm not saving up my sertraline, I take it every day",
    "sodium 128, no nausea, not unsteady, no falls, not confused",
    "no lump or swelling at the inner corner of my eye",
    "my tampon is not stuck, I can feel the string",
    "had breast cancer, not thirsty, not weeing more than usual",
    "my 2 year old has had no fever for 6 days, lips not cracked, no rash",
    "no hair wrapped round his toe, toes look normal",
    "on chemo, no mouth ulcers, eating fine",
])
def test_denied_words_do_not_fire_round_13(text):
    assert not ids(text) & ROUND_13_NEW, triage(text).reasons


# Independent check (red-flag-reviewer-40, 2026-12-01): other wordings of round 13's findings, and the look-alikes
# that the review's narrowings (tied colour words, pet and dose questions, grey hair) keep quiet.
REVIEW_TABLE = {
    "older back / side / belly pain with a faint or grey (review)": (
        "emergency", {"older_person_back_flank_or_belly_pain_with_faint_or_grey"}, [
            "Grandpa is 79, his back is killing him round into his side and he's gone clammy and grey",
            "I'm 71, awful pain in the small of my back and I feel like I'm going to pass out",
            "my husband (76) says it's his kidney stone again, pain in his side, he came over all faint",
            "68M, lower back pain, lightheaded, looks grey",
            "I'm 73 and had back pain for years, but tonight a new pain in my tummy and I felt faint",
        ], [
            "I'm 70, tummy ache after a big dinner, my hair has gone grey over the years",
            "I'm 66 with back ache for years, I fainted at the sight of blood at my flu jab",
            "I'm 35, back pain and I felt faint in the gym",
        ]),
    "saving up a medicine, lay and misspelt (review)": (
        "emergency", {"saving_up_a_named_medicine"}, [
            "i have been saveing up my setraline for weeks",
            "she's been squirrelling away her sleeping tablets in a sock",
            "I've got a stockpile of my amitriptyline in the wardrobe",
            "been storing up my co-codamol, I've got loads now",
            "I've been hiding my pregabalin from the kids' dad and I have 80 now",
        ], [
            "I keep my sertraline away from the kids on a high shelf",
            "we had a stockpile of paracetamol in lockdown",
            "I'm saving up for a holiday and take my citalopram every day",
        ]),
    "how many would it take, indirect and misspelt (review)": (
        "emergency", {"asking_how_many_tablets_would_kill"}, [
            "how meny tablets wud it take",
            "would 40 of my zopiclone be enough to kill me",
            "how much of my amitriptyline would be fatal",
            "how many tablets would it take to kill me and how long would it take",
            "how many paracetamols do I need to take to not wake up",
        ], [
            "how many sertraline would it take for me to feel better",
            "how many mg of citalopram would it take to help my anxiety",
            "how many paracetamol can I take in a day for toothache",
            "I'm on enough tablets to kill a horse, can I add ibuprofen for my knee",
        ]),
    "Kawasaki, other wordings (review)": (
        "emergency", {"child_fever_five_days_with_kawasaki_signs",
                      "child_fever_five_days_with_red_eyes_and_rash_hands_or_neck_gland"}, [
            "my 2 year old has been feverish for 5 days, her lips are dry and cracked and her eyes are red",
            "3yo, pyrexia for 5 days, bilateral red eyes, rash, swollen hands and feet",
            "our son is 4, fevers for five days, red eyes and a swollen gland in his neck",
        ], [
            "my 3 year old has had a fever for 2 days with red eyes and a rash",
            "my 4 year old has had a fever for 5 days with a cough, eyes fine, no rash",
        ]),
    "hair tourniquet, other wordings (review)": (
        "urgent", {"hair_or_thread_wrapped_round_toe_finger_or_penis"}, [
            "my 4 month old keeps screaming, her toe is red and puffy and there's a hair round it",
            "baby's 10 weeks, I think theres a hare rapped round his toe",
            "a thread from his sock is wrapped around his toe and it's swollen",
            "there's a fibre from the blanket wrapped around her finger",
        ], [
            "my finger is blue from the dye, my hair is wrapped in a towel",
            "I twirl my hair round my finger when I'm nervous",
            "there's a plaster wrapped round his finger after a small cut, all fine",
        ]),
    "hair tourniquet with a dark tip, tied colour words (review)": (
        "emergency", {"hair_or_thread_tourniquet_with_pale_blue_or_dark_tip"}, [
            "a hair is wrapped round my baby's toe and the tip has turned blue",
            "hair wrapped round his toe and the tip is blue, the rest is pink",
            "thread round her finger, the end looks white and cold",
        ], [
            "a long dark hair wrapped round his toe, it's red and swollen",
            "a black hair wrapped round her toe, the tip is still pink and warm",
        ]),
    "sore mouth on chemotherapy, lay wordings (review)": (
        "urgent", {"sore_mouth_or_ulcers_on_chemotherapy_or_immunosuppressants"}, [
            "I'm on chemo and my mouth is full of sores, it kills to eat",
            "on chemotherapy for breast cancer, my mouth is so sore I can only have soup",
            "having chemo, my gums are raw and bleeding and I'm only managing milkshakes",
        ], [
            "on chemo, my mouth is sore after the dentist took a tooth out, eating fine",
            "on chemo, a small mouth ulcer, eating and drinking fine",
        ]),
    "mouth too sore to drink on chemotherapy (review)": (
        "emergency", {"mouth_too_sore_to_drink_on_chemotherapy_or_immunosuppressants"}, [
            "on chemo, mouth so sore I can't drink anything",
            "second week after chemo, sore mouth, haven't drunk anything today",
        ], [
            "on chemo, sore mouth, painful to eat but drinking fine",
            "on methotrexate, mouth ulcers, managing fluids and soup",
        ]),
}
test_review_fires, test_review_quiet = gap_tests(REVIEW_TABLE)


# Independent check of the reviewers' changes (red-flag-reviewer-42, 2026-12-01): other wordings of the findings that
# red-flag-reviewer-40 changed or added, their unless words beside a real emergency, and look-alikes.
CHECK_TABLE = {
    "incomplete Kawasaki: 5 days of fever, red eyes and rash / hands / neck gland (check)": (
        "emergency", {"child_fever_five_days_with_red_eyes_and_rash_hands_or_neck_gland"}, [
            "my toddler (2) has had a fever for 5 days, pink eyes and a blotchy rash",
            "my 3 year old, 5 days of high temperatures, bloodshot eyes and spots all over",
            "my son is 4, temperature for 5 days, both eyes red and his hands are swollen",
            "my 3 year old has had a high temperature for five days, his eyes are bloodshot and a rash on his tummy",
            "she's 2 and has had a temp for a week now, the whites of her eyes are red, lump in her neck",
        ], [
            "my 3 year old had a fever for 5 days last month, now fine, red eyes from crying and a nappy rash",
            "my 3 year old has had a fever for 2 days, pink eyes and a rash",
            "my 4 year old has had a fever for 5 days with a cough, eyes fine, no spots",
        ]),
    "Kawasaki with lip changes, pink eyes (check)": (
        "emergency", {"child_fever_five_days_with_kawasaki_signs"}, [
            "my 2 year old has had a fever for 6 days, his eyes are pink, his lips are cracked",
            "my 3 year old, day 6 of fever, red cracked lips and pink eyes",
            "my 18 month old has had a temperature for a week, strawberry tongue, eyes pink",
        ], [
            "my 3 year old has pink eyes and chapped lips from the cold, no fever",
            "my 2 year old had a fever for 1 day, pink eyes, lips dry",
        ]),
    "older back pain with a faint: unless words beside a real faint (check)": (
        "emergency", {"older_person_back_flank_or_belly_pain_with_faint_or_grey"}, [
            "I'm 72, my back is killing me and I came over all faint",
            "I'm 74, my hair went grey years ago but today I have severe back pain and nearly fainted",
            "I'm 70, I fainted at my blood test last year, now bad back pain and I feel faint",
        ], [
            "I'm 72 and have had back pain for years, a bit dizzy on standing since my new BP tablets",
            "I'm 68, sore back from gardening, fainted at the sight of blood years ago",
        ]),
    "asking how many tablets would kill (check)": (
        "emergency", {"asking_how_many_tablets_would_kill"}, [
            "how meny pills wud it take to die",
            "how many co-codamol would kill me",
            "would 30 of my amitriptyline be enough to end it all",
        ], [
            "how many paracetamol can I take in a day",
            "how many sertraline would it take to feel better, my dose is 50mg",
        ]),
    "hair tourniquet with a dark tip (check)": (
        "emergency", {"hair_or_thread_tourniquet_with_pale_blue_or_dark_tip"}, [
            "my baby is 6 months, there's a hair wrapped round her toe and the toe has gone purple",
            "my 8 month old has a hair wrapped tight round his toe, the tip looks dusky and swollen",
            "my baby (5 months) has a hair round her finger, the finger is blue and cold",
        ], [
            "my baby is 6 months, a long dark hair wrapped round his toe, the toe is pink and warm",
            "my 4 month old has a dark sock mark round her ankle, toes pink",
        ]),
}
test_check_fires, test_check_quiet = gap_tests(CHECK_TABLE)


# Independent check of round 13's last changes (red-flag-reviewer-43, 2026-12-01): red-flag-reviewer-42's Kawasaki
# changes (the past-fever unless words are now history tied to the fever words) and the fever_5_days_or_more reader.
LAST_TABLE = {
    "incomplete Kawasaki: an old history beside a current 5-day fever (last check)": (
        "emergency", {"child_fever_five_days_with_red_eyes_and_rash_hands_or_neck_gland"}, [
            "my 3 year old had conjunctivitis months ago, now fever for 6 days with red eyes and a lump in her neck",
            "my 2 year old has had a fever for 5 days, red eyes, a rash, and he had kawasaki last year",
            "my 3 year old had a fever for five days last month and again now for 5 days with red eyes and a rash",
            "my 3 year old, fever x5 days, red eyes and a rash",
            "my 3yo has been febrile 5/7, pink eyes and spots on her tummy",
            "my 3 year old's fever has lasted 5 days, her eyes are red and she has a rash",
        ], [
            "my 3 year old had a fever for 5 days 2 months ago, now fine, red eyes from crying and a nappy rash",
            "my 4 year old had a temperature for a week last year, now pink eyes from hay fever and eczema rash",
            "my 3 year old has had a fever for 1 day, spots and red eyes",
        ]),
    "Kawasaki with lip changes, reader wordings (last check)": (
        "emergency", {"child_fever_five_days_with_kawasaki_signs"}, [
            "my 3 year old has had a temp of 39 for six days, red eyes and cracked lips",
            "my 2 year old has had a fever for 6 days, pink eyes, red cracked lips",
            "4yo, fever 6/7, eyes pink, strawberry tongue",
        ], [
            "my 3 year old has pink eyes and a cold sore on her lip, no fever",
            "my 2 year old had a fever for 2 days, pink eyes and dry lips",
        ]),
    "a child's fever of 5 days or more, read from a written duration (last check)": (
        "urgent", {"prolonged_fever_child"}, [
            "my 3 year old has had a temp of 39 for six days",
            "my daughter (4) has been febrile for 6 days",
            "2yo, fever x5 days, eating ok",
            "my 2 year old has had temperatures on and off for 5 days",
            "day 6 of fever for my little boy, he's 3",
            "my 2 year old has had a temperature of 38.5 every day for 6 days",
            "temp 38.9 for 5 days, 3 year old",
        ], [
            "my 3 year old has had a fever for 2 days",
            "my 3 year old's temp has been 36.8 for 6 days, normal",
            "my 3 year old has had a temperature for 5 hours",
            "my 3 year old has had a cold for 6 days, no fever",
        ]),
}
test_last_check_fires, test_last_check_quiet = gap_tests(LAST_TABLE)


# Independent check (red-flag-reviewer-44, 2026-12-01): the two Kawasaki findings on the concept fever_5_days_or_more
# (phrases + the reader acuity._fever_days), red-flag-reviewer-43's tied past-fever `unless` forms, and my additions
# (concept: past / last week, 1 week, 10 days, 3 weeks, 1/52; eyes + "eyes bloodshot").
REVIEW44_TABLE = {
    "incomplete Kawasaki, fever duration in other words (reviewer-44)": (
        "emergency", {"child_fever_five_days_with_red_eyes_and_rash_hands_or_neck_gland"}, [
            "my 2 year old has had a temperature of 38.5 every day for 6 days, bloodshot eyes and swollen hands",
            "my 4 year old's fever is on day 5, red eyes and a rash on his tummy",
            "my baby has had a temp for nearly a week, red eyes and peeling fingers",
            "my 2 year old has had a temperature for the past week, red eyes and a rash",
            "my 2 year old has had a fever for 10 days, red eyes and a rash",
            "my son is 4 and has had a fever for 3 weeks, red eyes and a rash",
            "my 3 year old had kawasaki last year and has had a fever for 6 days now, bloodshot eyes and a lump in her neck",
        ], [
            "my 3 year old had a fever for 5 days last month, now fine, red eyes from crying and a nappy rash",
            "my 4 year old has had hay fever for 6 days, red itchy eyes and a rash on her cheeks",
            "my 4 year old has had a fever for the last 2 days, red eyes and a rash",
            "my 3 year old's temperature has been normal for 5 days, eyes red and a rash",
        ]),
    "Kawasaki with lip changes, fever duration in other words (reviewer-44)": (
        "emergency", {"child_fever_five_days_with_kawasaki_signs"}, [
            "my 3yo has had a feaver for 6 days, her eyes are red and her lips are cracked",
            "my 3 year old has had a tempreture for 6 days, cracked red lips and red eyes",
            "temp of 39 for six days in my 2 year old, strawberry tongue, swollen glands in his neck",
            "my 2 year old has had a fever for 1 week, eyes bloodshot, lips cracked",
            "2yo febrile 1/52, conjunctival injection, strawberry tongue",
        ], [
            "my 3 year old has had a fever for 2 days, cracked lips and red eyes from crying",
            "my 2 year old has had hay fever for a week, red eyes and chapped lips",
        ]),
}
test_review44_fires, test_review44_quiet = gap_tests(REVIEW44_TABLE)


# Independent check by red-flag-reviewer-50 (2026-12-01; docs/hazards/round_14.md, "Independent check
# (red-flag-reviewer-50)"): the round 13 / 14 changes to prolonged_fever_child, dmard_blood_count_warning, the two
# Kawasaki findings, fit_movements_described and hot_agent_burn_more_than_one_blister_limb.
REVIEW50_TABLE = {
    "r50 prolonged fever in week / 10-day / 1/52 wordings, not fever-free": (
        "urgent", {"prolonged_fever_child"}, [
            "my 4 year old has had a temperature for the past week and is off her food",
            "7yo, febrile 1/52, otherwise well",
            "my 3 year old has had a fever for 10 days now",
        ], [
            "my 2 year old has been fever-free for the past week, just a runny nose",
            "my 3 year old has had no fever for the past week",
        ]),
    "r50 Kawasaki signs with a week-long fever, not a fever-free week": (
        "emergency", {"child_fever_five_days_with_kawasaki_signs",
                      "child_fever_five_days_with_red_eyes_and_rash_hands_or_neck_gland"}, [
            "my 2 year old has had a fever for the past week, eyes bloodshot and cracked red lips",
            "my 3 year old has had a temperature for 10 days, his eyes bloodshot and a rash on his tummy",
            "my 3 year old was fever free for a month, but now a fever for the past week, red eyes and a rash",
            "my 3 year old has had a fever for 6 days, red eyes, a rash, he was fever free for a day in the middle",
        ], [
            "my 2 year old has been fever free for the past week, eyes bloodshot from crying and a nappy rash",
            "my 3 year old has been temperature free for 6 days, red eyes from hay fever and a rash from sun cream",
        ]),
    "r50 methotrexate shorthand and misspellings with a blood-count warning sign": (
        "urgent", {"dmard_blood_count_warning"}, [
            "RA on mtx 15mg weekly, mouth ulcers and a sore throat",
            "metoject pen every friday, bruising all over my legs",
            "on methatrexate and a sore throat",
        ], [
            "on mtx, bloods fine last week, no sore throat or ulcers, repeat please",
            "metoject every week, feel well, just need a repeat",
        ]),
    "r50 a fit told before leaflet words still fires": (
        "emergency", {"fit_movements_described", "seizure", "not_responding_said_of_the_person"}, [
            "my son's eyes rolled back and his arms and legs are jerking, the leaflet says side effects include fits",
            "she went stiff and started jerking, possible side effects of her tablets include seizures",
            "she's on metoclopramide and the leaflet says side effects include this, "
            "but her eyes have rolled back and she's jerking and won't wake",
        ], [
            "the leaflet says side effects include eyes rolling up, is that common with prochlorperazine?",
            "possible side effects include eyes rolling upwards, should I stop the metoclopramide",
        ]),
    "r50 further blisters on a hot-agent limb burn": (
        "emergency", {"hot_agent_burn_more_than_one_blister_limb", "hot_agent_burn_blistered_limb"}, [
            "scalded my arm with boiling water, one blister the size of a 5p and three more on my wrist",
            "burnt my hand on the kettle, one small blister on my thumb and another one on my palm",
            "burnt my fingers on the hob, a tiny blister, and a few more on my other hand",
        ], [
            "burnt my finger on the iron, no blister, going to buy another one of those burn gels",
            "burnt my thumb on the oven tray, one blister the size of a 5p, put some more cream on it",
        ]),
}

test_review50_fires, test_review50_quiet = gap_tests(REVIEW50_TABLE)
