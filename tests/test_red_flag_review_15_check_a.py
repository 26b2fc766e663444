"""Independent check of review round 15 (docs/hazards/round_15.md; check: docs/hazards/round_15_check_a.md), by
red-flag-reviewer-52 (emergency physician, 2026-12-01): the penetrating eye injury findings (and the widened
high_speed_eye_injury), an infected or broken-down perineal wound after birth, cloudy peritoneal dialysis fluid, a
bleeding dialysis fistula, acute pulmonary oedema (and the widened pulmonary_oedema_signs), metastatic spinal cord
compression and a child not using a limb after a pull or injury; plus the lead engineer's "without <gear>" change in
``triage.is_negated``. Each finding is tried with the reviewer's own sentences (lay, misspelt, shorthand), harmless
look-alikes, and the finding's `unless` words beside a real case. Words only, through ``triage.triage``.
"""

from __future__ import annotations

import pytest
from conftest import check_level, finding_table_tests, gap_tests

# finding id -> (level it must reach at least, age, [sentences that must fire it])
FIRES = {
    "eye_injury_with_misshapen_pupil_cut_globe_or_vision_change": ("emergency", 35, [
        "hit my eye on a branch, teardrop shaped pupil",
        "hammering, a bit flew in me eye, cant see properly out of it",
        "metal fragment flew in my eye at work, pupil looks pear shaped",
        "punched in the eye last night, blood in the front of my eye",
        "hit in the eye with a squash ball, vision has gone",
        "eye injury at work, pupil irregular",
    ]),
    "penetrating_eye_injury_named": ("emergency", 35, [
        "? open globe L eye after fall onto railing",
        "R eye penetrating injury from a garden cane",
        "perforated eye from a fish hook",
    ]),
    "high_speed_eye_injury": ("emergency", 35, [
        "a bit flew in me eye while grinding",
        "strimming the verge, a stone pinged into my eye",
    ]),
    "after_birth_perineal_wound_infection_or_breakdown": ("urgent", 29, [
        "my episiotamy is oozing and very sore",
        "my episiotomy is itchy, red and swollen and oozing pus, temp 38",
        "stitches down below itching and smell awful, feel shivery",
        "my perinium stitches have come apart",
        "two weeks postpartum, the tear down below has opened up",
    ]),
    "peritoneal_dialysis_cloudy_fluid": ("urgent", 60, [
        "capd, drainage looks milky and I have a tummy ache",
        "the fluid I drained out this morning looked cloudy, I do dialysis at home overnight on a cycler",
        "PD effluent turbid, abdo pain",
        "on PD, this morning's bag is cloudy and I'm shivery, the weather has been cold",
    ]),
    "dialysis_fistula_or_graft_bleeding_not_stopping": ("emergency", 65, [
        "fistula arm bleeding through the bandage",
        "my access site is still bleeding after 30 mins pressure",
        "blood pumping out of my fistula",
        "fistular bleeding won't stop",
    ]),
    "acute_breathlessness_cannot_lie_flat": ("emergency", 75, [
        "dad has heart failure and tonight he can't lie down without gasping for air",
        "woke at 3am drowning, had to sit on the side of the bed to breathe, heart failure",
        "sudden SOB, orthopnoeic, bibasal creps",
        "can't lay flat cos I can't breathe, ankles swollen",
        "she's coughing pink frothy stuff and gasping",
    ]),
    "pulmonary_oedema_signs": ("emergency", 75, [
        "pink frothy sputum",
        "frothy pink spit when I cough",
        "pink foamy phlegm",
        "coughing up pink and frothy stuff",
    ]),
    "cancer_spinal_pain_with_leg_weakness_numbness_or_bladder_change": ("emergency", 68, [
        "known prostate ca, thoracic back pain, legs heavy and stumbling",
        "mets to spine, new weakness in legs",
        "spinal mets, legs gone wobbly",
        "on chemo for bowel cancer, back ache, can't walk properly",
        "my mum had breast cancer 5 years ago and now she has back pain and her legs are weak",
        "ca prostate, pain in my back and I can't pee since this morning",
    ]),
    "child_not_using_arm_or_leg_after_pull_or_injury": ("urgent", 3, [
        "my daughter is holding her arm and crying after I swung her round",
        "my 2yo stopped using her right arm after I lifted her by the wrists",
        "he fell and won't put weight on his foot",
        "toddler refusing to walk after a fall from the bed",
        "won't weight bear after tripping at nursery",
    ]),
}

# finding id -> (age, [harmless look-alikes and unless words beside a real case that must not fire it])
QUIET = {
    "eye_injury_with_misshapen_pupil_cut_globe_or_vision_change": (35, [
        "got poked in the eye by my toddler, watery and a bit blurred for a minute then fine",
        "mascara brush poked my eye, a bit blurry from watering",
        "my pupil looks odd since I was born",
        "something went into my eye last year and my vision has been blurry since",
        "blurred vision after I got shampoo in my eye",
    ]),
    "penetrating_eye_injury_named": (35, [
        "I wear goggles to prevent penetrating eye injury",
    ]),
    "after_birth_perineal_wound_infection_or_breakdown": (29, [
        "my perineal tear is healing well, a little tender",
        "how do I tell if my stitches down below are infected",
        "my stitches down below are itchy as they heal",
        "my stitches down below itch and I have a thick white discharge, thrush I think",
        "sore perineum and a smelly fishy discharge, no baby",
    ]),
    "peritoneal_dialysis_cloudy_fluid": (60, [
        "I'm on dialysis and the sky is cloudy today so I feel low",
        "the PD nurse said a cloudy bag means infection, mine are clear",
        "I have Parkinson's disease (PD), cloudy urine",
        "on PD, my eye has gone cloudy",
        "pd, clear bags, feeling fine",
    ]),
    "dialysis_fistula_or_graft_bleeding_not_stopping": (65, [
        "my fistula is pulsing more than usual",
        "I can feel my fistula pumping, is that normal",
        "my fistula arm is painful and I'm soaked in sweat",
        "had a knee graft (ACL) and it's soaking through the dressing",
        "my fistula bled a bit after dialysis, stopped with pressure",
        "I have a skin graft on my leg that keeps bleeding",
    ]),
    "acute_breathlessness_cannot_lie_flat": (75, [
        "I have a bad back and can't lie flat, a bit breathless climbing stairs",
        "I can't lie flat because of reflux, no breathing problems",
        "I sleep propped up on 3 pillows for years, breath fine",
        "strawberry milkshake, pink and frothy",
    ]),
    "pulmonary_oedema_signs": (40, [
        "my latte was pink and frothy, nice",
        "after brushing my teeth I spit out pink frothy foam",
        "my gums bleed when I brush, spit is pink and frothy",
        "my wee is pink and frothy",
    ]),
    "cancer_spinal_pain_with_leg_weakness_numbness_or_bladder_change": (68, [
        "I work at a CA (chartered accountant) firm, back pain from sitting, legs numb after a long drive",
        "I live in CA, back pain and my legs feel heavy after hiking",
        "my ca levels are fine, backache, pins and needles in my legs when I sit cross-legged",
        # "I'm worried about cancer, back pain and wobbly legs": removed by red-flag-reviewer-56 (round 15 chain B), the
        # worry words had cancelled "on chemo ... worried it's cancer in my spine"; accepted over-triage there.
        "benign tumour in my brain, back pain and stumbling",
        "family history of bowel cancer, back pain after lifting and my legs feel heavy",
    ]),
    "child_not_using_arm_or_leg_after_pull_or_injury": (3, [
        "my 3 year old hurt her arm but is using it fine now",
        "my toddler won't use a spoon and keeps pulling my hair",
        "my toddler is refusing to walk to nursery, he fell asleep in the buggy",
        "she was holding my arm when she tripped on the kerb, she's fine",
        "my son won't use his arm much while it's in a plaster cast after the fall",
    ]),
}

test_fires, test_look_alike_quiet = finding_table_tests(FIRES, QUIET)

# Level checks: real cases with a finding's `unless` word in the same sentence still reach the level, and harmless
# look-alikes stay below it (gap -> (level, findings, [fire], [quiet])).
LEVELS_TABLE = {
    "eye: a cleared-blur word beside a high-speed injury": ("emergency", {
        "high_speed_eye_injury", "eye_injury_with_misshapen_pupil_cut_globe_or_vision_change",
        "penetrating_eye_injury"}, [
            "metal flew into my eye from the grinder, blurry with tears, and the pupil is a teardrop shape",
            "hit in the eye by a squash ball, blurry, the pain was fine then got worse and now blood in the front of my eye",
        ], [
            "got a bit of grit in my eye, rinsed it out, fine now",
            "the eye test said my vision was blurry, no injury",
        ]),
    "PD: weather words later in the sentence do not cancel a cloudy bag": ("urgent", {
        "peritoneal_dialysis_cloudy_fluid"}, [
            "on PD, this morning's bag is cloudy and I'm shivery, the weather has been cold",
            "my PD bag is cloudy, I don't mind going in but who do I call",
        ], [
            "on haemodialysis, my wee is cloudy",
            "the PD nurse said a cloudy bag means infection, mine are clear",
        ]),
    "fistula: normal thrill and other grafts": ("emergency", {"dialysis_fistula_or_graft_bleeding_not_stopping"}, [
        "AVF bleeding through the gauze after dialysis, still going despite pressing",
        "blood pouring from my dialysis fistula",
    ], [
        "fistula buzzing and pulsing as normal, a small scab",
        "the graft site on my leg from heart bypass is still oozing a lot",
    ]),
}

test_levels_fire, test_levels_quiet = gap_tests(LEVELS_TABLE)


# The lead engineer's code change (triage._GEAR_AFTER_WITHOUT): "without goggles / a helmet" denies the gear only.
@pytest.mark.parametrize("text, level", [
    ("I was strimming without any eye protection and a stone hit my eye, now my vision is blurry", "emergency"),
    ("drilling without my safety specs on and something went in my eye", "emergency"),
    ("fell off my bike without my helmet on and hit my head and been sick twice", "emergency"),
    ("cycling without a helmet and no head injury", "routine"),
    ("I can read without my glasses and have no blurred vision", "routine"),
    ("cough without fever or vomiting", "routine"),
])
def test_without_gear_reviewed(text, level):
    check_level(text, level, age=35)


# Problems found in the change: gear words after a verb ("wearing", "using") or a modifier ("bike", "riding",
# "hard"), and gear missing from the list (PPE, hard hat, riding hat), denied the injury told after them. The lead
# engineer widened `_GEAR_AFTER_WITHOUT` (verbs and modifiers before the gear, PPE, hats, harness, shield, condom);
# these now fire.
@pytest.mark.parametrize("text", [
    "I was hammering without using goggles and something flew into my eye",
    "grinding without PPE and something flew into my eye",
    "came off my bike without wearing a helmet and hit my head, been vomiting",
    "came off my bike without a bike helmet and hit my head, vomiting",
    "fell off my horse without a riding hat and hit my head and was knocked out",
])
def test_without_gear_before_the_injury_no_longer_denies_it(text):
    check_level(text, "emergency", age=35)
