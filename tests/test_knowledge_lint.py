"""The knowledge base and the red-flag library pass the clinical content lint (docs/clinical-safety.md).

Fails the build on: ICD-10 codes or titles not in WHO ICD-10 2019, two levels for one phrase,
generic phrases raising an emergency alone, sex-specific symptoms in the wrong demographics,
children left out, advice contradicting an emergency, missing red flags / precautions / reviewer,
and any library finding whose own examples do not fire (or fire when negated).
"""

from __future__ import annotations

import json

import pytest

from app.services.acuity import AcuityIndex, read_person
from knowledge import DEFAULT_PATH, load_knowledge_base, parse_knowledge_base
from knowledge.flag_library import FlagLibraryError, load_flag_library, parse_finding
from knowledge.lint import lint

LIBRARY = load_flag_library()
INDEX = AcuityIndex(LIBRARY)


def test_the_knowledge_base_has_300_plus_conditions_and_passes_the_lint(knowledge_base):
    assert len(knowledge_base.conditions) >= 300
    problems = lint(knowledge_base, LIBRARY)
    assert problems == [], "\n".join(problems[:40])


def test_every_condition_carries_its_author_reviewer_and_date(knowledge_base):
    for c in knowledge_base.conditions:
        assert c.reviewed.get("reviewer") and c.reviewed.get("date"), c.name
        assert c.reviewed.get("author") and c.reviewed.get("author") != c.reviewed.get("reviewer"), c.name


@pytest.mark.parametrize("finding", LIBRARY.findings, ids=lambda f: f.id)
def test_every_finding_fires_on_its_examples_and_not_on_its_negated_ones(finding):
    for text in finding.fires:
        assert finding.id in {x["id"] for x in INDEX.match(text, read_person(text))}, text
    for text in finding.does_not_fire:
        assert finding.id not in {x["id"] for x in INDEX.match(text, read_person(text))}, text


def test_each_finding_is_defined_once_with_one_level():
    ids = [f.id for f in LIBRARY.findings]
    assert len(ids) == len(set(ids))
    assert all(f.level in ("emergency", "urgent") for f in LIBRARY.findings)


def test_a_bad_rule_names_the_rule_and_the_field(tmp_path):
    good = {"id": "x_rule", "description": "d", "level": "urgent", "system": "s", "source": "NICE",
            "all_of": [["a phrase"]], "examples": {"fires": ["a phrase"], "does_not_fire": ["no phrase"]},
            "reviewed": {"by": "me", "date": "2026-11-30"}}
    assert parse_finding(good, "f.json: findings[0]", {}).id == "x_rule"
    for change, field in [({"level": "soon"}, "level"), ({"all_of": []}, "all_of"), ({"all_of": ["nope"]}, "unknown concept"),
                          ({"population": {"age_max": 300}}, "population.age_max"), ({"examples": {"fires": []}}, "examples.fires"),
                          ({"population": {"risk_factors": ["smoker"]}}, "population.risk_factors")]:
        with pytest.raises(FlagLibraryError, match=field.replace(".", r"\.")) as exc:
            parse_finding({**good, **change}, "f.json: findings[0]", {})
        assert "x_rule" in str(exc.value) and "f.json" in str(exc.value)
    (tmp_path / "a.json").write_text(json.dumps({"findings": [good]}))
    (tmp_path / "b.json").write_text(json.dumps({"findings": [good]}))
    with pytest.raises(FlagLibraryError, match="already defined in a.json"):
        load_flag_library(tmp_path)


def test_the_lint_catches_what_the_review_found(knowledge_base):
    data = json.loads(DEFAULT_PATH.read_text())
    cond = data["conditions"][0]
    bad = dict(cond, icd10="A90", urgency="emergency", precautions=["Rest at home.", "Drink water.", "Sleep."],
               demographics={**cond["demographics"], "sex": "male"},
               symptoms=cond["symptoms"] + [{"term": "heavy periods", "frequency": 0.3, "lay": ["my periods are heavy"]}])
    kb = parse_knowledge_base({"version": "t", "conditions": [bad]}, library=LIBRARY.by_id)
    problems = "\n".join(lint(kb, LIBRARY))
    assert "A90 is not in WHO ICD-10 2019" in problems
    assert "female-specific" in problems
    assert "must say to call the emergency number" in problems and "'Rest at home'" in problems


def test_the_library_is_what_the_knowledge_base_refers_to():
    kb = load_knowledge_base()
    ids = {f.id for f in LIBRARY.findings}
    referenced = {r.id for c in kb.conditions for r in c.red_flags}
    assert referenced <= ids
