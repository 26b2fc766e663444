"""Independent check of the changes waiting in `reviewed.pending_check` after round 14, by red-flag-reviewer-51
(emergency physician; docs/hazards/round_15_pending.md): red-flag-reviewer-50's (the fever-free `unless` words of
the prolonged fever and the two Kawasaki findings, DMARD misspellings, the leaflet words of fit_movements_described,
stinging wee beside scrotal pain, yellow / green vision on digoxin), red-flag-reviewer-37's (the place words of
`seizure`, a partial-thickness burn in diabetes) and the lead engineer's (hypothetical bleeding beside a written INR).
Words only, through ``triage.triage``; every sentence is my own, tried in lay, misspelt and shorthand wordings and
with the `unless` words beside a real emergency in the same sentence and the next.
"""

from __future__ import annotations

from conftest import fire_quiet_tests, gap_tests

# gap -> (level, {findings any of which may carry it}, [firing sentences], [benign look-alikes that must stay below])
REVIEW51_TABLE = {
    # changed: the bare fever-free words cancelled a fever the phrases read ("still feverish after 5 days") clause-wide
    "r51 Kawasaki signs with a fever that settles only on calpol": (
        "emergency", {"child_fever_five_days_with_kawasaki_signs",
                      "child_fever_five_days_with_red_eyes_and_rash_hands_or_neck_gland"}, [
            "my 2 year old still has a temperature after 5 days, fever free only for an hour with calpol, red eyes and cracked lips",
            "my son's temperature won't go after 5 days and he's only fever free on calpol, eyes red, lips cracked",
            "toddler, fever day 6 and only fever-free on nurofen, bloodshot eyes and a rash",
            "my daughter has had a fever for 6 days, red eyes and a rash, she was fever free for an hour after calpol",
            "my son was fever free for a day but now he's had a temperature for 6 days with bloodshot eyes and a rash",
        ], [
            "my 2 year old has been fever free for the past week, eyes bloodshot from crying and a nappy rash",
            "my son has been fever-free for 10 days now, chapped red lips and red eyes from crying",
            "my toddler has been temp free for a week now, cracked lips from the cold and a nappy rash",
        ]),
    # changed: the bare hypothetical words ('what if', 'in case', 'watch for', 'risk of bleeding') cancelled a real bleed
    "r51 INR 8 or more with a real bleed and a worry": (
        "emergency", {"inr_8_or_more_value_with_bleeding", "inr_very_high_with_bleeding"}, [
            "INR 9.2 and my gums are bleeding, what if it gets worse?",
            "INR 9 and new bruises everywhere, worried about bleeding inside",
            "INR 10 and nosebleeds all day, what if I pass out",
            "warfarin, INR 8.6 and blood in my wee, what if it's a bleed in my kidney?",
        ], [
            "INR is 9.5 today, what if I start bleeding?",
            "INR 8.3, what if I get a nosebleed?",
            "INR 9 this morning, told to watch for signs of bleeding",
            "INR 9, will I bleed?",
        ]),
    "r51 INR 5-8 with a real bleed and a worry": (
        "urgent", {"inr_5_to_8_with_minor_bleeding"}, [
            "INR 6.4 and bleeding gums, should I go in just in case?",
            "INR 7.2 and bruising, is there a risk of bleeding in my brain?",
            "inr 5.8 gums bleeding and bruises wat if i bleed more",
            "INR 6.3, gums bleeding, what if I get a nosebleed as well?",
        ], [
            "INR 6.5 today, what if I start bleeding?",
            "INR 6.2 today, nurse said watch for bruising or bleeding gums",
            "INR 5.9, am I at risk of bleeding?",
        ]),
    # changed: + misspellings and the British 'sulphasalazine'; the four of red-flag-reviewer-50 agreed
    "r51 DMARD spellings": (
        "urgent", {"dmard_blood_count_warning"}, [
            "on methatrexate for my psoriasis, sore throat and shivery",
            "I take methotrexat on sundays and I've got bruises everywhere",
            "on sulphasalazine for my arthritis and I've got a sore throat and fever",
            "methotraxate for arthritis and a sore throat",
            "azathiaprine for crohns and mouth ulcers",
        ], [
            "RA on methatrexate, no sore throat, no fever, bloods fine",
            "on sulphasalazine for years, no sore throat or temperature, annual review",
        ]),
    # changed: the social and DIY words read a fit in a playground, an office, a park or a car as 'fitting in'
    "r51 a fit told at a place": (
        "emergency", {"seizure"}, [
            "the school rang, my son is fitting in the playground at school",
            "she's fitting in the classroom at school right now",
            "my husband is fitting in the office at work, colleagues called",
            "he's fitting in the park with his friends",
            "my daughter is fitting in the car with the other kids",
            "my son started fitting at his appointment and they called 999",
            "he's fitting by the new sofa",
            "he has a temperature and he's fitting in bed as well",
        ], [
            "my son's fitting in really well at his new school but has headaches",
            "she's fitting in nicely at nursery, now a cough",
            "he's fitting in fine at work, just stressed and tired",
            "is she fitting in ok at nursery? she has a rash",
            "we're fitting a new bathroom and I strained my back",
            "booked a fitting appointment for my hearing aid, ears ringing",
        ]),
    # agreed: the leaflet words name the eye-rolling they quote; a fit told apart from them fires
    "r51 a fit beside a leaflet": (
        "emergency", {"fit_movements_described", "seizure", "not_responding_said_of_the_person"}, [
            "the leaflet says side effects include fits and my son's arms and legs are jerking now",
            "she started jerking all over. The leaflet says eyes rolling up is a side effect",
            "my son is jerking all over and not responding, the leaflet said it could happen",
        ], [
            "the leaflet for my metoclopramide says side effects include eyes rolling upwards, should I worry?",
            "the patient leaflet mentions the eyes rolling up as a rare side effect",
            "the leafet says side effects include eyes rolling, is this normal",
        ]),
    # agreed: stinging or burning wee beside testicle pain
    "r51 testicle pain with stinging wee": (
        "urgent", {"scrotal_pain_with_swelling_fever_or_urinary_symptoms"}, [
            "my balls hurt and it stings when i wee",
            "testicle ache and burning wee since the weekend",
            "testical pain, stings when I pee",
            "left testis painful, stinging wee for 2 days",
        ], [
            "stings when I wee, no testicle pain",
            "it stings when I pee after the gym, testicles fine",
        ]),
    # agreed: vision said yellow or green on digoxin
    "r51 digoxin, vision gone yellow or green": (
        "emergency", {"digoxin_with_slow_pulse_or_yellow_vision"}, [
            "nan takes digoxin and her vision is all yellow",
            "on digoxin, vision went yellow this morning and I feel sick",
            "digoxin, vision green tinted since yesterday",
        ], [
            "on digoxin, vision fine, green phlegm",
            "takes digoxin, the bruise on his leg has gone yellow, eyesight normal",
        ]),
    # changed: + a partial-thickness scald and the lay 'second degree'
    "r51 burn in diabetes or weak immunity, partial thickness": (
        "urgent", {"burn_with_diabetes_or_weak_immunity"}, [
            "I'm diabetic and the nurse said it's a partial thickness burn on my hand from the oven",
            "type 1 diabetes, partial-thickness scald on my arm from a kettle",
            "type 2 diabetes, 2nd degree burn on my wrist from the oven",
            "on chemo, second degree burn on my hand from the iron",
        ], [
            "diabetic, burnt my finger on the oven, superficial only, not partial thickness, no blister",
            "I'm diabetic, burnt my arm on the kettle, just red, not second degree, no blister",
        ]),
}

test_review51_fires, test_review51_quiet = gap_tests(REVIEW51_TABLE)

# The prolonged fever finding itself (urgent; other fever findings may fire beside the quiet sentences).
FIRES = {
    "prolonged_fever_child": [
        "my 4 year old's temperature won't go after 5 days, only fever free for a bit with calpol",
        "still feverish after 5 days and only fever-free on nurofen",
        "febrile 6/7, fever free for 4 hours after paracetamol",
    ],
}
QUIET = {
    "prolonged_fever_child": [
        "my 2 year old has been fever free for the past week",
        "my son has been fever free for nearly a week, red eyes from crying",
        "my daughter's been temperature-free for 5 days after her ear infection",
    ],
}
test_fires, test_quiet = fire_quiet_tests(FIRES, QUIET, ages={"prolonged_fever_child": 4})
