"""Review round 8 of the acuity layer (docs/hazards/ed_discriminators_3.md), by red-flag-author-15 (emergency
physician; needs an independent check): tarry stool with faintness not cancelled by iron, hot-agent burns not
cancelled by sun words, purple / dusky coughing fits, and a normal reading after "has a temperature".
Each change is checked both ways through ``triage.triage`` (words only).
"""

from __future__ import annotations

import pytest
from conftest import fire_quiet_tests

from app.services.triage import triage

CASES_FIRE = {
    "tarry_stool_faint_despite_iron": [
        "black tarry stools and I nearly fainted, I'm on iron tablets",
        "My poos are black and sticky like tar since I started the iron, and I collapsed",
        "On bismuth for my stomach but my poo is like tar and I feel faint when I stand",
    ],
    "hot_agent_burn_face_hands_feet_genitals_or_large": [
        "scalded my face with boiling water after sunbathing",
        "burnt his face on the barbecue while in the sunshine",
        "I burned my whole hand with boiling water",
        "burnt my hand on the stove, the skin has gone white",
        "burnt my hand in a chemical spill at work",
    ],
    # independent check (red-flag-reviewer-16): blistered hot-agent burns of a limb (NHS: A&E)
    "hot_agent_burn_blistered_limb": [
        "I spilt hot tea and scalded my foot in the sun, it's blistered",
        "burnt my hand on the iron and it has blistered",
        "scalded my foot with the kettle, it has blistered",
        "burnt my finger on the hob, small blister",
        "scalded my arm with hot tea, blistering",
        "burnt my hand badly on the barbecue, big blisters, after sunbathing",
    ],
    "serious_burn": [
        "burnt my hand on the iron, now a blistered hand",
        "scalded both feet in a bath that was too hot",
    ],
    "cough_fit_apnoea": [
        "my 3 month old coughs until she goes purple",
        "she goes purple when coughing",
        "he coughs until he goes dusky",
        "my baby coughs until she goes blue",
        "he coughs so hard he turns blue",
        "she turns grey when she coughs",
        "her lips go dusky when she coughs",
    ],
    "low_temperature_infant_under_3m": [
        "my 8 week old, temperature 35.4",
        "my 6 week old has a low temperature of 35.5",
        "my 8 week old has a temperature of 35.2",
    ],
    "fever_infant_under_3m_reading_wording": [
        "my 8 week old has a temperature of 38.2",
        "my 8 week old has a temperature",
        "my 8 week old has a temperature of 36.5, now 38.4",
        # independent check: parental report of a temperature with 37.5-37.9 is kept (NG143: take it seriously)
        "my 8 week old has a temperature of 37.8",
        "my 8 week old has a temperature of 36.5 this morning, now 38.6",
        "my 8 week old has a temperature of 36.5 earlier, just rechecked 38.3",
    ],
}

CASES_QUIET = {
    "tarry_stool_faint_despite_iron": [
        "black poo on iron tablets, I feel fine",
        "My poo is black since I started the iron and I feel a bit dizzy",
        "black sticky poo on iron, no dizziness and not faint",
        "I got tar on my shoes and felt faint in the heat",
    ],
    "hot_agent_burn_face_hands_feet_genitals_or_large": [
        "I burnt my face in the sun",
        "sunburnt face and feet after a day at the beach",
        "small burn on my finger from the oven, cooled it",
        "I burnt the toast and the smoke made my face sting",
        "burnt my hand on the iron",
        "small burn on my hand from the oven, cooled it under the tap",
    ],
    "hot_agent_burn_blistered_limb": [
        "burnt my hand on the iron",
        "burnt my hand on the oven, no blister, it's red and sore",
        "sunburnt arms with blisters after the beach",
    ],
    "serious_burn": [
        "burnt my hand on the iron",
        "I touched the hob and burnt my palm a little, just red",
        "sunburnt hands and a sore foot after the beach, too much sun",
        "burnt my face sunbathing, really sore",
    ],
    "cough_fit_apnoea": [
        "she coughs until she goes red in the face",
        "he goes red in the face when coughing",
    ],
    "fever_infant_under_3m_reading_wording": [
        "my 8 week old has a temperature of 36.5",
        "my 8 week old got a temperature of 36.9 this morning",
        "my 6 week old has a low temperature of 35.5",
    ],
    "fever_infant_under_3m": [
        "my 8 week old has a temperature of 36.5",
    ],
}


test_fires, test_quiet = fire_quiet_tests(CASES_FIRE, CASES_QUIET)


@pytest.mark.parametrize("text", [
    "scalded my face with boiling water after sunbathing",
    "my 3 month old coughs until she goes purple",
    "black tarry stools and I nearly fainted, I'm on iron tablets",
    "scalded my foot with the kettle, it has blistered",
])
def test_round_8_gaps_are_emergencies(text):
    assert triage(text).level == "emergency", triage(text).reasons


@pytest.mark.parametrize("text", [
    "burnt my hand on the iron",
    "I touched the hob and burnt my palm a little, just red",
    "small burn on my hand from the oven, cooled it under the tap",
])
def test_small_unblistered_hand_burn_is_not_an_emergency(text):
    """Independent check (red-flag-reviewer-16): NHS burns and scalds treats these at home."""
    assert triage(text).level != "emergency", triage(text).reasons
