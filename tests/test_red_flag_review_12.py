"""Review round 12 of the acuity layer (docs/hazards/round_12.md), by red-flag-author-28 (emergency physician;
needs an independent check): under-triage gaps of the development set (a clot in the lung after an operation,
anaphylaxis with a croaky voice or a persistent cough, cord prolapse in a midwife's shorthand, infected gangrene,
a head bump on a blood thinner, psychosis and mania told by a relative, a vitreous bleed, a diabetic foot ulcer,
shingles with weak immunity, delirium, worsening heart failure, steroid-induced high sugar, acute kidney injury in
words) and legs that have stopped working today. Each gap is checked both ways through ``triage.triage`` (words
only); the sentences are the author's own, never the development texts.
"""

from __future__ import annotations

import pytest
from conftest import fired_ids as ids
from conftest import gap_tests

from app.services.triage import triage

# gap -> (findings any of which may carry it, level, firing sentences, benign look-alikes that must not reach it)
GAPS = {
    "k013": ({"recent_operation_or_admission_breathless_with_chest_or_breathing_pain", "post_surgery_breathless"}, "emergency", [
        "My hip was replaced 12 days ago; since this morning I'm out of breath just sitting up and there's a stabbing pain in my side when I breathe in",
        "Got home from hospital a week ago after my bowel op, now puffed out on the stairs and my chest hurts",
        "58F, TKR 10/7 ago, new SOB, pleuritic pain R chest",
    ], [
        "Had my knee replaced 8 days ago, a bit puffed out after the physio exercises, knee sore when I bend it",
        "Had my hip replaced five years ago, today I'm puffed out with a cold and a runny nose",
        "My hip replacement is booked for next month, I get puffed out walking the dog",
    ]),
    "m016": ({"allergic_swelling_or_hives_with_croaky_voice_or_persistent_cough", "airway_swelling",
              "allergy_throat_tongue_voice", "allergic_reaction_severe"}, "emergency", [
        "My little girl had a bite of a sesame bagel, now her lips have puffed up and she keeps coughing and coughing",
        "Stung by a bee ten minutes ago, hives on his chest and his voice has gone all husky",
        "4yo, egg allergy, ate cake at a party: lips swollen, urticaria, croaky voice",
    ], [
        "He's coughing a lot with his cold and has come out in hives since starting amoxicillin",
        "Her bottom lip is swollen where she bit it at the park, she's chatting away normally",
        "I'm a bit hoarse from singing at the concert last night and I had peanuts at the bar",
    ]),
    "m037": ({"cord_prolapse_something_felt_after_waters", "cord_felt_or_seen_in_labour"}, "emergency", [
        "Midwife here: SROM 20 min ago at 37 weeks, breech, she reports something soft and pulsating at the introitus",
        "My waters just went at home and I can feel something soft at the entrance, it's pulsing",
        "ARM on the labour ward, cord palpable on VE",
    ], [
        "Waters broke an hour ago at 39 weeks, mild contractions, clear fluid, baby moving",
        "I'm 30 weeks and have pulsatile tinnitus in my left ear",
    ]),
    "m058": ({"black_toe_or_gangrene_with_wet_smell_spreading_redness_or_fever"}, "emergency", [
        "Dad's diabetic and his little toe has gone black, it's weeping and smells awful, and the redness is spreading up his foot",
        "72M, PVD, L hallux black and wet, malodorous, cellulitis to the ankle, T 38.6",
        "My big toe is turning black and I've got a temperature and the shivers",
    ], [
        "Stubbed my toe on the door, the nail has gone black and it's a bit swollen",
        "My toes are black from the dye in my new socks, no pain, not swollen",
    ]),
    "m078": ({"head_injury_anticoagulant_wording", "anticoagulant_bleeding", "head_injury_danger"}, "emergency", [
        "I'm 81 and take apixaban, I bumped the back of my head on the kitchen door this morning, just a lump",
        "On rivaroxaban for a clot, stood up under the shelf and banged the top of my head, feel fine",
        "Mum's on warfarin, she knocked the side of her head on the cupboard corner, small egg",
    ], [
        "I'm on apixaban and I bumped my elbow on the door frame",
        "I'm on rivaroxaban and fell asleep at my desk with my head on the table",
    ]),
    "k074": ({"new_psychotic_symptoms"}, "urgent", [
        "Our daughter is 22 and for a fortnight she's been saying the radio is talking about her and the neighbours send her messages through the router",
        "He's covered his bedroom windows in tin foil and says the TV is talking about him",
        "19M, 3/52 ideas of reference and thought broadcasting, not sleeping, cannabis use",
    ], [
        "I put foil on the windows to keep the heat out during the heatwave",
        "The local radio is talking about my street because of the flooding",
    ]),
    "m113": ({"mania_signs", "bipolar_going_high_again",
              "little_sleep_with_pressured_speech_spending_or_grandiosity"}, "urgent", [
        "My husband has bipolar and I think he's going high again, up all night and talking over everyone",
        "Known BPAD, stopped lithium a month ago, family report she is hypomanic with pressured speech",
        "She's hardly slept for a week, jumping from idea to idea and has gone on a spending spree",
    ], [
        "I have bipolar, had a manic episode years ago, stable on lithium, just need a repeat prescription",
        "I've barely slept with the stress of exams and my thoughts are racing with worry",
        "Work has been manic this week and I've hardly slept, I take lamotrigine for epilepsy",
    ]),
    "m059": ({"sudden_floaters_or_smoky_vision", "new_flashes_floaters"}, "urgent", [
        "Suddenly this afternoon my left eye filled with dark specks like soot, then it went like looking through murky water",
        "I'm diabetic and woke up with floaty bits in my vision in my right eye, no pain",
    ], [
        "There were black specks in my poo today",
        "My wee looks like dirty water today",
    ]),
    "m062": ({"diabetic_foot_ulcer_or_wound_new", "diabetic_foot_wound", "diabetic_foot_ulcer_infected_wording"}, "urgent", [
        "I'm type 2 on metformin and found a painless hole on the ball of my foot, clean, no redness",
        "T1DM, reduced sensation, 1cm shallow ulcer under L 1st MTP head, no erythema, no probe to bone",
        "Mum's diabetic and there was blood on her sock, she's got a little sore on her heel she couldn't feel",
    ], [
        "I'm diabetic and have a mouth ulcer on my tongue, my feet are sore from walking",
        "Type 2 diabetic, the ulcer on my toe healed months ago, podiatry check today was fine",
        "I have diabetes and my foot is sore after a long walk, no cuts or blisters",
    ]),
    "m073": ({"shingles_immunosuppressed_wording", "varicella_zoster_at_risk"}, "urgent", [
        "On methotrexate for RA. Burning pain round my left ribs for 3 days and now a rash in a band of little blisters",
        "Kidney transplant on tacrolimus and pred, grouped vesicles L T6 dermatome",
    ], [
        "I'm on methotrexate and play drums in a band, fingers sore",
        "On azathioprine, itchy clustered bites on my ankles after the garden",
    ]),
    "m100": ({"older_person_new_confusion_wording", "new_confusion"}, "urgent", [
        "My nan is 88 and in the last couple of days she's more confused than normal, calling me by my mum's name, her wee smells strong",
        "My 84 year old grandad has been more muddled than normal for the past 2 days",
    ], [
        "Mum is 90 with dementia, no more muddled than normal, just wanted advice about her hearing aid",
        "Dad is 79, gets mixed up with his tablets sometimes, same as always for years",
    ]),
    "m102": ({"fluid_build_up_breathless"}, "urgent", [
        "Mum has heart failure, her ankles are puffier and the swelling is creeping up her legs, she's breathless on the stairs",
        "79F, CCF, weight up 2.5kg this week, SOBOE, orthopnoea 3 pillows",
    ], [
        "My weight has gone up since Christmas and I get puffed out on the stairs",
        "I've put on half a stone over the year since I stopped smoking and I'm a bit breathless at the gym",
    ]),
    "m075": ({"thirst_and_passing_lots_with_high_sugar_or_steroids"}, "urgent", [
        "Started prednisolone for my chest 10 days ago and now I'm very thirsty and weeing all the time",
        "58M on high-dose dexamethasone for brain mets, 4/7 polyuria and polydipsia, CBG 22",
    ], [
        "On steroids for my asthma, I'm drinking loads of water on the advice of my trainer, peeing normally",
        "My blood sugar was high at the chemist but I feel fine, not thirsty",
    ]),
    "k090": ({"acute_kidney_injury_or_creatinine_rise_words"}, "urgent", [
        "The surgery rang to say my kidney function has dropped a lot since my last blood test and I need to stop my water tablet",
        "72F on furosemide and ramipril after a tummy bug, creatinine has doubled from baseline",
        "GP letter says AKI stage 2 on my bloods, I feel washed out",
    ], [
        "I had an AKI 2 years ago after a bad bug and my kidney function is back to normal now",
        "My eGFR has dropped slowly over the years, the kidney nurse says it's stable CKD stage 3",
        "The pharmacist explained the sick day rules to avoid AKI if I get diarrhoea",
    ]),
    "legs": ({"legs_stopped_working_today", "sudden_leg_weakness"}, "emergency", [
        "Dad's legs aren't working this morning, he can't get out of bed",
        "My legs have stopped working since last night, I can't stand up on my own",
        "Today his legs won't hold him up",
        "Her legs suddenly stopped working in the shop",
    ], [
        "My legs aren't working like they used to, I've slowed down over the years, saw the GP today",
        "My legs won't work properly today after leg day at the gym, so achy",
        "My leg went dead from sitting cross-legged, it was fine a minute later",
    ]),
}


# The shared gap table's order: (level, findings, firing sentences, look-alikes).
TABLE = {gap: (level, findings, fire, quiet) for gap, (findings, level, fire, quiet) in GAPS.items()}
test_gap_fires_at_level, test_benign_look_alike_stays_below = gap_tests(TABLE)  # two of each per gap


ROUND_12_NEW = {
    "recent_operation_or_admission_breathless_with_chest_or_breathing_pain",
    "allergic_swelling_or_hives_with_croaky_voice_or_persistent_cough",
    "black_toe_or_gangrene_with_wet_smell_spreading_redness_or_fever", "diabetic_foot_ulcer_or_wound_new",
    "thirst_and_passing_lots_with_high_sugar_or_steroids", "acute_kidney_injury_or_creatinine_rise_words",
    "legs_stopped_working_today", "bipolar_going_high_again",
}


@pytest.mark.parametrize("text", [
    "knee replaced last week, not breathless and no chest pain",
    "ate peanuts, no hives, no swelling, voice normal and not coughing",
    "my toe is not black, no smell and no redness",
    "diabetic, no ulcer on my foot and no blisters",
    "on prednisolone, not thirsty and not weeing more than usual",
    "no AKI on the bloods, creatinine has not gone up",
    "has bipolar, not high, not manic, sleeping well",
])
def test_denied_words_do_not_fire_round_12(text):
    assert not ids(text) & ROUND_12_NEW, triage(text).reasons

