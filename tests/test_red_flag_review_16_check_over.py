"""Round 16: independent check by red-flag-reviewer-59 (emergency physician, 2026-12-01) of red-flag-author-50's
over-triage narrowings (knowledge/red_flags/round_16_over_triage.json and the pending changes to self_harm_act,
suicidal_thoughts, high_ketones_unwell, pregnancy_abdominal_pain, pregnancy_pain_and_bleeding and fainting).
Verdicts: docs/hazards/round_16_check_over.md. Words only, the reviewer's own sentences (lay, misspelt, texting,
clinician shorthand): the real emergencies that the new `unless` words had cancelled, and benign look-alikes.
"""

from __future__ import annotations

import pytest
from conftest import finding_table_tests

# finding -> (level it must reach at least, age, [sentences that fire it])
FIRES = {
    # lost emergencies of the self-harm narrowing: a suicidal word or a plan beside old / superficial marks
    "suicidal_words_beside_minor_self_harm_words": ("emergency", None, [
        "she has self-harm scratches and says she has a plan to die",
        "been self harming again, old scars on my arms, and she wants to die",
        "she wants to die, old scars from self-harm",
        "self harm scratches on her arms, she said she'd rather be dead",
        "pt 16F DSH superficial lacerations forearm, expressed SI with plan",
        "he has old scars and tried hanging himself last night",
        "i cut myself tonite, its not deep but i dont want to be here anymore",
    ]),
    # a new act of unknown depth beside old marks
    "self_harm_fresh_act_beside_old_marks": ("emergency", None, [
        "I cut my wrists tonight, I have scars from before",
        "I slit my wrist an hour ago, I have old scars",
        "started cutting again, the old ones are healing",
        "she's self harming again, old marks all over her arms",
    ]),
    "self_harm_with_serious_injury_words": ("emergency", None, [
        "I swallowed 30 paracetamol, I have old self harm scars",
        "she self harmed with scratches and then took some of her mum's tablets",
        "old self-harm scars, I took a whole packet of paracetamol",
        "self harmed, healed, but cut my thigh tonight and it's gaping",
    ]),
    "self_harm_old_or_superficial_marks": ("urgent", 15, [
        "teenager with old healed self harm scars, not suicidal, wants to talk to GP",
        "she's got superficial scratches from self harming last week, no thoughts of suicide",
        "my 14 yo has been self harming, scratches on her wrist, says she doesn't want to die",
        "old self harm scars, I want them looked at for laser treatment",
    ]),
    "suicidal_thoughts": ("emergency", None, [
        "she wants to die",
        "she said she'd rather be dead",
        "he tried hanging himself last night",
    ]),
    "self_harm_act": ("emergency", None, ["he tried hanging himself last night"]),
    # lost emergencies of the ketone narrowing: a rise, a meter HI, lay or misspelt DKA signs
    "ketones_with_vomiting_pain_or_drowsiness": ("emergency", None, [
        "ketones 1.6 this morning, now 3.2, sugar 24",
        "blood ketones are 1.2, now 3.1 after an hour",
        "DKA? ketones 1.7, vomitting, abdo pain",
        "blood ketones are 1.9 and she's got a tummy ache and is breathing really heavy",
        "T1D, ketones 1.8, sugars HI, feel really sick",
        "ketones are 1.3 but i keep puking and cant keep water down",
        "my ketones are 1.5 and my breath smells of pear drops and I'm so thirsty",
        "ketones 1.4 and rising despite extra insulin, sugar 20",
    ]),
    "blood_ketones_raised_value": ("urgent", None, [
        "type 1, ketones 1.3, sugar 16, had extra insulin, feel ok",
        "ketones of 2.1 on my meter, sugars 18, drinking fine",
        "I'm fasting for ramadan, ketones 1.1",
        "my blood ketones are 1.1, I'm drinking well and not vomiting, sugars are going down",
    ]),
    # pregnancy: early one-sided pain still an ectopic; later pain with fever, vomiting, burning or worsening
    "pregnancy_pain_one_sided_under_16_weeks": ("emergency", None, [
        "pregnant 15 weeks, one sided pain",
        "pregnant 6wks, one-sided pain, lasts seconds when i walk",
        "I'm 8 weeks pregnant, sharp pain low on one side for a few seconds when I move, and my shoulder tip hurts",
    ]),
    "pregnancy_pain_and_bleeding": ("emergency", None, [
        "20 weeks pregnant, round ligament pain the midwife said, but now my bump is rock hard and I'm bleeding",
        "fainted after standing for ages, I'm 26 and pregnant, my tummy hurts on one side",
    ]),
    "pregnancy_pain_with_fever_vomiting_burning_or_worsening": ("urgent", None, [
        "22 weeks pregnant with round ligament pain in my side and I'm being sick and have a fever",
        "I'm 24 weeks pregnant, I think it's round ligament pain but my tummy hurts all the time now and I feel hot and shivery",
        "24 weeks pregnant, pain in my side for a few seconds when I cough, I've been vomiting and have a temperature",
        "20 weeks pregnant, pain low down for a few seconds when I move and it's getting worse and worse",
        "I'm 26 weeks pregnant, tummy pain for a few seconds when I walk, it's now constant",
        "26 weeks, pain in my side for a few seconds when I pee and it burns",
    ]),
    "pregnancy_abdominal_pain": ("urgent", None, [
        "I'm 24 weeks pregnant, I think it's round ligament pain but my tummy hurts all the time now and I feel hot and shivery",
    ]),
    # fainting after standing: what the standing words had quieted
    "faint_after_standing_with_diabetes_pregnancy_or_recurrence": ("urgent", None, [
        "she fainted after standing for ages and she's diabetic and her sugar was 2.1",
        "7 weeks pregnant and I fainted after standing for ages",
        "I fainted after standing for ages, it keeps happening, third time this week",
        "type 1 on insulin, passed out after standing for a long time at the bus stop",
    ]),
    "chest_pain_collapse": ("emergency", None, [
        "I fainted after standing for ages at the concert, I had a crushing pain in my chest afterwards",
    ]),
    "palpitations_with_faint_or_pain": ("emergency", None, [
        "I passed out after standing for a long time, my heart was pounding and skipping",
    ]),
    "fainting_age_65_or_over": ("urgent", None, [
        "he fainted after standing for a long time at the bus stop, he's 67",
    ]),
}

# finding -> (age, [benign look-alikes that must not fire it])
QUIET = {
    "suicidal_words_beside_minor_self_harm_words": (None, [
        "she has a safety plan, old self harm scars, not suicidal",
        "we made a plan with CAMHS, she self harmed last month, the cuts have healed",
        "old self-harm scars, she's got a care plan with the GP",
    ]),
    "self_harm_with_serious_injury_words": (None, [
        "my daughter has old self-harm scars, she takes tablets for her anxiety",
        "old self harm scars, she takes painkillers for period pain",
        "she self harmed last year, old scars, she's on the pill",
    ]),
    "self_harm_fresh_act_beside_old_marks": (None, [
        "I self harmed tonight, just superficial scratches, not suicidal",
        "old self harm scars, they have healed, I noticed them last week",
        "I cut my wrist on a broken glass last night, I have old scars",
    ]),
    "suicidal_thoughts": (None, [
        "my dad has terminal cancer and wants to die at home",
        "I want to die my hair purple lol",
        "the cat scratches on my arm are healing",
    ]),
    "ketones_with_vomiting_pain_or_drowsiness": (None, [
        "ketones 1.2 this morning, my sugars are going up a bit, feel fine",
        "my ketones are 1.2 on my keto diet and I've got a tummy ache",
        "my blood ketones are 1.1, I'm drinking well and not vomiting",
    ]),
    "pregnancy_pain_with_fever_vomiting_burning_or_worsening": (None, [
        "I'm 19 weeks pregnant and I get a sharp stabbing pain low on one side of my bump for a few seconds when I stand up quickly, no bleeding, no fever",
        "24 weeks pregnant, sharp twinge low on the left for a few seconds when I get up, no fever, not being sick",
        "I'm 30 weeks pregnant with heartburn and a burning pain after meals",
    ]),
    "faint_after_standing_with_diabetes_pregnancy_or_recurrence": (None, [
        "I fainted after standing for ages in the queue, I'm not diabetic",
        "my diabetic mum has never fainted",
        "I fainted after standing for ages in a hot queue, felt sick first, back to normal straight away",
    ]),
}

test_fires, test_look_alike_quiet = finding_table_tests(FIRES, QUIET, sex="female")

# Benign presentations the narrowings were written for keep their level (no emergency).
BENIGN = [
    ("teenager with old healed self harm scars, not suicidal, wants to talk to GP", 15, "urgent"),
    ("my daughter has old self-harm scars, she takes tablets for her anxiety", 15, "urgent"),
    ("she has a safety plan, old self harm scars, not suicidal", 15, "urgent"),
    ("type 1, ketones 1.3, sugar 16, had extra insulin, feel ok", 30, "urgent"),
    ("I'm 19 weeks pregnant and I get a sharp stabbing pain low on one side of my bump for a few seconds when I stand "
     "up quickly, no bleeding, no fever", 28, "routine"),
    ("I fainted after standing for ages in the queue, I'm not diabetic", 22, "routine"),
    ("my dad has terminal cancer and wants to die at home", None, "routine"),
]


@pytest.mark.parametrize("text,age,level", BENIGN)
def test_benign_presentation_keeps_its_level(text, age, level):
    from app.services.triage import triage

    assert triage(text, age=age, sex="female").level == level, text
