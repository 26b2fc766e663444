"""Independent check (two-author rule) of part of review round 15 (docs/hazards/round_15.md), by
red-flag-reviewer-53 (emergency physician), 2026-12-01: docs/hazards/round_15_check_b.md.

Own sentences (lay, misspelt, clinical shorthand), harmless look-alikes, and the findings' `unless` words beside a
real case. Words only, through ``triage.triage``; never the development texts.
"""

from __future__ import annotations

from conftest import finding_table_tests, gap_tests

# gap -> (level, {findings any of which may carry it}, [firing sentences], [look-alikes that must stay below])
TABLE = {
    "r53 nosebleeds on a blood thinner or antiplatelet": ("urgent", {"anticoagulant_nosebleed_repeated_or_long_wording"}, [
        "on clopidogrel after my stent, nosebleeds every day this week",
        "taking ticagrelor, nose bleeding again",
        "on clopidogrel, nose bleeding twice today",
        "on plavix and aspirin, nosebleeds a few times this week",
    ], [
        "takes ticagrelor twice a day, nose bleeding this morning for a minute",
        "on long term clopidogrel, nose bleeding this morning, stopped after a minute",
        "had three stents, on clopidogrel, nose bleeding briefly this morning",
        "my husband is on warfarin, I get nose bleeds in hot weather",
    ]),
    "r53 nosebleed not stopping (misspelt, shorthand)": ("emergency", {"nosebleed_not_stopping"}, [
        "nosebleads for 20 mins, still going",
        "epitaxis for 40 mins despite pinching",
        "nose blead wont stop after 20 mins",
        "nosebleed for 20 mins, it hasn't stopped",
        "nosebleed stopped then started again, now bleeding for 30 mins and won't stop",
    ], [
        "nosebleed for 20 minutes then it stopped",
        "nose bleed for 30 mins this morning, stopped now",
        "the nosebleed stopped after pinching for 20 mins",
    ]),
    "r53 eczema herpeticum near the eye": ("emergency", {"eczema_herpeticum_near_the_eye"}, [
        "my little boy's eczema has gone bad with lots of tiny blisters around his eye and he's got a temp",
        "she has excema and now clusters of blisters next to her eye",
        "Atopic 3yo, clustered vesicles periorbital, febrile",
        "he has eczema and punched out sores under his eye",
    ], [
        "my eczema is flaring on my eyelids and itchy, no blisters",
        "she has eczema on her eyelids and a stye",
        "eczema on my hands with tiny blisters on my fingers, and my eye is red from hay fever",
    ]),
    "r53 eczema herpeticum elsewhere": ("urgent", {"eczema_herpeticum"}, [
        "my excema has come up in clusters of painful blisters on my neck",
        "I have eczema, and grouped blisters on my chin that are really painful",
        "eczema flare, crusted erosions on her cheeks",
    ], [
        "I have dyshidrotic eczema with painful blisters on my fingers",
        "pompholyx eczema, itchy blisters on my palms again",
        "her eczema is weeping and crusted on her cheeks",
    ]),
    "r53 mpox-like genital or anal lesions": ("urgent", {"mpox_like_genital_or_anal_lesions_with_fever_glands_or_contact"}, [
        "gay man, sores on my bum hole and feel flu-ish",
        "28M MSM, anogenital vesicopustular rash, fever, inguinal LN",
        "pox-like spots on my penis after a hookup, glands swollen",
        "painful blisters on my penis, first time ever, and I've got a fever and glands in my groin",
        "blisters in my groin and a fever",
    ], [
        "blisters on my foot, swollen glands in my groin",
        "shaving rash on my balls and a cold with a temperature",
        "my son has hand foot and mouth with blisters on his bottom and a temp",
        "itchy spots in my groin after the gym, no fever, no new partners",
    ]),
    "r53 mpox-like umbilicated spots": ("urgent", {"mpox_like_umbilicated_lesions_with_fever_or_glands"}, [
        "pus spots with dents in the centre on my face, glands up in my neck",
        "spots on my hands and face with a dip in the middle after a fever",
    ], [
        "molluscum on my son's tummy with a dip in the middle, he has a temp from a cold",
        "had my mpox jab last week, sore arm and feverish",
    ]),
    "r53 fever after tropical travel": ("urgent", {"fever_after_tropical_travel"}, [
        "just got back from a safari in Tanzania, shivery fever and headache",
        "back from visiting family in Sylhet 2 weeks ago, high temp and aching",
        "returned from Lahore 10 days ago, fevers, rigors",
    ], [
        "fever since Tuesday, just back from a weekend in Lisbon",
        "fever after a cold at home",
    ]),
    "r53 tropical fever danger signs (widened places)": ("emergency", {"tropical_fever_danger_signs"}, [
        "back from Mombasa, fever, now very drowsy and confused",
        "returned from Dhaka with a fever, now my eyes are yellow",
        "home from Kampala last week, fevers, today a bit muddled",
    ], [
        "back from Lahore with a fever, alert and drinking well",
        "back from Lisbon with a fever and a sore throat",
    ]),
    "r53 surgical wound infection": ("urgent", {"wound_infection_after_operation_cut_or_belly_button"}, [
        "had an operation on my bunion, wound looks red and swollen",
        "post op day 5, wound erythema and purulent discharge",
        "postoperative wound infection, red hot and hard",
        "c section 10 days ago, my scar has opened up a bit and its gaping",
    ], [
        "after my operation I got really wound up and my eyes went red and sore",
        "operated on last month, wound fine, now cloudy wee and burning",
        "waiting for my operation, the wound on my foot is oozing",
    ]),
}

test_review_fires, test_review_quiet = gap_tests(TABLE)

# Findings whose level needs an age: the AF / arterial abdominal pain finding and the widened older person's one.
AGED_FIRES = {
    "sudden_severe_abdominal_pain_with_af_or_arterial_disease": ("emergency", 74, [
        "i have afib and a sudden awful pain in my belly, been sick",
        "heart attack 2 weeks ago, now really bad stomach pain, much worse than it looks",
        "74M, PAF, not anticoagulated, acute severe abdo pain, soft abdomen",
        "known PVD, sudden central abdominal pain and bloody diarrhoea",
        "irregular heart beat, sudden tummy ache came on out of the blue, rolling around",
        "MI last year, now sudden severe pain in my tummy",
    ]),
    "older_sudden_abdo_back_pain": ("emergency", 78, [
        "sudden pain in the middle of my tummy, really bad, been sick",
        "82F sudden onset periumbilical pain",
    ]),
}
AGED_QUIET = {
    "sudden_severe_abdominal_pain_with_af_or_arterial_disease": (45, [
        "AF, mild tummy ache after curry",
        "my dad died of heart disease, I have a sudden stomach ache with diarrhoea",
        "my son had mesenteric adenitis last year, now sudden tummy pain with a cold",
        "stomach hurts af, sudden cramps after a dodgy kebab",
    ]),
    "older_sudden_abdo_back_pain": (66, ["tummy ache around my belly button on and off for months, not sudden"]),
}
test_aged_fires, test_aged_quiet = finding_table_tests(AGED_FIRES, AGED_QUIET)

# Bartholin's abscess (female).
BARTHOLIN_FIRES = {"bartholin_abscess_painful_vulval_lump": ("urgent", 28, [
    "really sore swollen lump on one side of my vagina, cant sit down",
    "painful lump on my vaginal lip thats grown to the size of a grape in 2 days",
    "barthlins cyst flared up, hot and throbbing",
    "big painful swelling at the entrance to my vagina, walking hurts",
    "I think I have a bartholin's abscess, its agony",
])}
BARTHOLIN_QUIET = {"bartholin_abscess_painful_vulval_lump": (28, [
    "the entrance of my vagina is very painful during sex",
    "pain on one side of my vagina, very painful when I sit",
    "I have a Bartholin's cyst, it's painless and hasn't changed, can I have sex",
    "had a bartholin abscess drained last year, now fine",
    "lump down there, probably an ingrown hair, bit sore",
    "my labia is swollen and itchy with thrush",
])}
test_bartholin_fires, test_bartholin_quiet = finding_table_tests(BARTHOLIN_FIRES, BARTHOLIN_QUIET, sex="female")
