"""Small English helpers of the text generator, and its word lists (``generator_words.json``).

Crude on purpose: they turn the knowledge base's first-person lay phrasings into third person,
tell a clause from a fragment (to pick a frame that reads naturally), swap everyday synonyms and
make the typos people make. Deterministic for a given ``random.Random``.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

WORDS_FILE = Path(__file__).with_name("generator_words.json")
WORDS: dict = json.loads(WORDS_FILE.read_text(encoding="utf-8"))

STOPWORDS = set(WORDS["stopwords"])
CLAUSE_START = set(WORDS["clause_start"])
VERB_HINTS = tuple(WORDS["verb_hints"])
MISSPELL: dict[str, list[str]] = WORDS["misspellings"]
_VERB_KEEP = set(WORDS["verbs_unchanged"])
_VERB_MAP: dict[str, str] = WORDS["verbs_third_person"]
_ADVERBS = set(WORDS["adverbs"])
_SYN_INDEX = {w.lower(): group for group in WORDS["synonyms"] for w in group if len(set(group)) > 1}
_SYN_RE = re.compile(
    r"\b(" + "|".join(sorted((re.escape(w) for w in _SYN_INDEX), key=len, reverse=True)) + r")\b", re.IGNORECASE
)


def swap_synonyms(text: str, rng: random.Random, p: float = 0.35) -> str:
    """Replace each word that has everyday synonyms by one of them with probability ``p``."""

    def repl(m: re.Match) -> str:
        w = m.group(0)
        if rng.random() >= p:
            return w
        alt = rng.choice([x for x in _SYN_INDEX[w.lower()] if x.lower() != w.lower()])
        return alt.capitalize() if w[:1].isupper() else alt

    return _SYN_RE.sub(repl, text)


def phrase_kind(p: str) -> str:
    """"clause" ("my knee hurts"), "gerund" ("coughing a lot") or "frag" ("a sore knee")."""
    words = p.lower().split()
    if not words:
        return "frag"
    if words[0] in CLAUSE_START or any(h in f" {p.lower()} " for h in VERB_HINTS):
        return "clause"
    if words[0].endswith("ing"):
        return "gerund"
    return "frag"


def conjugate(v: str) -> str:
    """Third person singular of a first-person verb ("keep" -> "keeps", "have" -> "has")."""
    lv = v.lower()
    if lv in _VERB_MAP:
        return _VERB_MAP[lv]
    if lv in _VERB_KEEP or not lv.isalpha():
        return v
    if re.search(r"(s|sh|ch|x|z|o)$", lv):
        return v + "es"
    if re.search(r"[^aeiou]y$", lv):
        return v[:-1] + "ies"
    return v + "s"


def to_third_person(text: str, sex: str) -> str:
    """Crude first -> third person rewrite ("I keep sneezing" -> "she keeps sneezing")."""
    he, him, his, hisp, himself = (
        ("he", "him", "his", "his", "himself") if sex == "male" else ("she", "her", "her", "hers", "herself")
    )
    subs = {
        "i'm": f"{he}'s",
        "im": f"{he}'s",
        "i've": f"{he}'s",
        "ive": f"{he}'s",
        "i'd": f"{he}'d",
        "i'll": f"{he}'ll",
        "my": his,
        "me": him,
        "myself": himself,
        "mine": hisp,
        "am": "is",
    }
    words = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        core = w.lower().strip(",.!?")
        tail = w[len(w.rstrip(",.!?")) :]
        if core == "i":
            out.append(he + tail)
            j = i + 1
            if not tail and j < len(words) and words[j].lower() in _ADVERBS:
                out.append(words[j])
                j += 1
            if not tail and j < len(words):
                nxt = words[j]
                ncore = nxt.rstrip(",.!?")
                out.append(conjugate(ncore) + nxt[len(ncore) :])
                j += 1
            i = j
            continue
        if core in subs:
            out.append(subs[core] + tail)
        else:
            out.append(w)
        i += 1
    return " ".join(out)


def typo(word: str, rng: random.Random) -> str:
    """A common misspelling of the word, or a swapped, dropped, doubled or mistyped letter."""
    lw = word.lower()
    if lw in MISSPELL and rng.random() < 0.7:
        return rng.choice(MISSPELL[lw])
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.random()
    if op < 0.3:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # swap
    if op < 0.6:
        return word[:i] + word[i + 1 :]  # drop
    if op < 0.8:
        return word[:i] + word[i] + word[i:]  # double
    keys = "qwertyuiopasdfghjklzxcvbnm"
    return word[:i] + rng.choice(keys) + word[i + 1 :]  # fat finger


def content_words(term: str) -> set[str]:
    """The words of a symptom term that identify it (no stopwords, longer than two letters)."""
    return {w for w in re.findall(r"[a-z]+", term.lower()) if w not in STOPWORDS and len(w) > 2}
