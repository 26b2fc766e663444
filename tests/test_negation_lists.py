"""Negation over lists and "non-" words: the comma ends a clause, but not a list's negation.

Found on the development triage sets: "No syncope, chest pain or dyspnoea" fired the chest-pain red
flag, "non-bloody diarrhoea" fired bloody diarrhoea, "No lip, tongue or facial swelling" fired
facial swelling by meaning.
"""

import pytest

from app.services.acuity import fold
from app.services.semantic import affirmed_chunks, negated_chunks
from app.services.triage import is_negated, negated_list_spans, normalise, triage


def negated(text: str, phrase: str) -> bool:
    norm = normalise(text)
    return is_negated(norm, norm.index(phrase))


@pytest.mark.parametrize("text, phrase", [
    ("28F, no syncope, chest pain or dyspnoea, no family history", "chest pain"),
    ("No lip, tongue or facial swelling, no wheeze", "facial swelling"),
    ("No breathlessness, chest pain or bleeding. Temp 37.3", "chest pain"),
    ("denies fever, neck stiffness, rash or vomiting", "rash"),
    ("vomiting twice and non-bloody diarrhoea", "bloody diarrhoea"),
    ("abdomen soft and non tender", "tender"),
])
def test_later_items_of_a_negated_list_are_negated(text, phrase):
    assert negated(text, phrase)


@pytest.mark.parametrize("text, phrase", [
    ("no fever, chest pain since this morning", "chest pain"),  # no "or": a doubtful case stays present
    ("no fever, headache or vomiting but now I have a stiff neck", "stiff neck"),  # "but" ends the list
    ("non-stop vomiting since last night", "vomiting"),
    ("not breathless, chest pain and sweating", "chest pain"),
    ("I have no idea why, chest pain or something like it", "chest pain"),  # "no idea" is not a cue
    ("no fever. Chest pain or tightness for an hour", "chest pain"),  # a full stop ends everything
])
def test_affirmed_findings_after_a_negation_stay_affirmed(text, phrase):
    assert not negated(text, phrase)


def test_a_list_needs_short_items():
    text = normalise("no fever, then this morning a crushing pain in my chest that spread to my arm or jaw")
    assert negated_list_spans(text) == ()


def test_triage_does_not_fire_a_red_flag_from_a_negated_list():
    denied = triage("28F, occasional skipped beat at rest for 2 weeks. No syncope, chest pain or dyspnoea.", age=28,
                    sex="female")
    assert not any("chest" in f["finding"].lower() for f in denied.red_flags), denied.red_flags
    affirmed = triage("28F, occasional skipped beat. No syncope, but chest pain at rest for an hour.", age=28,
                      sex="female")
    assert any("chest" in f["finding"].lower() for f in affirmed.red_flags), affirmed.red_flags


def test_bloody_diarrhoea_is_not_read_from_non_bloody():
    assert not [f for f in triage("vomiting twice and non-bloody diarrhoea since a takeaway").red_flags
                if "blood" in f["finding"].lower()]
    assert [f for f in triage("vomiting twice and bloody diarrhoea since a takeaway").red_flags
            if "blood" in f["finding"].lower()]


def test_meaning_reads_list_items_as_denied_and_drops_non_words():
    folded = fold("No lip, tongue or facial swelling, no wheeze.")
    assert not [c.text for c in affirmed_chunks(folded)]
    assert "tongue or facial swelling" in [c.text for c in negated_chunks(folded)]
    chunks = [c.text for c in affirmed_chunks(fold("vomiting and non-bloody diarrhoea since last night"))]
    assert chunks and not any("bloody" in c for c in chunks)


def test_a_denial_carries_past_or_to_the_next_item_beyond_the_word_window():
    """An independent author's depression case: "I don't have any thoughts of hurting myself or ending my life" put
    "don't" 8 words before "ending my life" (the window is 6), so the second item read as affirmed (emergency)."""
    for text in ("I don't have any thoughts of hurting myself or ending my life, I just want to feel like me again.",
                 "I haven't had any thoughts about wanting to hurt myself or about ending my life"):
        assert not [f for f in triage(text).red_flags if f["id"] == "suicidal_thoughts"], text
    for text in ("I'm thinking about ending my life", "no sleep for days or food and I'm thinking of ending my life",
                 "not eating much for a week or so and now slurred speech"):
        assert triage(text).level == "emergency", text
