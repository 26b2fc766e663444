"""Review round 16 b of the acuity layer (docs/hazards/round_16_b.md), by red-flag-author-51 (emergency physician;
needs an independent check): under-triage gaps of words-only triage (meningism without a fever, including after an
epidural or a lumbar puncture; suicidal words said of another person; a written blood ketone of 3.0 or more;
postnatal mania / postpartum psychosis; peripartum cardiomyopathy). Each gap is checked both ways through
``triage.triage`` (words only); the sentences are the author's own.
"""

from __future__ import annotations

from conftest import finding_table_tests, gap_tests

# gap -> (level, {findings any of which may carry it}, [firing sentences], [benign look-alikes that must stay below])
TABLE = {
    "1 meningism without a fever": ("emergency", {"headache_with_stiff_neck_and_light_sensitivity", "meningism_fever"}, [
        "Really bad headache since this morning, my neck is so stiff and the light is hurting my eyes",
        "hedache n stiff neck, cant stand the lights",
        "had a spinal for my c-section 4 days ago, headache, neck stiffness and photophobia",
        "LP on Tuesday, now HA, nuchal rigidity, photophobic",
        "my 12 year old has a headache, says his neck is stiff and the light hurts",
    ], [
        "woke up with a stiff neck from sleeping awkwardly, mild headache too",
        "usual migraine, throbbing head and sensitive to light, neck fine",
        "tension headache and a stiff neck from hunching over my desk all week",
    ]),
    "2 suicidal words said of another person": ("emergency", {"suicidal_words_said_of_another_person",
                                                               "wants_to_end_it_wording", "suicidal_thoughts"}, [
        "my daughter says she wants to die",
        "my mum keeps telling me she doesn't want to live anymore",
        "he texted me saying he wants to end it",
        "my son, 16, says he wishes he was dead",
        "they told me they want to kill themselves",
        "my husband says he's going to end things tonight",
        "my 14 yo said she wants 2 die",
    ], [
        "my daughter wants to die her hair blue for the summer",
        "my nan is in the hospice and wants to die at home with her family",
        "my sister wants to end it with her boyfriend, she's upset but safe",
        "my mum doesn't want to live in a care home",
    ]),
    "3 blood ketones 3.0 or more": ("emergency", {"blood_ketones_3_or_more_reading", "high_ketones_unwell",
                                                  "very_high_sugar_or_ketones_unwell",
                                                  "ketones_with_vomiting_pain_or_drowsiness"}, [
        "my blood ketones are 3.4",
        "ketones 3.4 and sugar 22",
        "T1D, ketone reading 4.2 this morning, feel alright",
        "my son's blood ketones came back at 3.1",
    ], [
        "ketones 0.4 and sugar 14, feel fine",
        "my blood ketones are 2.1 with a cold",
        "the leaflet says go to A&E if ketones are over 3",
    ]),
    "4 postnatal mania / postpartum psychosis": ("emergency", {
            "after_birth_feeling_high_not_needing_sleep_or_hearing_things",
            "after_birth_racing_mind_and_not_sleeping_for_days", "postpartum_psychosis_signs",
            "postnatal_strange_beliefs_or_harm", "postpartum_psychosis_partner_wording"}, [
        "had my baby 2 months ago, I feel high, mind won't switch off, haven't slept for 3 days",
        "my wife gave birth 5 weeks ago, she's euphoric, hasn't slept for 3 nights and her thoughts are racing",
        "6 wks postpartum, feel so high, don't need sleep",
        "had a baby 3 weeks ago and I keep hearing things when nobody's there",
    ], [
        "had my baby 4 weeks ago, haven't slept for 3 days because she's cluster feeding, exhausted",
        "new mum, so happy, on top of the world, baby feeding well",
        "had my baby 2 weeks ago, felt high on gas and air in labour, fine now",
    ]),
    "5 peripartum cardiomyopathy": ("emergency", {
            "pregnancy_or_after_birth_breathless_lying_flat_with_swelling_or_fast_heart",
            "acute_breathlessness_cannot_lie_flat", "woke_gasping_or_drowning_lying_down"}, [
        "had a baby 3 weeks ago, breathless lying flat, swollen ankles",
        "gave birth 2 months ago, I keep waking up breathless at night, my heart is racing and my legs are swollen",
        "36 weeks pregnant, short of breath when I lie down, palpitations and swollen feet",
        "c section 6 weeks ago, now sleeping propped up on pillows to breathe, ankles are puffy",
    ], [
        "38 weeks pregnant, can't lie flat because of the bump, ankles swell by the evening",
        "had my baby 8 days ago, ankles still a bit swollen, breathing is fine",
        "30 weeks pregnant, heartburn when I lie flat, swollen feet",
    ]),
}

test_gap_fires_at_level, test_benign_look_alike_stays_below = gap_tests(TABLE)

# Each new finding by itself (the gap table lets an older finding carry a sentence).
FIRES = {
    "headache_with_stiff_neck_and_light_sensitivity": ("emergency", 34, [
        "epidural in labour 2 days ago, now a pounding head, stiff neck and light hurts my eyes",
        "severe headache, neck stiffness and photophobia, no temperature",
    ]),
    "suicidal_words_said_of_another_person": ("emergency", 45, [
        "my brother rang, he says he wants to die",
        "my dad says he hopes he doesn't wake up",
        "my son said he wants to hurt himself",
    ]),
    "wants_to_end_it_wording": ("emergency", 40, [
        "my mum says she's going to end it",
        "my partner keeps talking about ending it",
    ]),
    "after_birth_feeling_high_not_needing_sleep_or_hearing_things": ("emergency", 31, [
        "had baby 5 wks ago feel so high n cant sleep",
        "gave birth 6 weeks ago and I keep hearing voices",
    ]),
    "after_birth_racing_mind_and_not_sleeping_for_days": ("emergency", 29, [
        "3 weeks postnatal, thoughts racing a million miles an hour, not slept for days",
        "since giving birth she's wired and buzzing and hasn't slept in 3 nights",
    ]),
    "pregnancy_or_after_birth_breathless_lying_flat_with_swelling_or_fast_heart": ("emergency", 33, [
        "gave birth 4 weeks ago, sob lying flat, ankles swollen",
        "36 wks pregnant, waking up breathless at night, swollen legs",
    ]),
}
QUIET = {
    "headache_with_stiff_neck_and_light_sensitivity": (34, [
        "stiff neck from sleeping funny, headache, sensitive to light after a night shift",
        "headache and a stiff neck, no problem with the light",
    ]),
    "suicidal_words_said_of_another_person": (45, [
        "my teenager doesn't want to wake up for school",
        "my toddler wants to jump off the sofa",
        "she wants to dye her hair",
    ]),
    "wants_to_end_it_wording": (40, [
        "she's 7 weeks pregnant and wants to end it, she's booked a termination",
        "my daughter wants to end it with her boyfriend",
    ]),
    "after_birth_feeling_high_not_needing_sleep_or_hearing_things": (31, [
        "new mum, my blood pressure was feeling high, midwife checked it, fine",
        "my baby is 8 weeks old, I'm so happy, on top of the world",
    ]),
    "after_birth_racing_mind_and_not_sleeping_for_days": (29, [
        "had my baby 5 weeks ago, I'm anxious and my mind won't switch off with worry, haven't slept for 2 nights",
        "had my baby 3 weeks ago, haven't slept for 3 days because she won't settle",
    ]),
    "pregnancy_or_after_birth_breathless_lying_flat_with_swelling_or_fast_heart": (33, [
        "c-section 2 weeks ago, can't lie flat because of the wound, feet are a bit swollen",
        "32 weeks pregnant, breathless on the stairs and swollen ankles",
    ]),
}
test_finding_fires, test_finding_look_alike_quiet = finding_table_tests(FIRES, QUIET, sex="female")
