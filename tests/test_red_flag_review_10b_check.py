"""Independent check of review round 10, part B (docs/hazards/round_10_b.md, "Independent check") by
red-flag-reviewer-24 (emergency physician), of the findings of red-flag-author-22 in
knowledge/red_flags/round_10_b.json and the two widened findings (tropical_fever_danger_signs,
eating_disorder_physical_risk).

Each case is checked through ``triage.triage`` (words only). None of the sentences is a development-set text.
"""

from __future__ import annotations

import pytest
from conftest import check_level
from conftest import fired_ids as ids

from app.services.triage import triage

RANK = {"self_care": 0, "routine": 1, "urgent": 2, "emergency": 3}

# (text, expected level, a finding that must be among the reasons)
FIRES = [
    # infant bronchiolitis: NG9 covers children under 2 (age_max 1 -> 2)
    ("my 18 month old has bronchiolitis and is only taking half his usual milk", "urgent",
     "infant_chest_infection_feeding_half_or_fewer_nappies"),
    ("my 20 month old is wheezy and taking half his usual drinks, fewer wet nappies", "urgent",
     "infant_chest_infection_feeding_half_or_fewer_nappies"),
    ("my 9 month old has a chesty cough and is feeding poorly", "urgent",
     "infant_chest_infection_feeding_half_or_fewer_nappies"),
    # UTI in pregnancy: a body part or cause elsewhere in the sentence no longer cancels the sting
    ("26 weeks pregnant, weeing every 10 minutes and it stings, my feet are swollen too", "urgent",
     "uti_symptoms_in_pregnancy_stinging_cloudy_or_frequent"),
    ("26 weeks pregnant, weeing every 10 minutes and it stings, I also have heartburn", "urgent",
     "uti_symptoms_in_pregnancy_stinging_cloudy_or_frequent"),
    ("pregnant, it stings and my wee smells, I have piles as well", "urgent",
     "uti_symptoms_in_pregnancy_stinging_cloudy_or_frequent"),
    ("pregnant, it burns, my wee smells strong and my skin is itchy", "urgent",
     "uti_symptoms_in_pregnancy_stinging_cloudy_or_frequent"),
    # wound infection: the discharge words tied to the wound still read the real cases
    ("keyhole surgery 5 days ago, the cut is weeping", "urgent", "wound_infection_after_operation_cut_or_belly_button"),
    ("had my appendix out keyhole, one of the cuts is leaking", "urgent",
     "wound_infection_after_operation_cut_or_belly_button"),
    ("hernia repair last week, there's discharge coming from the wound", "urgent",
     "wound_infection_after_operation_cut_or_belly_button"),
    ("had my operation 6 days ago, the wound is weeping and smells bad", "urgent",
     "wound_infection_after_operation_cut_or_belly_button"),
    # mastitis
    ("breastfeeding, my breast is swollen and red and I feel shivery", "urgent",
     "breast_redness_with_fever_while_breastfeeding_or_mastitis"),
    ("my breasts are hard and hot and I feel hot and cold, 3 days after birth", "urgent",
     "breast_redness_with_fever_while_breastfeeding_or_mastitis"),
    # SVCO
    ("ex-smoker, my face and neck are swollen and my shirt collar won't button", "emergency",
     "svco_face_neck_swelling_with_chest_veins_or_collar"),
    # hypokalaemia
    ("K 2.1, legs giving way", "emergency", "potassium_severely_low_with_symptoms"),
    ("I'm type 2 diabetic and my potassium was 2.4 and I feel weak", "emergency",
     "potassium_severely_low_with_symptoms"),
    # clot retention: blood in a catheter bag that has stopped draining
    ("my dad has a catheter, there's blood in the bag and the bag is empty", "emergency",
     "blood_in_urine_with_clots_cannot_pass_urine"),
    ("clots in the catheter bag, catheter is blocked and his tummy is tight", "emergency",
     "blood_in_urine_with_clots_cannot_pass_urine"),
    ("blood in my wee and not a drop comes out now", "emergency", "blood_in_urine_with_clots_cannot_pass_urine"),
    # methotrexate dosing error
    ("I accidentally took my methotrexate twice this week and now I have mouth ulcers", "emergency",
     "methotrexate_daily_dosing_error_with_toxicity_signs"),
    ("I took a double dose of my methotrexate and now have bruises", "emergency",
     "methotrexate_daily_dosing_error_with_toxicity_signs"),
    ("dad has been taking his methotrexate every day, he has bruises", "emergency",
     "methotrexate_daily_dosing_error_with_toxicity_signs"),
    ("mum took her methotrexate every day for a week by mistake and is now vomiting", "emergency",
     "methotrexate_daily_dosing_error_with_toxicity_signs"),
    # Wernicke
    ("I've been sick for weeks after my gastric sleeve and now I have double vision", "emergency",
     "prolonged_vomiting_then_eye_signs_or_confusion"),
    # DRESS / SJS: mucosal blistering
    ("started lamotrigine 3 weeks ago, rash all over and my lips are blistering", "emergency",
     "drug_rash_with_fever_or_swelling_after_high_risk_medicine"),
    ("started allopurinol a month ago, rash everywhere and my skin is peeling", "emergency",
     "drug_rash_with_fever_or_swelling_after_high_risk_medicine"),
    # sickle cell
    ("my 4 year old has sickle cell and looks very pale today", "emergency",
     "sickle_cell_child_enlarged_spleen_or_pallor_wording"),
    # PID: 'with my periods' said of something else no longer cancels
    ("I have lower tummy pain and painful sex and a discharge, with my periods getting heavier", "urgent",
     "pelvic_pain_with_painful_sex_and_discharge_or_bleeding_pid"),
    ("pelvic pain, painful sex and bleeding between periods, temp 37.9", "urgent",
     "pelvic_pain_with_painful_sex_and_discharge_or_bleeding_pid"),
    # child UTI: any child under 16 with a fever (NICE UTI in under 16s)
    ("my 9 year old girl has a temperature of 38.6 and it stings when she wees", "urgent",
     "young_child_fever_with_smelly_or_painful_wee"),
    ("my 12 year old son has a fever of 39 and pain when weeing", "urgent",
     "young_child_fever_with_smelly_or_painful_wee"),
    ("my 5 month old is hot to touch and her wee smells strong", "urgent",
     "young_child_fever_with_smelly_or_painful_wee"),
    # AKI sick day rules
    ("vomiting since yesterday, on ramipril, dizzy when I stand up", "urgent",
     "diarrhoea_vomiting_on_water_or_bp_tablets_little_dark_urine_or_dizzy"),
    # widened: malaria, eating disorder
    ("my wife came back from Nigeria with a fever and she is disorientated", "emergency",
     "tropical_fever_danger_signs"),
    ("back from India with a fever and jaundice", "emergency", "tropical_fever_danger_signs"),
    ("laxative abuse, generalised weakness", "emergency", "eating_disorder_physical_risk"),
    ("I have anorexia and an irregular pulse", "emergency", "eating_disorder_physical_risk"),
]

# (text, a finding that must not fire, the highest level allowed)
QUIET = [
    ("my 3 year old is wheezy and only taking half his usual drinks", "infant_chest_infection_feeding_half_or_fewer_nappies",
     "emergency"),
    ("20 weeks pregnant, burning sensation in my stomach and weeing every hour",
     "uti_symptoms_in_pregnancy_stinging_cloudy_or_frequent", "routine"),
    ("pregnant, my eyes sting and weeing loads more", "uti_symptoms_in_pregnancy_stinging_cloudy_or_frequent",
     "routine"),
    ("pregnant, stung by a wasp, weeing all the time", "uti_symptoms_in_pregnancy_stinging_cloudy_or_frequent",
     "routine"),
    ("pregnant, my nipples are stinging from feeding my toddler and I'm weeing constantly",
     "uti_symptoms_in_pregnancy_stinging_cloudy_or_frequent", "routine"),
    ("had my gallbladder out 2 weeks ago, the wound is fine, but I have a smelly discharge from my vagina",
     "wound_infection_after_operation_cut_or_belly_button", "routine"),
    ("had a hernia repair last week, my scar is itchy, and my eye is red and weeping",
     "wound_infection_after_operation_cut_or_belly_button", "routine"),
    ("c-section 5 days ago, my wound is fine, my breasts are leaking",
     "wound_infection_after_operation_cut_or_belly_button", "routine"),
    ("period coming, my boobs are swollen and I feel like flu is starting",
     "breast_redness_with_fever_while_breastfeeding_or_mastitis", "routine"),
    ("my face and neck are swollen with mumps", "svco_face_neck_swelling_with_chest_veins_or_collar", "routine"),
    ("potassium 3.2, feel weak and tired", "potassium_severely_low_with_symptoms", "routine"),
    ("potassium 4.5, I'm on 2 tablets a day, feel weak", "potassium_severely_low_with_symptoms", "routine"),
    ("blood in my pee, not a drop of alcohol in weeks", "blood_in_urine_with_clots_cannot_pass_urine", "urgent"),
    ("my husband has a catheter, blood in the bag, it's draining fine", "blood_in_urine_with_clots_cannot_pass_urine",
     "urgent"),
    ("I take methotrexate on a Monday, took ibuprofen every day this week, sore throat",
     "methotrexate_daily_dosing_error_with_toxicity_signs", "urgent"),
    ("I take methotrexate weekly and took a double dose of paracetamol, I have a sore throat",
     "methotrexate_daily_dosing_error_with_toxicity_signs", "urgent"),
    ("I take methotrexate and folate daily, sore throat", "methotrexate_daily_dosing_error_with_toxicity_signs",
     "urgent"),
    ("hyperemesis, I'm confused about whether to take the tablets", "prolonged_vomiting_then_eye_signs_or_confusion",
     "routine"),
    ("I'm on allopurinol, a rash all over after the beach, no fever, my feet are peeling from sunburn",
     "drug_rash_with_fever_or_swelling_after_high_risk_medicine", "routine"),
    ("on phenytoin, rash all over, I have hay fever", "drug_rash_with_fever_or_swelling_after_high_risk_medicine",
     "routine"),
    # (the older sickle_cell_child_pale_swollen_tummy still reads a trait carrier: left open, out of this scope)
    ("my son carries the sickle cell trait and looks very pale after a cold",
     "sickle_cell_child_enlarged_spleen_or_pallor_wording", "emergency"),
    ("lower tummy pain, it hurts during sex, temp 37.2", "pelvic_pain_with_painful_sex_and_discharge_or_bleeding_pid",
     "routine"),
    ("I get lower tummy pain during my periods and painful sex, no discharge",
     "pelvic_pain_with_painful_sex_and_discharge_or_bleeding_pid", "routine"),
    ("my 10 year old's wee smells strong after asparagus, no temperature", "young_child_fever_with_smelly_or_painful_wee",
     "routine"),
    ("I take metformin and have had diarrhoea for years, weeing less at night",
     "diarrhoea_vomiting_on_water_or_bp_tablets_little_dark_urine_or_dizzy", "routine"),
    ("on metformin, diarrhoea from my metformin, dark urine",
     "diarrhoea_vomiting_on_water_or_bp_tablets_little_dark_urine_or_dizzy", "routine"),
    ("back from Kenya with a fever, otherwise alert and drinking", "tropical_fever_danger_signs", "urgent"),
    ("I have anorexia and feel weak after the gym", "eating_disorder_physical_risk", "routine"),
]


@pytest.mark.parametrize("text,level,finding", FIRES)
def test_fires(text, level, finding):
    check_level(text, level, finding)


@pytest.mark.parametrize("text,finding,highest", QUIET)
def test_quiet(text, finding, highest):
    result = triage(text)
    assert finding not in ids(text), result.reasons
    assert RANK[result.level] <= RANK[highest], (text, result.level, result.reasons)
