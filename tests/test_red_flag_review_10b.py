"""Review round 10 (part B) of the acuity layer (docs/hazards/round_10_b.md), by red-flag-author-22 (emergency
physician; needs an independent check): under-triage gaps in medicine, obstetrics, children, infection and drugs.
New findings are in ``knowledge/red_flags/round_10_b.json``; two existing findings were widened
(``tropical_fever_danger_signs``, ``eating_disorder_physical_risk``; see their pending_check).
Every sentence is the author's own; each gap is checked both ways through ``triage.triage`` (words only).
"""

from __future__ import annotations

from conftest import fired_ids as ids
from conftest import gap_tests

from app.services.triage import triage

# gap -> (finding, level, firing sentences, benign look-alikes that must not reach that level)
GAPS = {
    "e076": ("infant_chest_infection_feeding_half_or_fewer_nappies", "urgent", [
        "my 10 week old daughter has bronchiolitis, breathing fast and feeds have halved",
        "4 month old, cold and wheezing, drinking less than half his usual milk",
        "baby 3 months with a wheezy cough, fewer wet nappies and pulls off the bottle",
    ], [
        "my baby has a wheezy chest but is feeding well, lots of wet nappies",
        "my 8 month old has a wheeze and drinks less than half a cup of water",
    ]),
    "e083": ("uti_symptoms_in_pregnancy_stinging_cloudy_or_frequent", "urgent", [
        "pregnant 20 weeks, wee smells strong and it stings",
        "32 weeks pregnant, stinging when I go and peeing every 20 minutes",
    ], [
        "I'm pregnant, weeing all the time and my wee smells strong, no pain",
        "pregnant, my feet are burning and I'm peeing all the time",
        "pregnant and the nettle sting on my leg is stinging, weeing loads more",
    ]),
    "e091": ("wound_infection_after_operation_cut_or_belly_button", "urgent", [
        "hernia repair 10 days ago, the wound is oozing pus and hot",
        "gallbladder out keyhole last week. One of the cuts has gone red and there's yellow stuff coming out",
    ], [
        "c-section scar 3 years later is red and itchy",
        "waiting for my operation, cut my hand, it's red and swollen",
        "had my op yesterday, the dressing has a tiny bit of blood on it",
    ]),
    "e095": ("breast_redness_with_fever_while_breastfeeding_or_mastitis", "urgent", [
        "mastitis again, my right breast is red and I feel achy all over with a fever",
        "2 weeks postpartum and breastfeeding, a hard hot wedge shaped area on my left boob, shivery and flu like",
    ], [
        "breastfeeding, my nipple is sore and cracked, no fever",
        "red rash under my breasts in the heat, and I feel hot and cold with flu",
    ]),
    "f021": ("tropical_fever_danger_signs", "emergency", [
        "back from Uganda with fevers, eyes have gone yellow",
        "back from Nigeria, fevers and shaking, today I'm a bit muddled",
        "returned from Malawi with a high temperature and my skin looks yellow",
    ], [
        "back from Kenya with a fever, muddled about which day I flew home",
        "back from Ghana with a fever and a headache, eyes are fine, thinking clearly",
    ]),
    "f024": ("svco_face_neck_swelling_with_chest_veins_or_collar", "emergency", [
        "swelling of my face and neck and new veins across my chest",
        "my face and neck are puffy every morning, my collar is tight and I'm short of breath, heavy smoker",
    ], [
        "my face and neck have swollen up after a wasp sting",
        "my face and neck are puffy from the prednisolone and my collar feels tight",
        "I've got visible veins on my chest and I'm breathless walking uphill",
    ]),
    "f032": ("potassium_severely_low_with_symptoms", "emergency", [
        "potassium came back at 2.4, cramps and palpitations",
        "bulimia, the GP says my potassium is dangerously low and my heart feels irregular",
    ], [
        "my potassium was 3.3, slightly low, feeling fine",
        "vitamin K 2 given to the baby, he seems weak",
    ]),
    "f047": ("blood_in_urine_with_clots_cannot_pass_urine", "emergency", [
        "red wee since yesterday and now nothing comes out, bursting",
        "on apixaban, passing clots in my urine and now I can't get anything out",
    ], [
        "blood in my wee, I have fluid retention in my ankles",
        "I get water retention and had red wee after beetroot",
    ]),
    "f048": ("methotrexate_daily_dosing_error_with_toxicity_signs", "emergency", [
        "took methotrexate every day for a week by mistake, sore throat and fever",
        "dad has been taking his methotrexate daily instead of weekly, bleeding gums and shivery",
    ], [
        "I took too much methotrexate, feel fine, no symptoms",
        "I've had mouth ulcers every day since starting methotrexate weekly",
    ]),
    "f052": ("prolonged_vomiting_then_eye_signs_or_confusion", "emergency", [
        "hyperemesis for 6 weeks, now double vision",
        "bad morning sickness for weeks, today she's confused and unsteady",
        "vomiting for weeks after my gastric band, now eyes flickering and staggering",
    ], [
        "hyperemesis, I'm confused about which anti-sickness tablets to take",
        "hyperemesis, vomiting for weeks, feeling dizzy and weak when I stand up",
    ]),
    "f054": ("drug_rash_with_fever_or_swelling_after_high_risk_medicine", "emergency", [
        "started lamotrigine 3 weeks ago, rash all over and a high temperature",
        "on allopurinol since last month, generalised rash, face has swollen and glands are swollen",
    ], [
        "on lamotrigine, spots all over from chickenpox and a fever",
        "started allopurinol, widespread rash, no fever, feel well",
    ]),
    "f060": ("sickle_cell_child_enlarged_spleen_or_pallor_wording", "emergency", [
        "my 4 year old with sickle cell has an enlarged spleen and is very pale",
        "my daughter is 3 with HbSS, the left side of her tummy is swollen and she's pale and floppy",
    ], [
        "sickle cell trait carrier, pale after a cold",
        "my son has sickle cell and is pale and tired after a cold",
    ]),
    "f069": ("pelvic_pain_with_painful_sex_and_discharge_or_bleeding_pid", "urgent", [
        "lower tummy pain, sex hurts, yellow discharge",
        "pelvic pain for 4 days, dyspareunia and spotting between periods since a new partner",
    ], [
        "pain during sex and a discharge, no tummy pain",
        "period pain low in my tummy and sex hurts sometimes",
    ]),
    "f079": ("young_child_fever_with_smelly_or_painful_wee", "urgent", [
        "my 18 month old has a temperature and cries when she wees",
        "my 3 year old has a fever and smelly wee",
    ], [
        "my 4 year old, temp 38.5, cold and cough, wee normal",
        "my toddler's nappies smell strong after teething, no temperature",
    ]),
    "f080": ("diarrhoea_vomiting_on_water_or_bp_tablets_little_dark_urine_or_dizzy", "urgent", [
        "vomiting for 2 days, on furosemide, hardly weeing",
        "d&v bug, I take losartan and metformin, dark urine and dizzy on standing",
    ], [
        "on ramipril, vomiting once today, a bit dizzy",
        "on bendroflumethiazide, no vomiting or diarrhoea, wee is dark in the morning",
    ]),
}

# The shared gap table's order: (level, findings, firing sentences, look-alikes).
TABLE = {gap: (level, {finding}, fire, quiet) for gap, (finding, level, fire, quiet) in GAPS.items()}
test_gap_fires_at_level, test_benign_look_alike_stays_below = gap_tests(TABLE)  # two of each per gap


def test_eating_disorder_purging_wording():
    """Widened `eating_disorder_physical_risk` (gap f032): self-induced vomiting and laxative misuse."""
    text = "self-induced vomiting and laxative misuse for a year, now my legs keep giving way"
    assert "eating_disorder_physical_risk" in ids(text), triage(text).reasons
    assert "eating_disorder_physical_risk" not in ids("I used laxatives once for constipation and my legs feel tired")


def test_denied_words_do_not_fire():
    assert "blood_in_urine_with_clots_cannot_pass_urine" not in ids(
        "no blood in my wee and no clots, weeing fine")
    assert "prolonged_vomiting_then_eye_signs_or_confusion" not in ids(
        "hyperemesis for weeks, no double vision and not confused")
    assert "svco_face_neck_swelling_with_chest_veins_or_collar" not in ids(
        "my face and neck are not swollen and I'm not breathless")
