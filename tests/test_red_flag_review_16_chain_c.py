"""Round 16, chain C: independent check by red-flag-reviewer-65 (emergency physician, 2026-12-01) of the five real
emergencies red-flag-reviewer-64 found still routine (docs/hazards/round_16_chain_b.md) and of 64's change to the
breathless-after-birth finding. Verdicts: docs/hazards/round_16_chain_c.md. Words only, the reviewer's own sentences
(the two desk / computer sentences moved here from test_red_flag_review_16_check_c.py, where they were look-alikes).
"""

from __future__ import annotations

from conftest import finding_table_tests

HEAD = "headache_with_stiff_neck_and_light_sensitivity"
END_IT = "wants_to_end_it_wording"
OTHER = "suicidal_words_said_of_another_person"
HIGH = "after_birth_feeling_high_not_needing_sleep_or_hearing_things"
CHEMO = "chemotherapy_temperature_37_after_paracetamol"
BREATH = "pregnancy_or_after_birth_breathless_lying_flat_with_swelling_or_fast_heart"

FIRES = {
    HEAD: ("emergency", 30, [
        "headache, stiff neck, cant stand the light, slept on new pillows",
        "worst headache, neck stiff, light hurts my eyes, been at the computer all day",
        "stiff neck from the gym and a headache, light hurts",
        "bad hedache n neck is really stiff, lights hurt, been hunched over my laptop all day",
        "pt c/o HA, neck stiffness, photophobia, desk job",
        "stiff neck, headache and light hurts from working at the computer all day",
        "stiff neck from working at the desk all day, tension headache, sensitive to light from the screen",
    ]),
    END_IT: ("emergency", 30, [
        "im going to end it, my friend who died by suicide said the same",
        "gonna end it tonite, miss my dad who committed suicide last year",
        "my son is talking about ending it like his uncle who we lost to suicide",
    ]),
    OTHER: ("emergency", 40, [
        "my husband says he wants to die since his brother who died by suicide",
        "my daughter keeps saying she wants to die, her friend who killed herself was in her class",
    ]),
    HIGH: ("emergency", 30, [
        "had my baby 2 weeks ago, feel high, dont need sleep, high bp at the check",
        "new mum, feeling high and invincible, bp was high at the midwife visit",
        "3 wks pp, i feel so high, havent slept, high temp yesterday too",
        "postnatal, talking non stop, feel high, my sugars are high as well",
        "gave birth weeks ago, hearing voices, high blood pressure too",
    ]),
    CHEMO: ("emergency", 55, [
        "chemo pt, temp 37.5 after paracetamol, cat is on chemo too",
        "on chemo, temp 37.8 after calpol, my dog is on chemo as well funnily",
        "cycle 2 of FEC, temperature 37.6 after paracetamol, vet said chemo for the dog too",
        "having chemo, temp was 37.4 after 2 paracetamol, my cat's chemo is next week",
        "docetaxel day 7, t 37.9 post paracetamol, dogs chemo went well",
    ]),
    BREATH: ("emergency", 30, [
        "c section 2 wks ago, cant lie flat, ankles swollen, stitches hurt",
        "had c-section 10 days ago, cant breathe lying down, heart racing",
        "section 3 wks ago, breathless when i lie down, legs swollen, wound is healing fine",
        "c section 4 weeks ago, need extra pillows, palpitations, stitches are sore",
    ]),
}

QUIET = {
    HEAD: (30, [
        "stiff neck from the gym and a mild headache, no problem with light",
        "desk job, stiff neck and a tension headache, light from the monitor bothers me",
        "new pillow gave me a stiff neck, bit of a headache",
        "headache from staring at the computer, eyes tired, neck fine",
    ]),
    OTHER: (40, [
        "my friend who died by suicide had told me he wanted to die years ago",
        "my cousin who killed himself wanted to die years ago, I'm just sad today",
    ]),
    END_IT: (40, [
        "my uncle who died by suicide, his note said he wanted to end it, it's his anniversary",
    ]),
    HIGH: (30, [
        "new mum, my blood pressure was feeling high, midwife checked it, fine",
        "had my baby 2 weeks ago, feeling high bp symptoms, headache gone now",
        "had the baby yesterday, feeling high from the gas and air",
    ]),
    CHEMO: (55, [
        "my dog is on chemo, I have a cold, temp 36.9",
        "finished chemo years ago, temp 37.6 after paracetamol for a cold",
        "vet said chemo for my cat, she is off her food",
    ]),
    BREATH: (30, [
        "c section 2 wks ago, cant lie flat because of the wound, ankles a bit swollen",
        "section 2 wks ago, ankles swollen, breathing fine",
        "35 weeks, can't lie flat because of my spd, ankles swollen",
    ]),
}

test_finding_fires, test_finding_look_alike_quiet = finding_table_tests(FIRES, QUIET, sex="female")
