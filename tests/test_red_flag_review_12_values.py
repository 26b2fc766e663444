"""Independent check of round 12's value readers (docs/hazards/round_12_values.md), by red-flag-reviewer-32 (emergency
physician): the four findings of knowledge/red_flags/round_12_values.json (a blood pressure of 180/120 or more,
alone and with warning symptoms; a potassium of 6.0-6.4 and of 6.5 or more), the concepts `bp_180_120`,
`potassium_6_or_more` and `potassium_6_5_or_more`, and the data fixes made in this check (the warning-symptom words,
`high_potassium_with_symptoms`, the history words of the INR and low-potassium findings). The reviewer's own
sentences, lay, misspelt and clinical, through ``triage.triage`` (words only).
"""

from __future__ import annotations

import pytest
from conftest import fired_ids as ids

from app.services.acuity import present_from_text
from app.services.triage import LEVELS, triage

BP_URGENT = "blood_pressure_180_120_or_more"
BP_EMERGENCY = "blood_pressure_180_120_with_warning_symptoms"
K_URGENT = "potassium_6_or_more_reading"
K_EMERGENCY = "potassium_6_5_or_more_reading"
ROUND_12_VALUES = {BP_URGENT, BP_EMERGENCY, K_URGENT, K_EMERGENCY}

# (finding, level, sentence): the finding fires and the text reaches at least that level
FIRES = [
    # 180/120 or more alone: urgent (NHS: urgent GP appointment or NHS 111; NICE NG136 severe hypertension)
    (BP_URGENT, "urgent", "did my blood pressure on the chemist's machine, 188 over 96, feel totally normal"),
    (BP_URGENT, "urgent", "blod presure 192/104 on my wrist monitor, done it 3 times"),
    (BP_URGENT, "urgent", "69M, BP 178/121 at annual review, asymptomatic"),
    (BP_URGENT, "urgent", "the top number was 201 on the home machine"),
    (BP_URGENT, "urgent", "my husband's blood pressure is 196/112 and he feels fine"),
    (BP_URGENT, "urgent", "the practice nurse says my blood pressure is a hypertensive crisis"),
    # with a warning symptom: emergency (NHS 999 list; NICE NG136 1.5 same-day referral)
    (BP_EMERGENCY, "emergency", "BP 205/118 and a banging headache and I keep being sick"),
    (BP_EMERGENCY, "emergency", "my mum's bp is 210/125 and she seems muddled and keeps repeating herself"),
    (BP_EMERGENCY, "emergency", "machine says 186/100, tightness in my chest and can't catch my breath"),
    (BP_EMERGENCY, "emergency", "BP 199/121, my eyesight has gone blurry and I'm seeing flashing lights"),
    (BP_EMERGENCY, "emergency", "bp 190/110 and my left side has gone numb"),
    (BP_EMERGENCY, "emergency", "Optician found bleeding at the back of my eyes and my blood pressure was 220/135"),
    (BP_EMERGENCY, "emergency", "BP 240/140, papilloedema on fundoscopy"),
    (BP_EMERGENCY, "emergency", "GP says it's malignant hypertension and sent me to the medical unit"),
    # potassium 6.0-6.4: urgent; 6.5 or more: emergency (UK Kidney Association hyperkalaemia guideline)
    (K_URGENT, "urgent", "GP surgery rang, my potassium is 6.3, they want a repeat today"),
    (K_URGENT, "urgent", "U&Es: Na 134, K+ 6.0, creatinine 162"),
    (K_URGENT, "urgent", "told my potassium level was 6.1 on ramipril and spironolactone"),
    (K_EMERGENCY, "emergency", "K 6.5 on this morning's bloods, feel fine"),
    (K_EMERGENCY, "emergency", "the lab phoned, dad's potassium came back at 7.4, he's on dialysis"),
    (K_EMERGENCY, "emergency", "serum K+ = 6.9 mmol/L, CKD stage 4"),
    (K_EMERGENCY, "emergency", "bloods back, moderate to severe hyperkalaemia, nurse said go to A&E"),
    # 6.0-6.4 with symptoms: emergency through the widened high_potassium_with_symptoms
    ("high_potassium_with_symptoms", "emergency", "potassium 6.2 and my legs feel weak"),
    ("high_potassium_with_symptoms", "emergency", "my potassium came back at 6.1 and my heart keeps fluttering"),
    ("high_potassium_with_symptoms", "emergency", "potassium level 6.4, palpitations and dizzy"),
]


@pytest.mark.parametrize("finding, level, text", FIRES)
def test_values_fire_at_their_level(finding, level, text):
    result = triage(text)
    assert finding in {f["id"] for f in result.red_flags}, (text, result.reasons)
    assert LEVELS.index(result.level) <= LEVELS.index(level), (text, result.level, result.reasons)


# (findings that must not fire, the highest level allowed or None, sentence): benign look-alikes
QUIET = [
    (ROUND_12_VALUES, None, "my blood pressure was 178/118 at the pharmacy"),
    (ROUND_12_VALUES, None, "if my bp goes over 180 over 120 should I ring 999"),
    (ROUND_12_VALUES, None, "my blood pressure was usually 190/110 before the tablets, it's 132/80 now"),
    (ROUND_12_VALUES, None, "the leaflet says cheese can cause a hypertensive crisis with my tablets"),
    (ROUND_12_VALUES, None, "I had a hypertensive crisis years ago, fine on tablets now"),
    (ROUND_12_VALUES, None, "history of malignant hypertension, BP 138/84 today"),
    # 180/120 or more without a warning symptom: urgent, never the emergency
    ({BP_EMERGENCY}, "urgent", "BP 190/100 at the pharmacy, I'm fit and active and go to the gym"),
    ({BP_EMERGENCY}, "urgent", "BP 186/102, muscle weakness from my statin for years"),
    ({BP_EMERGENCY}, "urgent", "BP 184/100, numbness in my toes from my diabetes"),
    ({BP_EMERGENCY}, "urgent", "BP 185/105, no headache, no chest pain and not breathless"),
    ({BP_EMERGENCY}, "urgent", "blood pressure 192 over 108, a mild headache this evening"),
    # potassium
    ({K_URGENT, K_EMERGENCY}, None, "potassium 5.9, the GP will repeat it next week"),
    ({K_URGENT, K_EMERGENCY}, None, "K+ 6.6, the lab says the sample was haemolysed, repeat tomorrow"),
    ({K_URGENT, K_EMERGENCY}, None, "what should I do if my potassium is 6.5?"),
    ({K_URGENT, K_EMERGENCY}, None, "the renal nurse says keep my potassium under 6"),
    ({K_URGENT, K_EMERGENCY}, None, "vitamin K 10 mg IV for my high INR"),
    ({K_URGENT, K_EMERGENCY, "high_potassium_with_symptoms"}, None, "potassium 5.6 on my bloods and I feel a bit weak"),
    ({K_URGENT, K_EMERGENCY, "high_potassium_with_symptoms"}, None, "on IV potassium 40 mmol 6 hourly and feel weak"),
    ({K_URGENT, K_EMERGENCY, "high_potassium_with_symptoms"}, None, "Sando-K 2 tablets twice a day, feel weak"),
]


@pytest.mark.parametrize("findings, highest, text", QUIET)
def test_benign_look_alikes_stay_quiet(findings, highest, text):
    result = triage(text)
    assert not findings & {f["id"] for f in result.red_flags}, (text, result.reasons)
    if highest is not None:
        assert LEVELS.index(result.level) >= LEVELS.index(highest), (text, result.level, result.reasons)


@pytest.mark.parametrize("text", [
    "BP 194/112, no chest pain, no breathlessness, no severe headache, no blurred vision",
    "bp 188/100, not confused and no weakness down one side",
    "potassium 6.2, no palpitations and no weakness",
])
def test_denied_warning_words_do_not_raise_an_emergency(text):
    fired = ids(text)
    assert not fired & {BP_EMERGENCY, "high_potassium_with_symptoms"}, triage(text).reasons


@pytest.mark.parametrize("text, concept", [
    ("BP machine says 203/97", "bp_180_120"), ("diastolic 121 on the home monitor", "bp_180_120"),
    ("my dad's bp is 200 over 100", "bp_180_120"), ("potassium level of 6.0", "potassium_6_or_more"),
    ("K+ 6.5", "potassium_6_5_or_more"), ("potassium came back at 8.1", "potassium_6_5_or_more"),
])
def test_the_value_reader_sets_the_concepts(text, concept):
    assert concept in present_from_text(text)


@pytest.mark.parametrize("text", ["BP 179/119", "potassium 5.99", "K 6.4 on a haemolysed sample", "systolic under 180"])
def test_values_below_the_thresholds_or_not_current_set_no_concept(text):
    found = present_from_text(text)
    assert not {"bp_180_120", "potassium_6_or_more", "potassium_6_5_or_more"} & set(found), found


# Since round 12 a decimal point no longer ends the clause of an `unless` word: a bare history word later in the
# sentence cancelled a current value ("INR 8.5 today and my gums are bleeding, it was 2.5 last year" was routine).
# The history words of these findings are now written onto their own words (acuity.tied_history).
@pytest.mark.parametrize("finding, level, text", [
    ("inr_very_high_with_bleeding", "emergency",
     "On warfarin, INR 8.7 today and my gums are bleeding, I started the warfarin last year"),
    ("inr_very_high_with_bleeding", "emergency", "INR 9.3 and blood in my wee, it was 2.4 last year"),
    ("inr_very_high", "urgent", "INR 9.6 this morning, no bleeding, it was in range last year"),
    ("potassium_severely_low_with_symptoms", "emergency", "K 2.3, legs keep giving way, had low potassium years ago as well"),
])
def test_a_history_word_later_in_the_sentence_does_not_cancel_a_current_value(finding, level, text):
    result = triage(text, age=70)
    assert finding in {f["id"] for f in result.red_flags}, (text, result.reasons)
    assert result.level == level, (text, result.level, result.reasons)


@pytest.mark.parametrize("findings, text", [
    ({"inr_very_high", "inr_very_high_with_bleeding"}, "INR was 10 last year, now stable at 2.6"),
    ({"inr_very_high", "inr_very_high_with_bleeding"}, "my INR was 9 last year when I had a nosebleed, fine now"),
    ({"potassium_severely_low_with_symptoms"}, "had my potassium checked 2 years ago, I feel weak after flu"),
    ({"potassium_severely_low_with_symptoms"}, "very low potassium last year with my eating disorder, I feel weak today"),
])
def test_a_past_value_written_as_history_stays_quiet(findings, text):
    fired = ids(text, age=50)
    assert not fired & findings, triage(text, age=50).reasons


def test_the_four_findings_are_checked_and_keep_their_levels():
    from app.services.acuity import default_acuity_index

    by_id = {f.id: f for f in default_acuity_index().findings}
    expected = {BP_URGENT: "urgent", BP_EMERGENCY: "emergency", K_URGENT: "urgent", K_EMERGENCY: "emergency"}
    for fid, level in expected.items():
        finding = by_id[fid]
        assert finding.level == level, fid
        assert finding.reviewed["by"] == "lead engineer (round 12); independently checked: red-flag-reviewer-32", fid
    # the bare words that raised an emergency on "fit and well", "weakness in my knees", "numbness in my toes"
    words = set(by_id[BP_EMERGENCY].groups[1])
    assert not words & {"fit", "seizure", "weakness", "numbness"}
    for fid in ("high_potassium_with_symptoms", "inr_very_high", "inr_very_high_with_bleeding",
                "potassium_severely_low_with_symptoms"):
        # checked by red-flag-reviewer-34 (docs/hazards/round_12_pending.md)
        assert "red-flag-reviewer-32" not in by_id[fid].reviewed.get("pending_check", ""), fid
        assert "pending change independently checked: red-flag-reviewer-34" in by_id[fid].reviewed["by"], fid
