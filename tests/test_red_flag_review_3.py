"""The third round of the clinical review of the acuity layer (docs/hazards/ed_discriminators.md, "Third round
(independent check and over-triage fixes)"), by red-flag-reviewer-4:

1. the independent check of the seven findings the third review added and of the blood pressure read from the text;
2. the over-triage recommendations of docs/hazards/ed_discriminators_2.md for core findings, each tested both ways
   (the benign story is quiet, the real emergency or same-day case beside it still fires);
3. the person reader: ages beside a relation, gestation in clinical notation, diabetes from its tablets, and the dose
   of prednisolone.

Everything goes through the function the triage service calls (``triage.triage``, words only) and, for the
false positives found by meaning, through the matcher by meaning with the real encoder.
"""

from __future__ import annotations

import pytest
from conftest import check_level as check
from conftest import fired_ids as ids

from app.services.acuity import AcuityIndex, default_acuity_index, present_from_text, read_person
from app.services.semantic import SemanticIndex
from app.services.triage import triage
from knowledge.flag_library import FlagLibrary

BP_FINDINGS = {"pregnancy_severe_hypertension", "pregnancy_raised_blood_pressure", "postnatal_severe_hypertension",
               "postnatal_raised_blood_pressure", "pregnancy_raised_bp_with_symptoms"}


# == 1. the blood pressure reading and the seven findings of the third review ==================================

@pytest.mark.parametrize("text", [
    "my BP was 120/80 at the midwife",
    "I'm 30 weeks pregnant and my BP was 120/80 at the midwife",
    "BP 150/95 before I was pregnant",
    "I'm 20 weeks pregnant, my BP was 150/95 before I was pregnant and now it's 125/80",
    "pregnant, if my BP goes over 160 I have to call",
    "pregnant, the midwife said if my BP goes over 160/110 to ring",
    "34 weeks pregnant, my bp is under 140/90",
    "pregnant, BP target below 135/85",
    "I'm a man, BP 165/100",
    "I'm 52, male, BP 165/100, headache",
    "30 weeks pregnant, my husband's BP is 165/110",
    "pregnant, my BP was 160/110 last pregnancy",
    "pregnant, in my last pregnancy I had BP of 170/110",
    "34 weeks pregnant, my blood pressure used to be 160/110 but it's fine now on labetalol",
    "pregnant, blood pressure came down from 165/110 to 130/80 with tablets",
    "pregnant, my blood pressure was 138/88 at the midwife today",
    "20 weeks pregnant, the risk was 1/160",
    "30 weeks pregnant, I had 2/3 of my dinner",
    "had a baby 6 months ago and my BP is 170/110",
    "postnatal, BP 130/85",
])
def test_blood_pressure_benign_texts_do_not_fire(text):
    assert not ids(text) & BP_FINDINGS, triage(text).reasons


@pytest.mark.parametrize("text, expected, finding", [
    ("pregnant, my blood pressure was 170/115 at the GP", "emergency", "pregnancy_severe_hypertension"),
    ("I'm 36 weeks pregnant, BP 164/98 on my home monitor", "emergency", "pregnancy_severe_hypertension"),
    ("36/40, BP 160/100", "emergency", "pregnancy_severe_hypertension"),  # pregnancy read from 36/40
    ("I'm 35 weeks pregnant, blood pressure 158/112", "emergency", "pregnancy_severe_hypertension"),
    ("pregnant, top number 165 bottom number 100", "emergency", "pregnancy_severe_hypertension"),
    ("pregnant, my blood pressure monitor says 165 over 112", "emergency", "pregnancy_severe_hypertension"),
    # a limit word in another part of the clause is not a target ("swelling below my knees")
    ("34 weeks pregnant, swelling below my knees and BP 165/110", "emergency", "pregnancy_severe_hypertension"),
    ("I'm under the consultant for my pregnancy and my BP is 165/110", "emergency", "pregnancy_severe_hypertension"),
    # "usually" after the reading, or "came down from" another number, leaves the reading
    ("pregnant, my BP is 165/110 when it's usually 120/80", "emergency", "pregnancy_severe_hypertension"),
    ("pregnant, BP came down from 180/120 to 165/110", "emergency", "pregnancy_severe_hypertension"),
    ("pregnant, my BP is normally 100/60 but today it is 150/100", "urgent", "pregnancy_raised_blood_pressure"),
    ("pregnant, my blood pressure was 140/90 at the midwife today", "urgent", "pregnancy_raised_blood_pressure"),
    # hypertension with a symptom of pre-eclampsia (NICE NG133) is an emergency
    ("pregnant, bp 145/95 and headache", "emergency", "pregnancy_raised_bp_with_symptoms"),
    ("34 weeks pregnant, BP 148/96 and I'm seeing flashing lights", "emergency", "pregnancy_raised_bp_with_symptoms"),
    ("3 days postpartum, BP 168/104, headache", "emergency", "postnatal_severe_hypertension"),
    ("gave birth 10 days ago and my blood pressure is 162/110", "emergency", "postnatal_severe_hypertension"),
    ("had my baby 2 weeks ago, bp 150/100", "urgent", "postnatal_raised_blood_pressure"),
])
def test_blood_pressure_real_phrasings_fire(text, expected, finding):
    check(text, expected, finding)


@pytest.mark.parametrize("text, severe, raised", [
    ("pregnant, top number 165 bottom number 100", True, True),
    ("bottom number 112", True, True),
    ("my bp is under 140/90", False, False),
    ("swelling below my knees and BP 165/110", True, True),
    ("BP 150/95 before I was pregnant", False, False),
    ("my husband's BP is 165/100", False, False),
    ("my BP is 165/110 when it's usually 120/80", True, True),
    ("pain 8/10 and 36/40", False, False),
])
def test_the_blood_pressure_reader(text, severe, raised):
    found = present_from_text(text)
    assert ("bp_160_110" in found) is severe and ("bp_140_90" in found) is raised, (text, found)


@pytest.mark.parametrize("text, finding", [
    ("I'm type 1 diabetic, went out drinking and passed out on the sofa when I got home", "diabetes_alcohol_passed_out"),
    ("he's on insulin, had a few pints and passed out", "diabetes_alcohol_passed_out"),
    ("my dad is on warfarin, he has tummy pain and looks grey and clammy", "anticoagulant_tummy_pain_collapse"),
    ("On warfarin, belly pain and my blood pressure is low", "anticoagulant_tummy_pain_collapse"),
    ("On apixaban with a stomach bug, tummy pain, passed out and hypotensive", "anticoagulant_tummy_pain_collapse"),
    ("we all have headaches since the boiler was fixed, and my husband fainted", "household_all_drowsy_confused_or_collapsed"),
    ("the whole household has flu and we're all drowsy", "household_all_drowsy_confused_or_collapsed"),  # CO mimics flu
    ("36 weeks pregnant, pain under my right ribs and I've been sick", "pre_eclampsia_signs"),
    ("30 weeks pregnant, severe pain upper right of my tummy and I'm vomiting", "pre_eclampsia_signs"),
])
def test_third_review_findings_still_catch_the_emergency(text, finding):
    check(text, "emergency", finding)


@pytest.mark.parametrize("text, finding", [
    ("I'm 8 weeks pregnant with morning sickness, been sick 3 times today and my upper tummy aches",
     "pregnancy_upper_tummy_pain_vomiting"),
    ("30 weeks pregnant, pain in the upper right of my tummy and I'm vomiting", "pregnancy_upper_tummy_pain_vomiting"),
])
def test_upper_tummy_pain_with_vomiting_in_pregnancy_is_same_day(text, finding):
    result = triage(text)
    assert result.level in ("urgent", "emergency") and finding in {f.get("id") for f in result.red_flags}, result.reasons


@pytest.mark.parametrize("text, findings", [
    ("type 2 diabetic, I passed out last year after drinking too much, fine now", {"diabetes_alcohol_passed_out"}),
    ("I'm diabetic, I don't drink alcohol, I fainted at the blood test", {"diabetes_alcohol_passed_out"}),
    ("On apixaban, tummy ache, and I'm breathless climbing stairs as usual with my COPD",
     {"anticoagulant_tummy_pain_collapse"}),
    ("On apixaban, stomach pain and I've been short of breath with my asthma for years",
     {"anticoagulant_tummy_pain_collapse"}),
    ("On warfarin, I collapsed last year, now mild stomach ache", {"anticoagulant_tummy_pain_collapse"}),
    ("we all have chest infections and are short of breath", {"household_all_drowsy_confused_or_collapsed"}),
    ("we all have hay fever and feel drowsy from the antihistamines", {"household_all_drowsy_confused_or_collapsed"}),
    ("we all have been up all night with the baby and feel drowsy", {"household_all_drowsy_confused_or_collapsed"}),
    ("all of us have been to a party and are drowsy", {"household_all_drowsy_confused_or_collapsed"}),
])
def test_third_review_findings_over_triage_fixed(text, findings):
    assert not ids(text) & findings, triage(text).reasons


# == 2. over-triage of core findings =============================================================================

@pytest.mark.parametrize("text, expected, finding", [
    # minor bleeding on a blood thinner (NICE CKS oral anticoagulation): same day
    ("I'm on apixaban and there's blood in my urine, no pain", "urgent", "anticoagulant_blood_in_urine_or_nosebleed"),
    ("on warfarin, blood in my wee since this morning", "urgent", "anticoagulant_blood_in_urine_or_nosebleed"),
    ("on warfarin, I had a nosebleed for 10 minutes, it stopped with pressure", "urgent",
     "anticoagulant_blood_in_urine_or_nosebleed"),
    ("on warfarin, nosebleed for 5 minutes then it stopped", "urgent", "anticoagulant_blood_in_urine_or_nosebleed"),
    # major or uncontrolled bleeding: emergency
    ("on apixaban, my pee is red and I feel faint", "emergency", "anticoagulant_haematuria_with_warning_signs"),
    ("on rivaroxaban, blood in my urine and passing clots, can't pee", "emergency",
     "anticoagulant_haematuria_with_warning_signs"),
    ("on warfarin, lots of blood in my wee and I'm dizzy", "emergency", "anticoagulant_haematuria_with_warning_signs"),
    ("on warfarin, nosebleed for an hour and still going", "emergency", "anticoagulant_nosebleed_lasting"),
    ("on warfarin, nosebleed for 20 minutes", "emergency", "anticoagulant_nosebleed_lasting"),
    ("on warfarin, my nosebleed won't stop", "emergency", "anticoagulant_bleeding"),
    ("on warfarin, bleeding a lot from a cut on my hand", "emergency", "anticoagulant_bleeding"),
    ("on warfarin, blood in my poo", "emergency", "anticoagulant_bleeding"),
    ("on apixaban and I banged my head", "emergency", "anticoagulant_bleeding"),
])
def test_anticoagulant_bleeding_levels(text, expected, finding):
    check(text, expected, finding)


def test_a_nosebleed_that_has_not_stopped_is_not_cancelled():
    check("on warfarin, nosebleed for 30 minutes and it hasn't stopped", "emergency", "anticoagulant_nosebleed_lasting")


@pytest.mark.parametrize("text, quiet", [
    ("my 7 year old wets the bed, not drinking loads more than usual", True),
    ("my son is not drinking loads more than usual but wets the bed", True),
    ("my daughter is not drinking excessively, just bedwetting", True),
    ("my 2 year old is not drinking and hasn't had a wet nappy since this morning", False),
    ("my 4 year old has diarrhoea and is not drinking", False),
])
def test_child_dehydration_not_drinking_more(text, quiet):
    assert ("child_dehydration" not in ids(text)) is quiet, triage(text).reasons


@pytest.mark.parametrize("text, expected", [
    ("28 weeks pregnant, itchy sore lump at the back passage, blood on the paper when I strain", "routine"),
    ("I'm 30 weeks pregnant, bright red blood on the toilet paper after a poo, I think it's piles", "urgent"),
    ("I'm 34 weeks and there's blood on the paper when I wipe", "emergency"),
    ("30 weeks pregnant, bright red blood when I wipe", "emergency"),
    ("I'm 30 weeks pregnant, I have piles, and today I started bleeding from my vagina", "emergency"),
    ("34 weeks pregnant, I have piles. Now I'm bleeding bright red blood and have tummy pain", "emergency"),
])
def test_later_pregnancy_bleeding_and_the_back_passage(text, expected):
    result = triage(text)
    assert result.level == expected, (text, result.reasons)
    assert ("later_pregnancy_bleeding" in {f.get("id") for f in result.red_flags}) is (expected == "emergency")


@pytest.mark.parametrize("text, expected, finding", [
    # round ligament pain from 16 weeks: routine
    ("I'm 20 weeks pregnant and get a sharp twinge low on the right side of my bump when I stand up, lasts seconds",
     "routine", None),
    ("24 weeks pregnant, sharp pain low on the left when I roll over in bed, round ligament pain the midwife said",
     "routine", None),
    # later one-sided pain that is not round ligament pain: same day
    ("20 weeks pregnant, constant pain on my right side and fever", "urgent", "later_pregnancy_one_sided_pain"),
    ("36/40, pain on my right side since this morning", "urgent", "later_pregnancy_one_sided_pain"),
    # early, unknown or possible pregnancy: ectopic, emergency (even a twinge on standing)
    ("I'm 7 weeks pregnant and have sharp pain on one side when I stand up", "emergency",
     "one_sided_pain_possible_pregnancy"),
    ("8/40, pain low on the right", "emergency", "one_sided_pain_possible_pregnancy"),
    ("I'm pregnant with pain low on the right", "emergency", "one_sided_pain_possible_pregnancy"),
    ("My period is late and I have a sharp pain in my lower left side", "emergency", "one_sided_pain_possible_pregnancy"),
    # a past pregnancy or a scan date is not the current gestation
    ("I lost a baby at 24 weeks last year; now I'm pregnant again with pain low on the right", "emergency",
     "one_sided_pain_possible_pregnancy"),
    ("I'm pregnant, my 20 week scan is next month, pain low on the right", "emergency", "one_sided_pain_possible_pregnancy"),
    ("I'm 20 weeks pregnant but my period was late and the test was positive only last week, pain low on the right",
     "emergency", "one_sided_pain_possible_pregnancy"),
])
def test_one_sided_pain_by_gestation(text, expected, finding):
    check(text, expected, finding)


@pytest.mark.parametrize("text", [
    "chest ache after moving furniture yesterday, hurts when I twist or lift my arm, no breathlessness",
    "my chest hurts when I press on it",
    "chest pain when I twist, after lifting boxes",
    "I'm 35, chest pain when I press on it",
])
def test_reproducible_musculoskeletal_chest_pain_under_50_is_routine(text):
    check(text, "routine")


@pytest.mark.parametrize("text, expected, finding", [
    ("chest pain after moving furniture, and I'm sweating and breathless", "emergency", "chest_pain_breathless"),
    ("I moved furniture yesterday and now I have chest pain spreading to my arm", "emergency", "chest_pain_radiating"),
    ("chest pain when I lift my arm and I feel sick and clammy", "emergency", None),
    ("chest pain when I walk up the stairs, it hurts when I press on my chest too", "urgent",
     "chest_pain_with_exertion_breathing_or_sweating"),
    ("tight chest when I walk, since moving furniture", "urgent", "chest_pain_with_exertion_breathing_or_sweating"),
    ("chest pain when I twist, and it hurts when I breathe in", "urgent", "chest_pain_with_exertion_breathing_or_sweating"),
    ("chest pain when I press on it and I'm a bit sweaty", "emergency", "chest_pain_breathless"),
    ("chest pain when I press on it, and it comes on when I exercise", "urgent",
     "chest_pain_with_exertion_breathing_or_sweating"),
    ("I'm 58, chest pain when I press on it", "urgent", "chest_pain_age_50_plus"),
    ("my dad is 72 and has chest pain when he twists", "urgent", "chest_pain_age_50_plus"),
    ("I have had chest pain on and off today", "urgent", "chest_pain"),
    ("a tight chest when I walk", "urgent", "chest_pain"),
])
def test_chest_pain_that_is_not_clearly_musculoskeletal_keeps_its_level(text, expected, finding):
    check(text, expected, finding)


@pytest.mark.parametrize("text, fires", [
    ("I'm on prednisolone 5mg for PMR and have my usual cold sore", False),
    ("on low dose steroids for my PMR, cold sore on my lip", False),
    ("I've had a kidney transplant and have a cold sore", True),
    ("on chemo, cold sore spreading across my face", True),
    ("on prednisolone 40mg for 3 weeks, cold sores all over my lip", True),
    ("on prednisolone, blisters round my mouth", True),  # no dose: counted (safer)
])
def test_herpes_and_the_dose_of_prednisolone(text, fires):
    assert ("herpes_immunosuppressed" in ids(text)) is fires, triage(text).reasons


@pytest.mark.parametrize("text, fires", [
    ("I'm 52 and overweight, always thirsty and weeing a lot, and I've got thrush", set()),
    ("my 9 year old is very thirsty, weeing a lot and losing weight", {"new_diabetes_symptoms"}),
    ("I'm 24, always thirsty and peeing all the time", {"new_diabetes_symptoms"}),
    ("always thirsty and I've lost weight without trying", {"new_diabetes_symptoms"}),  # age unknown
    ("I'm 55, always thirsty and I've lost weight without trying", {"new_diabetes_symptoms_50_plus_unwell"}),
    ("my dad is 70, very thirsty and drowsy", {"new_diabetes_symptoms_50_plus_unwell"}),
])
def test_new_diabetes_symptoms_by_age(text, fires):
    got = ids(text) & {"new_diabetes_symptoms", "new_diabetes_symptoms_50_plus_unwell"}
    assert got == fires, triage(text).reasons


@pytest.mark.parametrize("text, fires", [
    ("I'm 26 and found a smooth lump in my breast that moves", False),
    ("my 17 year old daughter has a breast lump", False),
    ("I found a hard lump in my left breast in the shower", True),  # age unknown: counted
    ("I'm 45 and have a lump in my armpit", True),
    ("I'm 26 and there's blood coming from my nipple", True),  # nipple and skin changes at any age
    ("I'm 28, the skin on my breast is dimpled like orange peel", True),
])
def test_breast_lump_by_age(text, fires):
    assert bool(ids(text) & {"breast_lump_age_30_plus", "breast_lump_or_change"}) is fires, triage(text).reasons


@pytest.mark.parametrize("text, fires", [
    ("cloudy vision over the last year, glare from headlights, colours look a bit washed out", False),
    ("I have cataracts, blurred vision in one eye", False),  # "have" + a condition counts (acuity._HELD)
    ("blurred vision in one eye that has come on gradually over months", False),
    ("Colours look washed out in my right eye since Monday", True),
    ("blurred vision in one eye since yesterday", True),
    ("I have cataracts, and it hurts to move my eye", True),  # a cataract explains no pain on eye movement
    ("glare from headlights, and a grey patch in the middle of my vision", True),
])
def test_optic_neuritis_and_cataract(text, fires):
    got = ids(text) & {"optic_neuritis_signs", "eye_movement_pain_or_central_patch"}
    assert bool(got) is fires, triage(text).reasons


@pytest.mark.parametrize("text, fires", [
    ("pregnant, pelvic girdle pain when I walk", False),
    ("26 weeks pregnant, pain at my pubic bone, worse turning over in bed", False),
    ("26 weeks pregnant with tummy pain", True),
    # a qualifier counts from the clause start to the sentence end: in another sentence it does not cancel
    ("26 weeks pregnant with pain in my bump. My pelvic girdle pain is the same as ever", True),
])
def test_pregnancy_abdominal_pain_and_pelvic_girdle_pain(text, fires):
    assert ("pregnancy_abdominal_pain" in ids(text)) is fires, triage(text).reasons


@pytest.mark.parametrize("text, fires", [
    ("I have piles, an itchy sore lump near my bottom", False),
    ("I have a throbbing lump next to my anus and can't sit down", True),
])
def test_perianal_abscess_and_piles(text, fires):
    assert ("painful_lump_near_anus" in ids(text)) is fires, triage(text).reasons


@pytest.mark.parametrize("text, fires", [
    ("my wife says I snore loudly and I woke up gasping for air", False),
    ("he snores and stops breathing in his sleep, then wakes up gasping for air", False),
    ("he has sleep apnoea and woke up gasping for air", False),  # "has" + a condition counts (acuity._HELD)
    ("I keep waking up gasping for air and have to sleep propped up", True),
    ("my wife says I snore. Last night I woke up gasping for air and my ankles are swollen", True),
    ("woke up gasping for air coughing pink frothy phlegm", True),
])
def test_waking_gasping_and_sleep_apnoea(text, fires):
    got = ids(text) & {"woke_gasping_or_drowning_lying_down", "pulmonary_oedema_signs"}
    assert bool(got) is fires, triage(text).reasons


def test_pink_froth_is_not_explained_by_snoring():
    assert "pulmonary_oedema_signs" in ids("I snore, and I'm coughing up pink frothy phlegm")


@pytest.mark.parametrize("text, fires", [
    ("my calf is swollen and painful", True),
    ("left calf swollen, soft to touch", True),
    ("my calf is swollen and hard", True),
    ("6 weeks after knee replacement, calf soft", False),
])
def test_calf_soft_is_a_normal_finding(text, fires):
    assert ("calf_swelling_one_side" in ids(text)) is fires, triage(text).reasons


# == 3. the person reader ==========================================================================================

@pytest.mark.parametrize("text, age", [
    ("Mum (84) fell over and is confused", 84.0),
    ("my mum is 79 and has a chest infection", 79.0),
    ("mum's 79 and confused", 79.0),
    ("my grandad, aged 91, has a fever", 91.0),
])
def test_ages_beside_a_relation(text, age):
    assert age in read_person(text).ages


@pytest.mark.parametrize("text", [
    "my wife is 34 weeks pregnant", "my dad is 6 foot tall", "my son is 3 months and has a fever",
    "my husband is 100% sure", "my mum is 2 hours away", "my dad is 5 stone lighter",
])
def test_numbers_beside_a_relation_that_are_not_ages(text):
    assert not [a for a in read_person(text).ages if a >= 1], read_person(text).ages


@pytest.mark.parametrize("text, pregnant", [
    ("8/40, bleeding", True),
    ("36+2/40, headache", True),
    ("8 weeks by dates, bleeding", True),
    ("I'm 6 weeks along and bleeding", True),
    ("10 wks gestation with pain", True),
    ("BP 140/80", False),
    ("BP 110/40", False),
    ("pain is 8/10", False),
    ("20/40 vision in my left eye", False),
    ("I scored 30/40 on the test", False),
    ("I've had pain for 8 weeks", False),
])
def test_pregnancy_in_clinical_notation(text, pregnant):
    assert read_person(text).has("pregnant") is pregnant, read_person(text).from_text


def test_clinical_notation_reaches_the_early_pregnancy_findings():
    check("8/40, heavy bleeding and pain low on the right", "emergency", "one_sided_pain_possible_pregnancy")
    assert ids("8 weeks by dates, spotting") & {"pregnancy_bleeding", "early_pregnancy_bleeding_wording"}


@pytest.mark.parametrize("text, diabetic", [
    ("on gliclazide and feeling shaky", True),
    ("I take metformin", True),
    ("he's on insulin", True),
    ("on a sulfonylurea", True),
    ("on a sulphonylurea and dapagliflozin", True),
    ("not on insulin or any tablets", False),
])
def test_diabetes_from_its_tablets(text, diabetic):
    assert read_person(text).has("diabetes") is diabetic


@pytest.mark.parametrize("text, immunosuppressed", [
    ("on prednisolone 5mg for PMR", False),
    ("on 5mg prednisolone for PMR", False),
    ("I'm on 7.5mg of prednisolone", False),
    ("on low dose steroids for my PMR", False),
    ("on prednisolone 40mg for 3 weeks", True),
    ("on prednisolone 30 mg a day", True),
    ("on prednisolone", True),
    ("I'm on steroids", True),
    ("on prednisolone 5mg and methotrexate", True),
])
def test_prednisolone_below_20_mg_is_not_significant_immunosuppression(text, immunosuppressed):
    assert read_person(text).has("immunosuppressed") is immunosuppressed


def test_diabetes_read_from_tablets_reaches_the_findings():
    check("on gliclazide, had a few pints and passed out", "emergency", "diabetes_alcohol_passed_out")


# == by meaning: the false positives of the list ====================================================================

BY_MEANING = ("pulmonary_oedema_signs", "woke_gasping_or_drowning_lying_down", "calf_swelling_one_side",
              "pregnancy_abdominal_pain", "optic_neuritis_signs")


@pytest.fixture(scope="module")
def by_meaning(encoder):
    full = default_acuity_index().library
    index = AcuityIndex(FlagLibrary(findings=tuple(f for f in full.findings if f.id in BY_MEANING), concepts=full.concepts))
    return index, SemanticIndex(index.findings, encoder)


def _fired(index_semantic, text: str) -> dict[str, dict]:
    index, semantic = index_semantic
    person = read_person(text)
    return {f["id"]: f for f in index.match(text, person, semantic=semantic)}


@pytest.mark.parametrize("text, finding, fires", [
    ("my wife says I snore loudly, stop breathing for a few seconds then wake up gasping",
     "woke_gasping_or_drowning_lying_down", False),
    ("I snore and have pauses in my breathing at night and wake up gasping, tired all day",
     "woke_gasping_or_drowning_lying_down", False),
    ("my wife says I snore loudly, stop breathing for a few seconds then wake up gasping", "pulmonary_oedema_signs", False),
    ("6 weeks after knee replacement, numb patch by the scar, calf soft", "calf_swelling_one_side", False),
    ("knee replacement 6 weeks ago, calf soft and not swollen", "calf_swelling_one_side", False),
])
def test_by_meaning_the_listed_false_positives_are_quiet(by_meaning, text, finding, fires):
    assert (finding in _fired(by_meaning, text)) is fires, text


def test_by_meaning_waking_gasping_without_snoring_still_fires(by_meaning):
    hit = _fired(by_meaning, "my ankles are swollen and I wake up gasping at night")
    assert "woke_gasping_or_drowning_lying_down" in hit


# == every finding added or changed in the third round keeps the schema ===============================================

ADDED_ROUND_3 = ("pregnancy_raised_bp_with_symptoms", "postnatal_raised_blood_pressure",
                 "anticoagulant_blood_in_urine_or_nosebleed", "anticoagulant_haematuria_with_warning_signs",
                 "anticoagulant_nosebleed_lasting", "chest_pain_age_50_plus",
                 "chest_pain_with_exertion_breathing_or_sweating", "new_diabetes_symptoms_50_plus_unwell",
                 "later_pregnancy_one_sided_pain", "breast_lump_age_30_plus", "woke_gasping_or_drowning_lying_down",
                 "eye_movement_pain_or_central_patch")
CHANGED_ROUND_3 = ("diabetes_alcohol_passed_out", "pregnancy_severe_hypertension", "pregnancy_raised_blood_pressure",
                   "pregnancy_upper_tummy_pain_vomiting", "anticoagulant_tummy_pain_collapse",
                   "household_all_drowsy_confused_or_collapsed", "postnatal_severe_hypertension",
                   "anticoagulant_bleeding", "child_dehydration", "chest_pain", "new_diabetes_symptoms",
                   "pregnancy_abdominal_pain", "calf_swelling_one_side", "later_pregnancy_bleeding",
                   "one_sided_pain_possible_pregnancy", "breast_lump_or_change", "pulmonary_oedema_signs",
                   "optic_neuritis_signs", "painful_lump_near_anus", "pre_eclampsia_signs")


@pytest.mark.parametrize("fid", ADDED_ROUND_3 + CHANGED_ROUND_3)
def test_round_3_findings_keep_source_examples_and_review(fid):
    index = default_acuity_index()
    finding = index.library.by_id[fid]
    assert finding.source and len(finding.fires) >= 2 and len(finding.does_not_fire) >= 2
    assert "red-flag-reviewer-4" in finding.reviewed["by"]
    if fid in ADDED_ROUND_3:  # checked in the independent check of the third round (red-flag-reviewer-5)
        assert "independently checked: red-flag-reviewer-5" in finding.reviewed["by"]
        assert "needs an independent check" not in finding.reviewed["by"]
    for text in finding.fires:
        assert fid in {f["id"] for f in index.match(text, read_person(text))}, text
    for text in finding.does_not_fire:
        assert fid not in {f["id"] for f in index.match(text, read_person(text))}, text


# == 4. independent check of the third round (red-flag-reviewer-5) =============================================

@pytest.mark.parametrize("text, expected, finding", [
    ("pregnant and my blood pressure was 146/94 at the pharmacy, my vision has gone blurry", "emergency",
     "pregnancy_raised_bp_with_symptoms"),
    ("I'm 36 weeks, midwife got 145/92, I keep seeing flashing lights", "emergency", "pregnancy_raised_bp_with_symptoms"),
    ("28 weeks pregnant, BP 150/100 and I've been vomiting since this morning", "emergency",
     "pregnancy_raised_bp_with_symptoms"),
    ("I had my baby 5 days ago, BP 150/100 and a terrible headache and seeing stars", "emergency",
     "postnatal_raised_bp_with_symptoms"),
    ("gave birth last week, bp 145/95 and my vision is blurry", "emergency", "postnatal_raised_bp_with_symptoms"),
    ("had my baby 10 days ago and the midwife got 150/100", "urgent", "postnatal_raised_blood_pressure"),
    ("on warfarin, passing clots in my pee and feel faint", "emergency", "anticoagulant_haematuria_with_warning_signs"),
    ("on rivaroxaban, blood in my urine with clots and I can't pee", "emergency",
     "anticoagulant_haematuria_with_warning_signs"),
    ("on apixaban, nosebleed for 40 minutes and it hasn't stopped", "emergency", "anticoagulant_nosebleed_lasting"),
    ("on warfarin, had a nosebleed this morning, it stopped after 10 minutes", "urgent",
     "anticoagulant_blood_in_urine_or_nosebleed"),
    ("I'm 62 and my chest hurts when I press on it", "urgent", "chest_pain_age_50_plus"),
    ("I'm 30, chest pain when I walk up stairs, but it hurts when I press it", "urgent",
     "chest_pain_with_exertion_breathing_or_sweating"),
    ("I'm 55, really thirsty and lost weight without trying", "urgent", "new_diabetes_symptoms_50_plus_unwell"),
    ("I'm 60, always thirsty and being sick, feel drowsy", "urgent", "new_diabetes_symptoms_50_plus_unwell"),
    ("28 weeks pregnant, constant pain on my right side, worse when I cough, and a fever", "urgent",
     "later_pregnancy_one_sided_pain"),
    ("I'm 20 weeks pregnant, constant pain on my right side since last night", "urgent", "later_pregnancy_one_sided_pain"),
    ("I'm 7 weeks pregnant, pain on my right side", "emergency", "one_sided_pain_possible_pregnancy"),
    ("8/40, pain low on the left", "emergency", "one_sided_pain_possible_pregnancy"),
    ("pregnant, 20/40 vision, pain on my right side", "emergency", "one_sided_pain_possible_pregnancy"),
    ("I'm 45 and found a lump in my breast", "urgent", "breast_lump_age_30_plus"),
    ("Mum (84) wakes up gasping for air at night and can't lie flat", "emergency", "woke_gasping_or_drowning_lying_down"),
    ("I keep waking up gasping for air and my ankles are swollen", "emergency", "woke_gasping_or_drowning_lying_down"),
    ("it hurts to move my eye and my vision is washed out", "urgent", "eye_movement_pain_or_central_patch"),
    ("I have a patch missing in my vision since yesterday", "urgent", "eye_movement_pain_or_central_patch"),
])
def test_independent_check_real_phrasings_fire(text, expected, finding):
    check(text, expected, finding)


@pytest.mark.parametrize("text, quiet", [
    ("pregnant, BP 118/76, headache", {"pregnancy_raised_bp_with_symptoms"}),
    ("30 weeks pregnant, headache, BP normal at 125/80", {"pregnancy_raised_bp_with_symptoms"}),
    ("8 weeks pregnant, vomiting all day, BP 110/70", {"pregnancy_raised_bp_with_symptoms"}),
    ("had my baby 2 weeks ago, BP 122/78 and a headache", {"postnatal_raised_bp_with_symptoms",
                                                          "postnatal_raised_blood_pressure"}),
    ("gave birth last week, bp 145/95, feeling fine", {"postnatal_raised_bp_with_symptoms"}),
    ("postnatal, bp 118/70, sore stitches", {"postnatal_raised_blood_pressure"}),
    ("on warfarin, had a nosebleed for 20 minutes last year", {"anticoagulant_nosebleed_lasting",
                                                               "nosebleed_not_stopping"}),
    ("on warfarin, ate beetroot and my pee is red", {"anticoagulant_haematuria_with_warning_signs"}),
    ("on apixaban, I had a nosebleed as a child", {"anticoagulant_nosebleed_lasting",
                                                   "anticoagulant_haematuria_with_warning_signs"}),
    ("I'm 35, chest hurts when I twist, pressing on it hurts", {"chest_pain_age_50_plus", "chest_pain"}),
    ("I'm 62, I had chest pain years ago, now a sore knee", {"chest_pain_age_50_plus"}),
    ("I'm 30, my chest hurts when I press on it, I run every day", {"chest_pain_with_exertion_breathing_or_sweating"}),
    ("I'm 52, very thirsty and peeing a lot", {"new_diabetes_symptoms_50_plus_unwell", "new_diabetes_symptoms"}),
    ("I'm 70, always thirsty because of the heatwave", {"new_diabetes_symptoms_50_plus_unwell"}),
    ("I'm 58, very thirsty and lost weight on my diet", {"new_diabetes_symptoms_50_plus_unwell"}),
    ("22 weeks pregnant, sharp twinge on my left side when I stand up", {"later_pregnancy_one_sided_pain"}),
    ("I'm 24 weeks, pain on my right side when I roll over, lasts seconds", {"later_pregnancy_one_sided_pain"}),
    ("I'm 30 weeks pregnant, round ligament pain on my left side", {"later_pregnancy_one_sided_pain"}),
    ("I'm 22, found a breast lump that moves about", {"breast_lump_age_30_plus"}),
    ("I'm 40, my breast lump was checked last year and was a cyst", {"breast_lump_age_30_plus"}),
    ("I'm 34, had a breast lump removed years ago, all clear", {"breast_lump_age_30_plus"}),
    ("woke up gasping for air after a nightmare", {"woke_gasping_or_drowning_lying_down"}),
    ("I have sleep apnoea, woke up gasping for air, I use CPAP", {"woke_gasping_or_drowning_lying_down"}),
    ("my husband snores and I wake up gasping for air", {"woke_gasping_or_drowning_lying_down"}),
    ("my eye hurts to move after a cold, sinus pain", {"eye_movement_pain_or_central_patch"}),
    ("my eyes are tired after a long day at the screen", {"eye_movement_pain_or_central_patch"}),
    ("I've a floater that's been there for years", {"eye_movement_pain_or_central_patch"}),
])
def test_independent_check_benign_texts_stay_quiet(text, quiet):
    assert not ids(text) & quiet, triage(text).reasons


@pytest.mark.parametrize("text, pregnant, later", [
    ("8/40, BP 140/80", True, False),
    ("36+2/40 and headache", True, True),
    ("8 weeks by dates", True, False),
    ("BP 140/80", False, False),
    ("pain 8/10", False, False),
    ("8/10 pain in my tummy", False, False),
    ("20/20 vision", False, False),
    ("20/40 vision in my left eye", False, False),
    ("scored 32/40 on the test", False, False),
    ("open 24/7", False, False),
    ("on 12/11 I fell", False, False),
    ("seen on 12/11/2025", False, False),
    ("on a 30/40 dose", False, False),
    ("dose 10/40 mg", False, False),
    ("pain for 8 weeks", False, False),
    ("my son is 12 weeks and has a fever", False, False),
])
def test_gestation_reader_collisions(text, pregnant, later):
    assert read_person(text).has("pregnant") is pregnant, read_person(text).from_text
    assert ("pregnancy_16_weeks_or_more" in present_from_text(text)) is later


@pytest.mark.parametrize("text, age", [
    ("Mum (84) fell", 84.0), ("my mum is 79", 79.0), ("mum's 79", 79.0), ("patient (45)", 45.0),
    ("weighs (84 kg)", None), ("Mum (84 kg)", None), ("in room 84", None), ("got the bus 79 home", None),
    ("my dad is 6 foot", None), ("my wife is 34 weeks pregnant", None),
])
def test_age_reader_collisions(text, age):
    assert read_person(text).ages == ([age] if age else [])


@pytest.mark.parametrize("text, diabetic", [
    ("on gliclazide", True), ("on sitagliptin and metformin", True), ("not on insulin", False),
    ("on semaglutide for weight loss", False), ("on metformin for PCOS", False),
])
def test_diabetes_medicines(text, diabetic):
    assert read_person(text).has("diabetes") is diabetic


# == independent check of postnatal_raised_bp_with_symptoms (red-flag-reviewer-6, NICE NG133 postnatal) ===========
# Postnatal pre-eclampsia is a condition of the weeks after the birth (NICE NG133: up to 6 weeks); a birth months or
# years ago no longer makes a raised reading with a headache an obstetric emergency (the urgent reading stays with
# postnatal_raised_blood_pressure, not reviewed here).

@pytest.mark.parametrize("text", [
    "had my baby 6 months ago, BP 150/95 and a headache from work stress",
    "since having my baby 6 months ago, BP 150/95 and a headache",
    "after my caesarean 2 years ago, BP 150/95, headache",
    "I'm 5 months postpartum, BP 150/95, headache",
    "after my c-section 3 months ago my BP is 150/95 and I get headaches",
    "BP 150/100 before I got pregnant",
    "if my BP goes up after the birth",
    "if my BP goes up after the birth and I get a headache I should call",
    "gave birth last week, BP 150/100 before pregnancy, headache",
    "had my baby 2 weeks ago, BP 122/78 and a headache",
])
def test_postnatal_raised_bp_with_symptoms_benign_texts(text):
    assert "postnatal_raised_bp_with_symptoms" not in ids(text, age=30, sex="female"), triage(text).reasons


@pytest.mark.parametrize("text", [
    "had my baby 5 days ago and my head is splitting, the midwife took my BP and it was 154/102",
    "I'm 9 days postpartum, blood pressure 148/97 on the home monitor and I keep seeing spots in front of my eyes",
    "I'm 12 days postpartum and the midwife got 150/96, I've got a banging headache and feel sick",
    "4 weeks postpartum, bp 150/98, headache",
    "had my baby 3 weeks ago, bp 150/100, throwing up",
    # the time words act only on the words of the birth: "for months" about the blood pressure, or an older child
    # in another sentence, leave it
    "had my baby 5 days ago, BP 150/100, headache, my BP has been high for months",
    "gave birth 2 weeks ago, BP 146/95 and pain under my ribs. My other baby is 18 months old",
    "had my baby 5 days ago, BP 150/100 and a headache. I had pre-eclampsia with my first baby 3 years ago",
])
def test_postnatal_raised_bp_with_symptoms_real_cases(text):
    result = triage(text, age=30, sex="female")
    assert result.level == "emergency" and "postnatal_raised_bp_with_symptoms" in {
        f.get("id") for f in result.red_flags}, (text, result.reasons)


def test_postnatal_raised_bp_with_symptoms_not_for_a_man():
    assert "postnatal_raised_bp_with_symptoms" not in ids(
        "my wife had a baby last week, my BP is 150/100 and I have a headache", age=35, sex="male")
