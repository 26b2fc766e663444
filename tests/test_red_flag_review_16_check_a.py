"""Round 16, check A: independent check by red-flag-reviewer-60 (emergency physician, 2026-12-01) of ten findings of
red-flag-author-49 in knowledge/red_flags/round_16.json (neutropenic sepsis felt as fluey / a low reading after
paracetamol, a measured slow pulse, trimethoprim with potassium-keeping drugs, posterior circulation stroke and
vertebral dissection, relapse of mania off treatment, a possible ectopic, cauda equina), plus the finding split off by
this check (sudden_vertigo_spinning_with_hoarse_voice_or_swallowing_trouble). Verdicts:
docs/hazards/round_16_check_a.md. Words only, the reviewer's own sentences (lay, misspelt, texting, shorthand).
"""

from __future__ import annotations

from conftest import finding_table_tests

CHEMO = "chemotherapy_fluey_shivery_or_fast_pulse"
CHEMO_37 = "chemotherapy_temperature_37_after_paracetamol"
SLOW_FAINT = "slow_pulse_under_50_near_faint_or_heavy_weak_legs"
SLOW_DIZZY = "slow_pulse_under_50_dizzy_or_weak"
TMP = "trimethoprim_with_ace_spironolactone_or_kidney_disease_weak_or_slow_pulse"
POSTERIOR = "sudden_vertigo_or_dizziness_with_double_vision_unsteady_walk_or_bulbar_signs"
BULBAR = "sudden_vertigo_spinning_with_hoarse_voice_or_swallowing_trouble"
NECK = "neck_injury_or_manipulation_then_vertigo_double_vision_or_unsteady"
MANIA = "mood_stabiliser_or_antipsychotic_stopped_with_manic_signs"
ECTOPIC = "possible_pregnancy_one_sided_pain_with_shoulder_tip_or_faint"
CES = "back_pain_or_sciatica_with_saddle_numbness_or_bladder_sensation_change"

# finding -> (level it must reach at least, age, [sentences that fire it])
FIRES = {
    CHEMO: ("emergency", 55, [
        "im on chemo n feel rly fluey and shivery",
        "had my 3rd round of chemo 8 days ago, feeling hot and cold",
        "on FOLFOX, day 10, rigors and HR 112",
        "my wife had chemo last week and now shes got the shivers",
        "had chemotherapy 9 days ago and I feel rough, achy all over",
        "I'm on chemo, feel fluey, no temperature but my pulse is 104",
        "lymphoma, had R-CHOP 10 days ago, shaking and teeth chattering",
        "on chemo tablets, my heart is racing and I feel off",
        # unless words that cancelled 'chemo' itself (bike / cycling, 'last year'): removed by this check
        "on chemo, I was cycling to the shop and now I feel shivery",
        "on chemo and went for a bike ride, now shivery",
        "diagnosed last year and on chemo since then, feeling shivery",
        "on chemo since last year for myeloma and I'm shivery",
        "on chemo and im freezing cold and cant get warm",
    ]),
    CHEMO_37: ("emergency", 55, [
        "on chemo, temp 37.8 even after I took paracetamol",
        "had docetaxel last wk, took 2 paracetamol, temp is now 37.4",
        "chemo pt, T 37.7 post paracetamol",
        "on chemo, had ibuprofen, thermometer says 37.9",
        "on chemo, my temp was 37.6 so I took paracetamol",
    ]),
    SLOW_FAINT: ("emergency", 75, [
        "dads heart rate is 40 and he collapsed",
        "HR 36, syncopal episode",
        "pulse 44 bpm, feel like im going to pass out",
        "pulse of 42 and short of breath",
        "my pulse is in the 40s and I fainted",
        "heart rate only 35 on my watch and I feel faint",
        "i run marathons but today my pulse is 34 and I fainted",
        "my pulse is only 38 and I keep nearly blacking out",
        "pulse 22 and I passed out",
    ]),
    SLOW_DIZZY: ("urgent", 70, [
        "pulse 44 and dizzy",
        "heart rate 46, tired all the time and lightheaded",
        "on bisoprolol, pulse down to 42, feeling wobbly",
        "bradycardic at 45, woozy",
        "heart rate 23 and dizzy",
    ]),
    TMP: ("emergency", 75, [
        "on ramipril, started trimethoprim on monday, now feel weak and my legs are like jelly",
        "mum has ckd and got trimethoprim for a uti, now shes floppy and weak",
        "spironolactone + septrin, palpitations and tingling",
        "trimethoprim for 4 days, I take losartan, pulse 44",
        "on candesartan, trimethroprim, can barely stand my legs are so weak",
        "allergic to penicillin so got trimethoprim, on ramipril, now legs like jelly",
    ]),
    POSTERIOR: ("emergency", 60, [
        "room started spinning and now im seeing double",
        "really dizzy, keep falling to one side and my speech is slurred",
        "dizzy n cant walk straight, not had any alcohol",
        "vertigo since this morning and I'm choking on drinks",
        "acute vertigo + dysarthria",
        "giddy and everything looks double",
        "had labyrinthitis last year but now the room is spinning and I see double",
        "dizzy and things look doubled, I work on screens all day",
    ]),
    BULBAR: ("emergency", 60, [
        "room spinning and my voice has gone hoarse",
        "sudden vertigo and trouble swallowing since this morning",
        "vertigo, hoarse voice, struggling to swallow",
    ]),
    NECK: ("emergency", 40, [
        "my osteopath clicked my neck and now im seeing double",
        "whiplash in a car crash yesterday, now vertigo",
        "chiro cracked my neck yesterday and now I'm unsteady on my feet with neck pain",
        "fell off the trampoline, hit my neck, now slurring",
        "had neck manipulation 2 days ago, dizzy and off balance",
    ]),
    MANIA: ("urgent", 35, [
        "my son stopped his lithium a month ago and hasn't slept for 4 nights, says he's going to be famous",
        "not taking my quetiapine anymore, racing thoughts and maxed out my credit card",
        "bipolar pt, stopped valproate 2/52 ago, pressured speech, no sleep for 3 nights",
        "she came off her meds and she's up all night cleaning and talking non stop",
        "husband stopped taking his lithium, he's manic",
        "stopped my lithium months ago and now I haven't slept for 3 nights and I've spent thousands",
    ]),
    ECTOPIC: ("emergency", 26, [
        "period is 2 weeks late, pain on my right side low down and I keep feeling faint",
        "missed my period, sharp pain lower left and pain in my shoulder when i lie down",
        "could be pregnant, RIF pain, presyncope",
        "condom broke 6 weeks ago, bad pain on the right and I went grey and clammy",
        "my period's late, left sided pain and diarrhoea, I collapsed on the loo, think its a tummy bug",
        "missed a few of my pills, pain low on the left and I nearly fainted",
    ]),
    CES: ("emergency", 45, [
        "my back is killing me and my bum is numb",
        "sciatica both legs, cant feel when i wipe my bum",
        "lower back pain, numb down below and I can't feel the urge to wee",
        "?CES - LBP with altered saddle sensation",
        # unless words that cancelled the back pain itself: removed or moved onto the numbness by this check
        "bad back for years but now numb when I wipe",
        "back pain since my operation, now numb between my legs",
        "back pain after cycling, now can't feel the toilet paper",
        "had an epidural 3 days ago, now back pain and numb down below",
    ]),
}

# finding -> (age, [look-alikes that must not fire it])
QUIET = {
    CHEMO: (55, [
        "my chemo finished 5 years ago, I feel fluey",
        "cycle 2 of IVF, feeling a bit shaky",
        "I had chemo in 2015 and I'm in remission, I feel fluey with a cold",
        "I'm starting chemo next week, shaky with nerves",
        "cycle 2 of clomid and I'm having hot and cold flushes",
        "on my second cycle of letrozole for fertility, feeling hot and cold",
        "first cycle of test and tren, heart racing",
        "second cycle of accutane, feel rough",
        "my dog is on chemo and I feel fluey",
        "my washing machine is on the spin cycle 2 and my heart is racing",
        "had chemo last year, feel fluey with a cold now",
    ]),
    CHEMO_37: (55, [
        "on chemo, temp 36.9, took paracetamol for a headache",
        "finished chemo last year, temp 37.2 after calpol",
        "cycle 2 of clomid, temp 37.1 after paracetamol",
    ]),
    SLOW_FAINT: (40, [
        "pulse 64, felt faint when I stood up",
        "I'm 45 and I fainted at the sight of blood",
        "had 40 winks and felt faint",
        "pulse 48 on my watch while asleep, no fainting or dizziness",
        "BP 140/45, feel faint",
        "waited 2 hr 45 mins in the queue and nearly fainted",
    ]),
    SLOW_DIZZY: (30, [
        "pulse 80, dizzy when I stand",
        "I'm 45 and feel dizzy",
        "my pulse is normal for me at 48, no dizziness",
        "45 minutes of dizziness after the rollercoaster",
        "I've been dizzy for 1 hr 30 mins after standing up too fast",
    ]),
    TMP: (75, [
        "on ramipril, trimethoprim for a UTI, no weakness, feeling better",
        "trimethoprim for my cystitis, the burning is weak now",
        "allergic to trimethoprim years ago, on lisinopril, feel weak with the flu",
        "on ramipril, took nitrofurantoin for a uti, feel weak",
    ]),
    POSTERIOR: (30, [
        "dizzy and slurring after 6 pints",
        "dizzy when I stand up, no double vision, walking fine",
        "bit dizzy with a cold, voice is hoarse from coughing",
        "sore throat, hoarse voice, feel a bit woozy",
        "tonsillitis, hard to swallow and a bit dizzy",
        "laryngitis, lost my voice, gone hoarse, and dizzy from not eating",
        "I get dizzy on the boat and seasick",
    ]),
    BULBAR: (30, [
        "sore throat, hoarse voice, feel a bit woozy",
        "tonsillitis, hard to swallow and a bit dizzy",
        "vertigo with a cold, hoarse voice from coughing, sore throat",
    ]),
    NECK: (40, [
        "went to the chiropractor for my back, feel great, no dizziness",
        "whiplash years ago, get vertigo when I roll over in bed",
        "went on a rollercoaster, felt off balance for a few seconds after",
        "stiff neck after sleeping funny, no dizziness",
    ]),
    MANIA: (35, [
        "stopped quetiapine for sleep, now not sleeping well",
        "came off lamotrigine for my fits, slept fine",
        "stopped my meds because of the side effects, feel flat, sleeping a lot",
        "stopped olanzapine, not sleeping because of the baby's night feeds",
        "stopped my blood pressure meds and my credit card bill is huge",
        "off my meds for a week, feeling wired from too much coffee",
        "stopped my meds, not sleeping with worry about work",
    ]),
    ECTOPIC: (26, [
        "left sided shoulder pain after the gym, period due next week",
        "missed a few days at work, pain on the right side of my neck and shoulder pain",
        "irregular periods with PCOS, right sided headache, felt faint in the heat",
        "period late, pain in my left knee, felt faint giving blood",
        "my periods are irregular, left side of my back aches, sitting on the toilet a lot with diarrhoea",
        "missed a few pills, right sided toothache, shoulder pain from carrying shopping",
    ]),
    CES: (45, [
        "back ache, peeing fine, no numbness when wiping",
        "sciatica, my foot goes numb when I sit",
        "backache from my period, normal sensation down below",
        "back pain, numb bum after sitting on a hard chair all day",
        "numb bum after a long drive, sore back",
    ]),
}

test_fires, test_look_alike_quiet = finding_table_tests(FIRES, QUIET, sex="female")
