"""Review round 12, over-triage (docs/hazards/round_12_over_triage.md), by red-flag-author-29 (emergency physician;
needs an independent check): benign descriptions that a red flag raised wrongly or too high.

* a burn with one tiny (pea- or lentil-sized) blister, read as an emergency hand burn;
* "a big sneezing fit" read as a fit, "felt like I'd been hit by a bus" read as major trauma;
* a blocked ear crackling on swallowing after a flight read as sudden hearing loss;
* an age of 1 on the form read as "under 1 year" (fever in a baby);
* "fever unresponsive to antipyretics" read as an unresponsive child;
* a 4-year-old who falls asleep in the car read as sleepy driving;
* "Weight bearing." read by meaning as "non-weight bearing";
* daily crying after a birth, harm denied, read as an urgent postnatal risk;
* a soft squishy lump under a healed scar weeks after an operation read as a post-operative bleed.

Each narrowed finding is checked both ways through ``triage.triage`` (words only, no served model): the author's own
sentences of the real presentation still fire at its level, and the benign look-alikes stay below it. Two gaps are
kept on purpose (preterm tightenings at 31 weeks, a symptomatic potassium under 3) and are tested as still firing.
None of the sentences is a development-set text.
"""

from __future__ import annotations

import pytest
from conftest import check_level, gap_tests
from conftest import fired_ids as ids

from app.services.acuity import default_acuity_index, read_person
from app.services.triage import triage

BURN = {"hot_agent_burn_blistered_limb"}
HEARING = {"sudden_hearing_loss_wording", "sudden_hearing_loss"}
WEIGHT = {"injury_cannot_bear_weight_wording", "injury_cannot_bear_weight"}
# independent check (red-flag-reviewer-30): "unresponsive" / "not responding" and their "to <treatment>" words have a
# finding of their own, so that those words no longer cancel a collapse or a floppy child in the same sentence
UNRESPONSIVE = {"unconscious_collapse", "child_very_unwell", "not_responding_said_of_the_person"}

# gap -> (level, findings any of which may carry it, firing sentences, benign look-alikes that must stay below it)
TABLE = {
    "k007": ("emergency", BURN, [
        "burnt my hand on the hob, small blister",
        "burnt my hand on the iron, huge blister",
        "Contact burn to my left palm from the oven tray, 2cm blister",
        "scalded my hand with boiling water, large blisters, and a tiny blister on my wrist",
    ], [
        "touched the oven shelf with my fingertip, one tiny blister, ran it under the cold tap",
        "burnt my thumb on a hot pan, there's a pea sized blister",
        "burnd my finger on the hob, just a teeny blister, cooled it",
        "Contact burn R index fingertip from oven shelf, single blister the size of a lentil, cooled 20 min",
    ]),
    "k019": ("emergency", {"seizure"}, [
        "she had a fit in the kitchen, shaking all over",
        "he had a big fit this morning",
        "my son had a fit and is still drowsy, he has hay fever and keeps sneezing",
        "witnessed tonic-clonic seizure 10 min ago, post-ictal",
    ], [
        "I had a huge sneezing fit and now my eye is red, no pain, vision fine",
        "had a really bad sneezing fit with my hay fever",
        "my daughter had a laughing fit and wet herself",
        "my toddler had a hissy fit at the shops and bumped his knee",
        "had a fit of the giggles in the meeting and pulled a muscle in my side",
    ]),
    "k048": ("emergency", {"major_trauma"}, [
        "I was hit by a car and I feel like I'm going to faint",
        "stabbed in the leg, feels like it's still bleeding",
        "she fell off a ladder and it feels like her back is broken",
        "he was knocked off his bike by a car and feels like he can't breathe",
    ], [
        "had my booster yesterday, felt like I'd been hit by a bus all night",
        "feel like I've been run over by a truck with this flu",
        "he says he feels like he's been hit by a lorry since his flu jab",
        "achy all over as if I'd been hit by a bus, temperature 38",
    ]),
    "k065": ("urgent", HEARING, [
        "Woke up today deaf in my left ear, no cold, no pain",
        "sudden muffled hearing in my right ear since this morning with ringing",
        "62F, sudden onset L hearing loss on waking, no otalgia, TM normal",
    ], [
        "got off the plane yesterday, ear feels blocked and muffled hearing, crackling when I swallow",
        "R ear muffled hearing since yesterday, crackly on swallowing, improves with Valsalva",
        "muffled hearing since yesterday and crackling in my ear, I've got a cold",
    ]),
    "m027": ("urgent", WEIGHT, [
        "twisted ankle, not weight bearing and swollen",
        "my son hurt his knee at football and is not weight bearing",
        "fell off a wall, NWB, tender over the navicular",
    ], [
        "rolled my ankle, able to bear weight and walk, a bit swollen",
        "sprained ankle yesterday, fully weight bearing, mild swelling",
        "twisted knee, weight bearing with a limp, no bony tenderness",
    ]),
    "m050": ("urgent", {"postnatal_intrusive_harm_thoughts_or_not_coping"}, [
        "my baby is 5 weeks old and I can't cope anymore, I cry every day",
        "had my baby 3 weeks ago and I feel hopeless",
        "postnatal, I cry every day and feel like a terrible mum",
    ], [
        "my son is 8 weeks old, I cry every day and feel flat, no thoughts of harming anyone",
        "since the birth 6 weeks ago I cry every day and can't enjoy anything, I'm not going to hurt myself",
    ]),
    "m093": ("urgent", {"post_operative_wound_bleeding"}, [
        "Had my hernia repair 4 days ago and there's a lump under my scar that's getting bigger and bruised",
        "3 weeks after my op, bleeding through the dressing",
        "op 3 weeks ago, wound had healed nicely and now it's bleeding from my scar",
        "caesarean 6 days ago, haematoma under the wound, it's tense and painful",
    ], [
        "5 weeks after my c-section there's a soft squishy lump under my scar, not painful",
        "had keyhole surgery a month ago, wound healed well, painless squidgy lump under the scar",
        "lump under my scar 3 weeks after my op, the surgeon says it's a seroma, no pain",
    ]),
}
test_gap_fires_at_level, test_benign_look_alike_stays_below = gap_tests(TABLE)  # two of each per gap


# A tiny blister still needs a same-day check where the burn finding for the person's group says so (under 5, 60 or
# over, pregnancy: urgent), and a tiny blister never cancels the face / large-burn finding.
@pytest.mark.parametrize("text,age,finding", [
    ("my 3 year old burnt his finger on the oven door, one tiny blister", 3, "burn_young_child"),
    ("burnt my finger on the oven, just a tiny blister", 70, "burn_older_adult"),
    ("I'm 20 weeks pregnant and burnt my finger on the oven, one tiny blister", None, "burn_in_pregnancy"),
])
def test_tiny_blister_in_a_group_at_risk_stays_urgent(text, age, finding):
    check_level(text, "urgent", finding, age=age)


def test_tiny_blister_does_not_cancel_a_burn_of_the_face():
    check_level("scalded my face and hand with boiling water, one tiny blister on my finger", "emergency",
                "hot_agent_burn_face_hands_feet_genitals_or_large")


# m032: an age typed as 1 (12 to 23 months) is not "under 1 year"; months, "baby" and an age typed as 0 still are.
@pytest.mark.parametrize("text,age", [
    ("my 11 month old has a fever", None),
    ("my baby has a temperature of 38.4", None),
    ("my daughter has a fever and a runny nose", 0),
    ("she is 10 months old and has a high temperature", 1),
])
def test_fever_under_one_still_urgent(text, age):
    check_level(text, "urgent", "fever_baby", age=age)


@pytest.mark.parametrize("text,age", [
    ("my toddler had a high temperature for 3 days, it has gone now and there's a pink rash on her tummy, "
     "playing happily", 1),
    ("my 1 year old has had a fever since yesterday, eating and drinking fine, runny nose", None),
])
def test_fever_at_one_year_is_not_a_babys_fever(text, age):
    assert "fever_baby" not in ids(text, age=age), triage(text, age=age).reasons


# m024: "unresponsive to antipyretics / analgesia" is about the fever or the pain, not the child. "To fluids" is not
# listed (fluid-refractory shock).
@pytest.mark.parametrize("text,age", [
    ("my 4 year old has had a fever for 5 days unresponsive to antipyretics, red eyes, cracked lips", 4),
    ("my 2 year old has a fever, not responding to antipyretics, drinking well", 2),
    ("toddler with a sore ear unresponsive to analgesia, playing", 2),
])
def test_unresponsive_to_antipyretics_is_not_an_unresponsive_child(text, age):
    assert not ids(text, age=age) & UNRESPONSIVE, triage(text, age=age).reasons


@pytest.mark.parametrize("text,age", [
    ("my 2 year old is floppy and unresponsive", 2),
    ("my 6 month old has a fever and is not responding to me", 0),
    ("septic, blood pressure 70/40 unresponsive to fluids", 70),
])
def test_an_unresponsive_child_or_adult_still_fires(text, age):
    assert ids(text, age=age) & UNRESPONSIVE, triage(text, age=age).reasons
    check_level(text, "emergency", age=age)


# m026: no one under 16 drives (DVLA); an adult, or an unknown age, still fires.
@pytest.mark.parametrize("text,age", [
    ("my 6 year old snores and keeps nodding off while driving to school", 6),
    ("my 4 year old keeps falling asleep while driving to nursery, he snores", None),
    ("I nod off in the car when my husband is driving, every trip", None),
])
def test_a_child_or_passenger_falling_asleep_is_not_sleepy_driving(text, age):
    assert "sleepy_driving" not in ids(text, age=age), triage(text, age=age).reasons


@pytest.mark.parametrize("text,age", [
    ("I keep nodding off while driving, my wife says I snore", 45),
    ("I keep nodding off while driving, my wife says I snore", None),
    ("my teenage son keeps nodding off while driving home from college", 17),
    ("I dozed off while driving on the motorway, my wife in the passenger seat grabbed the wheel", 52),
])
def test_sleepy_driving_still_fires(text, age):
    check_level(text, "urgent", "sleepy_driving", age=age)


# Kept on purpose (docs/hazards/round_12_over_triage.md): tightenings before 37 weeks (NICE NG25; NHS: call the
# maternity unit when unsure) and a potassium under 3 with weakness (UK guidance: symptomatic = IV replacement).
@pytest.mark.parametrize("text,finding", [
    ("31 weeks pregnant, my bump keeps going tight now and then, not regular, doesn't hurt much",
     "preterm_contractions"),
    ("I'm 30 weeks and my bump keeps going hard, it stopped when I had a bath", "preterm_contractions"),
    ("on bendroflumethiazide, had diarrhoea, potassium 2.8 and my legs feel weak", "potassium_severely_low_with_symptoms"),
])
def test_kept_findings_still_fire(text, finding):
    check_level(text, "emergency", finding)


# Read by meaning only (the lead's code): the words-only safety net is quiet on these kinds.
@pytest.mark.parametrize("text,age,quiet,level", [
    ("breastfeeding, red hot sore patch on my breast, shivery, temp 38.5, been taking paracetamol", 30,
     {"overdose_poisoning", "paracetamol_excess"}, "urgent"),
    ("grazed my forearm on the door frame, skin flap, the bleeding stopped with pressure", 85,
     {"heavy_bleeding"}, "routine"),
])
def test_words_only_is_quiet_where_meaning_over_reads(text, age, quiet, level):
    assert not ids(text, age=age) & quiet, triage(text, age=age).reasons
    check_level(text, level, age=age)


@pytest.mark.parametrize("text,finding", [
    ("muffled hearing since this morning, no crackling and no popping when I swallow", "sudden_hearing_loss_wording"),
    ("I haven't had a sneezing fit, he had a fit and is still drowsy", "seizure"),
    ("fell on the stairs, can't weight bear, not able to bear weight at all", "injury_cannot_bear_weight_wording"),
])
def test_denied_unless_words_do_not_cancel(text, finding):
    assert finding in ids(text), triage(text).reasons


CHANGED = ("seizure", "major_trauma", "fever_baby", "unconscious_collapse", "child_very_unwell",
           "hot_agent_burn_blistered_limb", "sudden_hearing_loss_wording", "injury_cannot_bear_weight_wording",
           "sleepy_driving", "postnatal_intrusive_harm_thoughts_or_not_coping", "post_operative_wound_bleeding")


@pytest.mark.parametrize("fid", CHANGED)
def test_changed_findings_are_recorded_for_an_independent_check(fid):
    index = default_acuity_index()
    finding = index.library.by_id[fid]
    # checked in the independent check of round 12b (red-flag-reviewer-30, tests/test_red_flag_review_12b_check.py):
    # the pending_check replaced by checked_by; a pending_check left is the reviewer's own change
    assert finding.reviewed["checked_by"].startswith("red-flag-reviewer-30, 2026-12-01")
    assert "red-flag-author-29" not in finding.reviewed.get("pending_check", "")
    assert finding.reviewed["changed"]
    assert finding.source and len(finding.fires) >= 2 and len(finding.does_not_fire) >= 2
    for text in finding.fires:
        assert fid in {f["id"] for f in index.match(text, read_person(text))}, text
    for text in finding.does_not_fire:
        assert fid not in {f["id"] for f in index.match(text, read_person(text))}, text
