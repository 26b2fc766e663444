"""The sixth round of the clinical review of the acuity layer (docs/hazards/minor_injuries.md, "Round 6"), by
red-flag-reviewer-11 (emergency physician), closing the gaps clinicians found:

1. `headache_after_head_injury` fired on any headache after a knock: now a persistent headache, one not eased by
   painkillers or getting worse (NICE NG232: refer to the ED), at emergency;
2. temperatures that say there is no fever ("temperature under 38", "temp below 38", "normal temperature") fired the
   fever findings (words and the vitals reader);
3. drowsiness after a head injury in lay words ("keeps falling asleep", "can't keep him awake");
4. sunburn of the face or feet fired `serious_burn`;
5. "deep gaping cut, needs stitches" fired the post-operative wound findings;
6. suspected whooping cough without apnoea (NICE CKS pertussis): new findings;
7. "he's 2", "she is 7 months" read as ages;
8. Braxton Hicks / practice contractions that are irregular and painless no longer fire the labour finding.

Each change is tested both ways, through the function the triage service calls (``triage.triage``, words only).
"""

from __future__ import annotations

import pytest
from conftest import check_level as check
from conftest import fired_ids as ids

from app.services.acuity import default_acuity_index, read_person
from app.services.triage import triage
from app.services.vitals import vitals_from_text

FEVER_FINDINGS = {"fever_infant_under_3m", "fever_baby", "fever_infant_under_3m_reading_wording"}


# == 1. headache after a head injury ================================================================================

@pytest.mark.parametrize("text", [
    "banged my head 3 days ago and still have a headache",
    "hit my head, headache not helped by paracetamol",
    "hit my head on a cupboard and had a headache since",
    "she bumped her head at school yesterday and paracetamol isn't helping her headache",
    "knock to the head on Sunday, headache won't go away",
    "I hit my head playing rugby and the headache is getting worse",
])
def test_a_persistent_headache_after_a_head_injury_is_an_emergency(text):
    check(text, "emergency")
    assert ids(text) & {"headache_after_head_injury", "head_injury_danger"}, triage(text).reasons


@pytest.mark.parametrize("text", [
    "I banged my head yesterday and have a mild headache that eased with paracetamol",
    "hit my head, mild headache, paracetamol helped",
    "bumped my head on the car door, slight headache, gone with paracetamol",
    "headache since this morning but no head injury",
    "had a headache for days after I banged my head years ago",
])
def test_a_mild_headache_after_a_knock_is_quiet(text):
    assert "headache_after_head_injury" not in ids(text), triage(text).reasons
    assert triage(text).level != "emergency", triage(text).reasons


# == 2. a temperature that says there is no fever ===================================================================

@pytest.mark.parametrize("text", [
    "my 2 month old is teething, temperature under 38 when I checked",
    "baby 6 weeks, temp below 38",
    "my 6 week old has a normal temperature, just sneezy",
    "my 8 week old, temperature less than 38, feeding well",
    "my 10 week old has a temperature below 38 and a blocked nose",
    "my 7 week old is grizzly, temp under 38C under the arm",
    "my 5 week old, temperature is normal",
    "my baby is 6 weeks old, temperature normal",
])
def test_a_temperature_under_38_is_not_a_fever(text):
    assert not ids(text) & FEVER_FINDINGS, triage(text).reasons
    assert triage(text).level != "emergency", triage(text).reasons


@pytest.mark.parametrize("text", [
    "my 2 month old has a temperature of 38.2",
    "baby 6 weeks, temp 38.2",
    "my 6 week old, temperature 38 when I checked",
    "my 8 week old has a temperature over 38",
    "my 6 week old's temperature was under 37 yesterday, today the thermometer says 38.4",
    "my 10 week old has a fever, not teething",
])
def test_a_fever_in_a_baby_under_3_months_still_fires(text):
    check(text, "emergency")
    assert ids(text) & {"fever_infant_under_3m", "fever_infant_under_3m_reading_wording"}, triage(text).reasons


@pytest.mark.parametrize("text, temp", [
    ("temperature under 38C", None),
    ("temp below 38 degrees", None),
    ("temperature less than 38.0", None),
    ("temperature not above 100.4F", None),
    ("temp 38.4", 38.4),
    ("temperature of 38.5C", 38.5),
    ("temp was under 37 yesterday, 38.6C today", 38.6),
])
def test_the_vitals_reader_skips_a_limit(text, temp):
    assert vitals_from_text(text).get("temperature_c") == temp, vitals_from_text(text)


def test_fever_under_control_is_still_a_fever():
    assert "fever_baby" in ids("my 9 month old has a fever, under control with paracetamol")


# == 3. drowsiness after a head injury in lay words =================================================================

@pytest.mark.parametrize("text", [
    "she banged her head and keeps falling asleep",
    "he hit his head and I can't keep him awake",
    "bumped his head on the table and keeps nodding off",
    "fell and hit her head, now struggling to stay awake",
    "my son banged his head at school and keeps dozing off on the sofa",
])
def test_drowsiness_after_a_head_injury_is_an_emergency(text):
    check(text, "emergency", "head_injury_danger")


@pytest.mark.parametrize("text", [
    "bumped his head last week, he's sleeping normally at nap time",
    "banged my head, wide awake and fine",
    "keeps falling asleep on the sofa in the evenings, no head injury",
])
def test_sleep_without_drowsiness_after_a_head_injury_is_quiet(text):
    assert "head_injury_danger" not in ids(text), triage(text).reasons


# == 4. sunburn is not a serious burn ===============================================================================

@pytest.mark.parametrize("text", [
    "burnt my face sunbathing, really sore",
    "sun burnt face and feet from too much sun",
    "my face is burnt from the sun",
    "burned my feet at the beach, forgot the sun cream",
    "I burnt my face in the sun",
])
def test_sunburn_of_the_face_or_feet_is_not_a_serious_burn(text):
    assert "serious_burn" not in ids(text), triage(text).reasons


@pytest.mark.parametrize("text", [
    "scalded my face with boiling water",
    "spilled hot tea on my son's face at the beach",
    "burnt my hand on the oven, the whole hand has blistered",
    "chemical burn on my feet from drain cleaner",
])
def test_a_burn_that_is_not_sunburn_still_fires(text):
    check(text, "emergency", "serious_burn")


# == 5. a cut that needs stitches is not an operation wound ==========================================================

@pytest.mark.parametrize("text", [
    "deep gaping cut, needs stitches",
    "deep gaping cut, needs stitches, the wound is bleeding",
    "cut my hand on a knife, it's gaping, will it need stitches?",
])
def test_a_cut_that_needs_stitches_is_not_a_post_operative_wound(text):
    assert not ids(text) & {"post_operative_wound_infection_wording", "post_operative_wound_bleeding"}, \
        triage(text).reasons
    assert "cut_deep_or_gaping" in ids(text) or "face_cut_gaping" in ids(text), triage(text).reasons


@pytest.mark.parametrize("text, finding", [
    ("my stitches are hot and swollen, hernia repair 5 days ago", "post_operative_wound_infection_wording"),
    ("the stitches from my knee operation are red and oozing", "post_operative_wound_infection_wording"),
    ("my c-section wound has opened, I think it needs stitches again", "post_operative_wound_infection_wording"),
    ("had knee surgery last week, bleeding from my stitches when I walk", "post_operative_wound_bleeding"),
])
def test_an_operation_wound_still_fires(text, finding):
    assert finding in ids(text), triage(text).reasons


# == 6. suspected whooping cough =====================================================================================

@pytest.mark.parametrize("text, expected, finding", [
    ("coughing fits ending in a whoop", "urgent", "whooping_cough_suspected"),
    ("my son coughs until he vomits, for two weeks", "urgent", "whooping_cough_suspected"),
    ("I've had a cough for 3 weeks and coughing so hard I vomit", "urgent", "whooping_cough_suspected"),
    ("my 5 year old makes a whooping noise after coughing", "urgent", "whooping_cough_suspected"),
    ("my 4 month old has coughing fits and whoops", "emergency", "whooping_cough_baby_under_6_months"),
    ("my 8 week old coughs until he's sick", "emergency", "whooping_cough_baby_under_6_months"),
    ("she is 5 months, coughing fits then she throws up after coughing", "emergency",
     "whooping_cough_baby_under_6_months"),
])
def test_suspected_whooping_cough(text, expected, finding):
    check(text, expected, finding)


@pytest.mark.parametrize("text", [
    "had my whooping cough jab at 20 weeks, now a bit of a cough",
    "coughing fits at night, no whoop, never sick",
    "my son has a cough and was sick once with a tummy bug last week",
    "my 3 month old has had her whooping cough vaccine and a little cough",
])
def test_no_whooping_cough_is_quiet(text):
    assert not ids(text) & {"whooping_cough_suspected", "whooping_cough_baby_under_6_months"}, triage(text).reasons


def test_a_10_month_old_with_whoops_is_same_day_not_emergency():
    text = "my 10 month old has coughing fits ending in a whoop"
    assert "whooping_cough_baby_under_6_months" not in ids(text)
    check(text, "urgent", "whooping_cough_suspected")


def test_apnoea_in_a_coughing_fit_is_still_the_emergency():
    check("my baby stops breathing when she coughs and then whoops", "emergency", "cough_fit_apnoea")


# == 7. "he's 2", "she is 7 months" ===================================================================================

@pytest.mark.parametrize("text, ages", [
    ("he's 2", [2.0]),
    ("she is 7 months", [7 / 12]),
    ("he's 2 and has a fever", [2.0]),
    ("he's only 5 weeks and hot", [5 / 52]),
    ("he's 2 years old", [2.0]),  # read once
    ("baby 6 weeks, temp 38.2", [6 / 52]),
    ("it's 2 o'clock", []),
    ("he's 2 hours late", []),
    ("2 weeks pregnant", []),
    ("she's 2 weeks pregnant", []),
    ("she's 7 months pregnant", []),
    ("my wife, she's 7 months", []),
    ("I'm pregnant, she's 7 months", []),
    ("he's 6 foot", []),
    ("she's 38.5", []),
    ("he's 3 days post op", []),
    ("she's 4 out of 10", []),
    ("pregnant, baby 32 weeks.", []),
])
def test_ages_said_with_he_or_she(text, ages):
    assert read_person(text).ages == pytest.approx(ages), read_person(text).ages


def test_he_is_8_weeks_with_a_fever_is_an_emergency():
    check("he's 8 weeks and has a fever", "emergency", "fever_infant_under_3m")


def test_she_is_7_months_with_a_fever_is_same_day():
    check("she is 7 months and has a fever", "urgent", "fever_baby")


# == 8. Braxton Hicks ================================================================================================

LABOUR = {"pregnancy_waters_or_labour", "pregnancy_contractions", "braxton_hicks_regular_or_painful",
          "preterm_braxton_hicks_regular_or_painful"}


@pytest.mark.parametrize("text", [
    "34 weeks pregnant, practice contractions, irregular and painless",
    "pregnant, Braxton Hicks contractions now and then, they don't hurt",
    "I'm 34 weeks pregnant and having Braxton Hicks",
    "pregnant, Braxton Hicks now and then, not painful and not regular",
])
def test_irregular_painless_braxton_hicks_are_quiet(text):
    assert not ids(text) & LABOUR, triage(text).reasons


@pytest.mark.parametrize("text, expected, finding", [
    ("39 weeks pregnant, contractions every 5 minutes", "urgent", "pregnancy_contractions"),
    ("had Braxton Hicks all week but now proper contractions, 38 weeks pregnant", "urgent", "pregnancy_contractions"),
    ("pregnant, I think it's Braxton Hicks but not sure if it's labour", "urgent", "braxton_hicks_regular_or_painful"),
    ("38 weeks pregnant, practice contractions but they're getting regular and painful", "urgent",
     "braxton_hicks_regular_or_painful"),
    ("practice contractions at 32 weeks but they're getting regular and painful", "emergency",
     "preterm_braxton_hicks_regular_or_painful"),
    ("I'm 30 weeks pregnant, Braxton Hicks coming every 5 minutes", "emergency",
     "preterm_braxton_hicks_regular_or_painful"),
    # waters are never cancelled by Braxton Hicks words
    ("my waters broke, I'd had Braxton Hicks all week, 39 weeks pregnant", "urgent", "pregnancy_waters_or_labour"),
])
def test_regular_painful_or_unsure_tightenings_and_waters_still_fire(text, expected, finding):
    check(text, expected, finding)


# == schema of what this round added or changed ======================================================================

ADDED_ROUND_6 = ("pregnancy_contractions", "braxton_hicks_regular_or_painful", "preterm_braxton_hicks_regular_or_painful",
                 "whooping_cough_suspected", "whooping_cough_baby_under_6_months")
CHANGED_ROUND_6 = ("headache_after_head_injury", "head_injury_danger", "serious_burn", "pregnancy_waters_or_labour",
                   "post_operative_wound_infection_wording", "post_operative_wound_bleeding")


@pytest.mark.parametrize("fid", ADDED_ROUND_6 + CHANGED_ROUND_6)
def test_round_6_findings_keep_source_examples_and_are_marked_for_a_check(fid):
    index = default_acuity_index()
    finding = index.library.by_id[fid]
    assert finding.source and len(finding.fires) >= 2 and len(finding.does_not_fire) >= 2
    # checked in the independent check of round 6 (red-flag-reviewer-12): moved into `by`; the findings that this check
    # changed again carry its own `pending_check` (see REVIEW_12 below)
    if fid in ADDED_ROUND_6:
        assert "red-flag-reviewer-11" in finding.reviewed["by"]
    assert "independently checked: red-flag-reviewer-12" in finding.reviewed["by"]
    assert "needs an independent check" not in finding.reviewed["by"]
    assert "red-flag-reviewer-11" not in finding.reviewed.get("pending_check", "")
    for text in finding.fires:
        assert fid in {f["id"] for f in index.match(text, read_person(text))}, text
    for text in finding.does_not_fire:
        assert fid not in {f["id"] for f in index.match(text, read_person(text))}, text


def test_headache_after_head_injury_is_an_emergency_now():
    assert default_acuity_index().library.by_id["headache_after_head_injury"].level == "emergency"


# == Independent check of round 6 (red-flag-reviewer-12, emergency physician) ========================================
# docs/hazards/minor_injuries.md, "Independent check of round 6". Under-triage found and fixed, both ways.

@pytest.mark.parametrize("text", [
    # "under the arm" is where it was taken, not a limit; a time is not a limit
    "my 6 week old has a high temperature under the arm",
    "my 8 week old temp under arm 38",
    "my 6 week old has a temperature less than 24 hours",
    "my 6 week old had a temperature under 2 days",
    # "higher / more than 38" is a fever
    "my 10 week old's temperature is higher than 38",
    "my 10 week old's temperature is more than 38",
    # a fever beside an earlier normal reading, or a usual reading
    "my 6 week old, temp 38.5, was under 37 yesterday",
    "my 6 week old, temperature lower than usual but 38.2",
    "my 6 week old is feeding normally, temperature 38.3",
    # a child's age beside a number that could be a gestation
    "my baby, 12 weeks, fever",
    "baby 12 weeks, temp 38.2",
    "she's 12 weeks and has a fever",
])
def test_review_12_a_fever_in_a_baby_under_3_months_is_read(text):
    check(text, "emergency")
    assert ids(text) & {"fever_infant_under_3m", "fever_infant_under_3m_reading_wording"}, triage(text).reasons


@pytest.mark.parametrize("text", [
    "my 6 week old, temperature below 36",
    "my 2 month old feels cold, temp under 36",
    "baby 6 weeks, temp 35.4",
    "my 6 week old's temperature is below normal",
])
def test_review_12_a_low_temperature_under_3_months_is_an_emergency(text):
    check(text, "emergency")


def test_review_12_a_normal_reading_is_not_a_low_temperature():
    assert "low_temperature_infant_under_3m" not in ids("my 5 month old has a low temperature")  # over 3 months
    # (still read as a fever by "has a temperature" of fever_infant_under_3m_reading_wording: left open, over-triage)
    assert "low_temperature_infant_under_3m" not in ids("my 6 week old has a temperature of 36.8")


@pytest.mark.parametrize("text", [
    "the room temperature is low, is my 6 week old warm enough",
    "my 2 month old, temperature below 38, feeding well",
])
def test_review_12_a_normal_temperature_or_a_room_is_not_an_emergency(text):
    assert "low_temperature_infant_under_3m" not in ids(text), triage(text).reasons
    assert not ids(text) & FEVER_FINDINGS, triage(text).reasons


@pytest.mark.parametrize("text, temp", [
    ("temperature no lower than 38.5C", 38.5),
    ("she was 38.1 under her arm", 38.1),
    ("temperature lower than 38", None),
])
def test_review_12_vitals_reader_limits(text, temp):
    assert vitals_from_text(text).get("temperature_c") == temp, vitals_from_text(text)


@pytest.mark.parametrize("text, ages, pregnant", [
    ("my baby, 12 weeks, fever", [12 / 52], True),  # either: both kept
    ("baby 34 weeks, bleeding", [34 / 52], True),
    ("pregnant, baby 32 weeks.", [], True),  # the pregnancy is read from other words: a gestation
    ("I'm pregnant, she's 7 months", [], True),
    ("my wife, she's 7 months", [], None),
])
def test_review_12_a_child_age_or_a_gestation(text, ages, pregnant):
    person = read_person(text)
    assert person.ages == pytest.approx(ages), person.ages
    assert person.risk_factors.get("pregnant") == pregnant


@pytest.mark.parametrize("text, expected, finding", [
    ("hit my head last night, bad headache this morning", "emergency", "headache_after_head_injury"),
    ("hit my head, terrible headache", "emergency", "headache_after_head_injury"),
    ("fell and hit my head 2 days ago, headache keeps coming back", "emergency", "headache_after_head_injury"),
    ("banged my head yesterday and now have a headache", "urgent", "headache_after_head_injury_new"),
    ("hit my head on the cupboard this morning, headache", "urgent", "headache_after_head_injury_new"),
])
def test_review_12_a_headache_after_a_head_injury_is_not_routine(text, expected, finding):
    check(text, expected, finding)


@pytest.mark.parametrize("text", [
    "hit my head, mild headache, paracetamol helped",
    "I banged my head yesterday and have a mild headache that eased with paracetamol",
    "bumped my head, headache has gone now",
    "had a headache for days after I banged my head years ago",
])
def test_review_12_a_mild_or_settled_headache_is_quiet(text):
    assert not ids(text) & {"headache_after_head_injury", "headache_after_head_injury_new"}, triage(text).reasons


@pytest.mark.parametrize("text, finding", [
    ("30 weeks pregnant, contractions", "preterm_contractions"),
    ("32 weeks pregnant, my bump keeps going tight", "preterm_contractions"),
    ("30 weeks pregnant, contractions, I think they're Braxton Hicks", "preterm_braxton_hicks_regular_or_painful"),
    ("34 weeks pregnant, my waters broke, had Braxton Hicks all day", "preterm_labour_signs"),
    ("28 weeks pregnant, period-like pains that come and go", "preterm_labour_signs"),
])
def test_review_12_preterm_contractions_and_waters_are_emergencies(text, finding):
    check(text, "emergency", finding)


@pytest.mark.parametrize("text", [
    "I'm 33 weeks pregnant and having Braxton Hicks, irregular and painless",
    "I'm 28 weeks pregnant and my bump feels tight now and then, like Braxton Hicks contractions",
    "I'm 30 weeks pregnant and have no contractions, just heartburn",
])
def test_review_12_irregular_painless_braxton_hicks_preterm_are_quiet(text):
    assert not ids(text) & {"preterm_contractions", "preterm_labour_signs", "preterm_braxton_hicks_regular_or_painful"}, \
        triage(text).reasons


def test_review_12_normal_tests_do_not_cancel_haemophilia():
    check("my son has haemophilia, blood tests came back normal, today he hit his head", "emergency",
          "head_injury_bleeding_disorder_or_brain_surgery")
    assert "head_injury_bleeding_disorder_or_brain_surgery" not in ids(
        "haemophilia was ruled out last year, today he hit his head on the table")


REVIEW_12_ADDED = ("preterm_contractions", "low_temperature_infant_under_3m", "headache_after_head_injury_new")
REVIEW_12_CHANGED = ("preterm_labour_signs", "preterm_braxton_hicks_regular_or_painful", "headache_after_head_injury",
                     "head_injury_bleeding_disorder_or_brain_surgery")
REVIEW_12_AGREED_ROUND_5 = ("head_injury_baby_large_swelling", "head_injury_baby_under_6_months",
                            "head_injury_baby_not_mobile_wording", "bruise_baby_not_mobile_wording",
                            "unexplained_bruises_child", "foreign_body_in_wound", "cut_nerve_or_tendon_injury",
                            "face_cut_gaping", "sunburn_blistering_or_swelling_badly", "sunburn_fever_or_unwell",
                            "nappy_area_blisters_pus_or_bleeding", "splinter_cannot_remove")


@pytest.mark.parametrize("fid", REVIEW_12_ADDED + REVIEW_12_CHANGED + REVIEW_12_AGREED_ROUND_5)
def test_review_12_fields(fid):
    index = default_acuity_index()
    finding = index.library.by_id[fid]
    assert finding.source and len(finding.fires) >= 2 and len(finding.does_not_fire) >= 2
    if fid in REVIEW_12_ADDED:
        assert "red-flag-reviewer-12" in finding.reviewed["by"] and "needs an independent check" in finding.reviewed["by"]
    elif fid in REVIEW_12_CHANGED:
        # the red-flag-reviewer-12 change waits for an independent check, or had one (red-flag-reviewer-37,
        # docs/hazards/round_12_pending_2.md, moved it into `by`)
        if "pending change independently checked: red-flag-reviewer-37" in finding.reviewed["by"]:
            assert "pending_check" not in finding.reviewed
        else:
            assert finding.reviewed["pending_check"].startswith("needs an independent check: red-flag-reviewer-12")
            assert finding.reviewed["changed"]
    else:
        assert "independently checked: red-flag-reviewer-12" in finding.reviewed["by"]
        assert "pending_check" not in finding.reviewed
    for text in finding.fires:
        assert fid in {f["id"] for f in index.match(text, read_person(text))}, text
    for text in finding.does_not_fire:
        assert fid not in {f["id"] for f in index.match(text, read_person(text))}, text
