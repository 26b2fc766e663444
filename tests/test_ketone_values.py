"""The blood ketone value reader (round 16): a decimal point ends a library phrase, so "ketones 3.4" was routine and
"ketones 1.1" read as any 1.x. NICE NG18 / JBDS-IP: 0.6-1.4 raised, 1.5-2.9 at risk of DKA, 3.0 or more DKA likely."""

from __future__ import annotations

import pytest

from app.services.acuity import present_from_text
from app.services.triage import triage


def ketone_concepts(text):
    return {k for k in present_from_text(text) if "ketone" in k}


@pytest.mark.parametrize("text,expected", [
    ("my blood ketones are 3.4", {"blood_ketones_0_6_or_more", "blood_ketones_1_5_or_more", "blood_ketones_3_or_more"}),
    ("BKs 2.1 on the meter", {"blood_ketones_0_6_or_more", "blood_ketones_1_5_or_more"}),
    ("blood ketones 1.1", {"blood_ketones_0_6_or_more"}),
    ("ketone level of 0.4", set()),
    ("ketones ++ in my urine", set()),
    ("urine ketones 4", set()),
    ("if ketones are over 3 go to A&E", set()),
    ("no ketones", set()),
    ("ketones were 3.5 last year", set()),
    ("the leaflet says ketones 1.5-3.0 means ring the team", set()),
    ("ketones 3 units of insulin", set()),
])
def test_the_reader_takes_current_blood_values_only(text, expected):
    assert ketone_concepts(text) == expected


def test_levels_follow_the_value_and_diabetes():
    assert triage("ketones 3.4 and sugar 22").level == "emergency"
    assert triage("type 1 diabetic, ketones 1.8 and sugars 19 with a cold").level == "urgent"
    assert triage("on insulin, ketones 0.8 this morning with a cold").level == "urgent"
    assert triage("type 1, blood ketones 0.2, sugars fine").level not in ("emergency", "urgent")


def test_a_meter_reading_and_t1d_shorthand_are_read():
    """Independent check of round 16: "ketone meter says 5.2" and "T1D, bks 0.9, vomiting" were routine."""
    assert ketone_concepts("ketone meter says 5.2") >= {"blood_ketones_3_or_more"}
    assert triage("ketone meter says 5.2").level == "emergency"
    assert triage("T1D, bks 0.9, vomiting").level == "urgent"
