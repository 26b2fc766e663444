"""Independent check of round 10 (red-flag-author-21; docs/hazards/round_10.md), by red-flag-reviewer-23 (emergency
physician): the new findings of knowledge/red_flags/round_10.json and the widened findings whose pending_check named
red-flag-author-21. The reviewer's own sentences, both ways, through ``triage.triage`` (words only).
"""

from __future__ import annotations

import pytest
from conftest import check_level, fire_quiet_tests
from conftest import fired_ids as ids

from app.services.triage import triage

CASES_FIRE = {
    "serotonergic_drug_with_jerks_and_fever": [
        "on tramadol and sertraline, confused, twitching, temp 38.9",
        "on fluoxetine and took MDMA, no chills, jerking and temperature 39",
    ],
    "serotonergic_drug_with_jerks_and_sweating_or_racing_heart": [
        "on sertraline and tramadol, legs jerking, drenched in sweat",
        "on sertraline and started tramadol for my tooth, now shaking all over, sweating buckets and my heart is pounding",
    ],
    "antipsychotic_with_rigidity_and_fever": [
        "she's on haloperidol and has gone rigid, temperature 39",
    ],
    "wild_mushroom_eaten_then_vomiting_diarrhoea_or_tummy_pain": [
        "we picked mushrooms while walking the dog and ate them, now vomiting",
        "picked wild mushrooms, bought some bread, made soup, now vomiting",
    ],
    # 'white of my eye' / 'subconjunctival' no longer cancel (a blow often gives both)
    "hyphaema_blood_in_front_of_eye": [
        "blood in the white of my eye and blood in front of my iris after a punch",
        "subconjunctival haemorrhage and a hyphaema after a squash ball",
        "my son was hit in the eye with a nerf bullet, now there's blood at the bottom of the coloured part",
    ],
    "penile_fracture_snap_during_sex": [
        "my penis is bent and swollen after a snap during masturbation",
    ],
    # bare 'skin', 'ring', 'nail' no longer cancel
    "finger_toe_or_fingertip_cut_off": [
        "I nearly cut my finger off with a bread knife, it's hanging by skin",
        "my ring got caught and took the end of my finger off",
        "cut the top of my finger off on the slicer, nail is hanging off too",
        "he lost the tip of his finger in the door, it's on the floor",
    ],
    "hydrofluoric_acid_on_skin_or_eyes": [
        "used a wheel cleaner with hydrofluoric acid, fingertips hurt hours later",
        "got some hydrofluoric acid on my hand, no pain yet",
    ],
    "nasal_septal_haematoma_after_nose_injury": [
        "punched in the nose last night, both nostrils blocked, I've put a cold compress on it",
    ],
    "passive_death_wish_or_hopelessness": [
        "my husband says we would all be better off without him",
        "I feel there's no point going on anymore",
        "she keeps saying the kids would be better off without her",
    ],
    "postnatal_intrusive_harm_thoughts_or_not_coping": [
        "newborn baby, feel like I'm drowning and can't cope anymore",
        "3 weeks since I gave birth, I keep getting images of drowning her in the bath",
        "I'm terrified I'll drop my newborn down the stairs, I keep imagining dropping her",
    ],
    "eating_disorder_pulse_under_40_or_bmi_under_13": [
        "15 year old with anorexia, pulse 35 at the GP today",
        "anorexia nervosa, BMI 11",
        "my daughter has anorexia, her heart rate is 36",
        "bulimic, temp 34.8",
    ],
    "eating_disorder_slow_pulse_dizzy_or_very_low_weight": [
        "anorexic, BMI 14, pulse 52",
        "I have an eating disorder and I'm dizzy on standing",
    ],
    "retinal_vein_occlusion_or_fundal_haemorrhage_or_disc_swelling": [
        "swollen optic discs on a routine eye test, headaches",
    ],
    "electric_shock_danger_signs": [
        "got a belt off a 415v board, threw me off the ladder",
        "touched a 415v cable at work, burn on my hand",
        "got a shock off the cooker, my arm is tingling and my heart is racing",
    ],
    "necrotising_otitis_externa_wording": [
        "type 2 diabetic, otalgia at night despite two courses of drops",
    ],
    # the 'through' words are tied to what no one watches through; the gap words take the pronoun
    "new_psychotic_symptoms": [
        "my dad thinks the neighbours are watching him through the walls",
        "he says MI5 are watching him through the TV",
        "she is convinced they are spying on her through the smoke alarm",
        "they're watching us through the walls",
    ],
    "eye_movement_pain_or_central_patch": [
        "my left eye hurts when I look to the side and it's gone dim",
        "my eye hurts when I move it",
    ],
    "animal_or_human_bite": [
        "I split my knuckle on his teeth",
    ],
}

CASES_QUIET = {
    # tremor and sweating are the commonest SSRI side effects; no Hunter criterion without hyperreflexia
    "serotonergic_drug_with_jerks_and_sweating_or_racing_heart": [
        "on sertraline, I get a slight tremor and sweat a lot, profuse sweating at night",
        "on citalopram for anxiety, twitchy and agitated, heart racing in panic attacks",
    ],
    "serotonergic_drug_with_jerks_and_fever": [
        "I take sertraline and have flu, temperature 38.5, shaking uncontrollably with chills",
        "started sertraline last week, feel jittery, tremor in my hands, temperature 37.2",
    ],
    "antipsychotic_with_rigidity_and_fever": [
        "my brother's depot was increased, he's not rigid, just a fever",
    ],
    "wild_mushroom_eaten_then_vomiting_diarrhoea_or_tummy_pain": [
        "bought wild mushrooms from the farmers market, now diarrhoea",
        "bought mushrooms at the market, ate them, now diarrhoea",
        "ate wild mushrooms last year and was sick",
    ],
    "hyphaema_blood_in_front_of_eye": [
        "bright red blood in the white of my eye after coughing, no pain",
        "there's no blood in the front of my eye, just a red eye",
    ],
    "penile_fracture_snap_during_sex": [
        "I heard my knee pop during sex and it's swollen",
        "felt a pop in my ear while having sex, it's painful",
        "cracked a joke and my erection went soft",
    ],
    "finger_toe_or_fingertip_cut_off": [
        "the fire brigade cut the ring off my finger, it's swollen",
        "I cut off my finger circulation with a tight ring",
        "cut the end of my finger nail off",
        "cut the tip of my fingernail off too short, it's a bit sore",
    ],
    "hydrofluoric_acid_on_skin_or_eyes": [
        "what happens if you get hf acid on your skin",
    ],
    "nasal_septal_haematoma_after_nose_injury": [
        "both nostrils blocked with a cold, I hit my elbow on the door",
        "took a football to the face, nose is swollen and a bit blocked on one side",
    ],
    "passive_death_wish_or_hopelessness": [
        "no point going on with this diet",
        "I'm better off without my glasses for reading",
    ],
    "postnatal_intrusive_harm_thoughts_or_not_coping": [
        "my baby is 3 weeks old and I'm drowning in washing, tired but ok",
        "I had a baby 3 years ago and I can't cope anymore with my toddler",
    ],
    "eating_disorder_pulse_under_40_or_bmi_under_13": [
        "Eating disorder, HR 45 lying, postural drop, T 35.6",
        "I'm a runner, pulse 38, no eating disorder",
        "anorexic, BMI 14, pulse 52",
    ],
    "eating_disorder_slow_pulse_dizzy_or_very_low_weight": [
        "I had anorexia as a teenager, now I'm dizzy when I stand up in the heat",
    ],
    "retinal_vein_occlusion_or_fundal_haemorrhage_or_disc_swelling": [
        "known papilloedema, stable, seen by neurology",
    ],
    # a bare voltage names no contact
    "electric_shock_danger_signs": [
        "the 240v fuse blew and the toaster burnt out",
        "we have 230v sockets in the caravan, I burnt my hand on the grill",
        "got a shock off the car door, static, my finger burns",
    ],
    "necrotising_otitis_externa_wording": [
        "diabetic, my son has ear discharge and a headache",
    ],
    "new_psychotic_symptoms": [
        "I think my ex is watching me through my ring doorbell camera",
        "I feel people are watching me through the window when I undress",
        "the neighbours are listening through the wall when we argue",
        "no psychotic symptoms, low mood",
    ],
    "eye_movement_pain_or_central_patch": [
        "eye hurts when I look at bright light",
        "my eye hurts when I look at my phone for too long",
    ],
    "optic_neuritis_signs": [
        "my vision is blurry in my left eye because I've lost my contact lens",
        "blurred vision in my right eye since my cataract got worse",
        "the colours on my TV are washed out",
    ],
    "animal_or_human_bite": [
        "grazed my knuckle on the brick wall at work",
    ],
}


test_fires, test_quiet = fire_quiet_tests(CASES_FIRE, CASES_QUIET)


@pytest.mark.parametrize("text,level,finding", [
    ("I nearly cut my finger off with a bread knife, it's hanging by skin", "emergency",
     "finger_toe_or_fingertip_cut_off"),
    ("my ring got caught and took the end of my finger off", "emergency", "finger_toe_or_fingertip_cut_off"),
    ("blood in the white of my eye and blood in front of my iris after a punch", "emergency",
     "hyphaema_blood_in_front_of_eye"),
    ("15 year old with anorexia, pulse 35 at the GP today", "emergency",
     "eating_disorder_pulse_under_40_or_bmi_under_13"),
    ("anorexia nervosa, BMI 11", "emergency", "eating_disorder_pulse_under_40_or_bmi_under_13"),
    ("used a wheel cleaner with hydrofluoric acid, fingertips hurt hours later", "emergency",
     "hydrofluoric_acid_on_skin_or_eyes"),
    ("my husband says we would all be better off without him", "urgent", "passive_death_wish_or_hopelessness"),
    ("touched a 415v cable at work, burn on my hand", "emergency", "electric_shock_danger_signs"),
])
def test_reviewer_true_cases_reach_their_level(text, level, finding):
    check_level(text, level, finding)


@pytest.mark.parametrize("text", [
    "on sertraline, I get a slight tremor and sweat a lot, profuse sweating at night",
    "on citalopram for anxiety, twitchy and agitated, heart racing in panic attacks",
    "the 240v fuse blew and the toaster burnt out",
    "bought wild mushrooms from the farmers market, now diarrhoea",
])
def test_reviewer_benign_look_alikes_are_not_emergencies(text):
    assert triage(text).level != "emergency", triage(text).reasons


@pytest.mark.parametrize("text", [
    "no point going on with this diet",
    "my baby is 3 weeks old and I'm drowning in washing, tired but ok",
    "I think my ex is watching me through my ring doorbell camera",
    "my eye hurts when I look at my phone for too long",
])
def test_reviewer_benign_look_alikes_are_routine(text):
    assert triage(text).level == "routine", triage(text).reasons


# Independent check of eating_disorder_pulse_under_40_or_bmi_under_13 (red-flag-reviewer-25, emergency physician;
# MEED 2022 red risk): a bare 'anorexia', a BMI under 10, and a past or treated eating disorder with a current red
# number fire; a recovery with normal numbers, appetite loss without the words, and amber numbers do not.
@pytest.mark.parametrize("text", [
    "her anorexia is getting worse, BMI 12",
    "anorexic, BMI 9",
    "diagnosed with anorexia last year, now BMI 11",
    "in recovery from anorexia, relapsed, pulse 35",
    "had anorexia as a teenager, now relapsed and BMI 12",
])
def test_reviewer_25_eating_disorder_red_fires(text):
    check_level(text, "emergency", "eating_disorder_pulse_under_40_or_bmi_under_13")


@pytest.mark.parametrize("text", [
    "I recovered from anorexia years ago, BMI 22 now",
    "loss of appetite with my cancer, BMI 12",
    "anorexia nervosa, BMI 13.5, HR 48",
])
def test_reviewer_25_eating_disorder_red_quiet(text):
    assert "eating_disorder_pulse_under_40_or_bmi_under_13" not in ids(text), triage(text).reasons


# -- the lead, after the development sets were re-run --------------------------------------------

def test_twisted_leg_veins_are_not_a_retinal_vein_occlusion():
    assert "retinal_vein_occlusion_or_fundal_haemorrhage_or_disc_swelling" not in ids(
        "47F, aching heavy legs by end of day with prominent tortuous veins in both calves")
    check_level("74F, painless blurred vision R eye for 2 days, fundoscopy: flame haemorrhages", "urgent",
                "retinal_vein_occlusion_or_fundal_haemorrhage_or_disc_swelling")


def test_a_clause_calling_it_painless_never_means_pain_by_meaning():
    from app.services.semantic import compatible

    assert not compatible("eye movements painless", "painful eye movements")
    assert compatible("sudden painless loss of vision in one eye", "sudden painless loss of vision")
