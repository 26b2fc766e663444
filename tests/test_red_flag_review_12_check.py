"""Independent check of round 12, under-triage (red-flag-author-28; docs/hazards/round_12.md), by red-flag-reviewer-31
(emergency physician): the new findings of knowledge/red_flags/round_12.json, the widened findings and the concept
`head_injury`. The reviewer's own sentences, both ways, in lay, misspelt and clinical wordings, through
``triage.triage`` (words only); never the development texts.
"""

from __future__ import annotations

import pytest
from conftest import fire_quiet_tests

from app.services.acuity import default_acuity_index
from app.services.triage import LEVELS, triage

# finding -> sentences that must fire it
CASES_FIRE = {
    "recent_operation_or_admission_breathless_with_chest_or_breathing_pain": [
        "had my knee done 10 days ago, new knee, now puffed out walking to the kitchen and a sharp pain under my ribs when I breathe in",
        # misspelt: breth / breath for breathe
        "had my knee replaced 2 weeks ago and im so out of breath, my side hurts when i breath in",
        "knee replacement last week, so short of breth and it hurts to breath",
        "she had her hip replaced 10 days ago, now she's puffed and it hurts when she breathes in",
        "Post-op day 8 lap chole, SOB and pleuritic chest pain, HR 110",
        # a past clot said later does not cancel the recent operation
        "knee replaced 9 days ago, breathless, pain on breathing in, I had a clot years ago",
    ],
    "allergic_swelling_or_hives_with_croaky_voice_or_persistent_cough": [
        "He ate a satay skewer and his lips have gone all puffy and he is coughing loads and his voice is croaky",
        "my daughter had cashews, her lips swelled up and she sounds hoarse",
        "Ate a nutty biscuit, hives everywhere and can't stop coughing",
        "her eyes have swollen and she won't stop coughing after a mouthful of egg fried rice, she has an egg allergy",
        "after the penicillin tablet I got hives and my voice has gone croaky",
        # a cold said in passing does not cancel a cough after a food with swelling and hives
        "lips swollen and hives after peanuts and he keeps coughing, he's had a cold this week",
        "He has a cold, now after eating peanut butter his face swelled up and his voice is croaky",
    ],
    "black_toe_or_gangrene_with_wet_smell_spreading_redness_or_fever": [
        "my dads toe has gone black and there's pus coming out",
        "gangreen on my big toe and I feel awful, shivery",
        "R hallux necrotic toe, spreading cellulitis, rigors",
        "toe black for weeks, now it smells and the redness is spreading up my foot",
        # any new black toe in diabetes (NICE NG19: gangrene, immediate referral to acute services)
        "diabetic, toe has turned black, no pain",
        "Type 2 diabetes, my little toe is going black",
        "T2DM, L 4th toe dry gangrene, no infection",
        "my diabetic dad's toe has gone black and smells, I cut his toenails last week",
    ],
    "diabetic_foot_ulcer_or_wound_new": [
        "type 2, found a blister on the sole of my foot I can't feel",
        "diabetic, small open sore under my big toe, no redness",
        "on insulin, noticed a wound on my heel, clean",
        "diabetic, there's a hole in the bottom of my foot",
        "diabetic, broken skin on the bottom of his foot",
        "69M T2DM new painless ulcer under R 1st MTP head",
    ],
    "thirst_and_passing_lots_with_high_sugar_or_steroids": [
        "on dex for my brain tumour, constantly thirsty and peeing all the time, sugar reading 21",
        "not diabetic, on prednisolone, so thirsty and up all night weeing",
        "on pred for my PMR, drinking loads and peeing loads",
    ],
    "acute_kidney_injury_or_creatinine_rise_words": [
        "my GP rang, my kidney function has suddenly got worse and I need to stop my tablets",
        "blood test shows acute kidney injury stage 1, I've had diarrhoea",
        "hospital said my creatnine had doubled",
        "I have CKD and the GP says I have an AKI on top after this bug",
    ],
    "legs_stopped_working_today": [
        "Mum is sat on the floor because her legs stopped working this morning",
        "his legs have gone weak and won't hold him up since this morning",
        "Her legs won't hold her up today",
        "Dad's legs went weak this afternoon and he can't stand",
        "his legs r not working since this morning",
        "Dad's legs stopped working this morning when I saw him he was on the floor",
    ],
    "bipolar_going_high_again": [
        "my sister has bipolar and is going high again, barely sleeping and spending money like mad",
        "bi polar, she's high again, hasn't slept in 4 nights",
        "she has BPAD and is manic again",
        "My son has bipolar, his mood is going up again, he's barely slept",
    ],
    "little_sleep_with_pressured_speech_spending_or_grandiosity": [
        "She's hardly slept for a week, jumping from idea to idea and has gone on a spending spree",
        "known bipolar, stopped her quetiapine and is hyper, talking a mile a minute, hardly slept this week",
        "he hasnt been sleeping, talking so fast I can't follow, thinks he has special powers",
    ],
    "mania_signs": [
        "He hasn't slept for days, he's talking non-stop and has spent thousands on his credit card",
        "I don't need sleep and I feel on top of the world",
    ],
    "new_psychotic_symptoms": [
        "He thinks the neighbours are sending him messages through the wifi",
        "she's put tin foil over her bedroom windows and thinks the TV is talking about her",
        "he's put foil over his window and won't come out",
        "he says people are controlling him through the router",
        "she thinks the government is controlling her through a chip in her arm",
        "19M, 3/52 ideas of reference and thought broadcasting, not sleeping, cannabis use",
        "he's been hearing voices, sleeping in the day and up all night",
    ],
    "sudden_floaters_or_smoky_vision": [
        "Woke up this morning and my right eye is like looking through dirty water with dark specks like soot",
        "diabetic, sudden shower of dark floaty specks in left eye this morning",
        "my vision is like murky water in my right eye since this morning",
        "suddenly lots of black specks in my eye today",
    ],
    "head_injury_anticoagulant_wording": [
        "I'm on apixaban and hit the back of my head on the car door getting in, bit of a lump",
        "on warfarin, caught my head on the cupboard door this morning",
        "dad on rivaroxaban clipped his head on the shelf, small cut",
        "takes edoxaban, banged the top of her head on the loft hatch",
    ],
    "older_person_new_confusion_wording": [
        "My dad (79) is more confused than normal since yesterday",
        "Mum is 85, a bit mixed up about the date over the last few days",
    ],
    "fluid_build_up_breathless": [
        "79F, CCF, weight up 2.5kg this week, SOBOE, orthopnoea 3 pillows",
        "my dad's weight has shot up by 3 kilos in 4 days and he can't lie flat",
        "heart failure, put on 3 kilos this week and more short of breath",
    ],
    "cord_prolapse_something_felt_after_waters": [
        "SROM 20 min ago, pulsatile loop felt at the introitus",
        "ARM on labour ward, pulsatile cord felt on VE",
        "waters went at home, there's something soft and pulsatile at the entrance",
        "breech, waters gone, something pulsating",
    ],
    "shingles_immunosuppressed_wording": [
        "On azathioprine, painful rash in a band round my waist with little blisters",
    ],
}

# finding -> benign look-alikes that must not fire it
CASES_QUIET = {
    "recent_operation_or_admission_breathless_with_chest_or_breathing_pain": [
        "Waiting for my knee replacement, I get puffed out and my chest hurts walking uphill",
        "my hip replacement is booked for May, puffed out, chest hurts when I breathe in",
    ],
    "allergic_swelling_or_hives_with_croaky_voice_or_persistent_cough": [
        "She has a cough and cold, hives after the antibiotic",
        "got a bite of something on my arm, hives and coughing from my cold",
        "my 4 year old has croup, barking cough and hives after amoxicillin",
        "I have puffy eyes from crying and a cough from my cold, ate some crisps",
    ],
    "airway_swelling": [
        # a single lip swollen from a local cause with a hoarse or numb voice: not the airway
        "had a filling this morning, my lip is still swollen and numb and my voice sounds funny",
        "my lip is swollen from a cold sore and I'm croaky with a cold",
        "I split my lip playing rugby, lip swollen, hoarse from shouting",
    ],
    "black_toe_or_gangrene_with_wet_smell_spreading_redness_or_fever": [
        "I'm diabetic and have black toenails from a fungal infection",
        "diabetic, I stubbed my toe and it's bruised and black",
        "diabetic, my toes are black from the dye in my socks",
        "my diabetic dad's toe nail has gone black",
    ],
    "diabetic_foot_ulcer_or_wound_new": [
        "I'm diabetic and there's a hole in my sock",
        "I'm diabetic, I have a blister on my hand from gardening and my feet are cold",
        "type 2 diabetic, sore on my arm, athlete's foot between my toes",
        "diabetic, hole in my tooth, feet tingle",
        "diabetic, I've got a sore on my back, my feet are fine",
        "diabetic, ulcer on my shin, feet swollen",
        "diabetic, it's sore on the bottom of my foot after standing all day",
    ],
    "acute_kidney_injury_or_creatinine_rise_words": [
        "CKD stage 3, eGFR has fallen a bit over a year",
        "my eGFR has dropped over a year, stable CKD",
        "kidney function dropped slightly, will recheck in 3 months",
    ],
    "legs_stopped_working_today": [
        "legs gave out on the last mile of my run today",
        "my legs won't work today after the hike",
        "my legs went weak when I saw the spider today",
        "legs have gone weak with nerves before my exam today",
        "I sat on my leg and it went dead today, fine now",
    ],
    "bipolar_going_high_again": [
        "I take quetiapine and my cholesterol is going up again",
        "on olanzapine, weight going up again",
        "on olanzapine, my blood pressure's going high",
        "I take aripiprazole, my prolactin is going high",
        "I'm on lithium and my thyroid levels are going high again",
    ],
    # insomnia with anxious racing thoughts is not mania (the split of mania_signs)
    "mania_signs": [
        "I've not been sleeping, my thoughts are racing about work and money",
        "hardly slept this week, racing thoughts, I'm so anxious about my exams",
        "I stopped sleeping well after my divorce, my thoughts are racing",
    ],
    "little_sleep_with_pressured_speech_spending_or_grandiosity": [
        "I've not been sleeping, my thoughts are racing about work and money",
        "I stopped sleeping well after my divorce, my thoughts are racing",
        "Hardly slept this week with the stress of exams, talking so fast in my presentation",
    ],
    "new_psychotic_symptoms": [
        "I put tin foil over the turkey and roasted it today",
        "he's controlling me through money and won't let me see my friends",
        "My ex is controlling me through the kids",
        "my husband is controlling me through my phone, tracking where I go",
        "I put foil on the windows to keep the heat out during the heatwave",
        "we put tin foil on the windows in the heatwave",
    ],
    "sudden_floaters_or_smoky_vision": [
        "got some specks of sawdust in my eye today, bit gritty",
        "waded through dirty water in the flood today and cut my foot",
        "swam through murky water at the lake today, now my ear hurts",
        "there were dark specks in my vision when I stood up too fast today, gone now",
    ],
    "head_injury_anticoagulant_wording": [
        "I'm on apixaban and rested my head on the door while I waited",
        "on apixaban, I lay with my head on the step in the sun",
        "On warfarin, my headache is at the back of my head, no injury",
    ],
    "fluid_build_up_breathless": [
        "My weight has gone up and I'm a bit breathless",
        "I've put on weight since lockdown, weight has gone up, I get out of breath on the stairs",
        "weight has gone up, out of breath when I run, started the pill",
    ],
    "cord_prolapse_something_felt_after_waters": [
        "waters broke, I feel a pulsatile throbbing in my ear",
        "38 weeks, contractions started, I have a pulsatile headache",
    ],
}

# ages for the sentences that need one (an older person, a child)
AGE = {
    "older_person_new_confusion_wording": 80,
    "allergic_swelling_or_hives_with_croaky_voice_or_persistent_cough": 6,
}


test_fires, test_quiet = fire_quiet_tests(CASES_FIRE, CASES_QUIET, ages=AGE)


@pytest.mark.parametrize("text", [
    "had my knee replaced 2 weeks ago and im so out of breath, my side hurts when i breath in",
    "He ate a satay skewer and his lips swelled up and he keeps coughing",
    "lips swollen and hives after peanuts and he keeps coughing, he's had a cold this week",
    "diabetic, toe has turned black, no pain",
    "Her legs won't hold her up today",
    "SROM 20 min ago, pulsatile loop felt at the introitus",
    "on warfarin, caught my head on the cupboard door this morning",
    "my tongue is swelling and my voice sounds strange, I have cold sores",
])
def test_emergency_reaches_emergency(text):
    assert triage(text).level == "emergency", triage(text).reasons


# look-alikes and the highest level they may reach
@pytest.mark.parametrize("text,highest", [
    ("Waiting for my knee replacement, I get puffed out and my chest hurts walking uphill", "urgent"),
    ("had a filling this morning, my lip is still swollen and numb and my voice sounds funny", "urgent"),
    ("I split my lip playing rugby, lip swollen, hoarse from shouting", "urgent"),
    ("I'm diabetic, I have a blister on my hand from gardening and my feet are cold", "routine"),
    ("I'm diabetic and there's a hole in my sock", "routine"),
    ("legs gave out on the last mile of my run today", "urgent"),
    ("my legs went weak when I saw the spider today", "urgent"),
    ("I've not been sleeping, my thoughts are racing about work and money", "routine"),
    ("I put tin foil over the turkey and roasted it today", "routine"),
    ("My ex is controlling me through the kids", "routine"),
    ("waded through dirty water in the flood today and cut my foot", "routine"),
    ("I'm on apixaban and rested my head on the door while I waited", "routine"),
    ("My weight has gone up and I'm a bit breathless", "routine"),
    ("waters broke, I feel a pulsatile throbbing in my ear", "urgent"),
    ("on olanzapine, weight going up again", "routine"),
    ("CKD stage 3, eGFR has fallen a bit over a year", "routine"),
])
def test_look_alike_stays_at_or_below(text, highest):
    level = triage(text).level
    assert LEVELS.index(level) >= LEVELS.index(highest), (text, level, triage(text).reasons)


NEW_CHECKED = (
    "recent_operation_or_admission_breathless_with_chest_or_breathing_pain",
    "allergic_swelling_or_hives_with_croaky_voice_or_persistent_cough",
    "black_toe_or_gangrene_with_wet_smell_spreading_redness_or_fever", "diabetic_foot_ulcer_or_wound_new",
    "thirst_and_passing_lots_with_high_sugar_or_steroids", "acute_kidney_injury_or_creatinine_rise_words",
    "legs_stopped_working_today", "bipolar_going_high_again",
)
WIDENED_CHECKED = (
    "head_injury_anticoagulant_wording", "sudden_floaters_or_smoky_vision", "older_person_new_confusion_wording",
    "shingles_immunosuppressed_wording", "new_psychotic_symptoms", "mania_signs", "fluid_build_up_breathless",
    "cord_prolapse_something_felt_after_waters", "sudden_leg_weakness", "airway_swelling",
)


@pytest.mark.parametrize("fid", NEW_CHECKED + WIDENED_CHECKED)
def test_round_12_changes_are_recorded_as_checked(fid):
    finding = default_acuity_index().library.by_id[fid]
    by = finding.reviewed["by"]
    assert "independently checked: red-flag-reviewer-31" in by and "needs an independent check" not in by, fid
    assert "red-flag-author-28" not in finding.reviewed.get("pending_check", ""), fid
    if fid in NEW_CHECKED:
        assert by.startswith("red-flag-author-28 (round 12, emergency physician)"), fid


def test_reviewer_added_finding_waits_for_its_own_check():
    finding = default_acuity_index().library.by_id["little_sleep_with_pressured_speech_spending_or_grandiosity"]
    assert "red-flag-reviewer-31" in finding.reviewed["by"]
    # checked since by red-flag-reviewer-33 (tests/test_red_flag_review_12_mania.py)
    assert "independently checked: red-flag-reviewer-33" in finding.reviewed["by"]
