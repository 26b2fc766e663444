"""Review round 9 (over-triage), by red-flag-author-18 (emergency physician; needs an independent check):
benign descriptions that fired a red flag wrongly (docs/hazards/round_9_over_triage.md).

* "I'm not waking up with them" (a headache that does not wake the writer) read as unconsciousness / confusion;
* a newborn girl's withdrawal bleed ("blood and mucus in her nappy from her front bottom") read as redcurrant-jelly
  stool, and "her jaundice was checked and was fine" as jaundice;
* "meconium passed within 24 h" in a child's birth history read as meconium-stained waters;
* bright red blood on the paper after straining (piles) in pregnancy read as vaginal bleeding;
* a single epistaxis that stopped, on a blood thinner, read as "nosebleeds that keep coming back".

Each narrowed finding is checked both ways through ``triage.triage`` (words only, no served model): the author's own
sentences of the real presentation still fire at the right level, the benign look-alikes stay below it. None of the
sentences is a development-set text.
"""

from __future__ import annotations

import pytest
from conftest import check_level
from conftest import fired_ids as ids

from app.services.acuity import default_acuity_index, read_person
from app.services.triage import triage

RANK = {"self_care": 0, "routine": 1, "urgent": 2, "emergency": 3}

# (text, age, sex, expected level, a finding that must be among the reasons)
FIRES = {
    "not_waking_up": [
        ("my mum is not waking up", 80, "female", "emergency", "unconscious_collapse"),
        ("he's not waking up even with me shaking him", 60, "male", "emergency", "unconscious_collapse"),
        ("he has had a bad headache all day and now he's not waking up", 45, "male", "emergency", "new_confusion"),
        ("my son took a load of tablets and he's not waking up with us shouting at him", 17, "male", "emergency",
         "unconscious_collapse"),
        ("my baby is not waking up for feeds and is floppy", 0, "male", "emergency", "new_confusion"),
    ],
    "redcurrant_jelly": [
        ("my 9 month old has blood and mucus in his nappy and keeps drawing his legs up screaming", 0, "male",
         "emergency", "redcurrant_jelly_stool"),
        ("My 10 month old daughter has blood and mucus in her nappy from her bottom, not from her vagina", 0, "female",
         "emergency", "redcurrant_jelly_stool"),
        ("My 3 day old girl has blood and mucus in her nappy mixed in with the poo, and she's not feeding", 0,
         "female", "emergency", "redcurrant_jelly_stool"),
        ("my 8 month old has redcurrant jelly poo, not from her front bottom", 0, "female", "emergency",
         "redcurrant_jelly_stool"),
    ],
    "nappy_blood": [
        ("my 5 day old girl has blood in her nappy mixed in her poo", 0, "female", "urgent", "child_bloody_diarrhoea"),
        ("There's blood in the nappy, in her runny poo, not from her front bottom", 0, "female", "urgent",
         "bloody_diarrhoea_any_age"),
    ],
    "jaundice": [
        ("Her jaundice was checked on day 3 and was fine, but now at 3 weeks she's still yellow", 0, "female", "urgent",
         "jaundice"),
        ("my 2 day old is jaundiced and the midwife is coming to check the level", 0, "male", "urgent", "jaundice"),
        ("my eyes have gone yellow, my liver bloods were checked last year and were fine", 45, "male", "urgent",
         "jaundice"),
    ],
    "meconium_waters": [
        ("39 weeks, I think the baby has passed meconium, the waters are green", 30, "female", "urgent",
         "waters_green_brown_or_smelly"),
        ("Waters broke an hour ago with meconium in them, it's a boy", 30, "female", "urgent",
         "waters_green_brown_or_smelly"),
        ("meconium-stained waters on day 2 of my induction", 30, "female", "urgent", "waters_green_brown_or_smelly"),
        ("meconium-stained waters within the last hour, 39 weeks", 30, "female", "urgent",
         "waters_green_brown_or_smelly"),
        ("38+2, SROM at 0400, meconium stained liquor grade 2", 30, "female", "urgent", "waters_green_brown_or_smelly"),
        ("My waters went and they're green, my son is 3 and at nursery", 30, "female", "urgent",
         "waters_green_brown_or_smelly"),
    ],
    "pregnancy_bleeding": [
        ("I'm 10 weeks pregnant and spotting, no pain", 30, "female", "urgent", "pregnancy_bleeding"),
        ("30 weeks pregnant, bright red blood when I wipe after a wee", 30, "female", "emergency",
         "later_pregnancy_bleeding"),
        ("33 weeks pregnant, bright red bleeding from my vagina, no pain", 30, "female", "emergency",
         "later_pregnancy_bleeding"),
        ("36 weeks, I've had piles for weeks. Today I'm bleeding bright red from my vagina", 30, "female",
         "emergency", "later_pregnancy_bleeding"),
        # 'from my bottom' in the old findings' unless also matched 'from my front bottom': the new wording findings
        ("34 weeks pregnant and I'm bleeding from my front bottom, bright red", 30, "female", "emergency",
         "later_pregnancy_bleeding_front_bottom_wording"),
        ("I'm 28 weeks pregnant and there's blood from my front bottom, no pain", 30, "female", "emergency",
         "later_pregnancy_bleeding_front_bottom_wording"),
        ("I'm 8 weeks pregnant and bleeding from my front bottom", 30, "female", "urgent",
         "pregnancy_bleeding_front_bottom_wording"),
        ("Pregnant with my second, there's some blood coming from my front bottom this morning", 30, "female",
         "urgent", "pregnancy_bleeding_front_bottom_wording"),
    ],
    "anticoagulant_epistaxis": [
        ("on warfarin, epistaxis x3 this week, each stopped with pressure", 70, "female", "urgent",
         "anticoagulant_haematuria_or_repeated_nosebleeds"),
        ("Dad's on apixaban, recurrent epistaxis, four episodes since Sunday", 80, "male", "urgent",
         "anticoagulant_haematuria_or_repeated_nosebleeds"),
        ("72F on edoxaban, second epistaxis today", 72, "female", "urgent",
         "anticoagulant_haematuria_or_repeated_nosebleeds"),
        ("on apixaban, epistaxis for 40 minutes despite pressure", 70, "male", "emergency",
         "anticoagulant_nosebleed_lasting"),
        ("On edoxaban, ongoing epistaxis from the right nostril, feel faint", 70, "male", "emergency",
         "anticoagulant_nosebleed_lasting"),
        ("45M, anterior epistaxis, still bleeding despite 20 min of pressure", 45, "male", "emergency",
         "nosebleed_not_stopping"),
    ],
}

# (text, age, sex, the level it must stay below, findings that must not fire)
QUIET = {
    "not_waking_up": [
        ("Tension headaches most evenings after work, I'm not waking up with them", 30, "female", "emergency",
         {"new_confusion", "unconscious_collapse"}),
        ("headaches in the evenings, not waking up at night with them, no sickness", 27, "female", "emergency",
         {"new_confusion", "unconscious_collapse"}),
        ("headache every day from screens, im not waking up with a headache though", 35, "male", "emergency",
         {"new_confusion", "unconscious_collapse"}),
        ("my back aches, I'm not waking up in pain, it eases when I walk", 35, "female", "emergency",
         {"new_confusion", "unconscious_collapse"}),
        ("I'm tired all the time and not waking up refreshed", 35, "female", "emergency",
         {"new_confusion", "unconscious_collapse"}),
        ("weak stream, not waking up to pee at night", 60, "male", "emergency", {"new_confusion", "unconscious_collapse"}),
    ],
    "newborn_withdrawal_bleed": [
        ("my 4 day old girl has a bit of blood and mucus in her nappy from her vagina, feeding well", 0, "female",
         "urgent", {"redcurrant_jelly_stool", "child_bloody_diarrhoea", "bloody_diarrhoea_any_age"}),
        ("newborn daughter, 6 days, blood-stained mucus in her nappy coming from her front bottom, like a mini period",
         0, "female", "urgent", {"redcurrant_jelly_stool", "child_bloody_diarrhoea", "bloody_diarrhoea_any_age"}),
        ("1 week old, pinkish blood and mucus in her nappy from her front passage, not her bum", 0, "female",
         "urgent", {"redcurrant_jelly_stool", "child_bloody_diarrhoea", "bloody_diarrhoea_any_age"}),
        ("3 day old girl, a spot of blood in her nappy from her vulva, otherwise well", 0, "female", "urgent",
         {"redcurrant_jelly_stool", "child_bloody_diarrhoea", "bloody_diarrhoea_any_age"}),
    ],
    "jaundice_checked_fine": [
        ("her jaundice was checked by the midwife and it was fine, feeding well", 0, "female", "urgent", {"jaundice"}),
        ("The midwife checked his jaundice yesterday and the level was normal", 0, "male", "urgent", {"jaundice"}),
        ("the midwife checked her jaundice this morning and said it was fine", 0, "female", "urgent", {"jaundice"}),
        ("my 6 day old's bilirubin was normal on the heel prick, feeding well", 0, "male", "urgent", {"jaundice"}),
        ("his jaundice has gone away, feeding well", 0, "male", "urgent", {"jaundice"}),
    ],
    "meconium_history": [
        ("3 year old boy, constipated for months, meconium passed on day 1, no red flags", 3, "male", "urgent",
         {"waters_green_brown_or_smelly"}),
        ("Toddler with hard poos; birth history normal, passed meconium within 24 hours", 2, "male", "urgent",
         {"waters_green_brown_or_smelly"}),
        ("5F constipation, BO every 5 days, passed meconium at 12 hours, normal spine", 5, "female", "urgent",
         {"waters_green_brown_or_smelly"}),
        ("10 month old, hard stools since starting solids, no delayed passage of meconium", 0, "male", "urgent",
         {"waters_green_brown_or_smelly"}),
        ("my 2 day old passed his first meconium and urine today, feeding well", 0, "male", "urgent",
         {"waters_green_brown_or_smelly"}),
        ("7M chronic constipation; PMH meconium ileus, CF negative, now soiling", 7, "male", "urgent",
         {"waters_green_brown_or_smelly"}),
    ],
    "piles_in_pregnancy": [
        ("32 weeks pregnant, itchy bottom and bright red blood on the loo roll after straining", 30, "female",
         "urgent", {"pregnancy_bleeding", "early_pregnancy_bleeding_wording", "later_pregnancy_bleeding"}),
        ("Pregnant, PR bleeding with a perianal lump, no PV loss", 30, "female", "urgent",
         {"pregnancy_bleeding", "early_pregnancy_bleeding_wording", "later_pregnancy_bleeding"}),
        ("30 weeks pregnant, sore itchy bum and bright red blood on the tissue after straining", 30, "female",
         "urgent", {"pregnancy_bleeding", "early_pregnancy_bleeding_wording", "later_pregnancy_bleeding"}),
        ("9 weeks pregnant, constipated, some fresh blood when I wipe after a poo", 30, "female", "urgent",
         {"pregnancy_bleeding", "early_pregnancy_bleeding_wording"}),
        ("31 weeks pregnant, bright red blood on the paper from my anal fissure when I go for a poo", 30, "female",
         "urgent", {"pregnancy_bleeding", "early_pregnancy_bleeding_wording", "later_pregnancy_bleeding"}),
        ("30 weeks pregnant, blood on the paper from my piles when I poo, not from my front bottom", 30, "female",
         "urgent", {"later_pregnancy_bleeding_front_bottom_wording", "pregnancy_bleeding_front_bottom_wording"}),
    ],
    "single_epistaxis_on_anticoagulant": [
        ("68F on apixaban, one anterior epistaxis after sneezing, settled with pressure, first episode", 68, "female",
         "urgent", {"anticoagulant_haematuria_or_repeated_nosebleeds", "anticoagulant_nosebleed_lasting",
                    "nosebleed_not_stopping"}),
        ("on apixaban, had an epistaxis, stopped after 10 mins, first one ever", 70, "male", "urgent",
         {"anticoagulant_haematuria_or_repeated_nosebleeds", "anticoagulant_nosebleed_lasting",
          "nosebleed_not_stopping"}),
        ("On rivaroxaban for a DVT, epistaxis for 5 minutes, stopped with pinching, no rebleed", 55, "female",
         "urgent", {"anticoagulant_haematuria_or_repeated_nosebleeds", "anticoagulant_nosebleed_lasting",
                    "nosebleed_not_stopping"}),
        ("I have uncontrolled blood pressure and had an epistaxis this morning, stopped after 5 minutes", 60, "male",
         "emergency", {"nosebleed_not_stopping"}),
    ],
}


@pytest.mark.parametrize(("text", "age", "sex", "level", "finding"),
                         [case for cases in FIRES.values() for case in cases])
def test_real_presentations_still_fire_at_their_level(text, age, sex, level, finding):
    check_level(text, level, finding, age=age, sex=sex)


@pytest.mark.parametrize(("text", "age", "sex", "below", "findings"),
                         [case for cases in QUIET.values() for case in cases])
def test_benign_look_alikes_stay_below_the_level(text, age, sex, below, findings):
    result = triage(text, age=age, sex=sex)
    assert RANK[result.level] < RANK[below], (text, result.level, result.reasons)
    assert not findings & ids(text, age=age, sex=sex), (text, result.reasons)


@pytest.mark.parametrize("text", [
    "my mum is not waking up",
    "she's not waking up and she's breathing oddly",
    "My 3 day old girl has blood and mucus in her nappy mixed in with the poo, and she's not feeding",
])
def test_denied_or_other_words_do_not_cancel(text):
    assert triage(text).level == "emergency", triage(text).reasons


def test_denied_vaginal_source_does_not_cancel_redcurrant_jelly():
    assert "redcurrant_jelly_stool" in ids("blood and mucus in her nappy, it's not from her vagina, she's screaming")


# == the records of what changed ======================================================================================

CHANGED = ("new_confusion", "unconscious_collapse", "redcurrant_jelly_stool", "child_bloody_diarrhoea",
           "bloody_diarrhoea_any_age", "jaundice", "waters_green_brown_or_smelly", "pregnancy_bleeding",
           "early_pregnancy_bleeding_wording", "anticoagulant_haematuria_or_repeated_nosebleeds",
           "anticoagulant_nosebleed_lasting", "nosebleed_not_stopping")
ADDED = ("pregnancy_bleeding_front_bottom_wording", "later_pregnancy_bleeding_front_bottom_wording")


@pytest.mark.parametrize("fid", CHANGED + ADDED)
def test_round_9b_findings_keep_examples_and_are_marked_for_a_check(fid):
    index = default_acuity_index()
    finding = index.library.by_id[fid]
    assert finding.source and len(finding.fires) >= 2 and len(finding.does_not_fire) >= 2
    # checked in the independent check of round 9b (red-flag-reviewer-20, tests/test_red_flag_review_9b_check.py):
    # the pending_check moved into `by`
    assert "red-flag-author-18" in finding.reviewed["by"]
    assert "independently checked: red-flag-reviewer-20" in finding.reviewed["by"]
    assert "needs an independent check" not in finding.reviewed["by"]
    assert "red-flag-author-18" not in finding.reviewed.get("pending_check", "")
    for text in finding.fires:
        assert fid in {f["id"] for f in index.match(text, read_person(text))}, text
    for text in finding.does_not_fire:
        assert fid not in {f["id"] for f in index.match(text, read_person(text))}, text
