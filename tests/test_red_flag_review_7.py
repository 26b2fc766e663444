"""Review round 7 of the acuity layer (docs/hazards/ed_discriminators_3.md), by red-flag-author-13 (emergency
physician; needs an independent check): emergencies that no rule caught in lay or third-person wording:

1. cardiac chest pain ("crushing tightness in the middle of my chest going into my arm"), angina at rest or not
   relieved by the spray, chest pain while sat in a chair (NICE CG95);
2. black, sticky, tar-like poos with feeling faint or on a blood thinner / NSAID (NICE CG141);
3. syncope with a startle or exertional trigger, a family history of sudden death, or a long QT (NICE CG109);
4. a burst abdominal wound after surgery;
5. postpartum psychosis told by a partner (NICE CG192).

Each finding is checked both ways through ``triage.triage`` (words only). The texts are this author's own wordings,
not development-set cases.
"""

from __future__ import annotations

import pytest
from conftest import fire_quiet_tests
from conftest import fired_ids as ids

from app.services.triage import triage

CASES_FIRE = {
    "cardiac_chest_pain_lay_wording": [
        "Sudden squeezing in the middle of my chest going down my left arm and I'm clammy",
        "crushing pain in my chest radiating to my jaw",
    ],
    # moved here by the independent check (the finding was split by its second feature)
    "cardiac_chest_pain_lay_wording_with_nausea_breathless_or_lasting": [
        "My husband has a heavy pressure across his chest and feels sick, started 40 minutes ago",
        "tightness right across my chest for over an hour, light headed",
    ],
    "angina_at_rest_or_not_relieved_wording": [
        "I've got angina and it came on three times today while I was sat in my chair",
        "My angina spray only takes the edge off and the pain keeps coming back",
        "Dad has angina, tonight it woke him up and the GTN isn't working",
    ],
    "chest_pain_at_rest_wording": [
        "Tight chest this evening while sat on the sofa, lasted 10 minutes",
        "Chest pain lying in bed, came on from nowhere",
        "pressure in my chest sitting at my desk doing nothing",
    ],
    "melaena_lay_wording_faint": [
        "my poos are black and sticky like tar and I nearly passed out getting up",
        "Her stools have been black for two days and she went grey and clammy",
        "black motions since yesterday and I'm dizzy",
    ],
    "melaena_lay_wording_on_blood_thinner_or_nsaid": [
        "On edoxaban, my poos have gone black like tar",
        "I've been taking diclofenac for weeks and my poo has been black since Monday",
        "He's on clopidogrel and his stools are black and sticky",
    ],
    "syncope_trigger_and_family_sudden_death": [
        "My daughter collapsed when the smoke alarm went off; her uncle died suddenly aged 32",
        "Teenage son blacked out at football training, his dad had a sudden cardiac death at 38",
        "She fainted when the phone rang, there is a family history of sudden death",
    ],
    "syncope_with_long_qt_or_known_inherited_heart_condition": [
        "Two faints this week, the ECG at the pharmacy said QTc 530ms",
        "He collapsed at school; the GP says his ECG shows a long QT",
        "I have Brugada and I passed out this morning",
    ],
    "syncope_startle_or_exertion_wording": [
        "Episodes of collapse whenever the doorbell goes, made her jump",
        "I passed out on a run yesterday",
        "My son blacked out at the gym, came round quickly",
    ],
    "syncope_family_sudden_death_wording": [
        "A sudden collapse at work, my sister died suddenly at 25",
        "Two funny turns this month, my brother dropped dead at 29",
        "Blackouts since Christmas, family history of sudden death",
    ],
    "surgical_wound_dehiscence": [
        "My dad's operation wound split open when he sneezed and there's something shiny pink",
        "Three days after my c-section the wound has burst and fluid is pouring out",
        "He had a laparotomy last week and now his bowel is coming out of the wound",
    ],
    "postpartum_psychosis_partner_wording": [
        "My wife gave birth 8 days ago, she says the baby is possessed and is talking really fast",
        "Since the birth my partner believes the baby was sent by the devil",
        "Our daughter was born 2 weeks ago and my wife is hearing voices telling her to hurt the baby",
    ],
}

CASES_QUIET = {
    "cardiac_chest_pain_lay_wording": [
        "chest pain when I press on it, a tightness across my chest since lifting boxes, no sweating",
        "ache in the middle of my chest when I press on my breastbone, feel fine otherwise",
        "Had crushing pain in my chest last year, now just a cold",
        "pain in the middle of my chest going up into my throat after a big meal",
    ],
    "angina_at_rest_or_not_relieved_wording": [
        "My angina comes on walking uphill and goes when I stop, the spray works",
        "I need a new GTN spray, mine has expired, no chest pain",
        "What should I do if my angina comes on at rest?",
    ],
    "chest_pain_at_rest_wording": [
        "No chest pain, I just feel tired sat in my chair",
        "chest pain when I press on it, sat in my chair",
        "I had chest pain lying in bed years ago, now fine",
    ],
    "melaena_lay_wording_faint": [
        "Black poo after iron tablets, feel a bit dizzy",
        "Black poo after blueberries, I'm fine",
        "my poo went black after bismuth, no dizziness",
    ],
    "melaena_lay_wording_on_blood_thinner_or_nsaid": [
        "On warfarin, black poo since starting iron tablets, no other symptoms",
        "I take aspirin, poo is normal, no black poos",
        "On apixaban, my poo was black after Pepto-Bismol",
    ],
    "syncope_trigger_and_family_sudden_death": [
        "I fainted at my blood test; my uncle died suddenly in an accident",
        "Loud bang made me jump, my grandad died suddenly at 88, I didn't faint",
        "I nearly fainted after running in the heat",
    ],
    "syncope_with_long_qt_or_known_inherited_heart_condition": [
        "My ECG showed a QTc of 420, never fainted",
        "I have long QT, no blackouts, here for a repeat prescription",
        "I fainted when I saw blood, ECG normal",
    ],
    "syncope_startle_or_exertion_wording": [
        "I felt faint after a run in the heat but didn't pass out",
        "She nearly fainted when the alarm went off",
        "I fainted years ago as a child while swimming",
    ],
    "syncope_family_sudden_death_wording": [
        "My grandad died suddenly in his 80s, I've never fainted",
        "I fainted giving blood, my mum has cancer",
        "My brother dropped dead at 40 and I'm feeling low, no blackouts",
    ],
    "surgical_wound_dehiscence": [
        "My op wound has opened a tiny bit at one end, no fluid",
        "Had surgery last week, wound healing well",
        "What should I do if my wound bursts open after my operation?",
    ],
    "postpartum_psychosis_partner_wording": [
        "My wife had our baby 5 days ago, she's barely slept and is tearful but making sense",
        "New mum asking what are the signs of postpartum psychosis",
        "Our 3 week old is a little devil at night, won't settle",
    ],
}


test_fires, test_quiet = fire_quiet_tests(CASES_FIRE, CASES_QUIET)


# The six development-set gaps, in this author's own words (not the dev texts).
@pytest.mark.parametrize("text", [
    "I had my baby six weeks ago. For the last 40 minutes there's been a crushing tightness in the middle of my chest "
    "spreading into my left arm, I'm pouring with sweat and feel sick. I'm 36 and I think I strained something.",
    "I take apixaban for a DVT. For two days my poos have been black and sticky like tar and smell foul, and I "
    "almost passed out when I got out of bed. I've been on naproxen for my back too.",
    "16-year-old boy, three blackouts this month, each when his phone alarm went off, with a few jerks and quick "
    "recovery. His father's brother died suddenly at 34. The practice ECG shows QTc 520 ms.",
    "I've had angina for years, normally only on hills, but today the tightness came on twice just sat in my "
    "chair, each lasting about 15 minutes, and the spray only takes the edge off.",
    "My wife had a bowel operation 10 days ago. When she coughed there was a gush of pink fluid from the wound, "
    "it's come wide open and there's something pink and shiny inside.",
    "My partner had our son a week ago. She's hardly slept for three nights, she's talking really fast and saying "
    "the baby is possessed and she has to fix him.",
])
def test_the_six_gaps_are_emergencies(text):
    result = triage(text)
    assert result.level == "emergency", result.reasons


# -- Independent check (red-flag-reviewer-14, emergency physician) -----------------------------------------------
# The reviewer's own sentences, both ways. Changes made: the cardiac chest pain finding split (nausea / breathless /
# dizzy / duration / rest now in cardiac_chest_pain_lay_wording_with_nausea_breathless_or_lasting, cancelled by reflux,
# cough, asthma and panic-attack wordings; radiation and sweating never cancelled by "indigestion"); the angina
# second group tied to the pain; iron and tar-on-a-shoe wordings for melaena; vasovagal contexts and real age
# limits for the syncope findings; the wound opening must be the wound's; new-parent worry no longer reads as psychosis.

REVIEW_FIRE = {
    "cardiac_chest_pain_lay_wording": [
        "tightness in the middle of my chest going down my arm, sweating, I thought it was indigestion",
        "squeezing pain in the middle of my chest and my left arm is heavy",
        "It feels like an elephant is sitting on my chest and I'm sweaty",
    ],
    "cardiac_chest_pain_lay_wording_with_nausea_breathless_or_lasting": [
        "heavy feeling across my chest, I feel sick and breathless, I'm 60",
        "crushing feeling in my chest for 20 minutes, won't go away",
    ],
    "angina_at_rest_or_not_relieved_wording": [
        "I've had 3 doses of GTN and the chest pain is still there",
        "I have angina and today it came on while I was sat watching telly",
        "My angina is bad today, it came on at rest",
        "Angina attacks three times today just sat on the sofa, each lasting 15 minutes",
    ],
    "melaena_lay_wording_faint": [
        "pooing black and I'm dizzy",
        "poo looks like tar and I went dizzy",
    ],
    "melaena_lay_wording_on_blood_thinner_or_nsaid": [
        "Black tar-like poo, on ibuprofen",
    ],
    "syncope_trigger_and_family_sudden_death": [
        "my son collapsed when someone startled him; there's long QT in the family",
        "I passed out when I was swimming, my dad died suddenly at 30",
    ],
    "syncope_with_long_qt_or_known_inherited_heart_condition": [
        "I have hypertrophic cardiomyopathy and I fainted",
    ],
    "syncope_startle_or_exertion_wording": [
        "collapsed during a 5k parkrun",
        "collapsed while jogging",
        "I blacked out while cycling",
    ],
    "syncope_family_sudden_death_wording": [
        "Had a funny turn in the heat, my brother has cardiomyopathy",
    ],
    "surgical_wound_dehiscence": [
        "My stitches have come undone and my tummy wound is gaping open",
        "Had my caesarean 6 days ago, the wound has gaped open and there's loads of fluid",
        "Post op, wound gaping, something poking out",
    ],
    "postpartum_psychosis_partner_wording": [
        "My girlfriend gave birth 2 weeks ago and hasn't slept for 3 days, she's saying strange things and thinks "
        "the TV is talking to her",
        "My wife had the baby 4 days ago and now she thinks the baby is not ours and the nurses swapped him",
    ],
}

REVIEW_QUIET = {
    "cardiac_chest_pain_lay_wording": [
        "I pulled a muscle at the gym, pain across my chest when I twist, and I'm sweating after the workout",
        "Pain in my breastbone where I bashed it on the car door, bruised",
    ],
    "cardiac_chest_pain_lay_wording_with_nausea_breathless_or_lasting": [
        "Heartburn: burning in the middle of my chest and I feel sick, had a big meal",
        "Ache across my chest from coughing so much with this cold, feeling sick",
        "Tightness across my chest with my asthma, wheezy and short of breath",
        "My husband had a heart attack 10 years ago; I have a tight feeling across my chest from this cough and feel sick",
    ],
    "angina_at_rest_or_not_relieved_wording": [
        "I have angina and a bad back, getting worse",
        "My angina is stable; I'm ringing about a rash getting worse",
        "I use my GTN spray before walking up hills, it works fine, sat down fine",
        "I have angina, fine at rest. Asking about my diet",
        "Angina. Question about my blood pressure tablets, I feel dizzy sitting down",
    ],
    "melaena_lay_wording_faint": [
        "my poos are black since I started the iron, and I'm lightheaded - I'm anaemic",
        "Black poo after liquorice, feel a bit light headed from the heat",
        "black poo after blueberries, dizzy",
    ],
    "melaena_lay_wording_on_blood_thinner_or_nsaid": [
        "I'm on warfarin; tar like stuff on my shoe",
        "my stools are dark green after spinach and I'm on aspirin",
        "I take aspirin daily. My poo is black since I started the iron tablets",
    ],
    "syncope_trigger_and_family_sudden_death": [
        "I fainted at the sight of blood; my dad had a heart attack at 45",
        "I fainted in a hot crowded room at the concert while dancing; my uncle died suddenly at 30",
    ],
    "syncope_startle_or_exertion_wording": [
        "I fainted in a hot crowded room at the concert while dancing",
        "I passed out after drinking at a party while dancing",
        "She fainted after the football match, didn't eat",
    ],
    "syncope_family_sudden_death_wording": [
        "I fainted and my grandad died suddenly of a heart attack aged 70",
        "I fainted, my grandad died suddenly aged 82",
        "My dad had a heart attack at 60 and I fainted in church",
    ],
    "syncope_with_long_qt_or_known_inherited_heart_condition": [
        "I fainted at the dentist when I saw the injection",
    ],
    "surgical_wound_dehiscence": [
        "I had my appendix out years ago; today I cut my hand and it's wide open",
        "I had a hernia operation, my eyes are wide open at night, can't sleep",
        "My stitches from the dog bite split open",
        "The wound is wide open, it's been packed by the district nurse after my abscess operation",
        "My c-section wound has opened slightly and is weeping",
    ],
    "postpartum_psychosis_partner_wording": [
        "I gave birth last week, I'm paranoid about SIDS and keep checking the baby",
        "I had my baby 6 weeks ago, racing thoughts about whether I'm a good mum",
        "My new baby is a little monkey, my husband is acting weird since he went back to work",
        "Had our baby a week ago, she's tearful and exhausted, baby blues",
        "New mum, baby is 2 weeks old and colicky, I'm exhausted, he cries like he's possessed",
    ],
}


@pytest.mark.parametrize("finding,text", [(f, t) for f, ts in REVIEW_FIRE.items() for t in ts])
def test_review_fires(finding, text):
    assert finding in ids(text), triage(text).reasons


@pytest.mark.parametrize("finding,text", [(f, t) for f, ts in REVIEW_QUIET.items() for t in ts])
def test_review_quiet(finding, text):
    assert finding not in ids(text), triage(text).reasons
