"""The findings of knowledge/red_flags/ed_discriminators_2.json (docs/hazards/ed_discriminators_2.md).

Each finding fires, through ``triage.triage`` with words only (no model), on phrasings written for this
test (not the development vignettes the gaps came from) and stays silent on near-miss self-care
stories. A finding "fires" here when its id is among the red flags; the level checked is the finding's
own level or higher.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.services.triage import LEVELS, triage

FILE = Path(__file__).resolve().parent.parent / "knowledge" / "red_flags" / "ed_discriminators_2.json"
FINDINGS = {f["id"]: f for f in json.loads(FILE.read_text())["findings"]}

# id -> (fires: [(text, age, sex)], does not fire: [(text, age, sex)])
CASES: dict[str, tuple[list[tuple[str, int | None, str | None]], list[tuple[str, int | None, str | None]]]] = {
    "head_injury_anticoagulant_wording": (
        [("Nan slipped in the bathroom and bumped her forehead on the sink, she takes apixaban, seems okay", 85, "female"),
         ("On warfarin for a valve. Walked into a cupboard door and there's a bump on my head", 66, "male")],
        [("I'm on warfarin and feeling fine, can I have a glass of wine?", 70, "male"),
         ("Bumped my head on the car door, I'm not on any blood thinners, no headache", 40, "female"),
         ("On apixaban. What do I do if I hit my head?", 72, "male")]),
    "anticoagulant_haematuria_or_repeated_nosebleeds": (
        [("Taking rivaroxaban and my urine has turned red this afternoon", 74, "male"),
         ("I'm on edoxaban and keep getting nosebleeds, two yesterday and one this morning", 68, "female")],
        [("On warfarin, urine normal, just checking my INR date", 70, "male"),
         ("Had one nosebleed last month that stopped in 5 minutes, I'm on apixaban", 65, "female"),
         ("On apixaban, my wee went pink after I had beetroot soup", 71, "male")]),
    "inr_very_high": (
        [("My husband's INR is 12 today, he's on warfarin, no bleeding", 79, "male"),
         ("Anticoag clinic rang: INR came back at 10.3, they said stop the warfarin", 83, "female")],
        [("INR 2.4 this week, all fine", 70, "male"),
         ("I was told to phone if my INR is over 8", 66, "female"),
         ("INR slightly high at 3.6, dose reduced", 72, "male")]),
    "calf_swelling_one_side_wording": (
        [("Since the long drive my right calf is swollen, tender and feels warm", 52, "female"),
         ("Left calf about 3 cm bigger than the right and sore, on HRT", 58, "female")],
        [("Calf cramps at night that go when I stretch", 45, "male"),
         ("Both calves ache after a long hike", 30, "female"),
         ("Strained my calf at football, it's tender where it twanged", 28, "male")]),
    "fever_with_pleuritic_pain_wording": (
        [("Temperature of 38.9 and a stabbing pain in my side when I take a deep breath", 34, "male"),
         ("Feverish since Monday and now a sharp pain under my ribs when I breathe in", 61, "female")],
        [("Temperature 38 with a sore throat, breathing fine", 25, "female"),
         ("Sharp pain when I breathe in after falling onto my ribs, no fever", 40, "male"),
         ("Had a fever last week, now fine; just a stitch when I take a deep breath running", 30, "male")]),
    "vomiting_then_severe_chest_pain": (
        [("Been throwing up all night and then suddenly got an excruciating chest pain", 45, "male"),
         ("Retching hard after a curry, now severe pain behind my breastbone and my neck feels crackly", 60, "male")],
        [("Vomiting with a tummy bug, chest a little sore from retching", 30, "female"),
         ("No chest pain, just sickness since last night", 22, "male")]),
    "coughing_large_blood_wording": (
        [("Coughing up loads of blood, it filled the sink", 70, "male"),
         ("He coughed up a mug of bright red blood a few minutes ago", 64, "male")],
        [("Coughing up a few streaks of blood with a chest infection", 40, "female"),
         ("I cough up a lot of phlegm in the mornings, no blood", 55, "male")]),
    "smoke_inhalation_airway_wording": (
        [("Our kitchen caught fire and now my son's voice is croaky and his nose hairs are singed", 12, "male"),
         ("Got out of a building fire, wheezing and coughing up black phlegm", 35, "female")],
        [("I'm a smoker with a hoarse voice in the mornings", 50, "male"),
         ("We had a bonfire, I smell of smoke, feel completely fine", 30, "female"),
         ("My throat feels like it's on fire with a cold and I'm hoarse", 28, "female")]),
    "floor_of_mouth_swelling_swallow_voice_wording": (
        [("After my wisdom tooth infection the floor of my mouth is swollen and I'm struggling to swallow", 29, "male"),
         ("Swelling under my chin is hard and my voice has changed, tooth abscess last week", 41, "female")],
        [("Swollen glands under my chin with tonsillitis, swallowing okay", 19, "female"),
         ("Sore throat, painful to swallow, no swelling in my mouth or neck", 23, "male")]),
    "necrotising_otitis_externa_wording": (
        [("I'm diabetic and my earache is unbearable at night, drops haven't worked after 2 weeks", 70, "male"),
         ("Type 1 diabetes, ear infection for weeks with a headache on the same side", 66, "female")],
        [("Mild earache with a cold, I'm diabetic, paracetamol helps", 50, "male"),
         ("Severe earache at night, I'm 30 and healthy", 30, "female")]),
    "sudden_hearing_loss_wording": (
        [("All of a sudden this morning I can't hear out of my left ear, no pain", 45, "female"),
         ("My hearing went in one ear overnight and everything sounds muffled", 60, "male")],
        [("My hearing has gradually got worse over the years", 75, "male"),
         ("Blocked ear and muffled hearing with a heavy cold since yesterday", 35, "female"),
         ("Can't hear out of my right ear since yesterday, I think it's wax", 55, "male")]),
    "sudden_floaters_or_smoky_vision": (
        [("Suddenly loads of black floaters in my left eye this evening", 58, "male"),
         ("My vision went smoky in one eye this morning, I'm diabetic", 62, "female")],
        [("Floaters for years, no change", 40, "female"),
         ("My glasses steamed up and my vision went smoky in the sauna", 35, "male")]),
    "eye_worse_after_eye_surgery_wording": (
        [("Cataract operation 5 days ago, now the eye is agony and everything is misty", 80, "female"),
         ("Had an eye injection on Monday, today the eye is red and painful and I can hardly see shapes", 76, "male")],
        [("Had my cataract done yesterday, vision slightly hazy as expected, no pain", 78, "female"),
         ("Cloudy vision for months, I'm waiting for a cataract operation", 70, "male")]),
    "diabetic_hot_swollen_foot": (
        [("Type 2 diabetic with numb feet, my right foot is warm and puffy and has changed shape", 62, "male"),
         ("Diabetic. The top of my left foot is hot to touch and red and swollen, no cut", 55, "female")],
        [("I'm diabetic and both feet swell in the hot weather", 60, "female"),
         ("Swollen hot ankle after a sprain, not diabetic", 30, "male")]),
    "diabetic_foot_ulcer_infected_wording": (
        [("I'm diabetic, the ulcer on my heel is oozing pus and smells", 67, "male"),
         ("Type 2 diabetes: a sore on my toe has gone red and swollen and it's weeping", 59, "female")],
        [("Diabetic, foot ulcer last year healed well, feet fine now", 65, "male"),
         ("Mouth ulcer with red gums, I'm type 2 diabetic", 50, "female")]),
    "recurrent_hypoglycaemia": (
        [("Diabetic on gliclazide, several hypos in the last few days, each sorted with a sugary drink", 77, "female"),
         ("On insulin and having hypos every night this week, woke up sweaty and shaky", 45, "male")],
        [("I had one hypo last month after exercise, treated with glucose tablets", 35, "male"),
         ("What should I do if I get a hypo?", 60, "female")]),
    "older_person_new_confusion_wording": (
        [("My 82 year old father suddenly doesn't know where he is since Saturday", 82, "male"),
         ("Gran is 90 and has been disorientated and seeing things since her fall yesterday", 90, "female")],
        [("My nan has had dementia for years and gets muddled in the evenings as usual", 88, "female"),
         ("I'm 70 and confused about which tablets to take in the morning", 70, "male")]),
    "catheter_not_draining_wording": (
        [("Mum's catheter bag is still empty after 5 hours and she says her bladder feels full", 86, "female"),
         ("My catheter is leaking around the tube and nothing is coming out into the leg bag", 75, "male")],
        [("My catheter is draining well, urine clear, just need new bags", 80, "male"),
         ("What do I do if my catheter stops draining?", 77, "male")]),
    "uti_symptoms_in_pregnancy_wording": (
        [("24 weeks pregnant and it stings when I pee", 27, "female"),
         ("I'm pregnant and I think I've got cystitis, burning when I wee", 31, "female")],
        [("30 weeks pregnant, weeing more often but no pain", 29, "female"),
         ("Burning when I pee, not pregnant, third day", 33, "female")]),
    "early_pregnancy_bleeding_wording": (
        [("Positive pregnancy test two weeks ago and now I'm spotting", 28, "female"),
         ("About 6 weeks by dates, started bleeding this morning", 34, "female")],
        [("Positive pregnancy test, no bleeding, feeling sick in the mornings", 26, "female"),
         ("Early pregnancy and my gums bleed when I brush my teeth", 30, "female")]),
    "shingles_immunosuppressed_wording": (
        [("I have a kidney transplant and a painful strip of blisters on one side of my tummy", 50, "male"),
         ("On chemotherapy for breast cancer, now shingles on my back", 57, "female")],
        [("Shingles on my side, I'm 60 and healthy, on no medicines", 60, "male"),
         ("On methotrexate, usual cold sore on my lip", 45, "female")]),
    "fever_infant_under_3m_reading_wording": (
        [("My 7 week old's thermometer reads 38.3, he's sleepy", 0, "male"),
         ("4 week old girl, 38.5 in her armpit tonight", 0, "female")],
        [("My 7 week old's thermometer reads 37.1, he has a blocked nose", 0, "male"),
         ("My 10 month old's thermometer says 38.2 and she's playing", 0, "female")]),
    "child_ate_medicines_wording": (
        [("My 2 year old got into my tablets and I think he ate some", 2, "male"),
         ("Found my 4 year old with an empty blister pack of my iron tablets, she thought they were sweets", 4, "female")],
        [("My 3 year old takes her antibiotics well with yoghurt", 3, "female"),
         ("Can I give my 5 year old the right dose of calpol for a fever?", 5, "male")]),
    "button_battery_possible_wording": (
        [("A small round battery from the scales is missing and my 3 year old was holding it", 3, "female"),
         ("My toddler had the battery out of the key fob in his mouth and now it's gone", 1, "male")],
        [("Where can I buy round batteries for my son's toy? He's fine", 6, "male"),
         ("Found the round battery under the sofa, my daughter didn't swallow it", 2, "female")]),
    "suicide_preparations_wording": (
        [("I've got all my tablets lined up on the bed and left a note for my family", 45, "male"),
         ("Today's the day, I've said my goodbyes and bought a rope", 30, "female")],
        [("I line up my tablets in the dosette box every Sunday", 72, "female"),
         ("Tonight's the night of the school concert, feeling nervous", 15, "female")]),
    "psychosis_with_weapon_or_threat": (
        [("My dad is hearing voices and threatened my mum with a hammer", 55, "male"),
         ("She is convinced the neighbours are poisoning her and says she has to protect herself with a knife", 40, "female")],
        [("I'm hearing voices and feel scared but have no thoughts of hurting anyone", 22, "male"),
         ("He's paranoid about his exams and cut his finger chopping onions with a knife", 19, "male")]),
    "post_procedure_abdominal_pain_fever": (
        [("Had an ERCP two days ago, the tummy pain is getting worse and I have chills", 65, "female"),
         ("Appendix out on Friday, now my belly is swollen and rigid and I'm burning up", 22, "male")],
        [("Colonoscopy three years ago was clear, now a tummy bug with a temperature", 55, "male"),
         ("Had a gastroscopy today, mild bloating, no fever", 50, "female")]),
    "post_operative_wound_infection_wording": (
        [("A week after my gallbladder operation the port site is red and leaking pus", 45, "female"),
         ("My stitches are hot and swollen and smell, hernia repair 5 days ago", 60, "male")],
        [("Stitches out, wound clean and dry, no redness", 40, "female"),
         ("My appendix scar from years ago is a bit itchy", 35, "male")]),
    "high_voltage_electrical_injury": (
        [("He touched the overhead power lines with a fishing rod and got a shock, he's talking", 17, "male"),
         ("Electrician hit by a high voltage discharge at the substation, burns on both hands", 38, "male")],
        [("There's a high voltage sign on the fence near school, is it dangerous?", 35, "female"),
         ("Shooting pains like electric shocks in my leg from sciatica", 50, "male")]),
    "decompression_illness_wording": (
        [("After a dive to 30 metres this morning my shoulder has a deep ache and my legs feel strange", 36, "male"),
         ("Went diving yesterday and flew home today, now tingly hands and really dizzy", 42, "female")],
        [("Booked a diving holiday next month, any tips for ear pain?", 30, "female"),
         ("My son dived into the swimming pool and now has a headache", 10, "male")]),
    "frostbite_tissue_signs_wording": (
        [("Slept outside in the freezing cold, my toes are white and hard and I can't feel anything in them", 50, "male"),
         ("After the mountain walk in the snow his fingertips are blackened with blood-filled blisters", 44, "male")],
        [("My fingers go white in the cold but turn pink again, I have Raynaud's", 30, "female"),
         ("Chilblains on my toes this winter, itchy", 60, "female")]),
    "long_lie_wording": (
        [("The warden found Mum on the bathroom floor this morning, she'd been there all night", 87, "female"),
         ("He was on the floor for about six hours before anyone found him", 90, "male")],
        [("My toddler lies on the floor having a tantrum", 2, "male"),
         ("Dad fell in the garden but got straight up, no injury", 70, "male")]),
    "cancer_thirst_confusion_wording": (
        [("Dad has myeloma and this week he's raging with thirst and getting muddled", 74, "male"),
         ("She has secondaries in her bones, she's so thirsty and much more drowsy than usual", 66, "female")],
        [("I had breast cancer ten years ago, now thirsty in the heatwave, otherwise fine", 60, "female"),
         ("Chemo nurse says I might get a dry mouth, I'm not confused or drowsy", 55, "male")]),
    "anticoagulant_large_bruise_or_haematoma": (
        [("On warfarin, caught my shin on the step and there's a huge bruise with a tense lump", 81, "female"),
         ("Taking apixaban and the haematoma on my thigh keeps growing", 70, "male")],
        [("On rivaroxaban and I bruise easily, small marks on my arms", 75, "female"),
         ("Big bruise on my thigh from football, not on any blood thinners", 25, "male")]),
    "injury_cannot_bear_weight_wording": (
        [("Came off my bike and now I can't put any weight on my left foot", 30, "male"),
         ("Twisted my ankle at the park, the bone on the inside is tender and I couldn't take a step", 19, "female")],
        [("Sprained my ankle, sore but I can walk on it", 25, "female"),
         ("Grandad can't weight bear since his stroke years ago and uses a hoist", 85, "male")]),
    "child_limp_hip_knee_pain": (
        [("My 13 year old son has had a limp and pain in his thigh for a week", 13, "male"),
         ("My 10 year old daughter is limping and says her hip hurts, no injury", 10, "female")],
        [("My 12 year old has a verruca and is limping a bit", 12, "male"),
         ("My 14 year old has knee pain after netball, walking normally", 14, "female")]),
}


def _ids(text, age, sex):
    return {f["id"]: f["level"] for f in triage(text, age=age, sex=sex).red_flags}


def test_every_new_finding_has_cases():
    assert set(CASES) == set(FINDINGS)
    for fid, (fires, quiet) in CASES.items():
        assert len(fires) >= 2 and len(quiet) >= 2, fid


@pytest.mark.parametrize("fid", sorted(CASES))
def test_the_finding_fires_on_other_phrasings(fid):
    for text, age, sex in CASES[fid][0]:
        result = triage(text, age=age, sex=sex)
        ids = {f["id"] for f in result.red_flags}
        assert fid in ids, (text, result.level, result.reasons)
        assert LEVELS.index(result.level) <= LEVELS.index(FINDINGS[fid]["level"]), (text, result.level)


@pytest.mark.parametrize("fid", sorted(CASES))
def test_the_finding_is_silent_on_near_misses(fid):
    for text, age, sex in CASES[fid][1]:
        assert fid not in _ids(text, age, sex), text


def test_every_new_finding_is_independently_checked():
    for f in FINDINGS.values():
        by = f["reviewed"]["by"]
        assert "independently checked: ed-discriminators-2-reviewer" in by, f["id"]
        assert "needs an independent check" not in by, f["id"]
        assert f["source"] and len(f["examples"]["fires"]) >= 2 and len(f["examples"]["does_not_fire"]) >= 2


# == the independent second review (docs/hazards/ed_discriminators_2.md, "Independent review") ==========
# Benign texts (at least 3 a finding) that must not fire it, and the reviewer's own real phrasings (at least
# 2 a finding) that must, each through ``triage.triage`` with words only. Texts that fired wrongly before the
# review are among the benign ones; the real ones include, for each `unless` word the review added, a real
# presentation with a similar word later in the sentence (an `unless` word reaches the end of the sentence).
# Known residual over-triage is listed in the hazard log, not here.

REVIEW_QUIET: dict[str, list[tuple[str, int | None, str | None]]] = {
    'anticoagulant_haematuria_or_repeated_nosebleeds': [
        ("I'm on warfarin and feeling fine", 70, 'male'),
        ('My INR was 2.5 today, wee a normal colour', 72, 'female'),
        ('On apixaban, what if my urine turns red?', 70, 'male'),
        ('On apixaban, should I worry if my wee goes pink?', 70, 'male'),
        ('On rivaroxaban, had one nosebleed this morning after blowing my nose hard, stopped in a minute', 66, 'female'),
        ('On warfarin. Years ago I had recurrent nosebleeds as a teenager', 65, 'male'),
        ('On apixaban, my nose has bled once today, a few drops, stopped straight away', 70, 'female'),
    ],
    'anticoagulant_large_bruise_or_haematoma': [
        ('On rivaroxaban and I bruise easily, small marks on my arms', 75, 'female'),
        ('Big bruise on my thigh from football, not on any blood thinners', 25, 'male'),
        ("I'm on warfarin and feeling fine", 70, 'male'),
        ('On apixaban, had a large bruise last year that went away', 72, 'female'),
        ('On warfarin, my grandson has a big bruise on his knee from football', 70, 'female'),
    ],
    'button_battery_possible_wording': [
        ('My toddler licked a battery-operated toy', 2, 'male'),
        ("Where can I buy round batteries for my son's toy? He's fine", 6, 'male'),
        ("Found the round battery under the sofa, my daughter didn't swallow it", 2, 'female'),
        ('The car key battery is flat, my 4 year old has a cough', 4, 'male'),
        ("My toddler's ride-on car has a flat battery and he's crying", 2, 'male'),
        ("The battery compartment on my toddler's toy is loose, he has a cold", 2, 'male'),
    ],
    'calf_swelling_one_side_wording': [
        ('Calf cramps at night that go when I stretch', 45, 'male'),
        ('Both my calves ache and feel tight after a hike', 35, 'female'),
        ('Insect bite on my calf, itchy and a bit red', 30, 'female'),
        ("Got a new tattoo on my calf, it's a bit swollen and tender as expected", 26, 'male'),
        ('Sunburnt my calves at the beach, hot and sore', 24, 'female'),
        ('My calf is fine now, the swelling went down weeks ago', 50, 'male'),
        ('My calf is tender after a deep tissue massage', 30, 'female'),
    ],
    'cancer_thirst_confusion_wording': [
        ('I had breast cancer ten years ago, now thirsty in the heatwave, otherwise fine', 60, 'female'),
        ("Chemo nurse says I might get a dry mouth, I'm not confused or drowsy", 55, 'male'),
        ("I'm worried about cancer; I'm thirsty and sleepy after a long shift", 40, 'female'),
        ('Skin cancer removed last year; thirsty and a bit sleepy with a cold', 70, 'male'),
    ],
    'catheter_not_draining_wording': [
        ('My catheter is draining well, urine clear, just need new bags', 80, 'male'),
        ('What do I do if my catheter stops draining?', 77, 'male'),
        ('Had a catheter after my op last year, it was taken out, weeing normally', 70, 'female'),
        ("Catheter fine; I emptied the bag and it's empty now, just a question about supplies", 82, 'male'),
        ('My catheter is working; my nose is blocked with a cold', 75, 'male'),
    ],
    'child_ate_medicines_wording': [
        ('My toddler licked a battery-operated toy', 2, 'male'),
        ('My 3 year old takes her antibiotics well with yoghurt', 3, 'female'),
        ('Can I give my 5 year old the right dose of calpol for a fever?', 5, 'male'),
        ("Found my tablets under the bed and they're all there, my 2 year old is fine", 2, 'female'),
        ('My 6 year old swallowed his prescribed antibiotic tablet for the first time!', 6, 'male'),
    ],
    'child_limp_hip_knee_pain': [
        ('My 12 year old has a verruca and is limping a bit', 12, 'male'),
        ('My 14 year old has knee pain after netball, walking normally', 14, 'female'),
        ('My 10 year old plays a limping pirate in the school play and has a sore throat', 10, 'male'),
        ('My 13 year old has a blister on his toe and is limping', 13, 'male'),
        ("My 9 year old's knee hurts after falling off his scooter today, walking fine, grazed", 9, 'male'),
        ("My 13 year old's knee pain and slight limp after football is his usual Osgood-Schlatter", 13, 'male'),
    ],
    'coughing_large_blood_wording': [
        ('Coughing up a few streaks of blood with a chest infection', 40, 'female'),
        ('I cough up a lot of phlegm in the mornings, no blood', 55, 'male'),
        ('Lost a lot of blood when I cut my finger yesterday, coughing with a cold', 30, 'male'),
        ('Coughing for a week; my nosebleed last night left blood everywhere on the pillow', 45, 'female'),
        ('Coughing a lot with a cold, and my period is heavy with clots of blood', 30, 'female'),
        ('Coughing for weeks and had lots of blood tests, all normal', 50, 'male'),
        ('Coughing a lot and taking a lot of blood pressure tablets', 70, 'male'),
    ],
    'decompression_illness_wording': [
        ('Booked a diving holiday next month, any tips for ear pain?', 30, 'female'),
        ('My son dived into the swimming pool and now has a headache', 10, 'male'),
        ('Years ago I had frostbite and once the bends after diving, fine for a decade; knee aches with arthritis', 60, 'male'),
        ('Went diving for the ball in goal and my shoulder aches', 20, 'male'),
        ('Did a deep dive into my blood results and now have a headache from worry', 40, 'female'),
    ],
    'diabetic_foot_ulcer_infected_wording': [
        ('Diabetic, foot ulcer last year healed well, feet fine now', 65, 'male'),
        ("Mouth ulcer with red gums, I'm type 2 diabetic", 50, 'female'),
        ('Type 2 diabetic with a stomach ulcer, no foot problems, heartburn and red wine', 58, 'male'),
        ("I'm diabetic, the podiatrist checked my feet today, no ulcers, no redness", 70, 'female'),
        ('Diabetic. A sore throat and my toe is red from stubbing it, no break in the skin', 55, 'male'),
    ],
    'diabetic_hot_swollen_foot': [
        ("I'm diabetic and both feet swell in the hot weather", 60, 'female'),
        ('Swollen hot ankle after a sprain, not diabetic', 30, 'male'),
        ('Type 2 diabetic, my feet are warm and fine, podiatrist happy, no swelling', 65, 'male'),
        ('Diabetic. I soaked my foot in hot water and it went red for a bit', 60, 'female'),
        ('Diabetic, my red swollen ankle from gout is better now', 62, 'male'),
    ],
    'early_pregnancy_bleeding_wording': [
        ('Positive pregnancy test, no bleeding, feeling sick in the mornings', 26, 'female'),
        ('Early pregnancy and my gums bleed when I brush my teeth', 30, 'female'),
        ('Trying to get pregnant, my period came today with normal bleeding', 32, 'female'),
        ('Not pregnant, negative test, bleeding like a normal period', 28, 'female'),
        ('I bled in my last pregnancy, now 8 weeks pregnant and fine', 33, 'female'),
    ],
    'eye_worse_after_eye_surgery_wording': [
        ("Had my cataract done last month and it's great", 75, 'female'),
        ('Had my cataract done yesterday, vision slightly hazy as expected, no pain', 78, 'female'),
        ("Cloudy vision for months, I'm waiting for a cataract operation", 70, 'male'),
        ('Eye surgery 10 years ago, now my knee is really painful after gardening', 72, 'male'),
        ('I had my cataract done in March and my vision is brilliant; my bunion is very painful', 76, 'female'),
        ('Cataract operation last year, vision great. Today a headache and a sticky nose with a cold', 80, 'male'),
    ],
    'fever_infant_under_3m_reading_wording': [
        ("My 7 week old's thermometer reads 37.1, he has a blocked nose", 0, 'male'),
        ("My 10 month old's thermometer says 38.2 and she's playing", 0, 'female'),
        ('My 6 week old was born at 38 weeks and is feeding well', 0, 'female'),
        ('My 8 week old baby takes 38 ml every feed, no temperature', 0, 'male'),
        ('My 5 week old feeds for 39 minutes, is that normal?', 0, 'female'),
        ('My 4 week old weighs 3.8 kg and has a rash on her cheeks', 0, 'female'),
        ('My 6 week old is on 39 ounces a day and feeding well', 0, 'male'),
    ],
    'fever_with_pleuritic_pain_wording': [
        ('Temperature of 38 with a sore throat, breathing fine', 25, 'female'),
        ('Had a fever last week, better now; sharp pain in my side when I run', 30, 'male'),
        ('Fever yesterday with a cold. My hands hurt when I breathe on them in the cold', 40, 'female'),
        ('I have a temperature and it hurts when I swallow, no chest pain', 22, 'male'),
        ('Mild fever with flu, my muscles ache all over', 35, 'female'),
    ],
    'floor_of_mouth_swelling_swallow_voice_wording': [
        ('Swollen glands under my chin with tonsillitis, swallowing okay', 19, 'female'),
        ('Sore throat, painful to swallow, no swelling in my mouth or neck', 23, 'male'),
        ('Ulcer on the floor of my mouth, stings when I eat crisps', 35, 'female'),
        ('Swelling under my tongue when I eat, from a salivary stone, swallowing fine', 50, 'male'),
        ("Burnt the floor of my mouth on hot pizza, it's a bit painful to swallow", 22, 'male'),
    ],
    'frostbite_tissue_signs_wording': [
        ('Years ago I had frostbite, now my toes are fine', 50, 'male'),
        ("My fingers go white in the cold but turn pink again, I have Raynaud's", 30, 'female'),
        ('Chilblains on my toes this winter, itchy', 60, 'female'),
        ('My toenail has turned black after a long walk in the snow in new boots', 35, 'male'),
        ('Blisters on my fingers from the ice skating rope in winter, no numbness', 25, 'female'),
        ('Skin on my heels feels hard in winter, dry and cracked', 55, 'female'),
    ],
    'head_injury_anticoagulant_wording': [
        ("I'm on warfarin and feeling fine", 70, 'male'),
        ('My INR was 2.5 today, on warfarin, no problems', 72, 'female'),
        ('If I fell and hit my head on apixaban would I need a scan?', 75, 'male'),
        ('On rivaroxaban, I had a head injury years ago and have been fine since', 68, 'male'),
        ('On apixaban. I went face first into the pillow and slept 10 hours, feel great', 60, 'female'),
        ('On warfarin and my head hit the pillow at 9pm, so tired lately', 70, 'male'),
        ("On apixaban, my grandson's head hit the table, he's 4 and fine", 66, 'female'),
    ],
    'high_voltage_electrical_injury': [
        ("There's a high voltage sign on the fence near school, is it dangerous?", 35, 'female'),
        ('Shooting pains like electric shocks in my leg from sciatica', 50, 'male'),
        ('I work on the railway line as a cleaner and have a cold', 45, 'male'),
        ('We live near power lines, is that why I get headaches?', 40, 'female'),
        ('I fell on the railway line platform and grazed my knee', 30, 'male'),
        ('I live near power lines and got an electric shock from my toaster', 40, 'female'),
        ('My son hit his head at the railway station', 10, 'male'),
    ],
    'injury_cannot_bear_weight_wording': [
        ('Sprained my ankle, sore but I can walk on it', 25, 'female'),
        ("Grandad can't weight bear since his stroke years ago and uses a hoist", 85, 'male'),
        ('My knee has been stiff with arthritis for years, I can walk', 70, 'female'),
        ("I'm worried I won't be able to weight bear after my planned knee replacement next month", 65, 'male'),
        ('No bony tenderness, walking fine, mild ankle swelling', 30, 'male'),
        ("I can't put weight on my diet, I'm trying to gain", 25, 'female'),
    ],
    'inr_very_high': [
        ('My INR was 2.5 today', 70, 'male'),
        ("I'm on warfarin and feeling fine, INR checked every 8 weeks", 70, 'male'),
        ('My INR appointment is at 10 tomorrow', 70, 'female'),
        ('Next INR in 10 days, all stable', 70, 'male'),
        ('INR clinic at 9 on Monday, can I eat broccoli?', 68, 'female'),
        ('INR 8 weeks ago was 2.6, and 2.4 today', 74, 'male'),
        ('If my INR goes above 8 what happens?', 70, 'male'),
        ('INR 2.9 for the last 10 readings', 70, 'female'),
    ],
    'long_lie_wording': [
        ('Grandad had a long lie in this morning', 80, 'male'),
        ('My toddler lies on the floor having a tantrum', 2, 'male'),
        ('Dad fell in the garden but got straight up, no injury', 70, 'male'),
        ('We had a long lie-in on Sunday and I woke with a headache', 70, 'female'),
        ('Found her glasses on the floor after hours of searching', 80, 'female'),
        ("Found him on the sofa watching telly, he's fine, just a cough", 80, 'male'),
        ("We've had a new floor since March and mum has a cough", 80, 'female'),
        ('I was lying there for hours unable to sleep with my bad back', 70, 'female'),
        ("I've been feeling down all night", 70, 'female'),
    ],
    'necrotising_otitis_externa_wording': [
        ("Mild earache with a cold, I'm diabetic, paracetamol helps", 50, 'male'),
        ("Severe earache at night, I'm 30 and healthy", 30, 'female'),
        ('Type 2 diabetic, itchy ear after swimming, no pain', 60, 'male'),
        ("I'm diabetic and have a headache from the heat; my ear is fine", 55, 'female'),
        ('Diabetic. My grandson has an earache that is getting worse', 70, 'female'),
        ("I'm diabetic and have a headache from the heat, my son has ear pain", 45, 'female'),
    ],
    'older_person_new_confusion_wording': [
        ("I'm 70 and get confused with my new phone", 70, 'female'),
        ('My nan has had dementia for years and gets muddled in the evenings as usual', 88, 'female'),
        ("I'm 70 and confused about which tablets to take in the morning", 70, 'male'),
        ('Grandad, 80, is confused by the new TV remote we bought today', 80, 'male'),
        ('My mum is 78 and got mixed up with the dates of her new appointments this week', 78, 'female'),
        ("Dad is 85 and has been acting oddly about the new neighbours since Sunday, he thinks they're noisy", 85, 'male'),
    ],
    'post_operative_wound_infection_wording': [
        ('Stitches out, wound clean and dry, no redness', 40, 'female'),
        ('My appendix scar from years ago is a bit itchy', 35, 'male'),
        ('I have an old acne scar on my cheek that goes red in the sun', 25, 'female'),
        ('My C-section scar is years old and fine; my throat is red and sore', 34, 'female'),
        ('Scar from my operation is healing well, no redness or discharge', 60, 'male'),
        ('My caesarean scar is red and itchy 3 years on', 35, 'female'),
    ],
    'post_procedure_abdominal_pain_fever': [
        ('Colonoscopy three years ago was clear, now a tummy bug with a temperature', 55, 'male'),
        ('Had a gastroscopy today, mild bloating, no fever', 50, 'female'),
        ('Booked in for a colonoscopy next week, worried, tummy pain and a fever with flu', 60, 'male'),
        ('C-section 12 years ago. Now tummy bug with a temperature and stomach pain', 40, 'female'),
        ('Had a knee scope last week; now tummy pain and a fever after bad chicken', 45, 'male'),
    ],
    'psychosis_with_weapon_or_threat': [
        ("I'm hearing voices and feel scared but have no thoughts of hurting anyone", 22, 'male'),
        ("He's paranoid about his exams and cut his finger chopping onions with a knife", 19, 'male'),
        ("I'm paranoid my scissors are blunt, knee pain", 40, 'female'),
        ('My son is hearing voices, no weapons, no threats, he is calm', 20, 'male'),
        ('Grandad is hard of hearing and thinks people are mumbling, he cut himself shaving with a blade', 82, 'male'),
        ("I was attacked by a dog yesterday and I'm seeing things in my dreams", 30, 'female'),
        ('He thinks everyone hates him and he punched a wall', 16, 'male'),
    ],
    'recurrent_hypoglycaemia': [
        ('I had one hypo last month after exercise, treated with glucose tablets', 35, 'male'),
        ('What should I do if I get a hypo?', 60, 'female'),
        ('Type 1, no hypos this week, sugars between 5 and 9', 30, 'male'),
        ('Diabetic, my sugars were 3 point something once in January, fine since', 55, 'female'),
        ('My hypo awareness course is next week, sugars stable', 40, 'male'),
        ("I've had three episodes of panic attacks this week, sweaty and shaky", 30, 'female'),
        ('Two episodes of diarrhoea today and felt sweaty and shaky', 25, 'male'),
    ],
    'shingles_immunosuppressed_wording': [
        ("Shingles on my side, I'm 60 and healthy, on no medicines", 60, 'male'),
        ('On methotrexate, usual cold sore on my lip', 45, 'female'),
        ('Kidney transplant, should I have the shingles vaccine?', 55, 'male'),
        ('On chemo, I had shingles years ago, no rash now', 62, 'female'),
    ],
    'smoke_inhalation_airway_wording': [
        ('We had a bonfire, smoky clothes, feel fine', 30, 'female'),
        ("I'm a smoker with a hoarse voice in the mornings", 50, 'male'),
        ("My throat feels like it's on fire with a cold and I'm hoarse", 28, 'female'),
        ('Burnt the toast and the kitchen was full of smoke, no cough, feel fine', 40, 'male'),
        ("We had a barbecue and the garden was full of smoke, I'm wheezy with my usual hay fever", 33, 'female'),
        ('The house fire was years ago, my voice has been hoarse since a cold last week', 60, 'male'),
    ],
    'sudden_floaters_or_smoky_vision': [
        ('Floaters for years, no change', 40, 'female'),
        ('My glasses steamed up and my vision went smoky in the sauna', 35, 'male'),
        ('We had a bonfire today and the garden was like smoke, my eyes sting', 30, 'female'),
        ("I've always had a few floaters, noticed them today against the blue sky, same as usual", 35, 'male'),
        ('Cobwebs in the corners of my bedroom today, is dust bad for asthma?', 40, 'female'),
    ],
    'sudden_hearing_loss_wording': [
        ('My hearing has gradually got worse over the years', 75, 'male'),
        ('Blocked ear and muffled hearing with a heavy cold since yesterday', 35, 'female'),
        ("Can't hear out of my right ear since yesterday, I think it's wax", 55, 'male'),
        ("I'm 70 and can't hear out of my left ear today because my hearing aid battery is flat", 70, 'female'),
        ('Muffled hearing after swimming today, water in my ear', 25, 'male'),
        ('My ear went dead after the concert last night', 20, 'male'),
    ],
    'suicide_preparations_wording': [
        ('I line up my tablets in the dosette box every Sunday', 72, 'female'),
        ("Tonight's the night of the school concert, feeling nervous", 15, 'female'),
        ('My dad died last week and I left a note for the milkman to cancel', 50, 'female'),
        ('Writing letters to my kids for their birthdays, I have terminal cancer and want advice about pain', 45, 'male'),
        ("I've sorted my affairs with the solicitor since my stroke, feeling well", 80, 'male'),
        ('We went to say goodbye to grandma at the airport and I have a cold', 30, 'female'),
        ("Today is the day I get my results and I'm anxious", 40, 'female'),
        ("I've put my affairs in order since my terminal diagnosis and want pain advice", 70, 'male'),
    ],
    'uti_symptoms_in_pregnancy_wording': [
        ('30 weeks pregnant, weeing more often but no pain', 29, 'female'),
        ('Burning when I pee, not pregnant, third day', 33, 'female'),
        ('Pregnant and worried about getting a water infection, no symptoms', 30, 'female'),
        ('I had a UTI in my last pregnancy; now 20 weeks and fine', 31, 'female'),
        ('20 weeks pregnant, my urine infection was treated last week and has gone', 27, 'female'),
    ],
    'vomiting_then_severe_chest_pain': [
        ('Vomiting with a tummy bug, chest a little sore from retching', 30, 'female'),
        ('No chest pain, just sickness since last night', 22, 'male'),
        ('Threw up twice with a hangover, a bit of heartburn afterwards', 25, 'male'),
        ('Pregnant and being sick every morning, no pain', 28, 'female'),
        ('Years ago I had severe chest pain after vomiting, it turned out to be a tear, fine now', 50, 'male'),
    ],
}

REVIEW_FIRES: dict[str, list[tuple[str, int | None, str | None]]] = {
    'anticoagulant_haematuria_or_repeated_nosebleeds': [
        ("I'm on warfarin and there's blood in my pee this morning", 72, 'male'),
        ('Dad is on apixaban and has had three nosebleeds since Friday', 80, 'male'),
        ("On warfarin and my wee has gone red, what if it's a bleed?", 70, None),
        ('On warfarin and my wee is red, if it carries on should I go in?', 70, None),
    ],
    'anticoagulant_large_bruise_or_haematoma': [
        ("On warfarin and I've got a huge bruise on my leg after a bump", 80, 'female'),
        ('I take rivaroxaban, my shin has a haematoma that is getting bigger', 76, 'male'),
        ('On warfarin, bumped my shin carrying my grandson, huge bruise', 75, 'female'),
        ('On apixaban, huge bruise on my shin, if it gets bigger what do I do?', 70, None),
    ],
    'button_battery_possible_wording': [
        ('My toddler might have swallowed a round battery from the remote', 2, 'male'),
        ("My 18 month old had a small round battery in her mouth and now I can't find it", 1, 'female'),
        ('My 2 year old swallowed a button battery', 2, 'male'),
        ('The small flat battery from the car key is missing and my toddler was chewing the key', 1, 'female'),
        ('He took the battery out of the remote and swallowed it', 3, 'male'),
    ],
    'calf_swelling_one_side_wording': [
        ('After my flight my left calf is swollen and tender', 45, 'female'),
        ('The back of my leg below the knee on one side is hot and swollen', 60, 'male'),
        ('Left calf swollen and hot since the flight, worse by the evening', 50, 'female'),
        ('Right calf swollen and tender after a long flight, pulled a muscle maybe?', 50, None),
    ],
    'cancer_thirst_confusion_wording': [
        ('My wife has lung cancer, very thirsty and confused since yesterday', 68, 'female'),
        ('Dad has myeloma, drinking loads and drowsy', 75, 'male'),
    ],
    'catheter_not_draining_wording': [
        ('My catheter stopped draining this morning and my tummy is swollen', 80, 'male'),
        ("Nothing in the catheter bag since lunch and he's desperate to wee", 85, 'male'),
        ('Catheter is blocked, nothing in the bag, tummy swollen', 83, 'male'),
        ("Catheter not draining, nothing coming out, it won't drain", 80, 'male'),
        ('Catheter is blocked, nothing in the bag, if my tummy swells should I call?', 80, None),
    ],
    'child_ate_medicines_wording': [
        ('My 2 year old swallowed some of my tablets', 2, 'male'),
        ("My 3 year old drank the calpol bottle, it's nearly empty", 3, 'female'),
        ('My 18 month old chewed some tablets from my handbag', 1, 'male'),
        ('Found him asleep with my tablets and an empty blister pack', 2, 'male'),
    ],
    'child_limp_hip_knee_pain': [
        ('My 12 year old has been limping for a week with knee pain', 12, 'male'),
        ('My 14 year old daughter has groin pain and a limp', 14, 'female'),
    ],
    'coughing_large_blood_wording': [
        ("I'm coughing up lots of blood, bright red", 65, 'male'),
        ('She coughed up a mouthful of blood twice this morning', 72, 'female'),
        ('Coughed up a cup of blood', 70, 'male'),
        ("Coughing up large amounts of blood, it's pouring out", 60, 'female'),
        ('Coughing up loads of blood and I feel sick, vomited once', 60, 'male'),
        ('Coughed up a lot of blood into the toilet', 65, 'male'),
    ],
    'decompression_illness_wording': [
        ('After my dive this morning I have tingling in my arms and feel dizzy', 38, 'female'),
        ("Went scuba diving yesterday and now my knees ache deeply and I'm short of breath", 45, 'male'),
        ('Surfaced too fast on my dive this morning, now my elbow aches', 33, 'male'),
        ('Scuba diving this morning and now my legs are numb', 41, 'female'),
    ],
    'diabetic_foot_ulcer_infected_wording': [
        ("Diabetic with an ulcer on my big toe that's smelly and oozing", 70, 'male'),
        ('I have diabetes and the sore on the sole of my foot has gone red and hot', 63, 'female'),
        ('Diabetic, stubbed my toe weeks ago and now the sore is oozing pus', 65, 'male'),
    ],
    'diabetic_hot_swollen_foot': [
        ("I'm diabetic and my left foot is hot and swollen, not painful", 64, 'male'),
        ('On insulin, my right ankle is warm and red and looks deformed', 58, 'female'),
    ],
    'early_pregnancy_bleeding_wording': [
        ("I'm 7 weeks pregnant and I'm bleeding", 30, 'female'),
        ('Had a positive test last week and now spotting', 27, 'female'),
        ('7 weeks pregnant and bleeding, if I lose the baby what happens?', 30, None),
    ],
    'eye_worse_after_eye_surgery_wording': [
        ('I had my cataract done on Tuesday and now the eye is really painful and foggy', 79, 'female'),
        ('Eye injection for macular degeneration 2 days ago, now I can only see shapes', 82, 'male'),
        ("Cataract op last week and today my eye is red and painful and I can't see", 77, 'female'),
        ('Cataract op 3 days ago, eye really painful and I feel sick to my stomach', 78, 'female'),
    ],
    'fever_infant_under_3m_reading_wording': [
        ('My 6 week old feels hot, the thermometer says 38.4', 0, 'male'),
        ('8 week old baby girl, 38.1 under her armpit', 0, 'female'),
        ('My 3 week old is 38.2 under her arm', 0, 'female'),
        ("She's 5 weeks old, temperature reading of 38.6", 0, 'female'),
        ('My 6 week old is 38.4 and has only taken 30 ml today', 0, 'male'),
        ('Thermometer says 38.5 at 3 am, my 5 week old', 0, 'female'),
        ('My 7 week old, temp 38.3 for 2 hours', 0, 'male'),
        ('My 4 week old was born at 36 weeks, now 38.2 under her arm', 0, 'female'),
        ("My 6 week old's thermometer says 38.4, if my baby gets worse should I call?", 0, None),
    ],
    'fever_with_pleuritic_pain_wording': [
        ("I've got a fever and it hurts on my right side every time I breathe in", 40, 'male'),
        ('High temperature for two days and a knife-like pain in my chest with each breath', 55, 'female'),
        ('Temperature 38.5 and a sharp pain when I breathe in, if I get worse should I call?', 40, None),
    ],
    'floor_of_mouth_swelling_swallow_voice_wording': [
        ("Tooth abscess spreading, floor of my mouth is swollen and I can't swallow my spit", 35, 'male'),
        ("My tongue is pushed up and it's hard to breathe after a dental infection", 40, 'female'),
    ],
    'frostbite_tissue_signs_wording': [
        ('Stuck on the mountain overnight, my fingers are white and hard', 35, 'male'),
        ('He slept rough in the freezing cold and his toes have turned black', 50, 'male'),
        ('Fell through the ice on the lake, now his toes are white and hard', 40, 'male'),
        ('My fingers are frostbitten after skiing', 30, 'female'),
        ('Slept rough in the snow, fingers white and hard, skin dry and cracked', 45, 'male'),
    ],
    'head_injury_anticoagulant_wording': [
        ('Mum is on warfarin and fell in the garden this afternoon, banged her head on the patio, seems alright', 84, 'female'),
        ('I take Eliquis and clonked my head on the loft hatch an hour ago', 70, 'male'),
        ('On warfarin, hit my head on the bedside table and bled on the pillow', 80, 'male'),
        ('On apixaban and banged my head picking up my grandson', 70, 'female'),
        ("I'm on warfarin and bumped my head, if I feel sick should I go in?", 70, None),
        ("I hit my head on the cupboard, what if I have a bleed? I'm on apixaban", 70, None),
        ('On apixaban, banged my head this morning, should I go to A&E in case?', 70, None),
    ],
    'high_voltage_electrical_injury': [
        ('He was electrocuted by a power line while cutting a tree', 40, 'male'),
        ("Got a shock from a live cable at work, there's an entry burn on my hand", 35, 'male'),
        ("Struck by lightning on the golf course, he's conscious", 60, 'male'),
        ('He touched a power line with his fishing rod', 30, 'male'),
        ('He touched a power line and got a shock, what if his heart is affected?', 30, None),
    ],
    'injury_cannot_bear_weight_wording': [
        ("Fell off a ladder and can't bear weight on my right leg", 55, 'male'),
        ("Rolled my ankle at netball and couldn't put weight on it", 22, 'female'),
        ("Fell yesterday and can't bear weight yet, not walking", 30, 'female'),
    ],
    'inr_very_high': [
        ('Got a call from the surgery, my INR is 9 and they said no warfarin tonight', 75, 'female'),
        ('INR result was 13 on the finger prick test this morning', 80, 'male'),
        ('INR 10 at my appointment today, on warfarin', 75, 'male'),
        ('INR is 9 today, what if I bleed?', 70, None),
    ],
    'long_lie_wording': [
        ("Found Dad on the floor this morning, he'd been down all night", 88, 'male'),
        ('Mum had fallen and was on the floor for 4 hours before I came', 90, 'female'),
        ('Found him on the kitchen floor this morning', 85, 'male'),
        ('Gran was found on the bathroom floor, no idea how long she was there', 92, 'female'),
        ('He had a 10 hour lie after falling', 88, 'male'),
        ('Found on floor by carers at 8am', 90, 'female'),
        ('Fell out of bed and was on the floor all night', 88, 'female'),
        ('Found on the floor this morning, the dog was barking', 90, 'male'),
    ],
    'necrotising_otitis_externa_wording': [
        ("I'm a diabetic and my ear pain is excruciating, swimmer's ear drops not working", 72, 'male'),
        ('Type 2 diabetes, ear infection for weeks now, pus from my ear', 68, 'female'),
    ],
    'older_person_new_confusion_wording': [
        ("My mum is 84 and since yesterday she's been muddled and not making sense", 84, 'female'),
        ('Grandad (91) is suddenly disorientated and seeing things', 91, 'male'),
        ('Mum (80) has been muddled since Monday, not like her', 80, 'female'),
        ('Dad is 77 and newly confused over 24 hours', 77, 'male'),
        ("Mum, 85, muddled since yesterday and doesn't know the dates", 85, 'female'),
    ],
    'post_operative_wound_infection_wording': [
        ('My caesarean wound is red and oozing pus a week after', 32, 'female'),
        ('Stitches from my knee operation are hot and swollen', 67, 'male'),
        ("My c-section wound was healing well but now it's red and oozing", 30, 'female'),
    ],
    'post_procedure_abdominal_pain_fever': [
        ('Had a colonoscopy with polyps removed yesterday, now stomach pain and a fever', 60, 'male'),
        ('Gallbladder removed 3 days ago, tummy pain getting worse, shivering', 45, 'female'),
        ('Hernia repair 3 days ago, pain getting worse and a temperature of 38.5', 58, 'male'),
        ('Colonoscopy yesterday, tummy pain going up to my shoulder and a fever', 60, 'male'),
        ("Colonoscopy yesterday, tummy pain getting worse and a fever, I'm booked in for a review next week", 60, None),
    ],
    'psychosis_with_weapon_or_threat': [
        ('My brother is hearing voices and has a knife, he says he needs it to protect himself', 30, 'male'),
        ('She thinks the neighbours are poisoning her and threatened them', 45, 'female'),
        ("He's hearing voices and waving a kitchen knife around", 25, 'male'),
        ('My son is paranoid and has hidden knives under his bed', 19, 'male'),
        ('She is psychotic and attacked her carer this morning', 50, 'female'),
    ],
    'recurrent_hypoglycaemia': [
        ("I've had three hypos this week on gliclazide", 78, 'male'),
        ('On insulin and my sugar keeps going low, lowest was 2.8', 50, 'female'),
    ],
    'shingles_immunosuppressed_wording': [
        ("I'm on chemo and have shingles on my chest", 60, 'female'),
        ('Liver transplant, painful rash on one side of my back with blisters', 55, 'male'),
    ],
    'smoke_inhalation_airway_wording': [
        ('Our house fire this morning, my husband breathed in smoke and is hoarse', 50, 'male'),
        ("My daughter got out of the flat fire but she's coughing up black stuff", 8, 'female'),
        ("House fire started from a candle, now he's hoarse", 40, 'male'),
    ],
    'sudden_floaters_or_smoky_vision': [
        ("All of a sudden I've got loads of floaters in my right eye", 60, 'female'),
        ('Woke up with a red haze in my left eye', 65, 'male'),
        ('Suddenly black dots floating in my right eye', 55, 'male'),
        ('Vision like smoke in my left eye since this morning', 60, 'female'),
    ],
    'sudden_hearing_loss_wording': [
        ('I woke up this morning deaf in my right ear', 50, 'female'),
        ('Suddenly lost my hearing in my left ear in the last few hours', 40, 'male'),
    ],
    'suicide_preparations_wording': [
        ("I've written letters to my family and tonight is the night", 35, 'male'),
        ("I've got the pills ready and decided to end it tonight", 28, 'female'),
        ("I've decided how to end it and I've said my goodbyes", 40, 'male'),
        ("I've left a note and I'm going to take all my pills", 22, 'female'),
        ("My mum died, I've said my goodbyes and got the pills ready after the funeral", 40, 'female'),
    ],
    'uti_symptoms_in_pregnancy_wording': [
        ("I'm 16 weeks pregnant and it burns when I wee", 28, 'female'),
        ('Pregnant, I think I have a water infection, cloudy smelly wee', 25, 'female'),
        ('20 weeks pregnant and it burns when I wee, if I leave it will it go?', 28, None),
    ],
    'vomiting_then_severe_chest_pain': [
        ('I was violently sick after drinking and now I have severe chest pain going through to my back', 45, 'male'),
        ('Kept retching, then a tearing pain in my chest', 50, 'male'),
        ('Vomiting all night then severe chest pain, if I go to A&E will they scan?', 50, None),
    ],
}


def test_the_review_covers_every_finding():
    assert set(REVIEW_QUIET) == set(FINDINGS) == set(REVIEW_FIRES)
    for fid in FINDINGS:
        assert len(REVIEW_QUIET[fid]) >= 3 and len(REVIEW_FIRES[fid]) >= 2, fid


@pytest.mark.parametrize(("fid", "text", "age", "sex"),
                         [(fid, *case) for fid, items in sorted(REVIEW_QUIET.items()) for case in items])
def test_review_benign_text_does_not_fire(fid, text, age, sex):
    assert fid not in _ids(text, age, sex), text


@pytest.mark.parametrize(("fid", "text", "age", "sex"),
                         [(fid, *case) for fid, items in sorted(REVIEW_FIRES.items()) for case in items])
def test_review_real_phrasing_fires(fid, text, age, sex):
    result = triage(text, age=age, sex=sex)
    assert fid in {f["id"] for f in result.red_flags}, (text, result.level, result.reasons)
    assert LEVELS.index(result.level) <= LEVELS.index(FINDINGS[fid]["level"]), (text, result.level)
