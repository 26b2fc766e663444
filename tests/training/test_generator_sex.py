"""The generator never gives a symptom or story line that only the other sex can have (review 2026-11-30)."""

from __future__ import annotations

import random

from knowledge import load_knowledge_base
from training.generator import _OTHER_SEX_WORDS, TextGenerator, _line


def test_sex_specific_symptoms_only_go_to_that_sex():
    kb = load_knowledge_base()
    gen = TextGenerator(kb, seed=5)
    tagged = [c for c in kb.conditions if any(s.sex != "any" for s in c.symptoms)]
    assert tagged, "the knowledge base marks period / testicle symptoms with their sex"
    rng = random.Random(0)
    for c in tagged:
        for sex in ("male", "female"):
            for _ in range(30):
                picked = gen._pick_symptoms(c, rng, sex)
                assert all(s.sex in ("any", sex) for s in picked), (c.name, sex, [s.term for s in picked])


def test_story_lines_fit_the_subjects_sex():
    lines = ["started after I got pregnant", "came on after a long walk"]
    rng = random.Random(0)
    assert {_line(lines, "male", rng) for _ in range(20)} == {"came on after a long walk"}
    assert _OTHER_SEX_WORDS["female"].search("my testicle hurts")
