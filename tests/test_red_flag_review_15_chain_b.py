"""Round 15 chain B, by red-flag-reviewer-56 (emergency physician; docs/hazards/round_15_chain_b.md): the independent
check of red-flag-reviewer-52's (docs/hazards/round_15_check_a.md) and red-flag-reviewer-54's
(docs/hazards/round_15_over_triage_check.md) pending changes, plus three gaps found in review (knocked out after a
fall or a blow; a feverish child not moving a limb; a gym shoulder strain read as a stroke). Words only, through
``triage.triage``; every sentence is the reviewer's own, in other wordings than the reviewers' (lay, misspelt,
shorthand), with the narrowing words put beside a real case in the same sentence.
"""

from __future__ import annotations

from conftest import finding_table_tests

# finding id -> (level it must reach at least, age, [sentences that must fire it])
FIRES = {
    # reviewer-52, agreed
    "high_speed_eye_injury": ("emergency", None, [
        "was grinding a gate and a bit of metal went in me eye",
        "strimming the hedge and summat flew into me eye, stings",
    ]),
    "pulmonary_oedema_signs": ("emergency", None, [
        "bringing up pink foamy mucus",
        "he's coughing up frothy pink stuff",
    ]),
    "penetrating_eye_injury_named": ("emergency", None, [
        "? open globe R eye after fall onto a fence post",
        "R eye penetrating trauma from a fishing hook",
        "perforated eyeball after firework",
    ]),
    "child_not_using_arm_or_leg_after_pull_or_injury": ("urgent", None, [
        "my 3 year old tripped at the park and now she's cradling her arm and won't let me touch it",
        "my toddler fell off the sofa, holding his elbow and crying",
        "my 18 month old won't bear weight after falling down the stairs",
    ]),
    # reviewer-52, changed here
    "eye_injury_with_misshapen_pupil_cut_globe_or_vision_change": ("emergency", None, [
        "a branch poked me eye and the pupil is pear-shaped now",
        "squash ball hit me eye, can't see properly out of it",
        "poked in the eye, blurred vision, used eye drops, no better after the drops",
        "hit in the eye by a squash ball, still blurry after the drops and it's worse",
        "got hit in the eye with a cork, vision blurry, the pain is fine now",
        "hit in the eye with a stick, blurry vision and the pain has cleared up",
    ]),
    "after_birth_perineal_wound_infection_or_breakdown": ("urgent", 29, [
        "gave birth 10 days ago, my episotomy stitches smell and there's pus",
        "my perinium stitches are red and swollen and I have a temp",
        "2nd degree tear, temp 38.1, wound gaping open, a white discharge",
        "my episiotomy is weeping thick white discharge and smells, temp 38",
    ]),
    "peritoneal_dialysis_cloudy_fluid": ("urgent", None, [
        "I'm on PD and my bag went cloudy overnight",
        "capd pt, effluent milky, abdo pain",
        "on PD, my bag is cloudy today and I've got tummy ache",
        "do APD on a cycler, drainage a bit cloudy and murky today",
    ]),
    "dialysis_fistula_or_graft_bleeding_not_stopping": ("emergency", None, [
        "dialysis fistula pumping out blood, won't stop",
        "avf bleeding through the gauze, soaked with blood",
        "AVF needle site still bleeding after 20 minutes of pressure, I've got an arthritic knee",
        "buttonhole site still bleeding after half an hour, I'm sat on my bottom on the floor holding it",
    ]),
    "acute_breathlessness_cannot_lie_flat": ("emergency", None, [
        "severe sob, cant lay flat",
        "had to sit on the side of the bed all night, very breathless, heart failure",
        "I can't sleep lying flat without gasping for breath, my ankles are swollen",
    ]),
    "cancer_spinal_pain_with_leg_weakness_numbness_or_bladder_change": ("emergency", None, [
        "ca prostate with bone mets, back pain, legs giving way",
        "known ca, neck pain, numb legs",
        "on chemo, back hurts, legs feel numb, worried it's cancer in my spine",
        "myeloma, scared it's spread, back pain and my legs are weak",
        "prostate cancer, back pain, legs giving way, I've also got benign prostate enlargement",
    ]),
    # reviewer-54, agreed
    "anticoagulant_large_bruise_or_haematoma": ("urgent", 70, [
        "on warfarin, small bruise on my hand and a massive bruise on my hip after a fall",
        "on rivaroxaban, a little bruise on my shin that's now the size of my hand",
    ]),
    "diarrhoea_after_antibiotics": ("urgent", None, [
        "on clindamycin and now watery diarrhoea 8 times today, do I need to stop the antibiotics?",
        "loose stools after a week on doxycycline, will I need different antibiotics",
    ]),
    "fit_signs_or_statement_with_a_question": ("emergency", None, [
        "shes fitting again and I'm scared it's seizures",
        "another fit this afternoon, is it seizures?",
    ]),
    "faint_lying_down_no_warning_or_breathless": ("urgent", 30, [
        "blacked out at the blood test and hit my head on the floor, I always faint with needles",
        "I faint with needles, fainted at the vaccine and came round confused",
    ]),
    "nonblanching_rash": ("emergency", 30, [
        "purple spots on the back of my hand, and a non-blanching rash spreading on my legs",
    ]),
    # reviewer-54, changed here
    "anaphylaxis": ("emergency", None, [
        "the paramedics gave her adrenaline for a reaction to a wasp sting",
        "the school nurse had to give him adrenaline after he ate peanuts",
        "she needed adrenaline at the party after eating a prawn",
        "the paramedics gave him an adrenaline injection, his lips were swelling",
    ]),
    "open_fracture_bone_visible": ("emergency", None, [
        "fell off my bike, knocked my tooth out and I can see bone in my knee",
        "I can see the bone in my shin after the motorbike crash, my tooth was removed last month",
        "can see bone in the eye socket after the fight",
    ]),
    "anaphylaxis_question_with_a_sign": ("emergency", None, [
        "is this anaphylaxis? I went pale and dizzy after the bee sting",
        "is it anaphylaxis? she's gone white and sleepy after the peanut",
        "is this anaphylaxis? I feel like I might faint",
    ]),
    # new companion and the three extra gaps
    "nonblanching_rash_under_60": ("emergency", 25, [
        "I've got a rash that doesn't fade on the back of my hand, I feel fine",
        "tiny purple spots on the back of my hand that don't fade under a glass",
    ]),
    "knocked_out_after_fall_or_blow": ("emergency", None, [
        "fell off my horse and was knocked out",
        "came off the trampoline and was knocked out for a minute",
        "my son fell off the climbing frame and knocked himself out",
        "I was knocked out in a rugby tackle",
        "she fell down the stairs and was out cold",
    ]),
    "child_limp_with_fever": ("emergency", None, [
        "baby with a fever not moving her leg",
        "my toddler has a temperature and won't put weight on his leg",
        "my 18 month old has a high temperature and screams when I move her hip, won't crawl",
        "my 2 year old has a fever and is not moving her leg much",
    ]),
    "cant_lift_arm_with_stroke_context": ("emergency", None, [
        "suddenly can't lift my arm",
        "dad can't lift his arm this morning and his face looks droopy",
        "I pulled my shoulder at the gym and suddenly I can't lift my arm or speak properly",
    ]),
    "cant_lift_arm_unexplained": ("emergency", None, [  # red-flag-reviewer-57: emergency again (NICE NG128, NHS FAST)
        "I can't lift my arm",
    ]),
    "shoulder_cant_lift_after_injury": ("urgent", None, [  # red-flag-reviewer-57: the injury lowers it to urgent here
        "I pulled my shoulder at the gym, can't lift my arm",
    ]),
    "stroke_signs": ("emergency", None, [
        "my arm is weak and her face is droopy",
        "her face is drooping and she can't lift her arm",
    ]),
}

# finding id -> (age, [look-alikes that must not fire it])
QUIET = {
    "high_speed_eye_injury": (None, ["i've got a bit of dust in me eye from the wind", "got an eyelash in me eye, no tools"]),
    "pulmonary_oedema_signs": (None, ["my latte was pink and frothy", "my baby's dribble is pink and frothy, she's teething"]),
    "penetrating_eye_injury_named": (None, ["open globe repair years ago, now dry eye",
                                            "my eye feels like it's perforated lol, tired from screens"]),
    "child_not_using_arm_or_leg_after_pull_or_injury": (None, [
        "my 3 year old refuses to walk to school and wants carrying, he's just tired",
        "my 4 year old keeps falling asleep on the sofa and refuses to walk upstairs",
    ]),
    "eye_injury_with_misshapen_pupil_cut_globe_or_vision_change": (None, [
        "poked in the eye, went blurry from the watering, it's back to normal",
        "poked in the eye, it went blurry, vision is fine now",
        "poked in the eye, blurry vision, fine after the drops",
    ]),
    "after_birth_perineal_wound_infection_or_breakdown": (29, [
        "perineal tear healing well, a bit of white discharge",
        "my stitches down below have healed, itchy white discharge like cottage cheese, thrush again",
    ]),
    "peritoneal_dialysis_cloudy_fluid": (None, [
        "on dialysis, it's a cloudy day and I feel low",
        "on PD, the weather is grey and cloudy today",
        "on haemodialysis, my wee is a bit cloudy",
    ]),
    "dialysis_fistula_or_graft_bleeding_not_stopping": (None, [
        "my fistula is pulsing more than usual",
        "fistula arm is sore, I'm soaked in sweat",
        "fistula in my bottom keeps bleeding",
        "my bypass graft wound on my leg is soaking through the dressing",
    ]),
    "acute_breathlessness_cannot_lie_flat": (None, [
        "I sit on the edge of the bed to put my socks on, a bit breathless on the stairs",
        "I can't sleep flat since the op, a bit breathless",
    ]),
    "cancer_spinal_pain_with_leg_weakness_numbness_or_bladder_change": (None, [
        "I work at a CA firm, back ache and my legs feel heavy",
        "lipoma on my back, back pain and my legs feel heavy after the gym",
        "the lump on my back came back benign, backache after gardening and my legs feel heavy after a long walk",
    ]),
    "anticoagulant_large_bruise_or_haematoma": (None, [
        "I bruise a bit more easily on apixaban, small bruises on my arms",
        "on edoxaban, little bruises here and there, nothing big",
    ]),
    "diarrhoea_after_antibiotics": (None, ["back from Spain with the runs, do I need any antibiotics?"]),
    "fit_signs_or_statement_with_a_question": (None, [
        "is it a seizure? my legs jerk as I fall asleep",
        "is this a seizure? my eye keeps twitching",
    ]),
    "faint_lying_down_no_warning_or_breathless": (None, [
        "fainted at my blood test, I always faint with needles, felt fine lying down after",
    ]),
    "nonblanching_rash": (78, ["purple blotches on the back of my hands, I'm on warfarin, otherwise well"]),
    "nonblanching_rash_under_60": (None, [
        "I'm 72 and get purple blotches on the backs of my hands, on apixaban, I feel fine",
        "mum is 86, dark purple patches on the back of her hands, she's well in herself",
        "a purple rash on the back of my hand that fades when I press it",
    ]),
    "anaphylaxis": (None, [
        "I had adrenaline rushing through me before the exam and felt sick",
        "had an adrenaline rush on the rollercoaster and now I have a headache",
        "the dentist gave me adrenaline with the local anaesthetic and my heart is racing",
        "I carry an adrenaline injection for my nut allergy, I have a cold",
    ]),
    "open_fracture_bone_visible": (None, [
        "I can see bone in the socket after my tooth came out",
        "can see bone after the extraction, is it a dry socket?",
    ]),
    "anaphylaxis_question_with_a_sign": (None, [
        "is this anaphylaxis? hives on my legs, I'm a bit sleepy as it's late",
        "could it be anaphylaxis? white bumps on my arm after the nettles",
    ]),
    "knocked_out_after_fall_or_blow": (None, [
        "we got knocked out of the cup after a bad fall in the second half",
        "knocked out a tooth falling off my bike, no other injury",
        "the storm knocked out the power and I tripped on the stairs",
        "the sleeping tablets knocked me out and I fell asleep on the sofa",
        "this cold has totally knocked me out",
    ]),
    "child_limp_with_fever": (None, [
        "my toddler has a cold, no temperature, and won't crawl on the cold kitchen floor",
        "my baby is not moving her leg, no fever, she's just sleepy after her jabs",
    ]),
    "cant_lift_arm_with_stroke_context": (None, [
        "I pulled my shoulder at the gym, can't lift my arm",
        "tweaked my shoulder playing tennis, now I can't lift my arm",
        "woke up and can't lift my arm because I slept on it",
    ]),
    "cant_lift_arm_unexplained": (None, [
        "I can't lift my arm above my head since I hurt my shoulder",
        "can't raise my arm very high, frozen shoulder that came on slowly over months",
    ]),
    "stroke_signs": (None, [
        "I pulled my shoulder at the gym, can't lift my arm",
        "strained my shoulder lifting weights, can't raise my arm",
    ]),
}

test_chain_b_fires, test_chain_b_look_alike_quiet = finding_table_tests(FIRES, QUIET)
