"""Which words to highlight as "supporting" a suggestion: only those that carry it.

Occlusion scores every word (how much the suggestion's probability drops without it), and a
random or small model moves a little on any word. A highlight is a claim to a clinician ("this
word is why"), so it is shown only for a content word whose score reaches a minimum
attribution: never a stop-word, a number or age, a word for who the person is ("woman",
"year", "old") or for how long ("days", "weeks"). The stored scores are kept as computed; this
is presentation only, applied whenever attributions are read (page and API).
"""

from __future__ import annotations

import re
from typing import Any

from app.services.explain import STOP_WORDS

TOP_WORDS = 5
# Percentage points the suggestion's probability must lose without the word (0.02 = 2 points).
DEFAULT_MIN_ATTRIBUTION = 0.02

PERSON_WORDS = frozenset("""
woman women man men lady ladies gentleman boy boys girl girls baby babies child children kid kids toddler infant
teenager teen adult adults female male patient patients person people elderly pensioner aged age yo y/o yrs yr
year years old month months week weeks day days hour hours minute minutes night nights morning mornings evening
evenings fortnight since ago for about around approximately roughly
""".split())

_NUMBER = re.compile(r"^\d+([.,]\d+)?(st|nd|rd|th|yo|y|yr|yrs|h|hr|hrs|d|wk|wks|m|mo)?$")
_NUMBER_WORD = re.compile(r"^\d+[-/]?(year|yr|month|week|day|hour)s?([-/]old)?$")
_EDGE = re.compile(r"^\W+|\W+$")


def bare(word: str) -> str:
    return _EDGE.sub("", word or "").lower()


def can_highlight(word: str) -> bool:
    """A word that can carry a suggestion (not a stop-word, number, age, sex or duration)."""
    w = bare(word)
    if len(w) < 3 or w in STOP_WORDS or w in PERSON_WORDS:
        return False
    if _NUMBER.match(w) or _NUMBER_WORD.match(w) or any(ch.isdigit() for ch in w):
        return False
    return any(ch.isalpha() for ch in w)


def select_highlights(attributions: dict[str, Any] | None, min_attribution: float = DEFAULT_MIN_ATTRIBUTION,
                      top: int = TOP_WORDS) -> dict[str, Any] | None:
    """A copy of the attribution payload with `top_indices` / `top_words` re-chosen by the rules above."""
    if not attributions or not isinstance(attributions.get("by_icd10"), dict):
        return attributions
    words = list(attributions.get("words") or [])
    out = dict(attributions)
    by_code = {}
    for code, info in attributions["by_icd10"].items():
        scores = list((info or {}).get("scores") or [])
        ranked = sorted(range(min(len(scores), len(words))), key=lambda i: scores[i], reverse=True)
        chosen = [i for i in ranked if (scores[i] or 0) >= min_attribution and can_highlight(words[i])][:top]
        by_code[code] = {**(info or {}), "top_indices": chosen,
                         "top_words": [bare(words[i]) or words[i] for i in chosen]}
    out["by_icd10"] = by_code
    out["min_attribution"] = min_attribution
    return out
