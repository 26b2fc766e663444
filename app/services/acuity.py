"""The acuity layer: urgency from the red-flag library, whatever the classifier thinks.

Every finding of ``knowledge/red_flags`` is matched against every description (that is what makes
it a safety net for conditions the model does not know), gated by the population it applies to:
age, sex, pregnancy and the risk factors (diabetes, weakened immunity, blood thinners, recent
surgery) that come from the form or API and from the text itself ("my 6 week old", "I'm 34 weeks
pregnant", "on warfarin").

Matching is lexical but tolerant: possessive and subject pronouns are folded ("his chest" and
"my chest" are the same words), and up to two words may stand between a phrase's words ("swollen
left calf" matches "swollen calf") as long as none of them is a negation. The negation scope of
``triage.is_negated`` applies to the start of each phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from app.services.triage import LEVELS, clause_start, find_affirmed, is_negated, normalise
from knowledge.flag_library import Finding, FlagLibrary, Population

# -- text folding ------------------------------------------------------------------------------

_FOLD = [
    (re.compile(r"\b(?:he's|she's|they're|we're|you're|hes|shes|theyre)\b"), "i'm"),
    (re.compile(r"\b(?:he|she|they|we|you)\b"), "i"),
    (re.compile(r"\b(?:his|her|their|your|our|the)\b"), "my"),
    (re.compile(r"\b(?:himself|herself|themselves|yourself|ourselves)\b"), "myself"),
    (re.compile(r"\b(?:cannot|can not|cant)\b"), "can't"),
    (re.compile(r"\b(?:wont)\b"), "won't"),
    (re.compile(r"\b(?:doesnt)\b"), "doesn't"),
    (re.compile(r"\b(?:isnt)\b"), "isn't"),
    (re.compile(r"\b(?:havent)\b"), "haven't"),
    (re.compile(r"\b(?:hasnt)\b"), "hasn't"),
    (re.compile(r"(?<=\d)\s*(?:°|º|degrees?)\s*"), " degrees "),
    (re.compile(r"\bhay ?fever\b"), "hayfever"),  # an allergy, not a fever
]


def fold(text: str) -> str:
    """Normalised text with pronouns folded: what library phrases are matched against."""
    out = normalise(text)
    for pattern, repl in _FOLD:
        out = pattern.sub(repl, out)
    return out


_TOKEN = re.compile(r"[\w']+")
_BREAK = re.compile(r"[.;:!?,()\n]")  # a phrase never spans these
NEGATORS = frozenset({
    "no", "not", "never", "without", "denies", "deny", "denied", "nor", "neither", "none", "cant", "cannot", "wont",
    "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "havent", "hasnt", "hadnt", "couldnt", "wouldnt",
    "shouldnt", "aint",
})
MAX_GAP = 2  # words allowed between a phrase's words ("swollen left calf" for "swollen calf")


def tokens(text: str) -> frozenset[str]:
    return frozenset(t.replace("'", "") for t in _TOKEN.findall(text))


@dataclass(frozen=True)
class Tokens:
    """A folded text as words with their spans and the clause break before each (for matching)."""

    words: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    broken: tuple[bool, ...]  # punctuation between this word and the previous one

    @classmethod
    def of(cls, text: str) -> Tokens:
        words, starts, ends, broken = [], [], [], []
        prev_end = 0
        for m in _TOKEN.finditer(text):
            words.append(m.group(0).replace("'", ""))
            starts.append(m.start())
            ends.append(m.end())
            broken.append(bool(_BREAK.search(text, prev_end, m.start())))
            prev_end = m.end()
        return cls(tuple(words), tuple(starts), tuple(ends), tuple(broken))


@lru_cache(maxsize=65536)
def phrase_words(phrase: str) -> tuple[str, ...]:
    return tuple(t.replace("'", "") for t in _TOKEN.findall(fold(phrase)))


def find_phrase(tok: Tokens, words: tuple[str, ...], lo: int = 0, hi: int | None = None):
    """(first, last) word index of each occurrence of `words` in `tok[lo:hi]`, in order.

    Up to MAX_GAP other words may stand between two phrase words, but never a word of negation,
    never right after a phrase word of negation (so "not breathing" does not match "not having
    trouble breathing"), and never across punctuation.
    """
    hi = len(tok.words) if hi is None else hi
    if not words:
        return
    first = words[0]
    for i in range(lo, hi):
        if tok.words[i] != first:
            continue
        j, ok = i, True
        for k in range(1, len(words)):
            gap = 0 if words[k - 1] in NEGATORS else MAX_GAP
            found = None
            for step in range(1, gap + 2):
                n = j + step
                if n >= hi or tok.broken[n]:
                    break
                if tok.words[n] == words[k]:
                    found = n
                    break
                if tok.words[n] in NEGATORS:
                    break
            if found is None:
                ok = False
                break
            j = found
        if ok:
            yield i, j


@lru_cache(maxsize=32768)
def phrase_tokens(phrase: str) -> frozenset[str]:
    return frozenset(t for t in tokens(fold(phrase)) if t)


# -- who the description is about ----------------------------------------------------------------

_AGE_PATTERNS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(r"\b(\d{1,3})[\s-]*(?:years?|yrs?|yr)[\s-]*old\b"), 1.0),
    (re.compile(r"\b(\d{1,2})[\s-]*(?:months?|mo|mths?)[\s-]*old\b"), 1 / 12),
    (re.compile(r"\b(\d{1,2})[\s-]*(?:weeks?|wks?)[\s-]*old\b"), 1 / 52),
    (re.compile(r"\b(\d{1,2})[\s-]*(?:days?)[\s-]*old\b"), 1 / 365),
    (re.compile(r"\b(?:i'm|i am|im|aged|age|patient is|is a|a)\s+(\d{1,3})\b(?![\s-]*(?:weeks?|wks?|days?|months?|mins?|minutes?|hours?|hrs?|times?|tablets?|pills?|%|kg|cm|mg|degrees?|\.\d|/\d|x\b))"), 1.0),
    (re.compile(r"\b(\d{1,3})\s*(?:yo|y/o|y\.o\.?|yrs|yr old)\b"), 1.0),
    (re.compile(r"(?:^|[\s,(])(\d{2,3})\s?(?:m|f)\b(?=[\s,.)]|$)"), 1.0),
    (re.compile(r"\bin (?:my|his|her|their) (\d)0s\b"), 10.0),
)
# Age-group words when no number is given: (lowest, highest) plausible age in years.
_AGE_WORDS: tuple[tuple[re.Pattern[str], tuple[float, float]], ...] = (
    (re.compile(r"\b(?:newborn|new-born|neonate|new baby)\b"), (0.0, 0.1)),
    (re.compile(r"\b(?:baby|babies|infant|bub)\b"), (0.0, 1.5)),
    (re.compile(r"\b(?:toddler|nappy|nappies|diaper|diapers)\b"), (0.0, 3.0)),
    (re.compile(r"\b(?:my (?:son|daughter|child|kid|little boy|little girl)|child|children|kid|schoolboy|schoolgirl|preschooler)\b"), (0.0, 16.0)),
    (re.compile(r"\b(?:teenager|teen)\b"), (13.0, 19.0)),
    (re.compile(r"\b(?:elderly|pensioner|my (?:nan|nana|gran|granny|grandma|grandad|grandpa|grandfather|grandmother))\b"), (65.0, 105.0)),
)
_FEMALE = re.compile(r"\b(?:woman|women|female|lady|she|her|mum|mother|wife|girl|daughter|sister)\b")
_MALE = re.compile(r"\b(?:man|men|male|gentleman|he|his|him|dad|father|husband|boy|son|brother)\b")

# Cues that imply a pregnancy even after a negation ("haven't felt the baby move").
_PREGNANCY_IMPLIED = re.compile(
    r"(?<![\w'])(?:waters (?:have )?(?:broken|broke|gone)|fetal movements?|felt (?:the|my) baby move|"
    r"baby(?:'s)? (?:is )?(?:moving|move|movements?|kicks?|kicking))(?![\w'])")
_RISK_TEXT: dict[str, re.Pattern[str]] = {
    "pregnant": re.compile(
        r"(?<![\w'])(?:pregnant|pregnancy|weeks? gestation|gestational|expecting a baby|expecting twins|missed (?:my |a |her )?periods?|"
        r"periods? (?:is|are|was) (?:\w+ ){0,3}late|late periods?|positive pregnancy test|antenatal|primigravida|g\dp\d|\d+ ?\+ ?\d weeks|"
        r"(?<!for )(?<!last )(?<!past )(?<!over )(?:1[2-9]|[23]\d|4[0-2]) ?(?:weeks?|wks?)(?! ago| old|-old))(?![\w'])"),
    "diabetes": re.compile(r"(?<![\w'])(?:diabetic|diabetes|type [12] diabetes|type (?:one|two)|type [12]|t[12]dm|on insulin|insulin|metformin|gliclazide|"
        r"hypos?|blood sugars?|sugar levels?|blood glucose)(?![\w'])"),
    "immunosuppressed": re.compile(
        r"(?<![\w'])(?:chemotherapy|chemo|immunosuppressed|immunocompromised|immunosuppressants?|weak(?:ened)? immune system|low immune system|"
        r"on steroids|long-term steroids|prednisolone|transplant|hiv|methotrexate|neutropenic|biologics?|azathioprine)(?![\w'])"),
    "anticoagulants": re.compile(
        r"(?<![\w'])(?:warfarin|apixaban|rivaroxaban|edoxaban|dabigatran|blood thinners?|anticoagulants?|anticoagulated|heparin|clexane|doac|eliquis|xarelto)(?![\w'])"),
    "recent_surgery": re.compile(
        r"(?<![\w'])(?:operation|surgery|post-?op(?:erative)?|hospital stay|stay in hospital|discharged from hospital|c-section|caesarean|"
        r"hip replacement|knee replacement|plaster cast|bed-?bound|immobile|long-haul flight|long haul flight)(?![\w'])"),
}


@dataclass
class Person:
    """What is known about the person described: from the inputs and from the text."""

    ages: list[float] = field(default_factory=list)  # explicit ages (input and text)
    age_range: tuple[float, float] | None = None  # from words such as "baby" when no number is given
    sex: str | None = None
    risk_factors: dict[str, bool] = field(default_factory=dict)  # True: yes, False: explicitly no
    from_text: dict[str, str] = field(default_factory=dict)  # risk factor -> the words that said so

    def has(self, factor: str) -> bool:
        return bool(self.risk_factors.get(factor))

    def as_dict(self) -> dict[str, Any]:
        return {"ages": [round(a, 3) for a in self.ages], "age_range": list(self.age_range) if self.age_range else None,
                "sex": self.sex, "risk_factors": {k: v for k, v in self.risk_factors.items() if v is not None},
                "from_text": dict(self.from_text)}


def read_person(text: str, age: int | None = None, sex: str | None = None,
                risk_factors: dict[str, Any] | None = None) -> Person:
    """Age, sex, pregnancy and risk factors from the inputs, completed from the text."""
    norm = normalise(text)
    # An age typed as 0 means "under one": a range, so findings for under-3-months need the text's weeks.
    ages: list[float] = [float(age)] if age else []
    for pattern, scale in _AGE_PATTERNS:
        for m in pattern.finditer(norm):
            value = float(m.group(1)) * scale
            if scale == 10.0:
                value += 5
            if 0 <= value <= 120:
                ages.append(value)
    age_range = (0.0, 1.0) if age == 0 else None
    for pattern, rng in _AGE_WORDS:
        if pattern.search(norm):
            age_range = rng if age_range is None else (min(age_range[0], rng[0]), max(age_range[1], rng[1]))
    if sex is None:
        female, male = bool(_FEMALE.search(norm)), bool(_MALE.search(norm))
        sex = "female" if female and not male else "male" if male and not female else None
    factors: dict[str, bool] = {}
    given = risk_factors or {}
    for key in _RISK_TEXT:
        if given.get(key) is True:
            factors[key] = True
        elif given.get(key) is False:
            factors[key] = False
    from_text: dict[str, str] = {}
    for key, pattern in _RISK_TEXT.items():
        if factors.get(key):
            continue
        hit = find_affirmed(pattern, norm)
        if hit is not None:
            factors[key] = True  # the text overrides a "no" on the form: safer
            from_text[key] = hit.group(0)
    if not factors.get("pregnant"):
        implied = _PREGNANCY_IMPLIED.search(norm)
        if implied is not None:
            factors["pregnant"] = True
            from_text["pregnant"] = implied.group(0)
    return Person(ages=ages, age_range=age_range, sex=sex, risk_factors=factors, from_text=from_text)


def applies(population: Population, person: Person) -> bool:
    """Does a finding's population include this person? Unknowns count as included (safer)."""
    if population.sex != "any" and person.sex not in (None, population.sex):
        return False
    if population.pregnant and not person.has("pregnant"):
        return False
    if population.risk_factors and not any(person.has(r) for r in population.risk_factors):
        return False
    if population.age_min is None and population.age_max is None:
        return True
    lo = population.age_min if population.age_min is not None else 0.0
    hi = population.age_max if population.age_max is not None else 200.0
    if person.ages:
        return any(lo <= a <= hi for a in person.ages)
    if population.strict_age:
        return person.age_range is not None and person.age_range[1] <= hi and person.age_range[0] >= lo
    if person.age_range is not None:
        return person.age_range[0] <= hi and person.age_range[1] >= lo
    # Age unknown and no word such as "baby" or "my son": most people describe themselves, so an
    # adult is assumed (child-only findings such as "lethargic" would over-triage every flu).
    return lo <= 30 <= hi


# -- the index ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Phrase:
    finding: int
    group: int
    phrase: str
    need: frozenset[str]


class AcuityIndex:
    """The library compiled once: phrases indexed by their rarest token (a set lookup per text)."""

    def __init__(self, library: FlagLibrary):
        self.library = library
        self.findings: tuple[Finding, ...] = library.findings
        entries: list[_Phrase] = []
        counts: dict[str, int] = {}
        for fi, finding in enumerate(self.findings):
            for gi, group in enumerate(finding.groups):
                for phrase in group:
                    need = phrase_tokens(phrase)
                    entries.append(_Phrase(fi, gi, phrase, need))
                    for t in need:
                        counts[t] = counts.get(t, 0) + 1
        self.by_anchor: dict[str, list[_Phrase]] = {}
        for e in entries:
            if e.need:
                anchor = min(e.need, key=lambda t: (counts[t], t))
                self.by_anchor.setdefault(anchor, []).append(e)
            phrase_words(e.phrase)

    def match(self, text: str, person: Person, present: dict[str, str] | None = None,
              semantic: Any = None) -> list[dict[str, Any]]:
        """Findings that fire: [{"id", "finding", "level", "match", "source": "acuity"}], most urgent first.

        `present` names concept groups already known to be present (e.g. "fever" from a measured
        temperature) with the words to show for them. `semantic` (``semantic.SemanticIndex``) adds
        groups affirmed by meaning where no phrase matched; such a finding carries ``by_meaning``.
        """
        folded = fold(text)
        tok = Tokens.of(folded)
        have = frozenset(tok.words)
        hits: dict[tuple[int, int], str] = {}
        candidates = [e for t in have for e in self.by_anchor.get(t, ()) if e.need <= have]
        for e in candidates:
            key = (e.finding, e.group)
            if key in hits:
                continue
            unless = self.findings[e.finding].unless if e.group == 0 else ()
            for i, j in find_phrase(tok, phrase_words(e.phrase)):
                start = tok.starts[i]
                if is_negated(folded, start) or (unless and _clause_has(folded, tok, i, j, unless)):
                    continue
                hits[key] = folded[start:tok.ends[j]]
                break
        meant: dict[tuple[int, int], tuple[str, str, float]] = {}
        if semantic is not None:
            for key, found in semantic.group_hits(folded).items():
                finding = self.findings[key[0]]
                if key in hits or _has_words(found[0], found[1]):
                    continue  # the phrase itself is there: the word matcher judged it (negation, context)
                unless = finding.unless if key[1] == 0 else ()
                if unless and any(_has_words(_sentence_of(folded, found[0]), u) for u in unless):
                    continue  # the finding's own context words cancel it, as for words
                meant[key] = found
        fired = []
        present = {**present_from_text(text), **(present or {})}
        for fi, finding in enumerate(self.findings):
            words, meanings = [], []
            for gi, name in enumerate(finding.group_names):
                hit = hits.get((fi, gi)) or (present.get(name) if name else None)
                if hit is None and (fi, gi) in meant:
                    clause, phrase, score = meant[(fi, gi)]
                    hit = clause
                    meanings.append({"words": clause, "means": phrase, "similarity": round(score, 3)})
                if hit is None:
                    break
                words.append(hit)
            else:
                if applies(finding.population, person):
                    entry = {"id": finding.id, "finding": finding.description, "level": finding.level,
                             "match": " + ".join(words), "source": "acuity"}
                    if meanings:
                        entry["by_meaning"] = meanings
                    fired.append(entry)
        fired.sort(key=lambda f: LEVELS.index(f["level"]))
        return fired


_TABLET_COUNT = re.compile(
    r"\b(?:took|taken|swallowed|ate|eaten|had|downed|necked)\s+(?:about |around |like |maybe |over |at least |all )?(\d{1,3})\s+"
    r"(?:[\w'-]+\s+){0,3}?(?:tablets?|pills?|paracetamol|co-?codamol|codeine|ibuprofen|aspirin|capsules?|antidepressants?)\b")
OVERDOSE_TABLETS = 10


def present_from_text(text: str) -> dict[str, str]:
    """Concepts the words cannot express: ten or more tablets taken ("took 40 paracetamol")."""
    for m in _TABLET_COUNT.finditer(normalise(text)):
        if int(m.group(1)) >= OVERDOSE_TABLETS:
            return {"large_tablet_count": m.group(0)}
    return {}


def _has_words(clause: str, phrase: str) -> bool:
    words = phrase_words(phrase)
    return bool(words) and next(find_phrase(Tokens.of(clause), words), None) is not None


def _sentence_of(text: str, part: str) -> str:
    """The sentence of `text` that holds `part` (the whole text if it cannot be found)."""
    at = text.find(part)
    if at < 0:
        return text
    start = max(text.rfind(c, 0, at) for c in ".!?\n") + 1
    ends = [e for e in (text.find(c, at + len(part)) for c in ".!?\n") if e >= 0]
    return text[start: min(ends) if ends else len(text)]


_CLAUSE_END = re.compile(r"[.;!?\n]|\bbut\b")


def _clause_has(text: str, tok: Tokens, i: int, j: int, phrases: tuple[str, ...]) -> bool:
    """Does the clause around words i..j contain one of `phrases` (the finding's `unless`)?"""
    start = clause_start(text, tok.starts[i])
    end_m = _CLAUSE_END.search(text, tok.ends[j])
    end = end_m.start() if end_m else len(text)
    lo = next((k for k in range(len(tok.words)) if tok.starts[k] >= start), len(tok.words))
    hi = next((k for k in range(len(tok.words)) if tok.starts[k] >= end), len(tok.words))
    return any(next(find_phrase(tok, phrase_words(p), lo, hi), None) is not None for p in phrases)


_DEFAULT: dict[str, AcuityIndex] = {}


def default_acuity_index() -> AcuityIndex:
    """The repository's library, compiled once per process (it is reviewed data, not a DB table)."""
    index = _DEFAULT.get("index")
    if index is None:
        from knowledge.flag_library import load_flag_library

        index = _DEFAULT["index"] = AcuityIndex(load_flag_library())
    return index
