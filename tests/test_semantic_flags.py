"""Red flags matched by meaning (app/services/semantic.py), with the real base sentence encoder.

The encoder is all-MiniLM-L6-v2 from the PyPI package the artifact is built from (loaded with the
real model-loading code); the library is cut to a few findings so the phrases embed in a second.
"""

from __future__ import annotations

import numpy as np
import pytest

from app.services.acuity import AcuityIndex, default_acuity_index, fold, read_person
from app.services.semantic import SemanticIndex, affirmed_chunks, semantic_for
from app.services.triage import triage
from knowledge.flag_library import FlagLibrary


def recording(encoder):
    """An encoder that records the texts of each call (to count what is embedded when)."""
    calls: list[list[str]] = []

    def embed(texts):
        calls.append(list(texts))
        return encoder(texts)

    return calls, embed


WANTED = ("calf_swelling_breathless", "blue_lips", "chest_pain_breathless")


@pytest.fixture(scope="module")
def small(encoder):
    full = default_acuity_index().library
    findings = tuple(f for f in full.findings if f.id in WANTED)
    assert {f.id for f in findings} == set(WANTED), "the findings these tests use were renamed"
    index = AcuityIndex(FlagLibrary(findings=findings, concepts=full.concepts))
    return index, SemanticIndex(index.findings, encoder)


@pytest.mark.parametrize("text, kept", [
    ("no chest pain and my knee is sore", ["my knee is sore"]),
    ("if I get chest pain should I call an ambulance", []),
    ("my father had a stroke last year", []),
    ("denies fever, has a stiff neck", ["has a stiff neck"]),
    ("I can't catch my breath", ["i can't catch my breath"]),  # "can't" is a symptom, not a negation
])
def test_only_affirmed_current_clauses_are_compared(text, kept):
    assert [c.text for c in affirmed_chunks(fold(text))] == kept


def test_wording_no_phrase_has_fires_by_meaning_with_its_reason(small):
    index, semantic = small
    text = "65 year old woman: there is swelling in the calf of her left leg and she is short of breath"
    person = read_person(text)
    lexical = {f["id"] for f in index.match(text, person)}
    assert "calf_swelling_breathless" not in lexical  # the premise: no phrase of the library is there
    fired = {f["id"]: f for f in index.match(text, person, semantic=semantic)}
    hit = fired["calf_swelling_breathless"]
    assert hit["level"] == "emergency"
    assert hit["by_meaning"] and all(m["similarity"] >= semantic.threshold for m in hit["by_meaning"])
    result = triage(text, None, abstained=True, acuity_index=index, semantic=semantic)
    assert result.level == "emergency"
    assert any("read as" in r for r in result.reasons)


@pytest.mark.parametrize("text", [
    "no swelling in my calf and I am not short of breath at all",
    "if my calf swelled up and I got breathless what should I do",
    "my mother had a clot in her leg and could not breathe, years ago",
    "sore calf after a long run yesterday",
])
def test_negated_hypothetical_or_history_never_fires_by_meaning(small, text):
    index, semantic = small
    fired = {f["id"] for f in index.match(text, read_person(text), semantic=semantic)}
    assert "calf_swelling_breathless" not in fired


def test_group_hits_name_the_clause_and_the_phrase(small):
    index, semantic = small
    hits = semantic.group_hits(fold("my lips have gone a funny blue colour"))
    blue = next(i for i, f in enumerate(index.findings) if f.id == "blue_lips")
    clause, phrase, score = hits[(blue, 0)]
    assert "lips" in clause and score >= semantic.threshold and phrase in semantic.texts


def test_phrase_embeddings_are_cached_by_digest(small, encoder):
    index, semantic = small
    calls, counting = recording(encoder)
    cache: dict[str, np.ndarray] = {}
    SemanticIndex(index.findings, counting, cache=cache)
    SemanticIndex(index.findings, counting, cache=cache)
    assert len(calls) == 1 and len(cache) == 1


def test_a_model_without_encoder_has_no_semantic_index():
    class NoEncoder:
        path = None
        version = "tiny"

        def embed(self, texts):
            return None

    assert semantic_for(NoEncoder()) is None


def test_condition_findings_use_the_same_matcher(small):
    """The clinician's complaint: a DVT's calf pain and leg swelling were listed as not mentioned
    although both were written. Stems now join "swollen" and "swelling"; meaning reads the rest."""
    from types import SimpleNamespace

    from app.services.explain import findings

    _, semantic = small
    dvt = SimpleNamespace(symptoms=[
        {"term": "unilateral leg swelling", "lay": ["one leg is swollen", "calf is puffy on one side"]},
        {"term": "calf pain", "lay": ["pain in my calf"]},
        {"term": "shortness of breath", "lay": ["breathless"]},
    ])
    words = findings("65 year old woman, there is swelling in the calf of her left leg", dvt)
    assert "unilateral leg swelling" in words["present"]

    text = "my left calf is killing me, and I am not breathless"
    plain = findings(text, dvt)
    assert "calf pain" in plain["not_mentioned"] and plain["absent"] == ["shortness of breath"]
    both = findings(text, dvt, semantic)
    assert both["present"] == ["calf pain"] and both["absent"] == ["shortness of breath"]
    assert both["by_meaning"] == [{"term": "calf pain", "status": "present", "words": "my left calf is killing me",
                                   "similarity": both["by_meaning"][0]["similarity"]}]


def test_clauses_prepared_in_the_background_are_embedded_once(small, encoder):
    index, _ = small
    calls, counting = recording(encoder)
    semantic = SemanticIndex(index.findings, counting)
    calls.clear()
    text = "There is swelling in the calf of my left leg and I am short of breath"
    semantic.prepare(text)  # what create_assessment does before the classifier runs
    hits = semantic.group_hits(fold(text))
    assert hits and len(calls) == 1  # the background pass, reused


def test_knowledge_base_phrases_warmed_at_load_are_not_embedded_in_a_request(small, encoder):
    index, _ = small
    calls, counting = recording(encoder)
    semantic = SemanticIndex(index.findings, counting)
    semantic.warm_phrases([fold("pain in my calf").strip(), fold("calf pain").strip()])
    calls.clear()
    found = semantic.phrase_status(fold("my left calf is killing me"), ["pain in my calf", "calf pain"])
    assert found and found[0] == "present"
    assert calls == [["my left calf is killing me"]]  # only the description's clause


def test_warmed_phrases_are_kept_in_half_precision_and_score_as_in_full(small, encoder):
    """The warmed knowledge-base phrases are stored as float16 (half a worker's memory for them); a finding's
    similarity moves by well under the distance between thresholds."""
    index, _ = small
    semantic = SemanticIndex(index.findings, encoder)
    phrases = [fold(p).strip() for p in ("pain in my calf", "calf pain", "short of breath", "my lips went blue",
                                         "crushing pain in my chest", "sore throat")]
    library = set(semantic._phrases)  # the red-flag phrases, float32, are not warmed again
    semantic.warm_phrases(phrases)
    warmed = [p for p in phrases if p not in library]
    assert len(warmed) >= 3 and all(semantic._phrases[p].dtype == np.float16 for p in warmed)
    vectors = semantic.phrase_vectors(phrases)
    assert vectors.dtype == np.float32
    clause = np.asarray(encoder(["my left calf is killing me and I'm puffed out"]), dtype=np.float32)[0]
    clause /= np.linalg.norm(clause)
    full = np.asarray(encoder(phrases), dtype=np.float32)
    full /= np.linalg.norm(full, axis=1, keepdims=True)
    assert np.max(np.abs(vectors @ clause - full @ clause)) < 0.002


def test_a_deployment_can_turn_matching_by_meaning_off():
    from types import SimpleNamespace

    from app.services.semantic import served_semantic

    class Encoder:
        path, version = None, "x"

        def embed(self, texts):
            raise AssertionError("not asked when matching by meaning is off")

    assert served_semantic(SimpleNamespace(config={"RED_FLAGS_BY_MEANING": False}), Encoder()) is None


def test_a_normal_reading_never_means_one_above_normal():
    """"temp normal" shares "normal" with "temp above normal" (round 14: a teething baby's fever finding fired)."""
    from app.services.semantic import compatible

    assert not compatible("temp normal", "temp above normal")
    assert not compatible("temperature was normal", "temperature higher than normal")
    assert compatible("his temp is higher than normal", "temperature is above normal")
    assert compatible("temperature of 39.4", "temperature higher than normal")  # says no "normal": not this rule


def test_a_phrase_about_one_eye_or_side_needs_a_clause_that_names_one():
    """"my vision went grey" before a faint is not "sudden loss of vision in one eye" (round 14)."""
    from app.services.semantic import compatible

    assert not compatible("my vision went grey", "loss of vision in one eye")
    assert compatible("curtain came down over my eye", "curtain over one eye")
    assert compatible("face drooping on the left", "face drooping on one side")
    assert compatible("weak left arm", "weakness in one arm")
    assert compatible("suddenly can't hear out of my ear", "sudden deafness in one ear")
    # words that are not a side in the phrase ask for nothing (independent check of round 14)
    assert compatible("baby forgotten in the car on a hot day", "baby left in a hot car")
    assert compatible("he is fitting and blue", "fitting right now")


def test_a_phrase_that_says_how_long_needs_a_clause_that_says_at_least_as_long():
    """An embedding does not read numbers: "3 days high fevers" is not "fever for 3 weeks" (round 15)."""
    from app.services.semantic import compatible

    assert not compatible("3 days high fevers", "fever for 3 weeks")
    assert not compatible("a temp last week", "temperature for the last week")
    assert compatible("fever for 6 days now", "fever for 5 days")
    assert compatible("breathless 2/52", "short of breath for 2 weeks")
    assert compatible("temperature for a fortnight", "fever for a week")


def test_something_that_went_is_not_something_that_came_back():
    from app.services.semantic import compatible

    assert not compatible("fever went yesterday", "fever came back")
    assert compatible("fever back again today", "fever came back")
    assert compatible("the fever has returned", "fever came back")


def test_asking_about_a_medicine_is_not_taking_more_of_it_than_the_dose():
    from app.services.semantic import compatible

    assert not compatible("asks about paracetamol", "more paracetamol than")
    assert compatible("took 20 paracetamol", "more paracetamol than")


def test_a_phrase_about_feeling_in_the_saddle_area_needs_a_clause_that_names_the_area():
    """Months of numbness in both feet is not "numbness between my legs" (an independent author's diabetic
    neuropathy was an emergency by meaning); a clause that names the area still may stand for it."""
    from app.services.semantic import compatible

    assert not compatible("burning and numbness both feet", "numbness between my legs")
    assert not compatible("my feet feel numb at night", "numb bum")
    assert compatible("couldn't feel the toilet paper when I wiped", "can't feel myself when i wipe")
    assert compatible("numb around my backside and down below", "numbness between my legs")
    # a saddle word without a feeling word asks for nothing: "blood when I poo" may still meet "bleeding from my bottom"
    assert compatible("blood when I poo", "bleeding from my bottom")
