"""Review round 9 of the acuity layer (docs/hazards/round_9.md), by red-flag-author-17 (emergency physician; needs an
independent check): under-triage gaps, emergencies or urgent cases that the safety net gave too low a level.

Each gap is closed as a kind of presentation, in lay words, misspellings and clinical shorthand, by widening the
finding that should have fired (its `pending_check` says what changed) or by a new finding in
``knowledge/red_flags/round_9.json``. For every gap, this author's own sentences must reach the right level through
``triage.triage`` (words only), and benign look-alikes must stay below it. None of the texts is a development-set case.
"""

from __future__ import annotations

import pytest
from conftest import fired_ids as ids
from conftest import gap_tests

from app.services.triage import triage

# gap: (level, findings of which one must fire, firing sentences, benign look-alikes that must stay below the level)
GAPS: dict[str, tuple[str, set[str], list[str], list[str]]] = {
    "c006 cord compression or transverse myelitis without back pain": (
        "emergency", {"cord_compression_band_or_bladder"},
        ["After a flu-like bug my legs have gone numb and weak, and there's a tight band feeling around my waist",
         "weakness in both legs since this morning and I haven't had a wee all day even though I need to",
         "Bilateral lower limb weakness and numbness, sensory level at T10, palpable bladder",
         "both legs tingling and heavy, it feels like a tight belt round my middle"],
        ["My legs feel weak and achy after a long run, peeing fine",
         "I have a tight band around my head from stress and my legs ache after the gym",
         "my jeans feel like a tight belt round my middle since Christmas"]),
    "c055 overdose told as 'a load of' a named medicine": (
        "emergency", {"overdose_amount_words_with_medicine", "salicylate_poisoning_signs"},
        ["I necked a load of aspirin an hour ago and my ears are ringing",
         "she took loads of her nan's paracetamol after a fight with her boyfriend",
         "took the whole packet of ibuprofen last night, feel sick now",
         "took a load of asprin earlier, im scared",
         "Aspirin ingestion earlier today: tinnitus, vomiting and hyperventilating"],
        ["took a load of photos on holiday, I take aspirin every day for my heart",
         "I took lots of fluids and two paracetamol for my flu",
         "ears ringing after a gig, I took one aspirin for the headache"]),
    "c067 tricyclic overdose in clinical shorthand": (
        "emergency", {"tricyclic_overdose"},
        ["she swallowed a whole box of amitriptyline, her pupils are huge and she's very sleepy",
         "Nortriptyline OD approx 2 h ago, QRS prolonged",
         "my son overdosed on his dosulepin",
         "took loads of my amitryptiline on purpose"],
        ["amitriptyline 10mg at night for migraine prevention, a bit groggy in the mornings",
         "Can I take ibuprofen with my nortriptyline?",
         "what happens if you take too many amitriptyline by mistake?"]),
    "c059 open fracture in clinical words": (
        "emergency", {"open_fracture_bone_visible"},
        ["Fell off his bike, forearm deformed with a small wound and a visible bone end",
         "RTC, angulated tib/fib with a wound over the fracture",
         "mid-shaft femur fracture with an exposed bone end"],
        ["Closed wrist fracture, skin intact, no wound over the fracture",
         "grazed my knee falling off my bike, no bone visible",
         "I can see a bone specialist next month about my hip"]),
    "c092 / d029 limb injury with a pale hand, no pulse or numb fingers": (
        "emergency", {"injury_limb_circulation_compromise", "limb_injury_deformity_numb_or_weak_fingers_toes"},
        ["My son fell off the sofa onto his elbow, it's a funny shape and his hand is pale and cool",
         "Fell on outstretched hand, deformed wrist, radial pulse not palpable, CRT 5 s",
         "she fell off her scooter, her arm looks the wrong shape and her fingers are fizzy and she can't move them",
         "dislocated ankle playing rugby, his foot has gone whitish and cold",
         "broke his wrist at football, fingers have gone numb and he can't wiggle them"],
        ["fell on my wrist, it's sore and swollen but my fingers are pink and I can move them fine",
         "broke my arm years ago and now get numb fingers at night from carpal tunnel",
         "my fingers went numb after I slept on my arm, no injury"]),
    "c105 tearing interscapular pain or a blood pressure different between the arms": (
        "emergency", {"tearing_chest_back_pain", "pain_with_blood_pressure_or_pulse_different_between_arms"},
        ["sudden tearing interscapular pain going down into my abdomen",
         "ripping pain in my upper back that came on out of nowhere",
         "chest pain through to my back and the paramedic says my blood pressure is much lower in my left arm",
         "severe back pain, radial pulse deficit on the left"],
        ["tearing pain in my calf muscle while running",
         "my blood pressure is different in each arm because of my dialysis fistula, no pain",
         "my eyes keep tearing up and my upper back aches from sitting at a desk"]),
    "c111 / d117 paraphimosis": (
        "emergency", {"paraphimosis_retracted_not_returning", "foreskin_stuck_back"},
        ["pulled my foreskin back in the bath and now it won't go back over the head, it's swollen",
         "my 6 year old's foreskin is stuck back behind the tip and it's swelling up",
         "Foreskin retracted for a catheter, couldn't be reduced, glans oedematous",
         "forskin wont go back over after sex, the end has gone purple"],
        ["my foreskin is tight and I can't pull it back, it has always been tight",
         "my son's foreskin balloons when he pees, no pain",
         "red itchy tip of my penis since a new shower gel"]),
    "c120 / d016 haemolytic uraemic syndrome after bloody diarrhoea": (
        "emergency", {"bloody_diarrhoea_then_pale_bruised_or_little_urine"},
        ["my 2 year old had bloody diarrhoea after a farm visit, now she's very pale and hasn't had a wet nappy "
         "since this morning",
         "Bloody diarrhoea last week, now he has a puffy face, bruising on his shins and he's only weeing a tiny bit",
         "5yo, STEC on stool culture, now pallor and oliguria",
         "he had blood in his poo a few days ago, now he's grey and tired with tiny red spots and puffy eyes"],
        ["bloody diarrhoea since yesterday but she's pink, weeing normally and playing",
         "diarrhoea with blood in it, she's drinking well and has had lots of wet nappies",
         "my son bruised his knee, his poo has been normal"]),
    "d006 cord prolapse in lay words": (
        "emergency", {"cord_prolapse_something_felt_after_waters", "cord_felt_or_seen_in_labour"},
        ["my waters broke and I can feel something soft hanging down inside",
         "38 weeks, gush of fluid and now there's a loop of something between my legs",
         "in labour with a breech baby and I can feel something pulsing down there"],
        ["I've had a womb prolapse since my last baby and feel something coming down when I stand",
         "my waters broke an hour ago, contractions every 4 minutes, nothing coming out",
         "36 weeks, baby's head is engaged and I feel pressure down below"]),
    "d008 drooling child with a stiff neck or muffled voice, no stridor": (
        "emergency", {"drooling_with_stiff_neck_or_muffled_voice", "stridor_drooling"},
        ["my 2 year old has a fever, is drooling and won't look up, he's holding his neck stiff",
         "5 yo febrile, drooling, muffled voice, refuses to move neck",
         "my daughter is drooling with a swollen neck and sitting forward"],
        ["my 7 month old is dribbling loads while teething and chewing everything",
         "he drools in his sleep, otherwise well, no fever",
         "no drooling, sore throat and a stiff neck after a long drive"]),
    "d131 jaundice in the first 24 hours of life": (
        "emergency", {"newborn_jaundice_first_24_hours"},
        ["baby born last night and this afternoon he already looks yellow",
         "my daughter is 10 hours old and her skin is turning yellow",
         "Neonate 16 hrs old, jaundiced to the chest"],
        ["my baby is 4 days old and a bit yellow, feeding well",
         "born this morning and she's done a yellow poo already",
         "born last night, his jaundice was checked and was fine"]),
    "c090 jaundice in late pregnancy with vomiting or pain": (
        "emergency", {"jaundice_in_pregnancy_with_vomiting_or_tummy_pain"},
        ["33 weeks pregnant, my eyes have gone yellow and I'm being sick with pain under my right ribs",
         "G2P1 at 36 weeks gestation, jaundiced, epigastric pain, vomiting",
         "pregnant, really thirsty, keep throwing up and my skin has a yellow tinge"],
        ["I'm 32 weeks pregnant with itchy palms and soles, no yellow skin",
         "pregnant with morning sickness, vomiting in the mornings, my eyes look fine",
         "I'm 30 weeks pregnant and my wee is dark yellow"]),
    "d136 breathless, sweating and sick without chest pain, older or diabetic": (
        "emergency", {"breathless_sweating_sick_without_chest_pain_older_adult",
                      "breathless_sweating_sick_without_chest_pain_diabetes"},
        ["I'm 76, suddenly breathless and clammy and I feel sick, no chest pain",
         "Mum is 82, out of breath, sweaty and just says she feels wrong",
         "Type 1 diabetic, sudden shortness of breath and a cold sweat, nauseated",
         "T2DM 68M, dyspnoea and diaphoresis for 1 hour with nausea, no chest pain"],
        ["I'm 70 and got breathless on a run, a bit sweaty, feel fine otherwise",
         "I'm 30, anxious, sweaty and feel sick before my exam",
         "I'm diabetic, sweaty and shaky with a hypo, felt sick, breathing normally"]),
    "d004 ECG signs of hyperkalaemia or a potassium of 7 or more": (
        "emergency", {"hyperkalaemia_ecg_signs", "potassium_severely_high", "high_potassium_with_symptoms"},
        ["Dialysis patient, ECG shows peaked T waves and he feels weak",
         "CKD 5, K 7.3 on the bloods this morning",
         "on spironolactone and ramipril, ECG with tall tented T waves",
         "the lab rang, my potassium is critically high"],
        ["my potassium was slightly high at 5.4, repeat next week",
         "ECG was normal, no peaked T waves, my kidneys are fine",
         "known LBBB with a broad QRS on ramipril, ECG unchanged from last year, no symptoms"]),
    "d142 a shortened, turned-out leg after a fall": (
        "emergency", {"shortened_leg_after_fall_rotated_or_cannot_bear_weight"},
        ["Nan tripped on the rug and now her left leg looks shorter and her foot is rolled out",
         "my 12 year old slipped on the stairs, can't put any weight on his leg and it looks shorter",
         "80F fall, R leg shortened and externally rotated"],
        ["I have had one leg shorter than the other since birth and wear an insole",
         "fell on my hip yesterday, bruised but walking fine",
         "I had my trousers shortened and tripped on the hem, grazed knee"]),
    "c017 scaphoid tenderness after a fall": (
        "urgent", {"scaphoid_tenderness_after_fall"},
        ["fell on my outstretched hand playing football, now sore in the snuffbox",
         "came off my bike yesterday, tender at the base of my thumb",
         "FOOSH, scaphoid tenderness, full ROM"],
        ["pain at the base of my thumb from gaming for months",
         "arthritis at the base of my thumb, worse in the cold",
         "sore thumb joint from texting, no injury"]),
    "c069 a man with fever or rigors and urinary or perineal pain": (
        "urgent", {"male_fever_with_urinary_or_perineal_pain"},
        ["I'm a man of 45, fever and shivering, pain between my balls and my bum and it burns when I pee",
         "rigors and burning when I wee, poor stream",
         "M 60 febrile with dysuria and a tender prostate"],
        ["man, weak stream and getting up at night for years, no fever",
         "I've got a cold with a mild temperature, peeing normally",
         "burning when I pee since yesterday, no fever, I'm a man of 30"]),
    "c102 new type 1 diabetes in a child": (
        "urgent", {"new_diabetes_symptoms"},
        ["my 9 year old is drinking much more than usual, has started wetting the bed again and lost weight",
         "7yo with polyuria and polydipsia for 2 weeks",
         "My son is constantly drinking and weeing at night, his clothes are loose"],
        ["my 5 year old wets the bed sometimes, drinking normally",
         "thirsty after PE lessons",
         "my 6 year old wets the bed now and then, not drinking any more than usual"]),
    "d018 infantile spasms": (
        "urgent", {"infant_spasms_clusters_or_lost_skills"},
        ["my 5 month old has clusters of jerks when she wakes up, her arms fly out each time",
         "baby 8 months, his head drops again and again and he's stopped babbling",
         "my 4 month old keeps doing tummy crunches in a row and seems less smiley"],
        ["my newborn's arms fly out when she's startled by the door slamming",
         "my baby jerks a few times as she's falling asleep",
         "my 6 month old gets hiccups and jerks over and over after feeds"]),
    "d075 INR 8 or more without bleeding": (
        "urgent", {"inr_very_high"},
        ["Warfarin for AF, INR at the anticoagulation clinic today 9.4, feel well",
         "INR 8.2 this morning, no bleeding",
         "CoaguChek reading 10.1, no bruising"],
        ["INR 3.1 at clinic today, in range",
         "my INR clinic is at 10 tomorrow",
         "INR 2.4, target 2 to 3, feel fine"]),
    "d075 INR 8 or more with bleeding": (
        "emergency", {"inr_very_high_with_bleeding"},
        ["INR 9 at the clinic today and blood in my urine since yesterday",
         "my INR came back at 12 and my gums keep bleeding",
         "on warfarin, INR is through the roof and I've got big new bruises on my legs"],
        ["INR 9.1 today, no bleeding and no bruising, feel fine",
         "INR 2.6 on warfarin, small nosebleed that stopped after 5 minutes",
         "The nurse said to call if my INR is over 8 and I'm bleeding"]),
    "d130 acute dystonia after metoclopramide or an antipsychotic": (
        "urgent", {"acute_dystonia_after_antisickness_or_antipsychotic"},
        ["after the anti-sickness injection in hospital my neck keeps twisting and I can't stop it",
         "took prochlorperazine for dizziness and now my eyes keep rolling upwards",
         "17M on haloperidol, torticollis and oculogyric crisis",
         "given metaclopramide yesterday and now my jaw is locked"],
        ["took metoclopramide for sickness, feeling much better, no side effects",
         "stiff neck from sleeping awkwardly, no new medicines",
         "the leaflet for my prochlorperazine says side effects include the eyes rolling up, is that common?"]),
    "d139 tumour lysis after the first cycle of chemotherapy": (
        "emergency", {"chemotherapy_tumour_lysis_signs"},
        ["lymphoma, first cycle of R-CHOP two days ago, now barely peeing and muscle cramps",
         "AML induction chemo day 2, palpitations and tingling around my mouth",
         "first cycle of chemotherapy for leukaemia yesterday, reduced urine output"],
        ["on my fourth cycle of R-CHOP, leg cramps at night, peeing normally",
         "finished chemo 2 years ago, cramps in my calves after walking",
         "first cycle of IVF treatment, mild cramps"]),
}

test_gap_fires_at_level, test_benign_look_alike_stays_below = gap_tests(GAPS)  # two of each per gap


# Denied words never fire (NegEx): each new finding's key words said as absent.
@pytest.mark.parametrize("text,finding", [
    ("no drooling, no neck stiffness, voice normal", "drooling_with_stiff_neck_or_muffled_voice"),
    ("bloody diarrhoea, not pale, no bruises, weeing normally", "bloody_diarrhoea_then_pale_bruised_or_little_urine"),
    ("waters broke, nothing hanging down and nothing pulsing", "cord_prolapse_something_felt_after_waters"),
    ("ECG: no peaked T waves, CKD 3", "hyperkalaemia_ecg_signs"),
    ("fell, leg not shortened and not rotated", "shortened_leg_after_fall_rotated_or_cannot_bear_weight"),
    ("broken wrist, fingers not numb, can move them", "limb_injury_deformity_numb_or_weak_fingers_toes"),
    ("I'm 75, not breathless, not sweaty, no nausea", "breathless_sweating_sick_without_chest_pain_older_adult"),
    ("no fever, no burning when I pee, I'm a man", "male_fever_with_urinary_or_perineal_pain"),
    ("took metoclopramide, no neck twisting, eyes not rolling", "acute_dystonia_after_antisickness_or_antipsychotic"),
    ("INR 9, no bleeding, no bruises", "inr_very_high_with_bleeding"),
])
def test_denied_words_do_not_fire(text, finding):
    assert finding not in ids(text), triage(text).reasons


# The population of the new findings that have one.
def test_populations():
    assert "breathless_sweating_sick_without_chest_pain_older_adult" not in ids(
        "I'm 35, breathless, sweaty and feel sick after a panic attack")
    assert "breathless_sweating_sick_without_chest_pain_diabetes" in ids(
        "I'm 50 and diabetic, breathless, clammy and feel sick")
    assert "infant_spasms_clusters_or_lost_skills" not in ids("I'm 40 and get jerks in my legs again and again")
    assert "paraphimosis_retracted_not_returning" not in ids(
        "pulled my foreskin back and it won't go back over", sex="female")
