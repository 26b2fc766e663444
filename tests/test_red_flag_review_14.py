"""Review round 14 of the acuity layer (docs/hazards/round_14.md), by red-flag-author-45 (emergency physician;
needs an independent check): under-triage gaps of the development set (a written INR of 5 or more with minor
bleeding, delirium said in shorthand, a manic relapse with numbered short sleep, epididymo-orchitis, a urine
infection after a transplant, digoxin toxicity, HELLP / pre-eclampsia said as 'heartburn' under the ribs, a
collapse while swimming, early lithium toxicity, infection of the womb after birth). Each gap is checked both ways
through ``triage.triage`` (words only); the sentences are the author's own, never the development texts.
"""

from __future__ import annotations

from conftest import finding_table_tests, fire_quiet_tests, gap_tests

# gap -> (level, {findings any of which may carry it}, [firing sentences], [benign look-alikes that must stay below])
TABLE = {
    "d8-018 INR 5-8 with minor bleeding": ("urgent", {"inr_5_to_8_with_minor_bleeding"}, [
        "On warfarin for a metal valve, my INR was 6.8 this morning and my gums are bleeding",
        "81F, warfarin, clarithromycin last week, INR today 5.6, new bruising on both arms",
        "the INR clinic rang, INR is 7.4, and I've had two nosebleeds since yesterday",
    ], [
        "On warfarin, target INR 2.5-3.5, my gums bleed a little when I floss",
        "INR 3.4 today, a small bruise where I knocked my shin, otherwise well",
    ]),
    "d8-018 INR 8 or more": ("urgent", {"inr_8_or_more_value", "inr_very_high"}, [
        "INR 8.7 on today's finger-prick check, no bleeding, feel fine",
        "the warfarin nurse says my INR is 9.6",
        "Mum's INR came back at 12.4 this afternoon",
    ], [
        "My INR was 9 last year after antibiotics, today it is 2.7",
        "INR target range 2-3, last reading 2.4",
    ]),
    "d8-053 delirium in shorthand": ("urgent", {"older_person_new_confusion_wording"}, [
        "91M nursing home, 3/7 increasing confusion, picking at the air, off his food",
        "Carers say Dad (84) has been increasingly muddled for two days and awake all night",
        "82F, worsening confusion 48h, urine smells strong",
    ], [
        "Mum is 87 with dementia, increased confusion over the last few months, the memory clinic know",
        "Grandad is 79 and gets confused about his new TV remote",
    ]),
    "d8-057 manic relapse, numbered sleep": ("urgent", {"little_sleep_with_pressured_speech_spending_or_grandiosity",
                                                         "mania_signs", "bipolar_going_high_again"}, [
        "My brother has bipolar, he's had 2-3 hours sleep a night all week and is talking over everyone",
        "partner reports 3h sleep for 4 nights, pressured speech and a spending spree",
        "She's on 2 hours sleep, maxed out her credit card and says she's the chosen one",
    ], [
        "I only got 3 hours sleep last night before my presentation and I was talking so fast",
        "Night shifts this week, 3 hours sleep between them, I'm shattered",
    ]),
    "d8-058 epididymo-orchitis": ("urgent", {"scrotal_pain_with_swelling_fever_or_urinary_symptoms",
                                             "scrotal_pain_severe_or_raised"}, [
        "My right testicle has been getting more painful and swollen since Monday and I've got a temperature",
        "34M, 2/7 L testicular pain, dysuria, urethral discharge",
        "sore balls for a couple of days, the left one is red and hot and it stings when I wee",
    ], [
        "a dull ache in my left testicle for months, feels like a bag of worms when I stand",
        "a painless swelling in my scrotum for years, the GP said it is a hydrocele",
    ]),
    "d8-059 urine infection after a transplant": ("urgent", {"transplant_or_anti_rejection_drugs_with_urine_infection_symptoms"}, [
        "I had a kidney transplant last year, it's burning when I pee and I'm going every hour",
        "on ciclosporin after my renal transplant, smelly cloudy wee since yesterday",
        "Liver transplant recipient on tacrolimus, 1/7 dysuria and frequency, temp 37.7",
    ], [
        "I put tacrolimus ointment on my eczema and now I need to wee a lot after coffee",
        "I'm on the waiting list for a kidney transplant, on dialysis, no urine symptoms",
    ]),
    "d8-062 digoxin toxicity (vision, slow pulse)": ("emergency", {"digoxin_with_yellow_green_vision_or_very_slow_pulse", "digoxin_with_slow_pulse_or_yellow_vision"}, [
        "Gran takes digoxin and says the telly looks yellowy and the lights have haloes",
        "on digoxin for AF, feeling faint, pulse is in the 30s",
        "88M on digoxin, new xanthopsia and nausea",
    ], [
        "on digoxin, his phlegm has gone green with a chest cold",
        "takes digoxin, the whites of her eyes look yellow",
    ]),
    "d8-062 digoxin toxicity (sickness, confusion)": ("urgent", {"digoxin_with_sickness_off_food_or_new_confusion"}, [
        "Dad is on digoxin and since his water tablet went up he has been vomiting and off his food",
        "on digoxin, 2 days of nausea and feeling dizzy",
        "79F, digoxin and furosemide, newly muddled and not eating",
    ], [
        "I'm sick of taking digoxin and all these tablets",
        "on digoxin for years, eating well, here for my annual review",
    ]),
    "d8-091 pre-eclampsia said as heartburn": ("emergency", {"pregnancy_pain_under_ribs_or_heartburn_with_headache_or_raised_bp",
                                                             "pre_eclampsia_signs"}, [
        "I'm 33 weeks, heartburn on my right side under the ribs that Rennies aren't helping, and a thumping headache",
        "36/40, epigastric pain and BP 148/96 at the midwife",
        "36 weeks pregnant, Gaviscon isn't touching the burning under my ribs and my rings don't fit today",
    ], [
        "32 weeks pregnant, heartburn after meals, Gaviscon helps",
        "I'm 35 weeks and the baby's feet are kicking my ribs, it's sore",
    ]),
    "d8-109 collapse while swimming": ("emergency", {"exercise_collapse_with_cardiac_features", "drowning_or_submersion_symptoms"}, [
        "My 14 year old blacked out in the pool during training and the lifeguard pulled him out",
        "Son passed out while swimming, no warning, he was only out for a few seconds",
        "12F collapsed during a swimming lesson, no prodrome, grandfather died suddenly at 38",
    ], [
        "Felt a bit dizzy after a long swim in the sea, fine after a sit down and a drink",
        "I'm drowning in paperwork and passed my swimming test",
    ]),
    "d8-124 early lithium toxicity": ("urgent", {"lithium_with_diarrhoea_vomiting_or_worse_tremor", "lithium_toxicity_signs"}, [
        "on lithium for bipolar, started naproxen for my back, now diarrhoea and feeling sick",
        "My wife takes Priadel and her hands are shakier than usual, she keeps spilling her tea",
        "61M lithium 1g nocte, 2/7 D&V",
    ], [
        "I used to take lithium years ago, now I have diarrhoea after a takeaway",
        "my lithium-ion vape battery leaked and I feel sick",
    ]),
    "d8-131 infection of the womb after birth": ("urgent", {"after_birth_smelly_lochia_or_tender_womb_with_fever_or_pain"}, [
        "Had my baby a week ago, the bleeding has started to smell and I've got a temperature",
        "Day 4 post LSCS, offensive lochia and lower abdo pain",
        "since giving birth my discharge smells off and I keep getting the shivers",
    ], [
        "had my baby 2 weeks ago, lochia getting lighter, no smell, feel well",
        "postnatal day 12, thick white itchy discharge like cottage cheese",
    ]),
}

test_gap_fires_at_level, test_benign_look_alike_stays_below = gap_tests(TABLE)

# The emergency kind of a high INR: 8 or more with bleeding.
FIRES = {
    "inr_8_or_more_value_with_bleeding": [
        "INR 9.2 this morning and my gums won't stop bleeding",
        "warfarin, INR result 8.5, new bruises all over",
    ],
}
QUIET = {
    "inr_8_or_more_value_with_bleeding": [
        "INR 8.5 today, no bleeding or bruising",
        "INR 6.5 and a small nosebleed that stopped",
    ],
    "inr_5_to_8_with_minor_bleeding": [
        "INR 4.2 today and my gums bleed when I brush",
    ],
}
test_fires, test_quiet = fire_quiet_tests(FIRES, QUIET)


# Independent check by red-flag-reviewer-47 (2026-12-01): other wordings of each gap (lay, misspelt, shorthand), the
# narrowings beside a real emergency, and benign look-alikes (docs/hazards/round_14.md, "Independent check").
REVIEW_TABLE = {
    "r47 INR 5-8 with minor bleeding": ("urgent", {"inr_5_to_8_with_minor_bleeding"}, [
        "on warfarin INR 6 gums bleed",
        "INR: 5.4, epistaxis",
        "INR 6.8 and bleeding gums, no nosebleeds",
    ], [
        "INR 2.1 today, bleeding gums after the dentist",
        "INR 5.6 last week, now 2.8, gums bleed when I floss",
    ]),
    "r47 digoxin with a written slow pulse": ("emergency", {"digoxin_with_yellow_green_vision_or_very_slow_pulse", "digoxin_with_slow_pulse_or_yellow_vision"}, [
        "on digoxin, heart rate 44, feel faint",
        "on digoxin, pulse 42 and dizzy",
        "on digoxin, vision gone yellowish",
    ], [
        "on digoxin, bruise on my leg looks yellow",
        "on digoxin, pulse 72, vision normal, just a repeat prescription",
    ]),
    "r47 epididymo-orchitis other wordings": ("urgent", {"scrotal_pain_with_swelling_fever_or_urinary_symptoms",
                                                        "scrotal_pain_severe_or_raised"}, [
        "testicle pain and swelling 3 days, hurts to wee",
        "right testis painful and swollen, fever",
        "testicle pain for months, now swollen and fever",
    ], [
        "testicle ache after the gym, no swelling",
        "testicle a bit sore after cycling",
    ]),
    "r47 transplant UTI other wordings": ("urgent", {"transplant_or_anti_rejection_drugs_with_urine_infection_symptoms"}, [
        "renal tx, dysuria",
        "I'm on tacrolimus, pain when I wee, peeing loads",
        "kidney transplant, eye drops for glaucoma, burning when I pee",
    ], [
        "I had a hair transplant last month and it stings when I wee",
        "I'm on the waiting list for a kidney transplant, on dialysis, no urine symptoms",
    ]),
    "r47 early lithium toxicity other wordings": ("urgent", {"lithium_with_diarrhoea_vomiting_or_worse_tremor",
                                                            "lithium_toxicity_signs"}, [
        "lithium, hands trembling more than usual",
        "on lithium, the squits since tuesday",
        "on lithium, my phone battery died and I've got diarrhoea",
    ], [
        "on lithium, shaky hands as always",
        "on lithium, my usual mild tremor, fine",
    ]),
    "r47 womb infection after birth other wordings": ("urgent", {"after_birth_smelly_lochia_or_tender_womb_with_fever_or_pain"}, [
        "c section 10 days ago, womb tender and fever",
        "had my baby 2 weeks ago, lochia smells bad, itchy too, temp 38.5",
        "had a miscarriage 5 days ago, smelly discharge and tummy pain",
    ], [
        "had my baby 10 days ago, bleeding getting lighter, no smell, feel well",
        "smelly discharge and itching, not pregnant",
    ]),
    "r47 pre-eclampsia said as heartburn, narrowing beside it": ("emergency", {
            "pregnancy_pain_under_ribs_or_heartburn_with_headache_or_raised_bp", "pre_eclampsia_signs"}, [
        "34 weeks, pain under my right ribs after eating, headache and my bp was a bit up",
        "36 weeks, spicy food yesterday, but now pain under my right ribs and headache",
        "33 weeks, ache under my ribs after dinner, seeing flashing lights",
    ], [
        "30 weeks pregnant, heartburn after meals and I get headaches",
        "33 weeks pregnant, heartburn after dinner every night, Gaviscon helps",
    ]),
    "r47 collapse while swimming": ("emergency", {"exercise_collapse_with_cardiac_features", "drowning_or_submersion_symptoms"}, [
        "my 15 year old collapsed while swimming, no warning",
        "she was found face down in the pool and was unconscious briefly",
        "he collapsed at swimming training, uncle died suddenly at 30",
    ], [
        "swam 50 lengths and felt dizzy after, sat down and fine",
        "I'm drowning in work, passed out asleep on the sofa",
    ]),
    "r47 manic relapse, one short night beside a week": ("urgent", {"little_sleep_with_pressured_speech_spending_or_grandiosity"}, [
        "got 3 hours sleep last night but for a week he's been talking non-stop, and barely slept, spending thousands",
        "3 hours sleep for the last 5 nights, pressured speech",
        "she's sleeping 3 hours a night, talking over everyone and spending loads of money",
    ], [
        "he had 2-3 hours sleep the night before the exam and talked really fast in it",
        "Night shifts this week, 3 hours sleep between them, I'm shattered",
    ]),
}

test_review_fires, test_review_quiet = gap_tests(REVIEW_TABLE)

# The delirium widening needs an age (65+): checked with one.
REVIEW_AGED = {"older_person_new_confusion_wording": ("urgent", 88, [
    "dad increasingly confused over 2 days",
    "80F, 2/7 hx of increased confusion",
])}
REVIEW_AGED_QUIET = {"older_person_new_confusion_wording": (79, [
    "dad has dementia, confusion gradually worse over the last few months",
    "grandma is more confused over the past year",
])}
test_review_aged_fires, test_review_aged_quiet = finding_table_tests(REVIEW_AGED, REVIEW_AGED_QUIET)


# Independent check of the reviewers' changes by red-flag-reviewer-49 (2026-12-01; docs/hazards/round_14.md).
# The slow-pulse wordings and plain yellow vision moved to digoxin_with_slow_pulse_or_yellow_vision, whose only
# `unless` words are the pacemaker history: the colour finding's nouns ('phlegm', 'bruise', 'jaundiced') said in the
# same sentence cancelled them (each firing sentence of the first entry was routine before the split).
REVIEW49_TABLE = {
    "r49 digoxin slow pulse or yellow vision beside phlegm, a bruise or jaundice": (
        "emergency", {"digoxin_with_slow_pulse_or_yellow_vision"}, [
            "takes digoxin, yellow vision today, and green phlegm with a cold",
            "on digoxin, pulse 44, coughing up green phlegm",
            "Nan's on lanoxin, HR 46 on her monitor and a bruise on her shin from a fall",
            "on digoxin, heart rate in the 40s and the GP said he looks jaundiced",
            "on digoxin and I have a pacemaker, but my pulse is 44 and I feel dizzy",
        ], [
            "on digoxin, pulse 78, green phlegm with a cold",
            "on digoxin, my pulse was in the 40s before the pacemaker went in, now 70",
            "resting heart rate 44, I cycle a lot, no tablets",
            "had heart block, pacemaker fitted in 2015, on digoxin, feel fine, repeat prescription",
        ]),
    "r49 digoxin and a faint (widened by red-flag-reviewer-47)": (
        "urgent", {"digoxin_with_sickness_off_food_or_new_confusion"}, [
            "on digoxin, went light-headed in the shop and had to sit down",
            "Grandad's on digoxin and nearly fainted getting out of bed",
            "on lanoxin, feeling faint on and off since yesterday",
        ], [
            "on digoxin, no dizziness or faints, just a repeat",
            "on digoxin for years, feel well, eating normally",
        ]),
    "r49 scrotal pain wordings (widened by red-flag-reviewer-47)": (
        "urgent", {"scrotal_pain_with_swelling_fever_or_urinary_symptoms"}, [
            "testicle pain and it's gone red and swollen since tuesday",
            "my testical hurts and feels hot and swollen",
            "ache in my testicle for months, now it's swollen and I've got a temperature",
            "my testicle aches and is swollen and hot, temp 38",
            "aching testicle, swollen, burns when I pee",
        ], [
            "testicle pain on and off for years, no swelling, no fever",
            "testicles sore after a long bike ride, no swelling or fever",
            "testicle ache after football, no swelling, no fever",
            "dull dragging ache in my left testicle for months, like a bag of worms",
        ]),
    "r49 transplant urine infection wordings (widened by red-flag-reviewer-47)": (
        "urgent", {"transplant_or_anti_rejection_drugs_with_urine_infection_symptoms"}, [
            "renal tx 2015, burning wee since yesterday",
            "on tacrolimus, painful to pee and going every hour",
            "on tacrolimus, stinging when I wee, and I use eye drops for glaucoma",
        ], [
            "waiting for a kidney transplant, stinging when I wee",
            "I use ciclosporin eye drops and it stings when I pee after the gym",
        ]),
    "r49 lithium wordings (widened by red-flag-reviewer-47)": (
        "urgent", {"lithium_with_diarrhoea_vomiting_or_worse_tremor"}, [
            "on lithium, runny poo for 3 days",
            "priadel, the squits since tuesday",
            "on lithium, my phone battery died and I've had diarrhoea since yesterday",
        ], [
            "on lithium, shaky hands as always, just a repeat",
            "lithium ion batteries at work, had diarrhoea after a curry",
        ]),
    "r49 womb infection after birth wordings (widened by red-flag-reviewer-47)": (
        "urgent", {"after_birth_smelly_lochia_or_tender_womb_with_fever_or_pain"}, [
            "had a baby last week, womb hurts and I'm shivery",
            "c-section 9 days ago, smelly discharge and a temperature",
            "delivered 5 days ago, lochia smells bad and is itchy, temp 38.4",
        ], [
            "had a baby 5 weeks ago, itchy discharge like cottage cheese, thrush I think, no fever",
            "c-section 2 weeks ago, the wound is itchy, no fever, feel well",
        ]),
}

test_review49_fires, test_review49_quiet = gap_tests(REVIEW49_TABLE)


# Independent check by red-flag-reviewer-50 (2026-12-01; docs/hazards/round_14.md): the ache wordings of scrotal pain
# (+ stinging / burning wee), the split digoxin findings (+ 'vision yellow / yellowish / green').
REVIEW50_TABLE = {
    "r50 aching testicle with swelling, heat or stinging wee": (
        "urgent", {"scrotal_pain_with_swelling_fever_or_urinary_symptoms"}, [
            "aching testicle and it stings when I wee",
            "my testicle aches and it's a burning wee since friday",
            "my left testicle aches and it's swollen and red",
            "ache in my testicle and it feels hot and swollen",
        ], [
            "testicles ache after the gym, no swelling, no fever",
            "testicle aches a bit after sex, no swelling, no temperature",
        ]),
    "r50 digoxin colour vision words left in the colour finding": (
        "emergency", {"digoxin_with_yellow_green_vision_or_very_slow_pulse"}, [
            "on digoxin, everything looks yellowy green today",
            "on digoxin, seeing haloes around lights",
            "nan's on digoxin and says her vision's gone greenish",
        ], [
            "on digoxin, sputum looks yellowish with a chest infection",
            "on digoxin for AF, the bruise on my arm looks greenish now",
        ]),
    "r50 digoxin slow pulse or yellow vision in other words": (
        "emergency", {"digoxin_with_slow_pulse_or_yellow_vision"}, [
            "on digoxin, my vision has gone yellow",
            "takes digoxin, his vision is yellow since this morning",
            "dad on digoxin, heart rate of 46 bpm on his watch",
            "on digoxin, pulse rate 45",
        ], [
            "on digoxin, vision normal, yellow phlegm with a cold",
            "on digoxin, pulse was 44 before my pacemaker, now 70",
            "my resting pulse is 48, I'm a runner, not on any tablets",
        ]),
}

test_review50_fires, test_review50_quiet = gap_tests(REVIEW50_TABLE)
