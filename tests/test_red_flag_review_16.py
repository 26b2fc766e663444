"""Review round 16 of the acuity layer (docs/hazards/round_16.md), by red-flag-author-49 (emergency physician;
needs an independent check): under-triage gaps of a fresh development set (neutropenic sepsis felt as "fluey", a slow
pulse, posterior circulation stroke and vertebral dissection, relapse of mania off treatment, a possible ectopic with
a tummy bug, cauda equina, shingles of the eye, warfarin with an antibiotic, a worsening headache after birth, contact
lens keratitis, major bleeding from the bottom, reduced fetal movements, cellulitis from a graze, new type 1 diabetes
in a child, sudden hearing loss, a child found with tablets, a child refusing to walk, ketones during an illness).
Each gap is checked both ways through ``triage.triage`` (words only); the sentences are the author's own.
"""

from __future__ import annotations

from conftest import finding_table_tests, gap_tests

# gap -> (level, {findings any of which may carry it}, [firing sentences], [benign look-alikes that must stay below])
TABLE = {
    "1 chemotherapy and fluey / shivery / fast pulse": ("emergency", {
        "chemotherapy_fluey_shivery_or_fast_pulse", "chemotherapy_temperature_37_after_paracetamol",
        "unwell_after_chemotherapy", "immunosuppressed_fever"}, [
        "I'm on chemo and I feel fluey",
        "had my second cycle of chemo 9 days ago, feeling a bit fluey and achy",
        "cycle 2 of FEC-T last tuesday and now I feel like I'm coming down with flu",
        "on docetaxel, last dose 10 days ago, feel shivery",
        "had my capecitabine last week and im all shivery n cold",
        "on carboplatin and paclitaxel, temp 37.6 after paracetamol",
        "my temperature was 37.5 after calpol, I'm on chemo",
        "im on chemo, heart racing 120 and feel off",
        "on chemotherapy, my pulse is 115",
        "cycle 3 day 10 FOLFOX, feels fluey, HR 105",
    ], [
        "I finished chemo years ago, now fluey with a cold",
        "I start chemo next month, feeling a bit fluey today",
        "I'm on chemo, temp 36.8 after a paracetamol for my headache, feel well",
    ]),
    "2 slow pulse with near-fainting or heavy legs": ("emergency", {
        "slow_pulse_under_50_near_faint_or_heavy_weak_legs", "slow_pulse_faint",
        "trimethoprim_with_ace_spironolactone_or_kidney_disease_weak_or_slow_pulse"}, [
        "pulse 42, legs feel like jelly, nearly fainted",
        "heart rate dropped to 45 and I feel faint",
        "I have kidney disease, on ramipril and spironolactone, started trimethoprim 3 days ago, now my legs are heavy and pulse is slow",
        "on lisinopril, gp gave me trimethoprim for a uti, now my legs feel like jelly",
    ], [
        "I run marathons, my pulse is 44 and I feel fine",
        "on ramipril, started trimethoprim for a water infection, the stinging is better",
        "pulse 72, nearly fainted in the hot shower",
    ]),
    "2 slow pulse with dizziness or weakness": ("urgent", {"slow_pulse_under_50_dizzy_or_weak", "slow_pulse_dizzy"}, [
        "my pulse is 44 and I feel weak and dizzy",
        "pulse 46 on my machine, feeling woozy",
    ], [
        "I'm a keen cyclist, pulse 44 at rest and I feel great",
        "my watch said my pulse was 45 while asleep, no symptoms",
    ]),
}
TABLE.update({
    "3 posterior circulation stroke / vertebral dissection": ("emergency", {
        "sudden_vertigo_or_dizziness_with_double_vision_unsteady_walk_or_bulbar_signs",
        "neck_injury_or_manipulation_then_vertigo_double_vision_or_unsteady", "vertigo_with_neuro_signs",
        "neck_pain_with_horner_or_neuro"}, [
        "dizzy and seeing two of the telly",
        "things look doubled and I can't walk straight, the room is spinning",
        "sudden vertigo, walking like I'm drunk, I haven't touched a drop",
        "room spinning and my voice has gone hoarse and I can't swallow properly",
        "went to the chiropractor yesterday, neck pain, now vertigo and unsteady on my feet",
        "did my neck in trampolining, now everything looks doubled",
        "sudden onset vertigo, diplopia, ataxia",
    ], [
        "the room spins for a few seconds when I turn over in bed, then it stops",
        "I've been diagnosed with vestibular neuritis last week, still dizzy when I move my head",
        "the room is spinning after 8 pints of lager",
    ]),
    "4 relapse of mania off treatment": ("urgent", {"mood_stabiliser_or_antipsychotic_stopped_with_manic_signs",
                                                    "little_sleep_with_pressured_speech_spending_or_grandiosity",
                                                    "mania_signs"}, [
        "stopped taking my lithium 3 weeks ago, I've barely slept for 5 nights and I've got so many plans, never felt better",
        "my husband came off his olanzapine, hes up all hours, talking constantly and bought two cars",
        "bipolar, stopped his meds, not slept in 3 nights, spending loads, says he's going to be famous",
        "off depakote, no sleep for 4 nights, talks nonstop, huge spending",
    ], [
        "came off olanzapine because of the weight gain, feel a bit flat but sleeping fine",
        "I stopped taking lamotrigine for epilepsy under the neurologist, no problems",
    ]),
    "5 possible ectopic (even with a tummy bug)": ("emergency", {
        "possible_pregnancy_one_sided_pain_with_shoulder_tip_or_faint", "early_pregnancy_faint_with_pain_or_bleeding",
        "one_sided_pain_possible_pregnancy", "shoulder_tip_pain_possible_pregnancy"}, [
        "my periods are always irregular but I've got sharp pain on the left low in my tummy and I nearly passed out on the loo",
        "on the pill but missed a few, now left sided pelvic pain and shoulder tip pain",
        "missed period, one sided lower tummy pain, fainted on the toilet, I think it's a tummy bug as I have diarrhoea",
        "period late, right sided lower tummy pain and diarrhoea, probably a stomach bug but I went grey on the toilet",
    ], [
        "my periods are always irregular, left sided period pain as usual, no dizziness",
        "on the pill and never missed one, right sided pain after running, otherwise fine",
    ]),
})
TABLE.update({
    "6 cauda equina": ("emergency", {"back_pain_or_sciatica_with_saddle_numbness_or_bladder_sensation_change",
                                     "bilateral_sciatica", "cauda_equina_bladder_saddle_wording"}, [
        "back pain with sciatica down both legs and I couldn't feel the toilet paper when I wiped",
        "LBP, bilateral sciatica, reduced perianal sensation, reduced urge to void",
        "slipped disc, numb when I wipe and I can't tell when I need a wee",
    ], [
        "sciatica down my left leg, waterworks normal and I can feel everything when I wipe",
        "bad back after gardening, peeing normally, no numbness down below",
    ]),
    "7 shingles of the eye": ("urgent", {"shingles_forehead_scalp_nose_tip_or_eye", "shingles_near_eye"}, [
        "shingles rash on my forehead and my eye is red and gritty",
        "HZO, Hutchinson's sign",
        "shingels on the tip of my nose and above my eye",
        "zoster V1 distribution, conjunctivitis",
    ], [
        "shingles on my back and side, the rash is crusting",
        "shingles round my waist and a bit of a cold",
    ]),
    "8 warfarin with a new antibiotic and bleeding": ("urgent", {
        "warfarin_with_new_antibiotic_or_antifungal_and_bruising_or_bleeding",
        "anticoagulant_haematuria_or_repeated_nosebleeds", "anticoagulant_blood_in_urine_or_nosebleed"}, [
        "on warfarin and started clarithromycin 3 days ago, now bruises all over my legs",
        "I take warfarin, the GP gave me metronidazole, my gums are bleeding",
        "on warfarin and ciprofloxacin, my wee is pink",
        "on warfarin, started fluconazole for thrush, unexplained bruising",
    ], [
        "on warfarin and started clarithromycin, feel fine, INR check booked for Friday",
        "on warfarin and taking metronidazole, no bruising and no bleeding, just checking",
    ]),
    "9 worsening headache after birth with a neurological symptom": ("emergency", {
        "after_birth_worsening_headache_with_neuro_symptom_or_vomiting",
        "postnatal_pregnancy_or_hormone_worsening_headache_with_vomiting_or_drowsiness", "postnatal_pre_eclampsia_signs"}, [
        "had my baby 10 days ago, headache keeps getting worse, worse lying down, and my hand is tingling",
        "c section 2 weeks ago, terrible headache getting worse and my left arm feels weak",
        "day 12 postpartum, worsening headache, numbness of the right face and speech muddled",
    ], [
        "had my baby 3 weeks ago, a mild headache from lack of sleep, paracetamol helps, nothing else",
        "gave birth a week ago, my headache is getting better, no other symptoms",
    ]),
})
TABLE.update({
    "10 contact lens painful red eye": ("urgent", {"contact_lens_wearer_painful_eye_light_sensitivity_or_blur",
                                                   "contact_lens_painful_eye"}, [
        "slept in my lenses, eye sore and blurry",
        "CL wearer, painful red eye, vision smeary",
        "fell asleep in my contacts and now light really hurts my eye",
    ], [
        "contact lenses, eyes fine, just need a new prescription",
        "I wear daily lenses and my eyes feel a bit dry in the evening, no pain",
    ]),
    "11 major bleeding from the bottom": ("emergency", {"rectal_bleeding_large_or_clots_with_faintness_or_pallor",
                                                        "heavy_rectal_bleeding"}, [
        "loads of blood down the toilet every time I go, nearly fainted",
        "on rivaroxaban, big clots from my back passage and I look grey",
        "PR bleeding x5, large volume, postural dizziness, on apixaban",
    ], [
        "a bit of bright red blood on the paper after straining, I have piles, feel fine",
        "streak of blood on the toilet paper, no dizziness",
    ]),
    # The brief expected urgent; the reviewed reduced_fetal_movements (core.json) is emergency (RCOG GTG 57, NHS:
    # contact the maternity unit now, do not wait until tomorrow), so the widened wording carries that level.
    "12 reduced fetal movements": ("emergency", {"reduced_fetal_movements"}, [
        "28 weeks and I've barely felt her move today even after cold water and lying on my side",
        "I'm 30 weeks, the baby's pattern has changed, hardly felt him today",
        "26 weeks pregnant, baby's moving less than normal",
    ], [
        "32 weeks, baby kicking loads as usual, same pattern as always",
        "I'm 30 weeks pregnant and the baby is very active at night",
    ]),
    "13 spreading redness from a graze or cut": ("urgent", {
        "wound_or_graze_with_spreading_redness_warm_tender_fever_or_diabetes", "skin_redness_spreading_fever",
        "diabetic_hot_swollen_foot", "infected_wound_spreading"}, [
        "cut on my hand, red streaks going up my arm",
        "grazed my knee on Saturday, the redness is spreading and it's hot and tender",
        "type 2 diabetic, scratch on my shin, red area spreading and warm",
    ], [
        "grazed my knee yesterday, a little pink round the edge, healing well",
        "cut my finger yesterday, it's sore but not red or spreading",
    ]),
})
TABLE.update({
    "14 new type 1 diabetes in a child": ("urgent", {"child_new_thirst_with_bedwetting_weight_loss_or_tiredness",
                                                     "new_diabetes_symptoms"}, [
        "my 7 year old is drinking constantly and has started wetting the bed again, lost weight",
        "my 4 yr old is thirsty all the time, having accidents again and so tired",
        "10 year old, drinking from the bath taps, trousers falling down, exhausted",
    ], [
        "my 7 year old is drinking loads in this heatwave, wees normally",
        "my 5 year old still wets the bed some nights, has never been dry, drinks normally",
    ]),
    "15 sudden hearing loss in one ear": ("urgent", {"sudden_hearing_loss", "sudden_hearing_loss_wording"}, [
        "woke up deaf in my left ear, it's muffled and ringing",
        "lost hearing in left ear overnight with tinnitus",
        "my left ear went deaf suddenly yesterday and it's ringing",
    ], [
        "muffled hearing with a heavy cold",
        "ear full of wax, muffled",
    ]),
    "16 a young child found with tablets": ("emergency", {"child_found_with_tablets_some_unaccounted_or_unwell",
                                                         "child_ate_medicines_wording", "overdose_poisoning"}, [
        "found my toddler with nan's tablets, not sure how many he's taken",
        "my 2 year old got into grandma's handbag, her blood pressure pills, one missing",
        "found my toddler chewing my iron tablets, she's been sick and there's blood in it",
    ], [
        "found my toddler with an empty sweet wrapper, no tablets anywhere near",
        "my 3 year old had my tablets in his hand but they're all accounted for, counted them, none missing",
    ]),
    "17 a child refusing to walk or with a new limp": ("urgent", {"child_refusing_to_walk_or_weight_bear_or_new_limp"}, [
        "my 4 year old won't put weight on his leg since he woke up, he had a cold last week",
        "3 yo new limp, won't weight bear on R leg, afebrile, recent URTI",
        "my 6 year old is limping this morning for no reason, says her hip hurts",
    ], [
        "my 6 year old has a limp from a blister on her heel from new shoes",
        "my 5 year old was limping after football but is running around fine now",
    ]),
    "18 type 1 diabetes with raised ketones during an illness": ("urgent", {
        "type_1_diabetes_moderately_raised_ketones_during_illness"}, [
        "type 1 diabetic, ketones 1.2 and I've got a stomach bug",
        "my son has type 1, ketones 1.4 and he has a temperature",
        "T1 on a pump, flu, blood ketones of 1.1",
    ], [
        "type 1 diabetic with a cold, ketones 0.2, sugars fine",
        "type 1, feeling well, ketone strips ran out",
    ]),
})

test_gap_fires_at_level, test_benign_look_alike_stays_below = gap_tests(TABLE)

# A child limping with a temperature stays an emergency (child_limp_with_fever, reviewed); the new limp finding fires too.
FIRES = {"child_refusing_to_walk_or_weight_bear_or_new_limp": ("emergency", 5, [
    "my son is limping and refusing to walk, he has a temperature",
])}
QUIET = {"child_refusing_to_walk_or_weight_bear_or_new_limp": (5, [
    "my daughter is walking fine, a small bruise on her shin from a fall",
])}
test_fires, test_look_alike_quiet = finding_table_tests(FIRES, QUIET)
