"""Review round 15 of the acuity layer (docs/hazards/round_15.md), by red-flag-author-47 (emergency physician;
needs an independent check): under-triage gaps of a fresh development set (a penetrating eye injury, an infected or
broken-down perineal wound after birth, cloudy peritoneal dialysis fluid, a bleeding dialysis fistula, acute
pulmonary oedema, metastatic spinal cord compression, a pulled elbow, nosebleeds on a blood thinner, a surgical wound
infection, eczema herpeticum, a Bartholin's abscess, fever after travel to a malaria area, mpox, acute mesenteric
ischaemia). Each gap is checked both ways through ``triage.triage`` (words only); the sentences are the author's own.
"""

from __future__ import annotations

from conftest import finding_table_tests, gap_tests

# gap -> (level, {findings any of which may carry it}, [firing sentences], [benign look-alikes that must stay below])
TABLE = {
    "1 penetrating eye injury": ("emergency", {"eye_injury_with_misshapen_pupil_cut_globe_or_vision_change",
                                               "penetrating_eye_injury_named", "high_speed_eye_injury",
                                               "penetrating_eye_injury"}, [
        "Knocking a rusty bolt with a hammer, a bit flew into my eye, now it's blurry and the pupil is a funny shape",
        "using an angle grinder with no goggles, somethin hit my eye and it wont stop hurting",
        "33M, high velocity injury to R eye while chiselling, peaked pupil, Seidel +ve",
        "the optician says it's a penetrating eye injury",
    ], [
        "grit blew in my eye at the beach, rinsed it out and it's fine now",
        "I've had a teardrop-shaped pupil since my cataract operation years ago",
        "hammering in fence posts all day, my shoulder aches and my eyes are tired",
    ]),
    "2 perineal wound after birth": ("urgent", {"after_birth_perineal_wound_infection_or_breakdown",
                                                "post_operative_wound_infection_wording"}, [
        "Gave birth 8 days ago, the stitches down below are getting more painful and there's a smelly discharge",
        "my episiotomy scar feels like it's coming apart and its oozing",
        "day 10 postnatal, perineal wound breakdown, 37.8",
    ], [
        "had my son 6 weeks ago, the stitches down below have healed, just a bit tender when I sit",
        "two weeks after the birth, how do I look after my perineal stitches?",
    ]),
    "3 cloudy peritoneal dialysis fluid": ("urgent", {"peritoneal_dialysis_cloudy_fluid"}, [
        "I'm on peritoneal dialysis and the fluid I drained this morning is cloudy",
        "Dad does PD overnight on a cycler, the drain bag is milky and he has tummy ache and shivers",
        "CAPD pt, turbid effluent, abdo pain, T 38.2",
    ], [
        "on peritoneal dialysis, the drained fluid is clear and I feel well",
        "on PD, the nurse said to watch for a cloudy bag, all clear so far",
        "cloudy wee this morning, no dialysis",
    ]),
    "4 bleeding dialysis fistula": ("emergency", {"dialysis_fistula_or_graft_bleeding_not_stopping", "heavy_bleeding"}, [
        "My fistula is bleeding after dialysis and it won't stop even pressing hard",
        "blood squirting out of the AV fistula in my arm",
        "AVF needle site bleeding for 30 minutes despite pressure",
    ], [
        "a little ooze from my fistula needle site after dialysis, stopped after a few minutes of pressure",
        "anal fistula leaking a bit of discharge",
    ]),
}
TABLE.update({
    "5 acute pulmonary oedema": ("emergency", {"acute_breathlessness_cannot_lie_flat", "pulmonary_oedema_signs",
                                               "woke_gasping_or_drowning_lying_down", "sudden_breathlessness"}, [
        "My husband has heart failure, he is sat on the edge of the bed gasping and can't lie flat",
        "suddenly cant breathe when I lie down, coughing up pink frothy spit",
        "HF, acute SOB, orthopnoeic, pink frothy sputum",
    ], [
        "heart failure, I've slept on three pillows for years, breathless on hills as usual",
        "I can't lie flat because of my reflux, breathing is fine",
    ]),
    "6 metastatic spinal cord compression": ("emergency", {"cancer_spinal_pain_with_leg_weakness_numbness_or_bladder_change",
                                                           "cancer_back_pain_neuro", "cancer_cord_compression_neuro",
                                                           "cord_compression_band_or_bladder"}, [
        "I have prostate cancer which has gone to my bones, my back is killing me and my legs have gone wobbly",
        "Mum has breast cancer with spread to the spine, neck pain and she keeps tripping",
        "lung ca with bone mets, thoracic back pain, new numbness in both legs and can't hold her wee",
    ], [
        "I have prostate cancer and back pain, but I'm walking fine and peeing normally",
        "my dad had bowel cancer; I have back pain after lifting and my legs ache after a long walk",
    ]),
    "7 child not using an arm (pulled elbow)": ("urgent", {"child_not_using_arm_or_leg_after_pull_or_injury"}, [
        "my 2 year old won't use her arm since her brother pulled her up by the hand",
        "swung my toddler round by his arms and now he's not using his left arm",
        "my 5 year old fell off the climbing frame and won't move her arm",
    ], [
        "my 3 year old bumped her arm on the table but is using it to play and eat",
        "my 4 year old won't use his left hand to draw, he's right handed",
    ]),
    "8 nosebleeds on a blood thinner (repeated or long)": ("urgent", {"anticoagulant_nosebleed_repeated_or_long_wording",
                                                                       "anticoagulant_haematuria_or_repeated_nosebleeds",
                                                                       "anticoagulant_blood_in_urine_or_nosebleed",
                                                                       "anticoagulant_nosebleed_lasting"}, [
        "I'm on rivaroxaban and my nose has been bleeding on and off all day",
        "on apixaban, 3 nose bleeds today, each one about 15 minutes",
        "takes clopidogrel, nosebleads several times this week",
    ], [
        "nosebleed after picking my nose, stopped in two minutes, on no tablets",
        "I get nose bleeds in the dry weather, not on any medicines",
    ]),
    "8 nosebleed not stopping after 20 minutes": ("emergency", {"nosebleed_not_stopping", "anticoagulant_nosebleed_lasting",
                                                               "anticoagulant_bleeding", "nosebleed_heavy_or_faint"}, [
        "on warfarin, my nose has been bleeding for 25 mins and won't stop even pinching it",
        "apixaban, epistaxsis for 30 min despite pressure",
        "on edoxaban, nosebleed still going after 20 minutes of pinching",
    ], [
        "on apixaban, a nosebleed this morning that stopped in 5 minutes",
        "on warfarin, had a nosebleed last year that lasted ages, fine since",
    ]),
})
TABLE.update({
    "9 surgical wound infection": ("urgent", {"wound_infection_after_operation_cut_or_belly_button",
                                              "post_operative_wound_infection_wording", "post_surgery_warning",
                                              "infected_wound_spreading"}, [
        "Had my hip replacement 10 days ago and the wound is red, hot and hard with cloudy stuff coming out",
        "post-op day 6 lap chole, wound erythema spreading, purulent ooze",
        "c section two weeks ago, the scar is opening up and smells",
    ], [
        "hernia op 4 weeks ago, the wound has healed nicely",
        "How do I look after the wound after my operation next week?",
    ]),
    "10 eczema herpeticum": ("urgent", {"eczema_herpeticum", "eczema_herpeticum_near_the_eye"}, [
        "my 3 year old has eczema and it's suddenly got much worse and sore with clustered blisters and a fever",
        "eczema flare, punched out sores on her neck and she's hot",
        "atopic, crusted erosions spreading on the arms, temp 38",
    ], [
        "my eczema is dry and itchy on my elbows as usual",
        "eczema on my hands with tiny itchy blisters every summer, the GP said pompholyx",
    ]),
    "10 eczema herpeticum near the eye": ("emergency", {"eczema_herpeticum_near_the_eye"}, [
        "my son has eczema and clusters of blisters have come up around his eye",
        "eczema herpeticum on the eyelids of a 2 year old",
        "atopic eczema, punched-out sores next to her eye and she's rubbing it",
    ], [
        "eczema on my eyelids, dry and flaky",
        "my son has eczema and a cold sore on his lip, his eyes are fine",
    ]),
    "11 Bartholin's abscess": ("urgent", {"bartholin_abscess_painful_vulval_lump"}, [
        "a lump at the side of my vagina has come up over 2 days, it's really painful and I can't sit",
        "swollen labia on the left, throbbing and hot, can barely walk",
        "think its a bartholins abcess again, very painful",
    ], [
        "a small painless Bartholin's cyst, the GP has seen it, unchanged",
        "a lump down below from an ingrown hair after waxing, slightly sore",
    ]),
})
TABLE.update({
    "12 fever after travel to a malaria area": ("urgent", {"fever_after_tropical_travel", "tropical_fever_danger_signs"}, [
        "got back from visiting family in Punjab a month ago, now fevers and shaking",
        "returned 5/52 ago from Kampala, pyrexial with headache",
        "been to Goa for a wedding, since coming home high temperature on and off",
        "safari in Tanzania in the summer, now fever and aching all over",
    ], [
        "fever since yesterday, back from a week in Spain",
        "high temperature with a cold, we haven't been abroad this year",
        "my guinea pig has been off his food and I have a temperature",
    ]),
    "13 mpox-like illness": ("urgent", {"mpox_like_genital_or_anal_lesions_with_fever_glands_or_contact",
                                         "mpox_like_umbilicated_lesions_with_fever_or_glands"}, [
        "had a fever and swollen glands last week, now spots with a dip in the middle on my penis and round my anus",
        "new partners at a festival, now painful pus spots on my bum and a temperature",
        "MSM, perianal pustules and inguinal lymphadenopathy, febrile",
        "spots on my face with a dent in the centre after a flu-like illness",
    ], [
        "razor bumps on my groin after shaving, otherwise well",
        "pearly spots with a dimple in the middle on my tummy, the GP said molluscum",
    ]),
    "14 acute mesenteric ischaemia": ("emergency", {"sudden_severe_abdominal_pain_with_af_or_arterial_disease",
                                                    "older_sudden_abdo_back_pain"}, [
        "Gran has AF and suddenly has terrible pain in the middle of her tummy, she's been sick and is writhing about",
        "had a heart attack 3 weeks ago, now sudden severe tummy pain and dark bloody poo",
        "76M, atrial fibrillation, sudden onset severe central abdo pain, soft abdomen, out of proportion",
    ], [
        "I have AF, mild tummy ache after a big meal, better after going to the toilet",
        "AF on apixaban, a bit of indigestion after dinner",
    ]),
})

test_gap_fires_at_level, test_benign_look_alike_stays_below = gap_tests(TABLE)

# The older adult with sudden central tummy pain and no AF (older_sudden_abdo_back_pain, widened): needs an age.
AGED_FIRES = {"older_sudden_abdo_back_pain": ("emergency", 79, [
    "sudden severe pain in the middle of my tummy and I've been sick",
    "sudden onset central abdominal pain, vomiting",
])}
AGED_QUIET = {"older_sudden_abdo_back_pain": (79, [
    "a dull pain around my belly button for months, no change",
    "central tummy pain on and off for years with my IBS",
])}
test_aged_fires, test_aged_quiet = finding_table_tests(AGED_FIRES, AGED_QUIET)
