"""Review round 10 of the acuity layer (docs/hazards/round_10.md), by red-flag-author-21 (emergency physician; needs an
independent check): under-triage gaps in toxicology, injuries and burns, eye, ENT and mental health.

Each gap is closed as a kind of presentation, by widening the finding that should have fired (its `pending_check`
says what changed) or by a new finding in ``knowledge/red_flags/round_10.json``. For every gap, this author's own
sentences must reach the right level through ``triage.triage`` (words only), and benign look-alikes must stay below
it. None of the texts is a development-set case.
"""

from __future__ import annotations

import pytest
from conftest import fired_ids as ids
from conftest import gap_tests

from app.services.triage import triage

# gap: (level, findings of which one must fire, firing sentences, benign look-alikes that must stay below the level)
GAPS: dict[str, tuple[str, set[str], list[str], list[str]]] = {
    "e004 serotonin syndrome": (
        "emergency", {"serotonergic_drug_with_jerks_and_fever", "serotonergic_drug_with_jerks_and_sweating_or_racing_heart"},
        ["I take fluoxetine and the GP added tramadol, now my arms keep jerking and I'm drenched in sweat",
         "on citalopram, had a migraine and took sumatriptan, now twitching all over with a temp of 39",
         "Venlafaxine + MDMA: myoclonus, diaphoretic, tachycardic"],
        ["on sertraline and I get jerks in my legs when I'm drifting off to sleep",
         "my eyelid keeps twitching, I'm on citalopram",
         "I take tramadol for my back, feel fine"]),
    "e005 neuroleptic malignant syndrome": (
        "emergency", {"antipsychotic_with_rigidity_and_fever", "antipsychotic_with_rigidity_and_drowsy_sweating_or_dark_urine"},
        ["Mum's haloperidol was increased, now she's rigid all over with a temperature of 39.5",
         "on a depot injection, lead pipe rigidity, drowsy and sweating profusely",
         "my son takes olanzapine, his body has gone stiff and his wee is dark brown"],
        ["I take quetiapine for sleep and feel drowsy in the mornings",
         "on aripiprazole, muscles are stiff after the gym, no fever",
         "on olanzapine, a bit stiff in the mornings, mild night sweats"]),
    "e011 wild mushroom poisoning": (
        "emergency", {"wild_mushroom_eaten_then_vomiting_diarrhoea_or_tummy_pain"},
        ["We ate some mushrooms we found in a field in an omelette and now we both have bad diarrhoea",
         "my toddler ate a toadstool off the lawn and has been sick twice",
         "cooked foraged mushrooms for tea, vomiting overnight but feeling better this morning"],
        ["mushroom risotto from the supermarket, now I've got a tummy bug",
         "there are toadstools on our lawn, are they poisonous to dogs?",
         "we went foraging for wild garlic and I have a headache"]),
    "e018 traumatic hyphaema": (
        "emergency", {"hyphaema_blood_in_front_of_eye"},
        ["a squash ball hit my eye and now there's a level of blood in my eye over the bottom of the coloured part",
         "Blunt ocular trauma, 2 mm hyphaema, photophobia",
         "got hit by a paintball, I can see blood in front of the iris, he says"],
        ["red patch of blood in the white of my eye after lifting weights",
         "subconjunctival haemorrhage, vision normal, no injury",
         "had a hyphaema years ago after a football, eyes fine now"]),
    "e022 penile fracture": (
        "emergency", {"penile_fracture_snap_during_sex"},
        ["during sex there was a loud snap and my penis went soft, now it's swollen and purple",
         "felt a pop in my erection when it slipped out and hit her hip, it's bent and bruised",
         "Penile fracture: audible crack during intercourse, detumescence, haematoma"],
        ["my penis has a slight bend when erect, always has, no pain",
         "heard a crack in my back during sex, a bit sore",
         "dry cracked skin on my penis, a bit swollen"]),
    "e030 fingertip or finger amputation": (
        "emergency", {"finger_toe_or_fingertip_cut_off"},
        ["sliced the tip of my finger off on a mandoline, I've kept the bit",
         "my dad chopped his finger off with an axe",
         "Partial amputation of the right index finger at the DIP joint, part in a bag"],
        ["cut a little flap of skin off my finger tip with the peeler",
         "trimmed my nail and cut the tip off the nail, it bled a bit",
         "took my finger off the button too late and the photo blurred"]),
    "e045 hydrofluoric acid": (
        "emergency", {"hydrofluoric_acid_on_skin_or_eyes"},
        ["I got some alloy wheel cleaner with hydrofluoric acid on my fingers, skin looks ok but it hurts like mad",
         "splashed HF acid on my hand at work an hour ago",
         "Hydrogen fluoride exposure to both hands, pain out of proportion"],
        ["we use hydrofluoric acid in the lab, what is in the safety data sheet?",
         "splashed a bit of bleach on my hand, washed it off, fine",
         "I have acid reflux and a sore throat"]),
    "e046 mains or industrial electric shock": (
        "emergency", {"electric_shock_danger_signs", "high_voltage_electrical_injury"},
        ["got a belt off the mains at work, it threw me back and my heart's fluttering",
         "a shock off a 415v panel, burn on my hand and my foot",
         "my husband got a proper belt off a socket and has a black burn mark on his finger"],
        ["got a belt off my dad for being cheeky",
         "got a tiny static shock off the car door, fine",
         "electric shock pains down my leg from sciatica"]),
    "e062 retinal vein occlusion": (
        "urgent", {"retinal_vein_occlusion_or_fundal_haemorrhage_or_disc_swelling", "optic_neuritis_signs"},
        ["the optician found bleeding at the back of my eye and said it's a vein occlusion",
         "woke up with blurry vision in my right eye, no pain, it hasn't cleared",
         "Fundoscopy: flame haemorrhages and dilated tortuous veins L eye"],
        ["diabetic retinopathy screening was normal, I need new glasses",
         "varicose veins that are tortuous in my calves",
         "my vision has got blurry gradually over the last year, glare from headlights"]),
    "e063 optic neuritis": (
        "urgent", {"optic_neuritis_signs", "eye_movement_pain_or_central_patch"},
        ["it aches behind my left eye when I move it and the colours are washed out",
         "my left eye is dim and red looks faded",
         "Pain on eye movement and red desaturation R"],
        ["tired eyes from the screen, colours fine, no pain",
         "sinus pressure behind my eyes with a cold",
         "no pain on eye movement, itchy eyes from hay fever"]),
    "e068 necrotising otitis externa": (
        "urgent", {"necrotising_otitis_externa_wording", "severe_ear_pain_diabetes"},
        ["I'm diabetic, ear discharge for a month despite the drops, now pain at night",
         "Immunosuppressed on methotrexate, otalgia and otorrhoea, granulation tissue in the canal",
         "type 2 diabetic on insulin, earache that keeps me awake, tender behind the ear over the mastoid"],
        ["Diabetic, mild earache with a cold since yesterday",
         "my son has ear discharge after swimming, I'm diabetic",
         "type 1 diabetes, my ear feels blocked with wax"]),
    "e071 nasal septal haematoma": (
        "urgent", {"nasal_septal_haematoma_after_nose_injury"},
        ["took a football to the face, now both nostrils are completely blocked and my nose is throbbing",
         "punched in the nose at the weekend, there's a purple lump inside my nose",
         "Nasal trauma, bilateral septal haematoma"],
        ["blocked nose with a cold, both nostrils blocked",
         "hay fever, both nostrils blocked and sneezing",
         "broke my nose years ago and can't breathe through my nose at all since"]),
    "e079 fight bite": (
        "urgent", {"animal_or_human_bite", "bite_hand_swelling_or_tendon"},
        ["got into a fight and my knuckle caught his teeth, small cut",
         "punched a guy and cut my knuckle on his teeth last night, bit swollen",
         "Clenched fist injury over the 3rd MCP, tooth contact"],
        ["grazed my knuckle on a wall at work",
         "caught my knuckle on the door frame, bruised",
         "my knuckles are sore from arthritis"]),
    "e084 first-episode psychosis": (
        "urgent", {"new_psychotic_symptoms"},
        ["my daughter says the neighbours are watching her through the walls and she's stopped eating their food",
         "he's covered all the cameras in the house and says the house is bugged",
         "19M, persecutory delusions for 2 weeks, responding to unseen stimuli"],
        ["I taped over my webcam for privacy at work",
         "my teenager sits in his room gaming all day",
         "I'm anxious in crowds and blush a lot"]),
    "e085 passive suicidal ideation": (
        "urgent", {"passive_death_wish_or_hopelessness", "suicidal_thoughts"},
        ["Depressed for months, sometimes I think life isn't worth living but I have no plans",
         "She says her kids would be better off without her, no plan or intent",
         "I don't care if I live or die anymore"],
        ["I'm better off without my glasses for reading",
         "years ago as a teenager life didn't feel worth living, I'm happy now",
         "low mood in winter, still enjoy things"]),
    "e086 postnatal depression with intrusive thoughts": (
        "urgent", {"postnatal_intrusive_harm_thoughts_or_not_coping", "postnatal_strange_beliefs_or_harm",
                   "postpartum_psychosis_signs"},
        ["my baby is 3 weeks old and I keep getting images of dropping him in the bath, it scares me",
         "since giving birth I feel like I'm drowning and can't cope anymore",
         "6 weeks postpartum, intrusive thoughts of harm to baby, ego-dystonic, no intent"],
        ["I had my baby 3 weeks ago, I'm tired but happy",
         "my baby is 4 weeks old and feeding well, a bit weepy on day 3",
         "baby is 5 weeks old with a blocked nose"]),
    "e087 anorexia with bradycardia": (
        "urgent", {"eating_disorder_slow_pulse_dizzy_or_very_low_weight", "eating_disorder_physical_risk"},
        ["My daughter has anorexia and her pulse is 44, she gets dizzy when she stands",
         "restricting her food and over-exercising for months, BMI 14",
         "Eating disorder, HR 46, postural drop, temp 35.4"],
        ["I'm a cyclist and my resting pulse is 45",
         "recovered from anorexia years ago, dizzy when I stand up quickly",
         "off my food with a cold, a bit lightheaded"]),
}

test_gap_fires_at_level, test_benign_look_alike_stays_below = gap_tests(GAPS)  # two of each per gap


# Denied words never fire (NegEx): each new finding's key words said as absent.
@pytest.mark.parametrize("text,finding", [
    ("on sertraline, no jerking, no twitching, no fever", "serotonergic_drug_with_jerks_and_fever"),
    ("on haloperidol, not rigid, no temperature", "antipsychotic_with_rigidity_and_fever"),
    ("ate wild mushrooms yesterday, no vomiting, no diarrhoea", "wild_mushroom_eaten_then_vomiting_diarrhoea_or_tummy_pain"),
    ("hit in the eye, no hyphaema", "hyphaema_blood_in_front_of_eye"),
    ("no snap, no swelling, penis looks normal", "penile_fracture_snap_during_sex"),
    ("no septal haematoma after the punch to the nose", "nasal_septal_haematoma_after_nose_injury"),
    ("no flame haemorrhages, no disc swelling", "retinal_vein_occlusion_or_fundal_haemorrhage_or_disc_swelling"),
])
def test_denied_words_do_not_fire(text, finding):
    assert finding not in ids(text), triage(text).reasons
