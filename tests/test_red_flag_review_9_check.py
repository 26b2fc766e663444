"""Independent check of round 9 (red-flag-author-17; docs/hazards/round_9.md), by red-flag-reviewer-19 (emergency
physician): the new findings of knowledge/red_flags/round_9.json and the widened findings whose pending_check names
red-flag-author-17. The reviewer's own sentences, both ways, through ``triage.triage`` (words only).
"""

from __future__ import annotations

import pytest
from conftest import fire_quiet_tests

from app.services.triage import triage

CASES_FIRE = {
    # 'took a lot of' / 'too much' were not read; 'water', 'rest', 'time', 'advice', 'is it dangerous', 'what if'
    # cancelled real overdoses ('took a load of sertraline, the rest are on the floor', 'need advice')
    "overdose_amount_words_with_medicine": [
        "I took a lot of paracetamol last night",
        "I took too much amitriptyline",
        "took loads of tablets, what if I die",
        "I took a whole packet of paracetamol, is it dangerous?",
        "took a load of sertraline, the rest are on the floor",
        "took a whole box of ibuprofen all at the same time",
        "I took loads of painkillers, need advice",
        "I swallowed a whole packet of sertraline with some water",
        "she took a month's supply of her lithium",
        "took two aspirin an hour ago, now ears ringing, vomiting, I also took the rest of the packet",
    ],
    "tricyclic_overdose": [
        "I took too much amitriptyline",
        "I took a lot of amitriptyline",
        "she took all her amitriptyline on purpose",
        "took about 30 of my nortriptyline, I did it on purpose",
        "he took the whole lot of his amitriptyline",
        "my brother swallowed a whole strip of amitriptyline, he's sleepy and his pupils are huge",
    ],
    "limb_injury_deformity_numb_or_weak_fingers_toes": [
        "He fell off his scooter, his elbow is a funny shape and he can't move his fingers",
        "Displaced supracondylar fracture, unable to make OK sign",
    ],
    "pain_with_blood_pressure_or_pulse_different_between_arms": [
        "chest pain and the nurse couldn't get a pulse in my left arm",
        "sudden tearing pain between my shoulder blades, my BP is higher in my right arm and I feel a bit sick",
    ],
    "paraphimosis_retracted_not_returning": [
        "I went back to the GP, my foreskin won't go back over the end and it's swelling",
    ],
    "cord_prolapse_something_felt_after_waters": [
        "My waters went 10 minutes ago and there's something soft hanging down inside me, like a loop",
        "waters broke, something pulsating between my legs and pain in my tummy",
    ],
    "newborn_jaundice_first_24_hours": [
        # 'sick', 'cord', 'poo', 'was normal', 'was fine' anywhere in the clause had cancelled these
        "born this morning, he's going yellow and has been sick twice",
        "my son is 14 hours old and looks yellow, his cord looks fine",
        "baby 20 hours old, yellow face, he hasn't done a poo yet",
        "born this morning, she looks yellow, her heart rate was normal",
        "baby 12 hours old, looks yellow, the hearing test was fine",
    ],
    "jaundice_in_pregnancy_with_vomiting_or_tummy_pain": [
        # dark urine with jaundice is part of AFLP / cholestasis: 'wee' in the clause had cancelled it
        "I'm 35 weeks pregnant, my eyes are yellow, I keep vomiting and my wee is really dark",
        "36 weeks pregnant, my skin has gone yellow and I vomit after everything I eat",
    ],
    "breathless_sweating_sick_without_chest_pain_older_adult": [
        "My 78 year old mum suddenly got breathless and clammy and feels sick, no chest pain",
    ],
    "shortened_leg_after_fall_rotated_or_cannot_bear_weight": [
        "my dad fell, his leg is rotated and shorter",
        "NOF: R leg shortened and externally rotated after a fall",
    ],
    "infant_spasms_clusters_or_lost_skills": [
        # infantile spasms are often taken for colic, wind or reflux (the classic delay): these must not cancel
        "my 5 month old has these tummy crunches in clusters when he wakes, the GP said it's colic",
        "my 6 month old's arms fly out over and over, we think it's trapped wind",
        "my 5 month old does head drops again and again, the health visitor thinks it's reflux",
    ],
    "inr_very_high_with_bleeding": [
        # 'years ago' said of another event had cancelled the current INR
        "INR came back at 9 and my nose is bleeding, I had a stroke years ago",
        "INR 9 today, had a bleed on the brain years ago and now bruises",
    ],
    "inr_very_high": [
        "INR came back at 9, I had a DVT months ago",
        "INR 9 today, I had a DVT years ago",
    ],
    "tearing_chest_back_pain": [
        "sudden tearing interscapular pain, worst at the start",
        "ripping pain in my upper back that came on in an instant",
    ],
    "cord_compression_band_or_bladder": [
        "bilateral leg weakness, retention, T10 sensory level",
        "both legs numb and weak and a tight band round my middle",
        "After a virus both legs are numb and weak with a tight feeling around my waist, no back pain",
    ],
    "injury_limb_circulation_compromise": [
        "Closed elbow fracture, L hand pale and cool, radial pulse not palpable",
    ],
    "chemotherapy_tumour_lysis_signs": [
        "first cycle of R-CHOP on Monday, now reduced urine output",
        "started R-CHOP for lymphoma 3 days ago, carpopedal spasm",
    ],
    "new_diabetes_symptoms": [
        "8 year old, polydipsia and polyuria for a fortnight, new nocturia",
    ],
}

CASES_QUIET = {
    "overdose_amount_words_with_medicine": [
        "I got a month's supply of sertraline from the pharmacy",
        "the chemist gave me a week's supply of tablets for my chest infection",
        "I took a box of tablets back to the pharmacy to get rid of them",
        "I took lots of medicine as a child for asthma",
        "I took lots of fluids and two paracetamol for my cold",
    ],
    "salicylate_poisoning_signs": [
        "had 2 aspirin for period pain, now my ears are buzzing and I'm sweating",
    ],
    "tricyclic_overdose": [
        "I took amitriptyline the whole time I was pregnant, is my baby ok",
        "I've got a whole box of amitriptyline left over, can I give it to my mum",
        "the pharmacy gave me two packets of amitriptyline instead of one",
        "I stopped amitriptyline deliberately because of side effects",
        "My GP put me on amitriptyline 10mg, I saved up for a new bed",
    ],
    "limb_injury_deformity_numb_or_weak_fingers_toes": [
        "I have a displaced disc and my fingers are numb",
        "fractured my wrist 6 weeks ago, cast off today, fingers tingly",
        "I've got a deformity in my foot from a bunion and my toes are numb",
    ],
    "pain_with_blood_pressure_or_pulse_different_between_arms": [
        "the GP said my blood pressure is slightly higher in my right arm, I've had lower back pain for years",
        "blood pressure higher in my left arm at the pharmacy, I've got tummy pain with my period",
    ],
    "paraphimosis_retracted_not_returning": [
        "penis is swollen after a circumcision, a ring behind the head",
    ],
    "bloody_diarrhoea_then_pale_bruised_or_little_urine": [
        "I had bloody diarrhoea and now I'm pale and puffy from crying",
        "blood in my poo, pale, swollen ankles",
    ],
    "cord_prolapse_something_felt_after_waters": [
        "I'm 37 weeks and something is pulsating in my tummy, contractions",
    ],
    "cord_felt_or_seen_in_labour": [
        # the loop / pulsing / soft-hanging words belong to the waters-tied finding, not to 'pregnant' / 'baby'
        "I'm 30 weeks pregnant and feel something pulsing in my belly",
        "I had a baby 3 years ago and something soft hanging down when I cough, I think it's a prolapse",
        "I'm pregnant and the song goes round like a loop in my head",
    ],
    "drooling_with_stiff_neck_or_muffled_voice": [
        "my baby is dribbling a lot and has a stiff neck from the car seat",
    ],
    "newborn_jaundice_first_24_hours": [
        "born this morning, her poo looks yellow",
        "born last night, the midwife said his jaundice was checked and was fine",
        "born this morning and she's done a yellow poo already",
    ],
    "jaundice_in_pregnancy_with_vomiting_or_tummy_pain": [
        "I'm 34 weeks pregnant, my wee looks yellow and I've been sick twice",
        "34 weeks, I feel sick, jaundice was checked and was fine",
        "I'm 36 weeks pregnant and I had jaundice as a baby, now feel sick",
    ],
    "breathless_sweating_sick_without_chest_pain_older_adult": [
        "I'm 68 with COPD, a bit breathless, night sweats and feel sick from my antibiotics",
    ],
    "breathless_sweating_sick_without_chest_pain_diabetes": [
        "diabetic, breathing fast, sweating and dizzy, I think I'm having a hypo",
    ],
    "potassium_severely_high": [
        "I was given K 10 for my INR",
        "potassium 10 mmol in my drip",
        "he's on 40 mmol potassium 8 hourly",
    ],
    "shortened_leg_after_fall_rotated_or_cannot_bear_weight": [
        "one leg shorter since my hip replacement, pain in my hip when I walk",
        "I'm 40, one leg is shorter than the other, I have hip pain after standing all day",
    ],
    "scaphoid_tenderness_after_fall": [
        "I slipped on a wet floor and hurt my knee, I also have pain at the base of my thumb from knitting",
    ],
    "male_fever_with_urinary_or_perineal_pain": [
        "man, 70, slow stream from my prostate for ages, now I've got covid with a fever",
        "I'm a man with a cold and a temperature, and I've had a weak stream for years",
    ],
    "acute_dystonia_after_antisickness_or_antipsychotic": [
        "I take quetiapine to sleep and my jaw feels tight from stress",
        "on olanzapine, my jaw is tight when I wake, I grind at night",
    ],
    "inr_very_high": [
        "INR checked every 8 weeks, feel fine",
        "my INR was 10 days ago 2.4, fine",
    ],
    "tearing_chest_back_pain": [
        "tearing pain in my belly after my c-section scar",
        "I have a tearing pain in my abdomen since my hernia op",
    ],
    "cord_compression_band_or_bladder": [
        "both legs feel heavy and I've put on weight round my middle",
        "both legs heavy, varicose veins, I wear a girdle",
        "both legs tingling when I sit cross legged, lower back pain from work",
        "both legs feel weak and I have water retention",
    ],
    "injury_limb_circulation_compromise": [
        "fell on my wrist, CRT less than 4 seconds, pulses fine",
        "broken wrist in a cast, fingers pink, capillary refill under 4 seconds",
    ],
    "open_fracture_bone_visible": [
        "I have a wound over the fracture site from my operation last year, healed",
    ],
    "new_diabetes_symptoms": [
        "I've been drinking a lot more water to lose weight and I'm peeing much more",
        "I'm 30, drinking lots more coffee at work and weeing more",
    ],
    "chemotherapy_tumour_lysis_signs": [
        "on my fourth cycle of R-CHOP, get night cramps",
    ],
}


test_fires, test_quiet = fire_quiet_tests(CASES_FIRE, CASES_QUIET)


@pytest.mark.parametrize("text", [
    "I took a lot of paracetamol last night",
    "I took loads of painkillers, need advice",
    "took a load of sertraline, the rest are on the floor",
    "INR came back at 9 and my nose is bleeding, I had a stroke years ago",
    "I'm 35 weeks pregnant, my eyes are yellow, I keep vomiting and my wee is really dark",
    "baby 12 hours old, looks yellow, the hearing test was fine",
    "bilateral leg weakness, retention, T10 sensory level",
])
def test_reviewer_true_cases_are_emergencies(text):
    assert triage(text).level == "emergency", triage(text).reasons


@pytest.mark.parametrize("text", [
    "I got a month's supply of sertraline from the pharmacy",
    "I've got a whole box of amitriptyline left over, can I give it to my mum",
    "both legs feel heavy and I've put on weight round my middle",
    "I'm 30 weeks pregnant and feel something pulsing in my belly",
    "I'm 40, one leg is shorter than the other, I have hip pain after standing all day",
    "fell on my wrist, CRT less than 4 seconds, pulses fine",
    "I was given K 10 for my INR",
])
def test_reviewer_benign_look_alikes_are_not_emergencies(text):
    assert triage(text).level != "emergency", triage(text).reasons


def test_infantile_spasms_taken_for_colic_are_urgent():
    """Independent check: 'colic' / 'trapped wind' no longer cancel (NICE NG217; the usual delay)."""
    assert triage("my 5 month old has these tummy crunches in clusters when he wakes, the GP said it's colic").level \
        in ("urgent", "emergency")
