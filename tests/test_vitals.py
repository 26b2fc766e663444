"""Vital signs: NEWS2 against the RCP chart's bands, children's limits, and the reader on messy text."""

from __future__ import annotations

import pytest

from app.services.vitals import (
    VitalsError,
    assess_vitals,
    clean_vitals,
    news2,
    news2_level,
    vitals_from_text,
)


@pytest.mark.parametrize("vitals,score,parts", [
    # all normal: 0
    ({"respiratory_rate": 16, "spo2": 98, "on_oxygen": False, "systolic_bp": 128, "heart_rate": 72,
      "consciousness": "alert", "temperature_c": 37.0}, 0, {}),
    # RCP worked pattern: RR 24 (2), SpO2 95 (1), air (0), SBP 105 (1), HR 110 (1), alert (0), T 38.5 (1) = 6
    ({"respiratory_rate": 24, "spo2": 95, "on_oxygen": False, "systolic_bp": 105, "heart_rate": 110,
      "consciousness": "alert", "temperature_c": 38.5}, 6, {"respiratory_rate": 2, "spo2": 1, "systolic_bp": 1}),
    # band edges: RR 8 -> 3, 9 -> 1, 21 -> 2, 25 -> 3; SpO2 91 -> 3, 92 -> 2, 94 -> 1
    ({"respiratory_rate": 8}, 3, {"respiratory_rate": 3}),
    ({"respiratory_rate": 9}, 1, {"respiratory_rate": 1}),
    ({"respiratory_rate": 25, "spo2": 91}, 6, {"respiratory_rate": 3, "spo2": 3}),
    ({"spo2": 92, "on_oxygen": True}, 4, {"spo2": 2, "on_oxygen": 2}),
    # SBP 90 -> 3, 91 -> 2, 101 -> 1, 220 -> 3; HR 40 -> 3, 41 -> 1, 91 -> 1, 111 -> 2, 131 -> 3
    ({"systolic_bp": 90, "heart_rate": 131}, 6, {"systolic_bp": 3, "heart_rate": 3}),
    ({"systolic_bp": 220, "heart_rate": 41}, 4, {"systolic_bp": 3, "heart_rate": 1}),
    # new confusion scores 3; T 35.0 -> 3, 36.0 -> 1, 39.1 -> 2
    ({"consciousness": "confused", "temperature_c": 39.1}, 5, {"consciousness": 3, "temperature_c": 2}),
    ({"temperature_c": 35.0}, 3, {"temperature_c": 3}),
])
def test_news2_bands(vitals, score, parts):
    result = news2(vitals)
    assert result["score"] == score
    for k, v in parts.items():
        assert result["parts"][k] == v


def test_news2_levels():
    assert news2_level(news2({"respiratory_rate": 24, "heart_rate": 115, "temperature_c": 39.5}))[0] == "urgent"  # 2+2+2
    assert news2_level(news2({"respiratory_rate": 26}))[0] == "emergency"  # a single 3
    assert news2_level(news2({"respiratory_rate": 22, "heart_rate": 120, "systolic_bp": 95, "spo2": 94}))[0] == "emergency"  # 7
    assert news2_level(news2({"heart_rate": 95}))[0] is None
    assert news2(None or {}) is None


@pytest.mark.parametrize("text,expected", [
    ("sats 91%, BP 95/65, HR 112, RR 24, temp 38.5",
     {"spo2": 91, "systolic_bp": 95, "heart_rate": 112, "respiratory_rate": 24, "temperature_c": 38.5}),
    ("104F and a pulse of 130", {"temperature_c": 40.0, "heart_rate": 130}),
    ("T 39.2, spo2 89% on 2L O2, GCS 13", {"temperature_c": 39.2, "spo2": 89, "on_oxygen": True, "consciousness": "voice"}),
    ("BP: 88/50 HR 128 sats 89% on air", {"systolic_bp": 88, "heart_rate": 128, "spo2": 89, "on_oxygen": False}),
    ("temperature of 101.5 F", {"temperature_c": 38.6}),
    ("she had a temp of 38.7C", {"temperature_c": 38.7}),
    ("feels hot, 39 degrees", {"temperature_c": 39.0}),
    ("HR112 RR 30", {"heart_rate": 112, "respiratory_rate": 30}),
    ("pulse ox says 93%", {"spo2": 93}),
    ("oximeter says 81%", {"spo2": 81}),
    # home devices named by what they are (round 12)
    ("one of those finger things and it says 90 and my heart 116", {"spo2": 90, "heart_rate": 116}),
    ("the finger clip thing is showing 88", {"spo2": 88}),
    ("his home BP machine says 88/50 and pulse 124", {"systolic_bp": 88, "heart_rate": 124}),
    ("blood pressure monitor read 85/40", {"systolic_bp": 85}),
    ("my heart is racing at 150", {"heart_rate": 150}),
])
def test_vitals_are_read_from_messy_text(text, expected):
    got = vitals_from_text(text)
    for k, v in expected.items():
        assert got.get(k) == v, (text, got)


@pytest.mark.parametrize("text", ["I am 38 and have a fever", "was 3 days ago", "took 2 tablets at 10", "my BP is normal",
                                  "problems with my heart 20 years ago", "I had 2 heart attacks",
                                  "the finger thing was fine"])
def test_numbers_that_are_not_vitals_are_left_alone(text):
    assert not {k: v for k, v in vitals_from_text(text).items() if k != "consciousness"}


def test_children_use_age_limits_not_news2():
    baby = assess_vitals({"temperature_c": 38.2}, [0.1])
    assert baby.level == "emergency" and baby.news2 is None
    toddler = assess_vitals({"respiratory_rate": 45}, [1.5])
    assert toddler.level == "urgent"
    assert assess_vitals({"respiratory_rate": 45}, [40]).level == "emergency"  # an adult: NEWS2 3 points


def test_structured_vitals_are_validated_naming_the_field():
    assert clean_vitals({"heart_rate": 110, "on_oxygen": True}) == {"heart_rate": 110, "on_oxygen": True}
    with pytest.raises(VitalsError) as exc:
        clean_vitals({"heart_rate": 900, "colour": "blue", "consciousness": "sleepy"})
    assert set(exc.value.fields) == {"vitals.heart_rate", "vitals.colour", "vitals.consciousness"}


@pytest.mark.parametrize("text, expected", [
    ("My 5 week old feels hot and the thermometer says 38.2 under her arm", 38.2),
    ("38.4 under his arm this morning", 38.4),
    ("thermometer read 101.3", 38.5),
    ("ear thermometer showed 39.1", 39.1),
    ("37.9 in her ear", 37.9),
])
def test_thermometer_readings_without_the_word_temp(text, expected):
    assert vitals_from_text(text)["temperature_c"] == expected


@pytest.mark.parametrize("text", ["he is 38 and feels rough", "scored 38 in the test", "38 weeks pregnant"])
def test_other_numbers_are_not_temperatures(text):
    assert "temperature_c" not in vitals_from_text(text)


def test_an_infant_fever_read_from_a_thermometer_is_an_emergency():
    from app.services.triage import triage

    result = triage("My 5 week old feels hot and the thermometer says 38.2 under her arm. Feeding a bit less.")
    assert result.level == "emergency"


# Round 13: a number of degrees with no temperature word may be an angle or the weather ("fixed flexion at the MCPJ
# approx 30 degrees" scored NEWS2 3 as a temperature of 30 C, an emergency).
@pytest.mark.parametrize("text", [
    "fixed flexion at MCPJ approx 30 degrees, painless",
    "can only bend my knee to 40 degrees since the op",
    "it was 35C outside and I feel dizzy and sick",
    "40 degrees in the shade on holiday and I've got a headache",
    "the bath water was 39 degrees",
    "he is 32 degrees and shivering",  # no unit and under 35: written as "temp 32" by whoever measured it
])
def test_angles_weather_and_unitless_low_degrees_are_not_temperatures(text):
    assert "temperature_c" not in vitals_from_text(text), vitals_from_text(text)


@pytest.mark.parametrize("text, expected", [
    ("feels hot, 39 degrees", 39.0),
    ("knee flexion 90 degrees, temp 38.4", 38.4),
    ("found outside in the snow, temp 31", 31.0),
    ("temp 30 degrees when the paramedics found her", 30.0),
    ("she is 39.5 degrees and floppy", 39.5),
    ("104 degrees fever", 40.0),
])
def test_temperatures_with_degrees_are_still_read(text, expected):
    assert vitals_from_text(text)["temperature_c"] == expected


@pytest.mark.parametrize("text, expected", [
    ("her pulse on the blood pressure machine keeps saying 38 or 40", 38),  # round 14
    ("checked her pulse, it was about 120", 120),
    ("his pulse was racing at 150", 150),
])
def test_a_pulse_named_with_a_device_or_a_verb_is_read(text, expected):
    assert vitals_from_text(text)["heart_rate"] == expected


@pytest.mark.parametrize("text", ["my pulse and BP machine says 130/85", "pulse is 2 hours away", "pulse ox says 93%"])
def test_a_blood_pressure_or_a_time_beside_the_word_pulse_is_not_a_heart_rate(text):
    assert "heart_rate" not in vitals_from_text(text)


@pytest.mark.parametrize("text", ["waited 2 hr 45 mins and nearly fainted", "in the queue for 1 hr 30 mins",
                                  "1hr 30min drive", "for 1 hr 20 minutes"])
def test_hours_and_minutes_are_not_a_heart_rate(text):
    """"hr 45" after a number of hours is a time, not a pulse (independent check of round 16: an emergency by NEWS2)."""
    assert "heart_rate" not in vitals_from_text(text)


@pytest.mark.parametrize("text,expected", [("HR 44 irregular", 44), ("hr 45 bpm", 45), ("P 120, BP 90/60", 120)])
def test_heart_rates_in_shorthand_still_read(text, expected):
    assert vitals_from_text(text)["heart_rate"] == expected
