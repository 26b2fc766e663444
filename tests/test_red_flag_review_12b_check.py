"""Independent check of round 12, over-triage (red-flag-author-29; docs/hazards/round_12_over_triage.md), by
red-flag-reviewer-30 (emergency physician): the eleven narrowed findings, probed for what the narrowing could now
miss. The reviewer's own sentences (lay, misspelt and clinical), both ways, through ``triage.triage`` (words only).

What the check changed (see the doc's "Independent check" section):

* the "to <treatment>" words of unconscious_collapse and child_very_unwell cancelled every collapse, floppy or
  hard-to-wake word before them in the sentence: "unresponsive" / "not responding" and those words now have a finding
  of their own (not_responding_said_of_the_person);
* the comparison words of major_trauma read a witness ("looks like he's been hit by a car"): they now begin with how
  the person feels;
* the weight-bearing words of injury_cannot_bear_weight_wording cancelled bony tenderness and "previously fully
  weight bearing": removed;
* the seroma / healed words of post_operative_wound_bleeding cancelled an early haematoma and a late bleed: narrowed;
* one tiny blister cancelled chemical and electrical burns and burns in diabetes: serious_burn reads the agents and
  burn_with_diabetes_or_weak_immunity is new.
"""

from __future__ import annotations

import pytest
from conftest import check_level
from conftest import fired_ids as ids

from app.services.acuity import default_acuity_index, read_person
from app.services.triage import LEVELS, triage

UNRESPONSIVE = {"unconscious_collapse", "child_very_unwell", "not_responding_said_of_the_person"}

# == what a narrowing could miss: (text, age, level, a finding that must be among the reasons) =======================

STILL_FIRES = [
    # one tiny blister never cancels a chemical or electrical burn (NHS: A&E) or a burn in diabetes / weak immunity
    ("burnt my hand with drain cleaner, one tiny blister", None, "emergency", "serious_burn"),
    ("bleach burn on my hand, one tiny blister", None, "emergency", "serious_burn"),
    ("burnt my finger on a plug socket, one tiny blister", None, "emergency", "serious_burn"),
    ("cement burn on my knee from kneeling in wet concrete, one tiny blister", None, "emergency", "serious_burn"),
    ("scalded my hand, large blisters and one tiny blister on my finger", None, "emergency", "serious_burn"),
    ("I'm diabetic, burnt my foot on the hot water bottle, one tiny blister", None, "urgent",
     "burn_with_diabetes_or_weak_immunity"),
    ("diabetic, scalded my foot with boiling water, a pea sized blister, I can't feel it", None, "urgent",
     "burn_with_diabetes_or_weak_immunity"),
    ("I'm on chemo and burnt my hand on the oven, one tiny blister", None, "urgent",
     "burn_with_diabetes_or_weak_immunity"),
    ("type 2 diabetic, scalded my heel in the bath, its blistred", None, "urgent", "burn_with_diabetes_or_weak_immunity"),
    # a fit in its own clause beside a sneezing / laughing / hissy fit
    ("he had a sneezing fit and then had a fit, shaking all over, still drowsy", None, "emergency", "seizure"),
    ("my toddler had a hissy fit, held his breath, went blue and started fitting", None, "emergency", "seizure"),
    ("Known epileptic, had a sneezing fit with hayfever, then had a seizure lasting 6 min", None, "emergency",
     "seizure"),
    # a witness's "looks / sounds like he's been ..." is the injury, not a comparison
    ("found him on the roadside, looks like he's been hit by a car", None, "emergency", "major_trauma"),
    ("he's lying in the road, looks like he got hit by a car", None, "emergency", "major_trauma"),
    ("it sounds like he's been run over, he's screaming", None, "emergency", "major_trauma"),
    ("my son came home and it looks like he was stabbed in the leg", None, "emergency", "major_trauma"),
    ("pedestrian vs car, looks like he was thrown from the bonnet", None, "emergency", "major_trauma"),
    ("got knocked off my bike by a car, feel like I'm going to pass out", None, "emergency", "major_trauma"),
    # a treatment that did not work never cancels a floppy child or a collapse in the same sentence
    ("floppy baby with a weak cry, temperature unresponsive to calpol", None, "emergency", "child_very_unwell"),
    ("my 2 year old is floppy, fever unresponsive to calpol", 2, "emergency", "child_very_unwell"),
    ("my toddler is floppy and not responding to me, temperature unresponsive to antipyretics", None, "emergency",
     "child_very_unwell"),
    ("found unconscious, her headache had been unresponsive to analgesia", 60, "emergency", "unconscious_collapse"),
    ("he collapsed on the floor and isn't breathing, his back pain was unresponsive to painkillers", 60, "emergency",
     "unconscious_collapse"),
    ("he's not reacting to anything I say and his eyes are closed", 60, "emergency",
     "not_responding_said_of_the_person"),
    ("my dad is unresponsive and wont wake up", None, "emergency", "not_responding_said_of_the_person"),
    ("GCS 8, unresponsive to voice", 50, "emergency", "not_responding_said_of_the_person"),
    ("my husband is unresponsive, his fever had not responded to antipyretics", None, "emergency",
     "not_responding_said_of_the_person"),
]
STILL_FIRES += [
    # Ottawa: bony tenderness needs an X-ray whether or not the person bears weight; a history of walking before the
    # fall is not walking now
    ("twisted ankle, navicular tenderness, is weight bearing", None, "urgent", "injury_cannot_bear_weight_wording"),
    ("bony tenderness at the base of 5th metatarsal, can weight bear with difficulty", None, "urgent",
     "injury_cannot_bear_weight_wording"),
    ("tender over the lateral malleolus, able to weight bear", None, "urgent", "injury_cannot_bear_weight_wording"),
    ("rolled my ankel, can bear weight but the bone on the outside is sore to touch", None, "urgent",
     "injury_cannot_bear_weight_wording"),
    ("fell in the garden, now unable to weight bear, previously fully weight bearing with a frame", 80, "emergency",
     "older_fall_cant_get_up"),
    # sudden deafness with a crackle, or in shorthand
    ("sudden onset R SNHL 2/7, Weber lateralises left, no URTI", None, "urgent", "sudden_hearing_loss_wording"),
    ("woke up deaf in my right ear this morning with a crackling noise and ringing, no cold", None, "urgent",
     "sudden_hearing_loss"),
    # an early haematoma or a late bleed beside seroma / healed words
    ("had my op yesterday, there's a squishy lump under the wound getting bigger and it's bruised", None, "urgent",
     "post_operative_wound_bleeding"),
    ("op 10 days ago, wound healed well, now oozing blood through the dressing", None, "urgent",
     "post_operative_wound_bleeding"),
    ("had a seroma drained last week after my op and now the wound is bleeding and swelling", None, "urgent",
     "post_operative_wound_bleeding"),
    ("had my c section 3 days ago, squishy swelling under the wound, its getting biger", None, "urgent",
     "post_operative_wound_bleeding"),
    # sleepy driving in an adult; crying after a birth with a wish not to be here
    ("I keep nodding off while driving, my wife says I snore", None, "urgent", "sleepy_driving"),
    ("since the birth 5 weeks ago I cry every day and sometimes wish I wasn't here", None, "emergency",
     "suicidal_thoughts"),
    # fever under one year, told in months beside an age of 1 on the form
    ("she is 9 months old and has a fever", 1, "urgent", "fever_baby"),
]


@pytest.mark.parametrize("text,age,level,finding", STILL_FIRES)
def test_what_the_narrowing_could_miss_still_fires(text, age, level, finding):
    check_level(text, level, finding, age=age)


# == benign look-alikes that stay quiet: (text, age, findings that must not fire, highest level allowed) ============

BURNS = {"hot_agent_burn_blistered_limb", "serious_burn", "burn_with_diabetes_or_weak_immunity"}
TRAUMA = {"major_trauma"}
WEIGHT = {"injury_cannot_bear_weight_wording", "older_fall_cant_get_up"}
HEARING = {"sudden_hearing_loss_wording", "sudden_hearing_loss"}
WOUND = {"post_operative_wound_bleeding"}

QUIET = [
    ("burnt my thumb on a hot pan, there's a pea sized blister", 40, BURNS, "routine"),
    ("the plug socket sparked but I didn't get burnt", None, BURNS, "routine"),
    ("got a big blister on my heel from my new shoes", None, BURNS, "routine"),
    ("big blister on my heel from new shoes, I burnt the toast this morning", None, BURNS, "routine"),
    ("rope burn on my hands with a big blister", None, BURNS, "routine"),
    ("I'm a builder, got cement dust in my hair, burnt my tongue on a hot coffee", None, BURNS, "routine"),
    ("I'm diabetic and burnt my finger on the pan, no blister, it's fine", None, BURNS, "routine"),
    ("type 2 diabetes, sunburnt feet after the beach", None, {"burn_with_diabetes_or_weak_immunity"}, "urgent"),
    ("my grandson had a hissy fit and threw himself on the floor", None, {"seizure"}, "routine"),
    ("had a massive sneezing fit and now blood in the white of my eye", 69, {"seizure"}, "routine"),
    ("pain in my side, feels like someone has stabbed me", None, TRAUMA, "urgent"),
    ("I feel like I was in a car crash, every muscle hurts after the gym", None, TRAUMA, "routine"),
    ("after the flu jab I felt like I'd been run over by a steamroller", None, TRAUMA, "routine"),
    ("feel as if I've been hit by a bus since the booster", None, TRAUMA, "routine"),
    ("my eczema is unresponsive to emollients", None, UNRESPONSIVE, "routine"),
    ("the pain is not responding to co-codamol", None, UNRESPONSIVE, "routine"),
    ("hives not responding to antihistamines", None, UNRESPONSIVE, "routine"),
    ("my 3 year old has a fever, not responding to antipyretics, drinking well", 3, UNRESPONSIVE, "urgent"),
    ("he's not responding to my texts", None, UNRESPONSIVE, "routine"),
    ("no tenderness over the lateral malleolus, walking fine", None, WEIGHT, "routine"),
    ("my wrist bone on the outside is sore from typing", None, WEIGHT, "routine"),
    ("I'm 75, I can't weight bear for long because of my arthritis, no fall", 75, WEIGHT, "routine"),
    ("can't hear out of my left ear since last night, crackling when I yawn", None, HEARING, "routine"),
    ("known bilateral SNHL for years, wears hearing aids", None, HEARING, "routine"),
    ("5 weeks after my c-section there's a soft squishy lump under my scar, not painful", None, WOUND, "routine"),
    ("lump under my scar 3 weeks after my op, the surgeon thinks it's a seroma, no pain", None, WOUND, "routine"),
    ("hernia op a month ago, painless squidgy lump under the scar, healed nicely", None, WOUND, "routine"),
    ("my baby is 7 weeks old, I cry most days and feel flat, I'd never hurt him", None,
     {"postnatal_intrusive_harm_thoughts_or_not_coping"}, "routine"),
    ("my 13 month old has a fever, eating and drinking", 1, {"fever_baby"}, "routine"),
]


@pytest.mark.parametrize("text,age,quiet,highest", QUIET)
def test_benign_look_alike_stays_quiet(text, age, quiet, highest):
    result = triage(text, age=age)
    assert not ids(text, age=age) & quiet, result.reasons
    assert LEVELS.index(result.level) >= LEVELS.index(highest), (text, result.level, result.reasons)


# == the records ======================================================================================================

ROUND_12B = ("seizure", "major_trauma", "fever_baby", "unconscious_collapse", "child_very_unwell",
             "hot_agent_burn_blistered_limb", "sudden_hearing_loss_wording", "injury_cannot_bear_weight_wording",
             "sleepy_driving", "postnatal_intrusive_harm_thoughts_or_not_coping", "post_operative_wound_bleeding")
# the reviewer's own changes, which need the next independent check
CHANGED_BY_REVIEWER = ("major_trauma", "unconscious_collapse", "child_very_unwell", "injury_cannot_bear_weight_wording",
                       "sudden_hearing_loss_wording", "post_operative_wound_bleeding", "serious_burn",
                       "older_fall_cant_get_up")
ADDED_BY_REVIEWER = ("not_responding_said_of_the_person", "burn_with_diabetes_or_weak_immunity")


def _examples_hold(index, fid):
    finding = index.library.by_id[fid]
    assert finding.source and len(finding.fires) >= 2 and len(finding.does_not_fire) >= 2
    for text in finding.fires:
        assert fid in {f["id"] for f in index.match(text, read_person(text))}, text
    for text in finding.does_not_fire:
        assert fid not in {f["id"] for f in index.match(text, read_person(text))}, text
    return finding


@pytest.mark.parametrize("fid", ROUND_12B)
def test_round_12b_changes_were_independently_checked(fid):
    finding = _examples_hold(default_acuity_index(), fid)
    assert finding.reviewed["checked_by"].startswith("red-flag-reviewer-30, 2026-12-01")
    assert "red-flag-author-29" in finding.reviewed["checked_by"]
    assert "red-flag-author-29" not in finding.reviewed.get("pending_check", "")


@pytest.mark.parametrize("fid", CHANGED_BY_REVIEWER)
def test_the_reviewers_changes_are_marked_for_the_next_check(fid):
    finding = _examples_hold(default_acuity_index(), fid)
    # checked by red-flag-reviewer-34 (docs/hazards/round_12_pending.md): the note moved into `by`
    assert "red-flag-reviewer-30" not in finding.reviewed.get("pending_check", "")
    assert "pending change independently checked: red-flag-reviewer-34" in finding.reviewed["by"]


@pytest.mark.parametrize("fid", ADDED_BY_REVIEWER)
def test_the_reviewers_new_findings_need_a_check(fid):
    finding = _examples_hold(default_acuity_index(), fid)
    # checked by red-flag-reviewer-34 (docs/hazards/round_12_pending.md)
    assert "red-flag-reviewer-30" in finding.reviewed["by"] and "red-flag-reviewer-34" in finding.reviewed["by"]


def test_no_treatment_word_is_left_on_the_collapse_or_floppy_child_findings():
    # a clause `unless` word counts to the sentence end: on these findings it would cancel a collapse or a floppy
    # child told before it (acuity.clause_scope)
    library = default_acuity_index().library
    for fid in ("unconscious_collapse", "child_very_unwell"):
        words = library.by_id[fid].unless
        assert not [w for w in words if w.startswith("to ")], fid
