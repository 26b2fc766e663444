"""Independent check of review round 9 (over-triage, part B) by red-flag-reviewer-20 (emergency physician), of the
changes of red-flag-author-18 (docs/hazards/round_9_over_triage.md, "Independent check").

The author's `unless` words are qualifiers: they count from the start of the mention's clause to the END OF THE
SENTENCE. Several of them were general words ('waking up with headaches', 'front bottom', 'vaginal', 'anal',
'fissure', 'my bum', 'bilirubin normal', 'meconium day 1', 'first meconium', 'last pregnancy', 'what if') that also
stand in the same sentence as a real emergency. This check ties them to the mention (or makes them specific) and
tests both ways through ``triage.triage`` (words only). None of the sentences is a development-set text.
"""

from __future__ import annotations

import pytest
from conftest import check_level
from conftest import fired_ids as ids

from app.services.triage import triage

RANK = {"self_care": 0, "routine": 1, "urgent": 2, "emergency": 3}

# (text, expected level, a finding that must be among the reasons): each of these was missed (routine, or a level
# too low) with the author's words
FIRES = [
    # 'waking up with ...' reached the sentence end and cancelled every collapse / confusion word there
    ("My husband is not waking up, he has been waking up with headaches every morning this week", "emergency",
     "unconscious_collapse"),
    ("he collapsed in the kitchen and isn't breathing, he'd been waking up with headaches all week", "emergency",
     "unconscious_collapse"),
    ("She's unconscious on the floor, she kept waking up in pain last night", "emergency", "unconscious_collapse"),
    ("I found him unconscious, he'd been waking up with it every day", "emergency", "unconscious_collapse"),
    ("my wife is confused and drowsy, she's been waking up with headaches for a fortnight", "emergency",
     "new_confusion"),
    # 'she's' folds to "I'm": 'with pain' / 'with it' need 'at night' or 'any' to cancel
    ("she's not waking up even with pain", "emergency", "unconscious_collapse"),
    ("He's not waking up with a pain stimulus, GCS 6", "emergency", "unconscious_collapse"),
    ("he had a headache all day and now he's not waking up with it", "emergency", "unconscious_collapse"),
    # 'isn't waking up' was not read at all
    ("he isn't waking up", "emergency", "unconscious_collapse"),
    ("my 5 day old isn't waking up for feeds", "emergency", "new_confusion"),
    # jaundice: a past normal result does not explain a yellow mention now
    ("my eyes have gone yellow, my bilirubin was normal last year", "urgent", "jaundice"),
    ("I've gone yellow and itchy, my jaundice went away after my gallbladder op", "urgent", "jaundice"),
    ("My eyes have turned yellow again, I had jaundice years ago that resolved", "urgent", "jaundice"),
    ("My 5 day old's jaundice has gone up, the midwife wants a blood test", "urgent", "jaundice"),
    # a vaginal word elsewhere in the sentence is not the source of the blood in the poo
    ("My 4 year old daughter has bloody diarrhoea and her front bottom is really sore", "urgent",
     "child_bloody_diarrhoea"),
    ("my 3 year old girl has had bloody diarrhoea since yesterday, her front bottom is red and sore from it",
     "urgent", "bloody_diarrhoea_any_age"),
    ("I've had bloody diarrhoea 8 times today and some bleeding from my vagina as well", "urgent",
     "bloody_diarrhoea_any_age"),
    ("I've had bloody diarrhoea for 3 days, not sure if it's my withdrawal bleed", "urgent",
     "bloody_diarrhoea_any_age"),
    ("my 6 month old has redcurrant jelly poo, and a bit of vaginal discharge", "emergency",
     "redcurrant_jelly_stool"),
    ("My 9 month old daughter has blood and mucus in her nappy and keeps screaming, her vulva is red from nappy rash",
     "emergency", "redcurrant_jelly_stool"),
    # a bowel symptom beside real bleeding in early pregnancy (pain on opening the bowels: ectopic, NICE NG126)
    ("I'm 8 weeks pregnant and bleeding with clots, my anal fissure is also sore", "urgent", "pregnancy_bleeding"),
    ("I'm 9 weeks pregnant and bleeding, I've been straining on the toilet", "urgent", "pregnancy_bleeding"),
    ("I'm 7 weeks pregnant with spotting and pain in my bum when I open my bowels", "urgent",
     "early_pregnancy_bleeding_wording"),
    ("8 weeks pregnant, bleeding and cramping, and it hurts when I'm pooing", "urgent",
     "early_pregnancy_bleeding_wording"),
    # front bottom: the first group names the vagina; piles, history or a worry elsewhere do not cancel it
    ("34 weeks pregnant, bleeding from my front bottom, and my piles are sore too", "emergency",
     "later_pregnancy_bleeding_front_bottom_wording"),
    ("36 weeks pregnant and bleeding from my front bottom, I've been straining with constipation", "emergency",
     "later_pregnancy_bleeding_front_bottom_wording"),
    ("34 weeks pregnant and bleeding from my front bottom, I had placenta praevia in my last pregnancy", "emergency",
     "later_pregnancy_bleeding_front_bottom_wording"),
    ("30 weeks pregnant, bleeding from my front bottom, I had a cone biopsy years ago", "emergency",
     "later_pregnancy_bleeding_front_bottom_wording"),
    ("28 weeks pregnant and bleeding from my front bottom, what happens if it's the placenta", "emergency",
     "later_pregnancy_bleeding_front_bottom_wording"),
    ("12 weeks pregnant and bleeding from my front bottom, I had a miscarriage in my previous pregnancy", "urgent",
     "pregnancy_bleeding_front_bottom_wording"),
    ("12 weeks pregnant and bleeding from my front bottom, I'm scared, what if I'm losing the baby", "urgent",
     "pregnancy_bleeding_front_bottom_wording"),
    # meconium in labour said with a time or 'first'
    ("Meconium stained waters day 1 of induction, 40+10", "urgent", "waters_green_brown_or_smelly"),
    ("Meconium stained liquor within 24 hours of SROM", "urgent", "waters_green_brown_or_smelly"),
    ("This is my first baby and meconium is in my waters", "urgent", "waters_green_brown_or_smelly"),
    # repeated epistaxis on a blood thinner in other words
    ("On apixaban, intermittent epistaxis for 3 days, none today", "urgent",
     "anticoagulant_haematuria_or_repeated_nosebleeds"),
    ("on warfarin, epistaxis x 2 today", "urgent", "anticoagulant_haematuria_or_repeated_nosebleeds"),
    ("Epistaxis 3 times this week on rivaroxaban", "urgent", "anticoagulant_haematuria_or_repeated_nosebleeds"),
    ("on apixaban, epistaxis on and off for a week", "urgent", "anticoagulant_haematuria_or_repeated_nosebleeds"),
    # the author's clinical forms of a bleed still going (agreed)
    ("on warfarin, ongoing epistaxis for 45 minutes", "emergency", "anticoagulant_nosebleed_lasting"),
    ("Active epistaxis from the left nostril for 25 minutes", "emergency", "nosebleed_not_stopping"),
]

# (text, the level it must stay below, findings that must not fire): the benign wordings the author meant, and the
# over-triage this check found
QUIET = [
    ("Tension headaches most evenings after work, I'm not waking up with them", "emergency",
     {"new_confusion", "unconscious_collapse"}),
    ("I'm not waking up with pain at night, it's just stiff in the mornings", "emergency",
     {"new_confusion", "unconscious_collapse"}),
    ("my back hurts when I bend, I'm not waking up at night with it", "emergency",
     {"new_confusion", "unconscious_collapse"}),
    ("the pain is not waking me up at night", "emergency", {"new_confusion", "unconscious_collapse"}),
    ("my headaches are not waking me up", "emergency", {"new_confusion", "unconscious_collapse"}),
    ("the pain isn't waking me up", "emergency", {"new_confusion", "unconscious_collapse"}),
    ("Back ache for 3 weeks, it's not waking me up", "emergency", {"new_confusion", "unconscious_collapse"}),
    ("her jaundice has cleared up now", "urgent", {"jaundice"}),
    ("my 4 day old's bilirubin is normal now, her jaundice was fine at the check", "urgent", {"jaundice"}),
    ("Newborn girl, 5 days, a spot of blood in her nappy coming from her vagina, feeding well", "urgent",
     {"redcurrant_jelly_stool", "child_bloody_diarrhoea", "bloody_diarrhoea_any_age"}),
    ("10 weeks pregnant, bright red blood from my bum when I strain", "urgent",
     {"pregnancy_bleeding", "early_pregnancy_bleeding_wording"}),
    ("11 weeks pregnant, bleeding from my anus, I think it's piles", "urgent",
     {"pregnancy_bleeding", "early_pregnancy_bleeding_wording"}),
    ("30 weeks pregnant, bled from my front bottom with my first, fine so far this time", "urgent",
     {"later_pregnancy_bleeding_front_bottom_wording", "pregnancy_bleeding_front_bottom_wording"}),
    ("4 year old constipated, meconium within 24 hours of birth, no other problems", "urgent",
     {"waters_green_brown_or_smelly"}),
    ("2yo constipation. Passed meconium day 1. Normal growth", "urgent", {"waters_green_brown_or_smelly"}),
    ("On apixaban, one short epistaxis this week that settled in 2 minutes", "urgent",
     {"anticoagulant_haematuria_or_repeated_nosebleeds", "anticoagulant_nosebleed_lasting"}),
    ("On apixaban, intermittent epistaxis for 3 days, none today", "emergency",
     {"anticoagulant_nosebleed_lasting", "nosebleed_not_stopping"}),
    ("on apixaban, nosebleed for 3 days on and off", "emergency", {"anticoagulant_nosebleed_lasting"}),
    ("Ongoing epistaxis problems over the past few months, known HHT, seeing ENT next week", "urgent",
     {"nosebleed_not_stopping"}),
    ("ongoing epistaxis for 3 months, ENT referral", "urgent", {"nosebleed_not_stopping"}),
]


@pytest.mark.parametrize(("text", "level", "finding"), FIRES)
def test_real_presentations_fire_at_their_level(text, level, finding):
    check_level(text, level, finding)


@pytest.mark.parametrize(("text", "below", "findings"), QUIET)
def test_benign_wordings_stay_below_the_level(text, below, findings):
    result = triage(text)
    assert RANK[result.level] < RANK[below], (text, result.level, result.reasons)
    assert not findings & ids(text), (text, result.reasons)
