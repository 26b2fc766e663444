"""Probe descriptions of classic emergencies (the clinical review's list, the issue's examples and our
own) and of harmless texts with scary words: no emergency may be under-triaged, and generic
phrases must not over-triage. These are public examples, not a held-out set; rules-only triage
(no model) is the floor the classifier can only raise.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.services.triage import LEVELS, triage

PROBES = [json.loads(line) for line in (Path(__file__).parent / "data" / "triage_probes.jsonl").read_text().splitlines()
          if line.strip()]


@pytest.mark.parametrize("probe", [p for p in PROBES if "min_level" in p], ids=lambda p: p["text"][:50])
def test_no_emergency_is_under_triaged(probe):
    result = triage(probe["text"])
    assert LEVELS.index(result.level) <= LEVELS.index(probe["min_level"]), (probe["text"], result.level, result.reasons)


@pytest.mark.parametrize("probe", [p for p in PROBES if "max_level" in p], ids=lambda p: p["text"][:50])
def test_generic_phrases_do_not_over_triage(probe):
    result = triage(probe["text"])
    assert LEVELS.index(result.level) >= LEVELS.index(probe["max_level"]), (probe["text"], result.level, result.reasons)


def test_the_probe_set_covers_the_review():
    assert sum(1 for p in PROBES if p["source"].startswith("review")) >= 26
    assert sum(1 for p in PROBES if "min_level" in p) >= 40
