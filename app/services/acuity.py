"""The acuity layer: urgency from the red-flag library, whatever the classifier thinks.

Every finding of ``knowledge/red_flags`` is matched against every description (that is what makes
it a safety net for conditions the model does not know), gated by the population it applies to:
age, sex, pregnancy and the risk factors (diabetes, weakened immunity, blood thinners, recent
surgery) that come from the form or API and from the text itself ("my 6 week old", "I'm 34 weeks
pregnant", "on warfarin").

Matching is lexical but tolerant: possessive and subject pronouns are folded ("his chest" and
"my chest" are the same words), and up to two words may stand between a phrase's words ("swollen
left calf" matches "swollen calf") as long as none of them is a negation. The negation scope of
``triage.is_negated`` applies to the start of each phrase. A finding's `unless` words cancel a
phrase in its clause, or, when they name another cause of the whole presentation (a stomach bug,
alcohol: the concept ``whole_sentence_explanations``), anywhere in its sentence; see "the scope of
a finding's `unless` words" below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from app.services.triage import LEVELS, clause_start, find_affirmed, is_negated, normalise
from knowledge.flag_library import PREGNANCY_AGE_MAX, Finding, FlagLibrary, Population

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


@lru_cache(maxsize=65536)
def fold_phrase(phrase: str) -> str:
    """``fold`` of a knowledge-base phrase, stripped and cached: the findings of every assessment fold
    the same few thousand phrases again (~6 ms a request uncached). Never for patient text: a cache
    would keep it in memory."""
    return fold(phrase).strip()


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


# -- a temperature that says there is no fever (sixth round) --------------------------------------------------
#
# "my 2 month old is teething, temperature under 38", "baby 6 weeks, temp below 38", "a normal temperature": the
# fever phrases "temperature 38" / "temp 38" matched through the two-word gap, "38" through the reading finding, and
# "a temperature" through "a normal temperature". A phrase about a temperature or a reading (a number, "temperature",
# "temp", "thermometer") does not count when a limit word ("under", "below", "less / lower than", "normal") stands
# between its words or just before it, or when "under / below / less than / normal" follows its temperature word
# ("a temperature under 38", "temperature is normal"). "not above / not over" is a negation already. "fever under
# control" is not touched ("fever" is not a temperature word here). The reader of measured values
# (`vitals.vitals_from_text`) skips such readings the same way.
_READING_WORDS = frozenset({"temperature", "temp", "temps", "thermometer", "reading", "degrees"})
_TEMPERATURE_WORDS = frozenset({"temperature", "temp", "temps", "thermometer"})
_LIMIT_WORDS = frozenset({"under", "below", "beneath", "normal", "normally"})
_LIMIT_THAN = frozenset({"less", "lower", "higher", "more"})  # "less than 38", "no higher than 38"
_AFTER_TEMPERATURE = frozenset({"is", "was", "of", "has", "been", "stayed", "stays", "remains", "remained", "reads",
                                "read", "reading", "at", "always", "still", "now", "im"})


_NOT_TEMPERATURE_UNITS = frozenset({"week", "weeks", "wks", "day", "days", "hour", "hours", "hrs", "minute", "minutes",
                                    "mins", "second", "seconds", "year", "years", "month", "months", "times", "ml", "mls",
                                    "kg", "cm", "mg", "g", "oz", "stone", "lbs", "percent", "mmol", "units"})


_READING_NUMBER = re.compile(r"(\d{2,3})(?:c|f)?")  # "38", "38c", "101f"


def _is_reading_phrase(words: tuple[str, ...]) -> bool:
    """A phrase about a temperature or its reading: a temperature word, or a number of 35-42 or 95-107 (C or F)
    without another unit ("20 weeks", "for 4 days" are not readings)."""
    if any(w in _READING_WORDS for w in words):
        return True
    return not _NOT_TEMPERATURE_UNITS.intersection(words) and any(
        (m := _READING_NUMBER.fullmatch(w)) is not None and (35 <= int(m.group(1)) <= 42 or 95 <= int(m.group(1)) <= 107)
        for w in words)


# Independent check of round 6 (red-flag-reviewer-12): a limit word that is not about the number. "under / below"
# followed by where the temperature was taken ("a high temperature under the arm", "temp under her armpit 38.4") or
# by a time ("a temperature for less than a day", "had a temperature under 2 days", "less than 24 hours") is not a
# limit; "higher / more / greater than" is a fever ("temperature higher than 38") unless said as "no / not / never
# higher than"; "no less / no lower than 38" is a fever. Before the phrase, only "normal" next to a temperature word
# ("normal temperature") counts, not "normally" ("feeding normally temp 38.3").
_SITE_WORDS = frozenset({"arm", "arms", "armpit", "armpits", "tongue", "axilla", "oxter"})
_DURATION_WORDS = frozenset({"day", "days", "hour", "hours", "hrs", "hr", "week", "weeks", "wks", "minute", "minutes",
                             "mins", "night", "nights", "month", "months", "fortnight", "while", "bit"})
_DETERMINERS = frozenset({"my", "the", "a", "an", "one", "about", "around", "just", "over", "half"})
_NEGATORS = frozenset({"no", "not", "never"})


def _site_or_duration_after(tok: Tokens, k: int) -> bool:
    """Do the words from k say where a temperature was taken or how long it has lasted?"""
    n = len(tok.words)
    while k < n and not tok.broken[k] and tok.words[k] in _DETERMINERS:
        k += 1
    if k < n and not tok.broken[k] and tok.words[k] in _SITE_WORDS:
        return True
    if k < n and not tok.broken[k] and tok.words[k].isdigit():
        k += 1
        while k < n and tok.words[k].isdigit():  # "1.5 days" is read as "1", "5"
            k += 1
    return k < n and not tok.broken[k] and tok.words[k] in _DURATION_WORDS


def _limit_at(tok: Tokens, k: int) -> bool:
    """Is word k a limit that says a temperature is not a fever ("under", "below", "normal", "less than")?"""
    w = tok.words[k]
    if w in _LIMIT_WORDS:
        return not (w in ("under", "below", "beneath") and _site_or_duration_after(tok, k + 1))
    if w == "than" and k >= 1 and not tok.broken[k]:
        prev = tok.words[k - 1]
        negated = k >= 2 and not tok.broken[k - 1] and tok.words[k - 2] in _NEGATORS
        if prev in ("less", "lower"):
            return not negated and not _site_or_duration_after(tok, k + 1)
        if prev in ("higher", "more", "greater"):
            return negated
    return False


def _limit_before(tok: Tokens, k: int) -> bool:
    """Does a limit word stand just before word k ("under 38", "less than 38", "no higher than 38")?"""
    if k < 1 or tok.broken[k] or tok.words[k - 1] == "normally":
        return False
    return _limit_at(tok, k - 1)


def _no_fever_said(tok: Tokens, i: int, j: int) -> bool:
    """Is the reading phrase at words i..j said as a limit or a normal temperature (so not a fever)?"""
    if any(_limit_at(tok, k) for k in range(i + 1, j + 1)):
        return True  # "temperature under 38", "a normal temperature", "temp less than 38"
    if _limit_before(tok, i):
        return True  # "under 38 degrees", "below 38", "normal temperature"
    if tok.words[j] in _TEMPERATURE_WORDS:
        k = j + 1
        while (k < len(tok.words) and not tok.broken[k] and tok.words[k] in _AFTER_TEMPERATURE | {"no", "never"}
               and k - j <= 3):
            k += 1
        if k < len(tok.words) and not tok.broken[k]:
            if tok.words[k] in _LIMIT_WORDS and _limit_at(tok, k):
                return True  # "a temperature under 38", "temperature is normal"
            if (tok.words[k] in _LIMIT_THAN | {"greater"} and k + 1 < len(tok.words) and tok.words[k + 1] == "than"
                    and _limit_at(tok, k + 1)):
                return True  # "temp less than 38", "temperature no higher than 38"
    return False



# Round 8 (red-flag-author-15, needs an independent check): a fever phrase that ends on its temperature word ("has a
# temperature", "got a temperature of") followed by a stated reading under 37.5 C (under 99.5 F) is not a fever: "my 8
# week old has a temperature of 36.5" fired the infant fever finding. Phrases about a low temperature ("low
# temperature", "temperature has dropped") or holding the number themselves ("temperature of 35") are never touched,
# so a reading under 36 in a baby still fires its own emergency finding.
_LOW_WORDS = frozenset({"low", "lower", "cold", "dropped", "dropping", "drop", "falling", "fell", "below", "under"})
_DECIMAL = re.compile(r"(\d{2,3})(?:[.,](\d+))?")


def _normal_reading_after(folded: str, tok: Tokens, phrase: tuple[str, ...], i: int, j: int) -> bool:
    """Does a stated reading under 37.5 C / 99.5 F follow the fever phrase `phrase`, found at words i..j ("a
    temperature of 36.5")?"""
    words = tok.words[i:j + 1]
    if _LOW_WORDS.intersection(phrase) or not any(w in _TEMPERATURE_WORDS for w in phrase):
        return False
    if words[-1] not in _TEMPERATURE_WORDS and words[-1] not in _AFTER_TEMPERATURE:
        return False
    k = j + 1
    while k < len(tok.words) and not tok.broken[k] and tok.words[k] in _AFTER_TEMPERATURE | {"about", "around"} and k - j <= 3:
        k += 1
    if k >= len(tok.words) or tok.broken[k] or not tok.words[k][:1].isdigit():
        return False
    m = _DECIMAL.match(folded, tok.starts[k])
    if m is None:
        return False
    value = float(m.group(1) + ("." + m.group(2) if m.group(2) else ""))
    return 30 <= value < 37.5 or 86 <= value < 99.5


# -- who the description is about ----------------------------------------------------------------

# Who a baby's age in weeks or months belongs to ("my son is 12 weeks"): a child, never "my wife is 12 weeks".
_CHILD = r"(?:son|daughter|baby|babies|little one|twins?|boy|girl|grandson|granddaughter|newborn|infant)"
_RELATION = (r"(?:mum|mom|mother|dad|father|husband|wife|partner|nan|nana|gran|granny|grandma|grandad|grandpa|"
             r"grandmother|grandfather|son|daughter|brother|sister|aunt|uncle|friend|neighbour|patient)")
# What may follow "my mum is 79" when the number is not an age ("my wife is 34 weeks pregnant", "my dad is 6 foot").
_NOT_AN_AGE = (r"(?![\s-]*(?:weeks?|wks?|days?|months?|mins?|minutes?|hours?|hrs?|times?|tablets?|pills?|%|kg|cm|mg|ml|"
               r"degrees?|ft|foot|feet|stone|st|lbs?|pounds?|miles?|\.\d|/\d|\+\d|x\b))")
# What may follow "20/40" when it is not a gestation: a visual acuity, a score, a dose (independent check of the third
# round: "20/40 vision" set the later-pregnancy concept, "on 30/40 dose" read as pregnancy).
_NOT_GESTATION_AFTER = (r"(?! ?(?:vision|eyesight|in (?:my|the|his|her|each|one|both) eyes?|on the|on my|on a|score|marks|"
                        r"points|mg|ml|micrograms?|units?|dose|tablets?|split))")
# The generic statement of an age: "aged 71", "I'm 40", "age 51" (an event before "aged" is checked in read_person).
# "age 51" after a past event is when it happened, not the person's age: "LMP age 51", "diagnosed age 40", "since age
# 12" (round 12: a 64-year-old's "LMP age 51" made a postmenopausal bleed an early pregnancy).
_AGE_STATED = re.compile(
    r"\b(?:i'm|i am|im|aged|(?<!at )(?<!since )(?<!from )(?<!until )(?<!till )(?<!before )(?<!after )"
    r"(?<!by )(?<!lmp )(?<!menopause )(?<!menarche )(?<!diagnosed )(?<!stopped )age|patient is|is a|a)\s+(\d{1,3})\b(?![\s-]*(?:weeks?|wks?|days?|months?|mins?|minutes?|hours?|hrs?|times?|tablets?|pills?|%|kg|cm|mg|degrees?|\.\d|/\d|x\b))")
_AGE_PATTERNS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(r"\b(\d{1,3})[\s-]*(?:years?|yrs?|yr)[\s-]*old\b"), 1.0),
    (re.compile(r"\b(\d{1,2})[\s-]*(?:months?|mo|mths?)[\s-]*old\b"), 1 / 12),
    (re.compile(r"\b(\d{1,2})[\s-]*(?:weeks?|wks?)[\s-]*old\b"), 1 / 52),
    (re.compile(r"\b(\d{1,2})[\s-]*(?:days?)[\s-]*old\b"), 1 / 365),
    (_AGE_STATED, 1.0),
    (re.compile(r"\b(\d{1,3})\s*(?:yo|y/o|y\.o\.?|yr old)\b"), 1.0),
    # a bare "yrs" is an age only beside the sex, "pt" or at the start of a note ("45 yrs, male", "M 72 yrs", "67 yrs:
    # chest pain"), never a length of time or a time ago (round 15: "LMP 3 yrs ago", "cough for 2 yrs", "diagnosed 5
    # yrs ago" were read as ages of 3, 2 and 5)
    (re.compile(r"(?:^\s*|\b(?:m|f|male|female|man|woman|pt|patient|gentleman|lady|boy|girl)\s*,?\s*)(\d{1,3})\s*yrs\b"
                r"|\b(\d{1,3})\s*yrs\s*,?\s*(?:m|f|male|female|man|woman|gentleman|lady|boy|girl)\b"), 1.0),
    # A clinical age in weeks or months written as a fraction with the sex or "old" after it: "7/52 male", "13/12 F",
    # "3/52 old" (round 15: "7/52 male ... temp 38.3" was read as no age, so the febrile 7-week-old was only urgent;
    # NICE NG143). Never a duration ("1/52 post URTI", "2/7 rash") or a gestation ("34/40").
    (re.compile(r"\b(\d{1,2})\s?/\s?52\s*(?:m|f|male|female|boy|girl|baby|infant|old)\b(?!/)"), 1 / 52),
    (re.compile(r"\b(\d{1,2})\s?/\s?12\s*(?:m|f|male|female|boy|girl|baby|infant|old)\b(?!/)"), 1 / 12),
    # a clinical age in months: "14mo F", "9 m/o boy", a note starting "14mo," (round 12); never a duration ("cough 2 mo")
    (re.compile(r"(?:^|[.;]\s*)(\d{1,2})\s?(?:mo|mos|m/o)\s*(?:,|old\b)"), 1 / 12),
    (re.compile(r"\b(\d{1,2})\s?(?:mo|mos|m/o)\s*(?:m|f|male|female|boy|girl|baby)\b(?!/)"), 1 / 12),
    (re.compile(r"(?:^|[\s,(])(\d{2,3})\s?(?:m|f)\b(?=[\s,.)]|$)"), 1.0),
    (re.compile(r"\bin (?:my|his|her|their) (\d)0s\b"), 10.0),
    # A person named by relation with the age beside it: "Mum (84)", "my mum is 79", "dad, 84," (third round).
    (re.compile(r"\b" + _RELATION + r"\s*\(\s*(\d{1,3})\s*\)"), 1.0),
    (re.compile(r"\b" + _RELATION + r"(?:\s+(?:is|who is|who's|aged|age)|'s)\s+(\d{1,3})\b" + _NOT_AN_AGE), 1.0),
    # The age between commas after a relation: "dad, 84, chest pain", "mum, 79 and confused" (fourth round). A number
    # followed by a unit ("my son, 12 weeks pregnant", "dad, 6 foot") is not an age.
    (re.compile(r"\b" + _RELATION + r"\s*,\s*(\d{1,3})(?:\s*(?:years?|yrs?))?" + _NOT_AN_AGE
                + r"(?=\s*(?:[,.;:!?)]|$|and\b|with\b|who\b|has\b|is\b|was\b))"), 1.0),
    # The same for a child's age in weeks, months or days: "my son, 9 weeks, fever of 38.5" (independent check of the
    # fourth round: read as no age, so a febrile 9-week-old was only urgent; NICE NG143). Never "12 weeks pregnant".
    *((re.compile(r"\b" + _CHILD + r"\s*,\s*(\d{1,2})[\s-]*" + unit
                  + r"\b(?=\s*(?:[,.;:!?)]|$|and\b|with\b|who\b|has\b|is\b|was\b))"), scale)
      for unit, scale in ((r"(?:weeks?|wks?)", 1 / 52), (r"(?:months?|mths?)", 1 / 12), (r"days?", 1 / 365))),
    # A baby's age in weeks, months or days without "old": "my son is 12 weeks", "our baby's 3 months", "she is 10
    # days" said of a child (fourth round). Never "12 weeks pregnant", "12 weeks along / gestation" or "for 12 weeks".
    *((re.compile(r"\b" + _CHILD + r"(?:\s+(?:is|who is|who's|aged|age|is only|is just|is nearly|is about)|'s)\s+(\d{1,2})[\s-]*"
                  + unit + r"\b(?![\s-]*(?:pregnant|gestation|along|ago|old|by dates|by scan))"), scale)
      for unit, scale in ((r"(?:weeks?|wks?)", 1 / 52), (r"(?:months?|mths?)", 1 / 12), (r"days?", 1 / 365))),
)
_CHILD_UNIT_PATTERNS = frozenset(p for p, _ in _AGE_PATTERNS[-6:])
# An event right before "aged N" makes N the age at that event (round 15: "FHx: father MI aged 71" in a 24-year-old's
# note read as an age of 71, and chest pain at 50 or over fired): up to three words between the event and "aged".
_EVENT_BEFORE_AGE = re.compile(
    r"\b(?:died|dies|death|passed away|diagnosed|dx)\b(?:\s+[a-z'/-]+){0,3}\s+(?:at\s+)?$"
    # an illness named after a relative or a family history: "father MI aged 71", "FHx mum breast cancer aged 45"
    # (never "my dad aged 84", "had a fall aged 80": the person's own age)
    r"|\b(?:fhx|fh|family history|" + _RELATION[3:-1] + r")\b[^.;!?]{0,30}?\b(?:mi|heart attack|stroke|cancer|"
    r"aneurysm|sudden death|clot|dvt|pe)\b(?:\s+[a-z'/-]+){0,2}\s+(?:at\s+)?$")
# "he's 2", "she is 7 months", "he's only 3 weeks" (sixth round; seen in the independent check of the fourth round):
# a person named by "he" or "she" with a number and nothing after it that makes it something else. Never "it's 2
# o'clock", "he's 2 hours late", "she's 2 weeks pregnant / overdue / post-op", "he's 6 foot", "she's 38.5", "he's 2nd",
# "she's 4 out of 10". A stated "he's 2 years old" is read once (by the "years old" pattern). Said of "she" in weeks or
# months, the number may be her gestation ("my wife, she's 7 months"): dropped when a pregnancy is read.
_HE_SHE = r"\b(?:he's|she's|hes|shes|he is|she is)\s+(?:only |just |nearly |almost |about |now |turning )?"
_NOT_A_CHILD_UNIT_AFTER = (r"(?![\s-]*(?:old|pregnant|gestation|along|ago|by dates|by scan|postpartum|post|after|since|"
                           r"later|into|late|early|overdue|prem|premature|in hospital|on (?:the|a|my)|off|behind|away|"
                           r"from|out|of)\b)")
_HE_SHE_AGE: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(_HE_SHE + r"(\d{1,2})\b(?![\s-]*(?:years?|yrs?)[\s-]*old)(?:\s*(?:years?|yrs?))?\b"
                + _NOT_AN_AGE + r"(?![\s-]*(?:o'?clock|am|pm|out of|of|points?|doses?|'|\"|to \d|or \d|and a half (?:hours|weeks|months)|in (?:line|the queue)|sugars?|inches|in\b|seconds?|secs?|hrs?|miles?|km|metres?|meters?|litres?|bottles?|cups?|glasses|nappies|feeds?|oz|stone))"), 1.0),
    *((re.compile(_HE_SHE + r"(\d{1,2})[\s-]*" + unit + r"\b" + _NOT_A_CHILD_UNIT_AFTER), scale)
      for unit, scale in ((r"(?:weeks?|wks?)", 1 / 52), (r"(?:months?|mths?)", 1 / 12), (r"days?", 1 / 365))),
)
# A child word with the age straight after it and then a stop: "baby 6 weeks, temp 38.2", "son 9 months." (sixth
# round). Never "baby 32 weeks" when a pregnancy is read (dropped below, as "the baby is 12 weeks").
_CHILD_AGE_BARE: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(r"\b" + _CHILD + r"\s+(\d{1,2})[\s-]*" + unit + r"\b(?=\s*(?:[,.;:!?)]|$))"), scale)
    for unit, scale in ((r"(?:weeks?|wks?)", 1 / 52), (r"(?:months?|mths?)", 1 / 12), (r"days?", 1 / 365)))
_AGE_PATTERNS = _AGE_PATTERNS + _HE_SHE_AGE + _CHILD_AGE_BARE
_CHILD_UNIT_PATTERNS = _CHILD_UNIT_PATTERNS | frozenset(p for p, _ in _CHILD_AGE_BARE)
_SHE_UNIT_PATTERNS = frozenset(p for p, scale in _HE_SHE_AGE if scale < 1)
_ADULT_WOMAN = re.compile(r"\b(?:wife|partner|girlfriend|fianc[eé]e?|daughter-in-law|sister-in-law|midwife|bump)\b")
# Age-group words when no number is given: (lowest, highest) plausible age in years.
_AGE_WORDS: tuple[tuple[re.Pattern[str], tuple[float, float]], ...] = (
    (re.compile(r"\b(?:newborn|new-born|neonate|new baby)\b"), (0.0, 0.1)),
    (re.compile(r"\b(?:baby|babies|infant|bub)\b"), (0.0, 1.5)),
    (re.compile(r"\b(?:toddler|nappy|nappies|diaper|diapers)\b"), (0.0, 3.0)),
    # "my boy", "our girl", "my eldest lad" as "my son" (independent check of round 14: "my boy has had a temperature
    # for 6 days with bloodshot eyes and a rash" was routine: no child finding applied)
    (re.compile(r"\b(?:(?:my|our) (?:son|daughter|child|kid|(?:little |baby |eldest |youngest |oldest |middle )?"
                r"(?:boy|girl|lad|lass))|child|children|kid|schoolboy|schoolgirl|preschooler)\b"), (0.0, 16.0)),
    (re.compile(r"\b(?:teenager|teen)\b"), (13.0, 19.0)),
    (re.compile(r"\b(?:elderly|pensioner|my (?:nan|nana|gran|granny|grandma|grandad|grandpa|grandfather|grandmother))\b"), (65.0, 105.0)),
)
_FEMALE = re.compile(r"\b(?:woman|women|female|lady|she|her|mum|mother|wife|girl|daughter|sister)\b")
_MALE = re.compile(r"\b(?:man|men|male|gentleman|he|his|him|dad|father|husband|boy|son|brother)\b")

# Cues that imply a pregnancy even after a negation ("haven't felt the baby move").
_PREGNANCY_IMPLIED = re.compile(
    r"(?<![\w'])(?:waters (?:have )?(?:broken|broke|gone)|fetal movements?|felt (?:the|my) baby move|"
    r"baby(?:'s)? (?:is )?(?:moving|move|movements?|kicks?|kicking))(?![\w'])")
# A gestation said of a birth ("born at 35+4 wk") is not a pregnancy now (round 9).
_NOT_BIRTH = r"(?<!born at )(?<!delivered at )(?<!born )"
_RISK_TEXT: dict[str, re.Pattern[str]] = {
    "pregnant": re.compile(
        r"(?<![\w'])(?:pregnant|pregnancy|weeks? gestation|gestational|expecting a baby|expecting twins|missed (?:my |a |her )?periods?|"
        r"periods? (?:is|are|was) (?:\w+ ){0,3}late|periods? (?:(?:now|about|nearly|over|\d+|a|one|two|three|four|five|six|few|couple|of|days?|weeks?) ){0,3}late|late periods?|positive pregnancy test|antenatal|primigravida|g\dp\d|" + _NOT_BIRTH + r"\d+ ?\+ ?\d ?(?:weeks?|wks?)|"
        # a test that is plainly a pregnancy test (fourth round): "preg test", "clearblue", "two lines on the test"
        r"(?:preg|pg|hpt) tests?|(?:positive|pos) (?:hpt|preg|upt)|upt (?:is |was )?(?:positive|pos|\+ ?ve)|clearblue|first response test|bfp|(?:positive|raised|rising) (?:beta |serum |blood |urine )?hcg|hcg (?:is |was |test |came back |levels? (?:is |are |was )?)?(?:positive|raised|rising)|"
        r"(?:two|2) (?:pink |blue |faint )?lines on (?:a|my|the) (?:\w+ )?test|faint (?:second )?line on (?:a|my|the) test|"
        r"test (?:says|said|shows|showed) (?:i'm |im |i am )?pregnant|pregnant on (?:a|my|the) test|"
        # clinical gestation: "8/40", "36+2/40" (not "140/40", "20/40 vision", "30/40 on the test"), "8 weeks by dates"
        r"(?<![\d/.+])(?<!dose )(?<!ratio )(?:[4-9]|[1-3]\d|4[0-2])(?: ?\+ ?[0-6])? ?/ ?40(?![\d/])" + _NOT_GESTATION_AFTER + r"|"
        r"(?:[3-9]|1[01]) ?(?:weeks?|wks?) (?:by (?:dates|scan|lmp|my dates|my scan)|along|gestation|of gestation)|"
        r"(?<!for )(?<!last )(?<!past )(?<!over )(?<!son is )(?<!baby is )(?<!daughter is )(?<!baby's )(?<!son's )"
        r"(?:1[2-9]|[23]\d|4[0-2]) ?(?:weeks?|wks?)(?! ago| old|-old))(?![\w'])"),
    "diabetes": re.compile(r"(?<![\w'])(?:diabetic|diabetes|type [12] diabetes|type (?:one|two)|type [12]|t[12]dm|t[12]d|on insulin|insulin|metformin(?! for (?:pcos|polycystic))|gliclazide|"
        r"hypos?|blood sugars?|sugar levels?|blood glucose|sul(?:f|ph)onylureas?|glipizide|glimepiride|glibenclamide|tolbutamide|"
        r"sitagliptin|linagliptin|alogliptin|saxagliptin|vildagliptin|dapagliflozin|empagliflozin|canagliflozin|pioglitazone)(?![\w'])"),
    "immunosuppressed": re.compile(
        r"(?<![\w'])(?:chemotherapy|chemo|immunosuppressed|immunocompromised|immunosuppressants?|weak(?:ened)? immune system|low immune system|"
        r"on steroids|long-term steroids|prednisolone|transplant|hiv|methotrexate|mtx|metoject|neutropenic|biologics?|azathioprine|"
        # named immunosuppressants and biologics (round 13: "on Humira injections" with a fever was not immunosuppressed);
        # chemotherapy regimens by their usual names
        r"mycophenolate|cellcept|tacrolimus|ciclosporin|cyclosporine?|sirolimus|leflunomide|cyclophosphamide|"
        r"adalimumab|humira|amgevita|imraldi|hyrimoz|infliximab|remicade|remsima|inflectra|etanercept|enbrel|benepali|"
        r"certolizumab|cimzia|golimumab|simponi|rituximab|tocilizumab|abatacept|ustekinumab|stelara|secukinumab|"
        r"cosentyx|ixekizumab|vedolizumab|entyvio|tofacitinib|baricitinib|upadacitinib|ocrelizumab|fingolimod|"
        r"natalizumab|alemtuzumab|folfox|folfiri|capox|r-chop|fec-?t?|docetaxel|paclitaxel|carboplatin|cisplatin|"
        r"oxaliplatin|capecitabine|5-?fu|gemcitabine|immunotherapy|pembrolizumab|nivolumab)(?![\w'])"),
    "anticoagulants": re.compile(
        r"(?<![\w'])(?:warfarin|apixaban|rivaroxaban|edoxaban|dabigatran|blood thinners?|anticoagulants?|anticoagulated|heparin|clexane|doac|eliquis|xarelto|"
        # an INR clinic, or an INR of 2 or more, means warfarin (session 7: "my INR was 3.1 at the clinic, fell and hit
        # my head" at 70 was routine; NICE NG232: a head injury on an anticoagulant needs a CT within 8 hours); a
        # clotting screen's "INR 1.1" does not
        r"inr (?:clinic|checks?|tests?|nurse|monitoring|team|book|booklet|machine|meter|self[- ]test\w*)|"
        r"inr\s*(?:is |was |of |at |today |now |came back |reading |result |level )*(?:[2-9](?:\.\d{1,2})?|1\d(?:\.\d)?)(?![\d.]))(?![\w'])"),
    "recent_surgery": re.compile(
        r"(?<![\w'])(?:operation|surgery|post-?op(?:erative)?|hospital stay|stay in hospital|discharged from hospital|c-section|caesarean|"
        r"hip replacement|knee replacement|plaster cast|bed-?bound|immobile|long-haul flight|long haul flight|"
        # round 12: "had my knee replaced 9 days ago", "TKR", "my op", "came home from hospital"
        r"(?:hip|knee|shoulder) (?:was |were |got )?replaced|replaced (?:my|his|her) (?:hip|knee)|tkr|"
        r"(?:my|his|her) op(?! shop)|came (?:home|out) (?:from|of) hospital|home from hospital)(?![\w'])"),
}


@dataclass
class Person:
    """What is known about the person described: from the inputs and from the text."""

    ages: list[float] = field(default_factory=list)  # explicit ages (input and text)
    age_range: tuple[float, float] | None = None  # from words such as "baby" when no number is given
    sex: str | None = None
    risk_factors: dict[str, bool] = field(default_factory=dict)  # True: yes, False: explicitly no
    from_text: dict[str, str] = field(default_factory=dict)  # risk factor -> the words that said so
    # Risk factors read from the text only, every mention said of the writer ("I'm diabetic", "I'm on warfarin"):
    # a finding said of another named person ("my husband passed out") does not get them (fourth round).
    writer_only: frozenset[str] = frozenset()
    stated_age: float | None = None  # the age given with the description (the form or the API), not read from it
    # "had my baby 4 months ago", "day 5 postnatal": weeks since the writer (or the woman described) gave birth.
    # Only the demographic priors use it (a pregnancy this far along cannot be under way).
    weeks_since_birth: float | None = None

    def has(self, factor: str) -> bool:
        return bool(self.risk_factors.get(factor))

    def as_dict(self) -> dict[str, Any]:
        return {"ages": [round(a, 3) for a in self.ages], "age_range": list(self.age_range) if self.age_range else None,
                "sex": self.sex, "risk_factors": {k: v for k, v in self.risk_factors.items() if v is not None},
                "from_text": dict(self.from_text)}


def _same_words(span: tuple[int, int] | None, spans: list[tuple[int, int]]) -> bool:
    """Is the pregnancy read from the same words as a child's age ("my baby, 12 weeks", "she's 12 weeks")?"""
    return span is not None and any(lo < span[1] and span[0] < hi for lo, hi in spans)


# A relation's first name between the relation and the age ("my husband Derek is 74", "my mum Mary, 82", round 13:
# a 74-year-old's back pain with a faint was read without an age): dropped before the ages are read. Only a capitalised
# word, and never a word that carries the sentence ("my son Is 3", "my dad Has a fever").
_NAMED_RELATION = re.compile(
    r"(\b(?i:(?:my|our|his|her|their)\s+" + _RELATION + r"))\s+(?!(?:Is|Was|Has|Had|And|Who|Aged|Age|Just|Only|Now|Then|Says|Said|Got|Keeps)\b)[A-Z][a-z]+\b(?=\s*(?:,|\(|is\b|who\b|aged\b|age\b|'s\b))")


def read_person(text: str, age: int | None = None, sex: str | None = None,
                risk_factors: dict[str, Any] | None = None) -> Person:
    """Age, sex, pregnancy and risk factors from the inputs, completed from the text."""
    norm = normalise(_NAMED_RELATION.sub(r"\1", text or ""))
    # An age typed as 0 means "under one": a range, so findings for under-3-months need the text's weeks.
    ages: list[float] = [float(age)] if age else []
    baby_weeks: list[float] = []  # "the baby is 12 weeks" may be a gestation when a pregnancy is read (below)
    she_weeks: list[float] = []  # "she's 7 months" may be a gestation: said beside a wife or partner, or a pregnancy
    baby_spans: list[tuple[int, int]] = []  # where those numbers stand
    she_spans: list[tuple[int, int]] = []
    pregnancy_span: tuple[int, int] | None = None
    for pattern, scale in _AGE_PATTERNS:
        for m in pattern.finditer(norm):
            if (pattern is _AGE_STATED and m.group(0).startswith("age")
                    and _EVENT_BEFORE_AGE.search(norm[max(0, m.start() - 60):m.start()])):
                continue  # "FHx: father MI aged 71", "diagnosed aged 40": the age at an event, not the person's
            value = float(next(g for g in m.groups() if g)) * scale
            if scale == 10.0:
                value += 5
            if 0 <= value <= 120:
                ages.append(value)
                if pattern in _CHILD_UNIT_PATTERNS and re.match(r"bab", m.group(0)):
                    baby_weeks.append(value)
                    baby_spans.append((m.start(1), m.end()))
                if pattern in _SHE_UNIT_PATTERNS and re.match(r"she", m.group(0)):
                    she_weeks.append(value)
                    she_spans.append((m.start(1), m.end()))
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
        hit = (_low_dose_steroid_skipped(pattern, norm) if key == "immunosuppressed"
               else _pregnancy_read(pattern, norm) if key == "pregnant" else find_affirmed(pattern, norm))
        if hit is not None:
            factors[key] = True  # the text overrides a "no" on the form: safer
            from_text[key] = hit.group(0)
            if key == "pregnant":
                pregnancy_span = hit.span()
    if not factors.get("pregnant"):
        implied = _PREGNANCY_IMPLIED.search(norm)
        if implied is not None:
            factors["pregnant"] = True
            from_text["pregnant"] = implied.group(0)
    writer_only = frozenset(k for k in from_text if k in _PERSONAL_FACTORS and _said_of_writer_only(_RISK_TEXT[k], norm))
    if factors.get("pregnant") and baby_weeks:
        # "pregnant, the baby is 12 weeks": not a baby's age. But where the only sign of a pregnancy is that same number
        # ("my baby, 12 weeks, fever", "baby 14 weeks, temp 38.2"), it may be either: both are kept, so that the
        # findings for a young baby and for a pregnancy can both fire (independent check of round 6: the febrile
        # 12-week-old was read as a pregnancy only, and lost the under-3-months emergency; NICE NG143).
        if not _same_words(pregnancy_span, baby_spans):
            ages = [a for a in ages if a not in baby_weeks]
    if she_weeks and ((factors.get("pregnant") and not _same_words(pregnancy_span, she_spans)) or _ADULT_WOMAN.search(norm)):
        ages = [a for a in ages if a not in she_weeks]  # "my wife, she's 7 months": perhaps her gestation
    return Person(ages=ages, age_range=age_range, sex=sex, risk_factors=factors, from_text=from_text,
                  writer_only=writer_only, stated_age=float(age) if age else None,
                  weeks_since_birth=None if factors.get("pregnant") else weeks_since_birth(norm))


# -- time since a birth ------------------------------------------------------------------------------------------
#
# An independent author's postpartum thyroiditis ("had my baby 4 months ago ... heart racing, lost weight") got
# "reduced fetal movements" at 92%: a pregnancy cannot be 24 weeks along four months after a birth. Read only where
# the birth is plainly the writer's or the described woman's and recent, with a number ("a few years ago" is none).
_UNIT_WEEKS = {"day": 1 / 7, "week": 1.0, "wk": 1.0, "month": 4.35}
_BIRTH_AGO = re.compile(
    r"(?<![\w'])(?:had (?:my|our|her|the) (?:baby|son|daughter|twins|little one)|gave birth|"
    r"given birth|delivered|(?:my|her|the) (?:c-?section|caesarean|section|delivery|birth) was|had (?:a|my|her) (?:c-?section|caesarean))"
    r"(?: \w+){0,3}? (\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) (day|week|wk|month)s? ago(?![\w'])")
_AFTER_BIRTH = re.compile(
    r"(?<![\w'])(?:day )?(\d{1,2}) ?(day|week|wk|month)s? (?:postnatal|post-?natal|postpartum|post-?partum|pp|"
    r"after (?:the |my |her )?(?:birth|delivery|giving birth|c-?section|caesarean)|post (?:delivery|birth|c-?section))(?![\w'])"
    r"|(?<![\w'])day (\d{1,2}) (?:postnatal|post-?natal|postpartum|post-?partum|pp|after (?:the |my |her )?(?:birth|delivery))(?![\w'])")
_BIRTH_NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                       "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}


def weeks_since_birth(norm: str) -> float | None:
    """Weeks since a birth the text reports ("had my baby 4 months ago", "10 days postpartum", "day 5 postnatal")."""
    found: list[float] = []
    for m in _BIRTH_AGO.finditer(norm):
        n = float(m.group(1)) if m.group(1).isdigit() else _BIRTH_NUMBER_WORDS[m.group(1)]
        found.append(n * _UNIT_WEEKS[m.group(2)])
    for m in _AFTER_BIRTH.finditer(norm):
        if m.group(3):
            found.append(float(m.group(3)) / 7)
        else:
            found.append(float(m.group(1)) * _UNIT_WEEKS[m.group(2)])
    return min(found) if found else None


# -- risk factors belong to the person (fourth round) ------------------------------------------------------------
#
# "I'm diabetic; my husband passed out drunk last night": the diabetes is the writer's, the collapse the husband's.
# A risk factor is withheld from a finding only when all of these hold, so that a doubt keeps it (over-triage):
# * it was read from the text (never from the form), and every affirmed mention of it is said of the writer, in a
#   clause with "I", "I'm", "I've", "me" or "my" and no other person ("I'm on warfarin", "my insulin");
# * the finding's first-group words stand in a sentence whose subject is another named person - "my husband",
#   "my son", "dad" at the start of a clause - with no first-person or reporting word ("says", "found", "noticed")
#   between them ("my husband found me passed out", "my husband says passed out" and "I was looking after my son and passed out" keep it; pronouns are folded, so "he passed out" reads as
#   "I passed out" and keeps it), and the matched words themselves hold no "my" (folded: "hit his head" and "hit my
#   head" are the same words);
# * no word says the other person shares it ("both", "too", "as well", "also", "we");
# * the finding is not about pregnancy or contact (a pregnant or immunosuppressed writer whose child has chickenpox,
#   measles or flu is the one at risk): findings whose population names pregnancy, or whose description says
#   "contact", keep the writer's factors.
_PERSONAL_FACTORS = frozenset({"diabetes", "anticoagulants", "immunosuppressed", "recent_surgery"})
_OTHERS = (r"(?:husband|wife|partner|boyfriend|girlfriend|son|daughter|mum|mom|mother|dad|father|brother|sister|"
           r"grandson|granddaughter|grandad|grandpa|grandfather|nan|nana|gran|granny|grandma|grandmother|friend|"
           r"neighbour|flatmate|colleague|uncle|aunt|child|kid|toddler|stepson|stepdaughter)")
_OTHER_WORD = re.compile(r"\b" + _OTHERS + r"\b")
_WRITER_WORD = re.compile(r"\b(?:i|i'm|im|i've|ive|i'd|me|my|myself|mine)\b")
_SHARED = re.compile(r"\b(?:both|too|as well|also|we|we're|were both|us|our|so is|so does|same|"
                     # the writer has it as well (independent check of the fourth round): "my daughter has a fever and so
                     # do I", "my daughter had a fever last week and now I've got one"
                     r"so (?:do|did|have|had|am|was) i|me too|me as well|i(?:'ve| have| had)? (?:got |caught |now have )?(?:one|it)|"
                     r"caught it|got it|given it to me|gave it to me|passed it on)\b")
_OTHER_SUBJECT = re.compile(
    r"(?:^|[.;:!?,\n(]\s*|\b(?:and|but|then|so|because|when|while|now|today|yesterday|tonight|"
    r"last night|this morning)\s+)(?:my )?" + _OTHERS + r"(?:'s)?\b")
_FIRST_PERSON_FOLDED = frozenset({"i", "im", "ive", "id", "me", "my", "myself", "mine"})
_REPORTING = frozenset({"says", "said", "say", "thinks", "thought", "think", "told", "tells", "noticed", "notices",
                        "found", "finds", "reckons", "saw", "sees", "heard", "worried", "worries", "wants", "called",
                        "rang", "phoned", "asked", "asks", "insists", "insisted"})


def _said_of_writer_only(pattern: re.Pattern[str], norm: str) -> bool:
    """Is every affirmed mention of this risk factor said of the writer, and none shared with another?"""
    if _SHARED.search(norm):
        return False
    mentions = [m for m in pattern.finditer(norm) if not is_negated(norm, m.start())]
    if not mentions:
        return False
    for m in mentions:
        clause = norm[clause_start(norm, m.start()):m.start()]
        if not _WRITER_WORD.search(clause) or _OTHER_WORD.search(clause):
            return False
    return True


def _said_of_another(folded: str, tok: Tokens, start: int, end: int) -> bool:
    """Do the words at start..end (folded text) stand in a sentence whose subject is another named person?"""
    if any(w.replace("'", "") in _FIRST_PERSON_FOLDED for w in _TOKEN.findall(folded[start:end])):
        return False
    lo = max([m.start() for m in re.finditer(r"[.;!?\n]", folded[:start])] or [0])
    subject = None
    for m in _OTHER_SUBJECT.finditer(folded[:start]):
        if m.start() >= lo:
            subject = m
    if subject is None:
        return False
    if re.search(r"[,:()\-]", folded[subject.end():start]):
        # another clause stands between ("I'm on chemo and my husband is away, fever of 38.5"): whose it is is not
        # plain, so the writer's factor is kept (independent check of the fourth round)
        return False
    between = [w.replace("'", "") for w in _TOKEN.findall(folded[subject.end():start])]
    # "my husband says / found / noticed ..." may report the writer's own symptom ("my husband says passed out")
    return not any(w in _FIRST_PERSON_FOLDED or w in _REPORTING for w in between)


# Pregnancy tests (fourth round). A negative one is not a pregnancy ("negative pregnancy test", "pregnancy test came
# back negative": the word "pregnancy" in it was read as one). A bare "positive test" is read only when the text is
# plainly about a pregnancy test: a word about periods, conceiving or fertility beside it, and no other test named (a
# COVID / lateral flow / flu / chlamydia test, a blood or urine test). Alone ("positive test, pain low on the right") it
# is not read: it may be a COVID test (see docs/hazards/ed_discriminators_2.md, fourth round).
_NEGATIVE_PREGNANCY_TEST = re.compile(
    r"\bnegative (?:home |urine |blood )?(?:pregnancy|preg|pg|hpt|clearblue) tests?\b|\bnegative hpt\b"
    r"|\b(?:pregnancy|preg|pg|hpt|clearblue) tests? (?:(?:was|is|were|are|came|come|back|both|all|still|has|have|been|"
    r"showed|shows|said|says|results?|it|just|again)\s+){0,4}(?:negative|not pregnant)\b")
_CLAUSE_BREAK_AFTER = re.compile(r"[.;:!?,()\n]|\b(?:but|and)\b")
_LATER_POSITIVE = re.compile(r"\bpositive\b(?! for\b)")
_BARE_POSITIVE_TEST = re.compile(r"\b(?:positive (?:home )?test|test (?:was|is|came back) positive)\b(?! for\b)")
_TEST_CONTEXT = re.compile(
    r"\b(?:periods?|lmp|i'm late|im late|i am late|overdue|trying for a baby|trying for a family|trying to conceive|ttc|ivf|fertility|clomid|"
    r"conceive|conceived|might be pregnant|could be pregnant)\b")
_OTHER_TEST = re.compile(
    r"\b(?:covid|covid-19|corona|coronavirus|lateral flow|lft|pcr|antigen|flu|influenza|rsv|strep|chlamydia|gonorrhoea|"
    r"sti|std|hiv|hepatitis|hep|tb|mantoux|drugs?|urine|wee|pee|dipstick|dip|blood|swab|allergy|skin prick|fit|bowel|"
    r"smear|hpv|h pylori|mrsa)\b")


def _pregnancy_read(pattern: re.Pattern[str], norm: str) -> re.Match[str] | None:
    """The first affirmed sign of a pregnancy that is not part of a negative pregnancy test, else a bare positive
    test that is plainly a pregnancy test."""
    negative = [m.span() for m in _NEGATIVE_PREGNANCY_TEST.finditer(norm)]
    for m in pattern.finditer(norm):
        if (is_negated(norm, m.start()) or any(a <= m.start() < b for a, b in negative)
                or _NOBODY_PREGNANT.search(norm[clause_start(norm, m.start()):m.start()])):
            continue
        return m
    # A negative test and then a positive one ("negative pregnancy test last week but now positive", "a negative test and
    # then a positive one"): the later test is the pregnancy, unless another test is named in between (independent check
    # of the fourth round: these were read as no pregnancy).
    for _, b in negative:
        later = _LATER_POSITIVE.search(norm, b)
        after = _CLAUSE_BREAK_AFTER.search(norm, later.end()) if later is not None else None
        if (later is not None and not _OTHER_TEST.search(norm, b, after.start() if after else len(norm))
                and not is_negated(norm, later.start())):
            return later
    for m in _PREGNANCY_SICKNESS.finditer(norm):
        end = _CLAUSE_END.search(norm, m.end())
        clause = norm[clause_start(norm, m.start()):end.start() if end else len(norm)]
        if not is_negated(norm, m.start()) and not _PAST_TIME.search(clause):
            return m
    if _TEST_CONTEXT.search(norm) and not _OTHER_TEST.search(norm):
        return find_affirmed(_BARE_POSITIVE_TEST, norm)
    return None


# "Nobody at home is pregnant", "no-one in the house is pregnant" (round 9: a 4-year-old's slapped cheek was read as
# a rash in pregnancy). Only here: as a general negation cue "nobody has looked at my rash" would deny the rash.
_NOBODY_PREGNANT = re.compile(r"\b(?:nobody|no-one|no one|none of us)\b(?:\s+[\w']+){0,4}\s+(?:is|are|was|were)\s*$")


# Sickness that only a pregnancy has (independent check of the fourth round): "I have hyperemesis, vomiting 15 times a
# day and my wee is dark", "bad morning sickness, barely weeing" were not read as a pregnancy, so the new urgent
# finding never fired. Not cannabis (cannabinoid) hyperemesis, and not in a clause about another time ("morning
# sickness with my first", "hyperemesis in my last pregnancy").
_PREGNANCY_SICKNESS = re.compile(
    r"(?<![\w'])(?:hyperemesis gravidarum|(?<!cannabis )(?<!cannabinoid )(?<!cannabinoid-)hyperemesis(?! syndrome)|"
    r"morning sickness)(?![\w'])")


# Prednisolone below 20 mg a day (PMR, asthma, a maintenance dose) is not significant immunosuppression (the
# usual threshold is 20 mg or more for two weeks or more: Green Book, NICE CKS): "on prednisolone 5mg for PMR",
# "low dose steroids". A dose of 20 mg or more, or no dose given, still counts.
_STEROID_WORD = re.compile(r"prednisolone|steroids")
_STEROID_DOSE = re.compile(
    r"(?:prednisolone|steroids?)[^.;,\d]{0,12}?(\d+(?:\.\d+)?) ?(?:mg|milligrams?)\b"
    r"|(\d+(?:\.\d+)?) ?(?:mg|milligrams?)(?: a day| daily| od)?(?: of)? (?:prednisolone|steroids?)")
_LOW_DOSE = re.compile(r"\blow[ -]dose (?:of )?(?:prednisolone|steroids?)|\b(?:prednisolone|steroids?),? (?:at )?(?:a )?low[ -]dose")
STEROID_IMMUNOSUPPRESSIVE_MG = 20


def _low_dose_steroid(norm: str, m: re.Match[str]) -> bool:
    """Is this mention of prednisolone or steroids a low dose (below 20 mg) in the same clause?"""
    end = _CLAUSE_END.search(norm, m.end())
    clause = norm[clause_start(norm, m.start()):min(end.start() if end else len(norm), m.end() + 40)]
    if _LOW_DOSE.search(clause):
        return True
    doses = [float(d.group(1) or d.group(2)) for d in _STEROID_DOSE.finditer(clause)]
    return bool(doses) and max(doses) < STEROID_IMMUNOSUPPRESSIVE_MG


def _low_dose_steroid_skipped(pattern: re.Pattern[str], norm: str) -> re.Match[str] | None:
    """The first affirmed sign of weakened immunity that is not a low dose of prednisolone."""
    for m in pattern.finditer(norm):
        if is_negated(norm, m.start()):
            continue
        if _STEROID_WORD.fullmatch(m.group(0).split()[-1]) and _low_dose_steroid(norm, m):
            continue
        around = _clause_around(norm, m, 40)
        sentence = norm[slice(*full_sentence(norm, m.start(), m.end()))]
        if (not _LIFELONG.search(m.group(0)) and _YEARS_PAST.search(around) and not re.search(r"\bsince\b", around)
                and not _TREATED_AGAIN.search(sentence)):
            continue  # "had chemo 10 years ago": not weakened now (independent check of round 13)
        return m
    return None


# Treatment that ended a year or more ago: "had chemo 10 years ago", "chemotherapy as a child", "in 2015". Weeks or
# months ago still count (a blood count may still be low weeks after chemotherapy).
_LIFELONG = re.compile(r"transplant|hiv|immuno(?:suppressed|compromised)|immune")  # a past date does not end these
_YEARS_PAST = re.compile(r"\b(?:(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|many|several|few|couple of)\s+"
                         r"(?:years?|yrs?)\s+ago|years ago|decades? ago|as a (?:child|kid|teenager|teen)|"
                         r"(?:in|back in) (?:19\d\d|20[01]\d|202[0-4]))\b")


_TREATED_AGAIN = re.compile(r"\b(?:again|restarted|re-?started|back on|relapsed?|recurrence|recurred|returned|came back|"
                            r"currently|at the moment|still on|now on|ongoing)\b")


def _clause_around(norm: str, m: re.Match[str], width: int) -> str:
    """The words up to `width` characters either side of a match, within its clause."""
    lo, hi = max(0, m.start() - width), min(len(norm), m.end() + width)
    before, after = norm[lo:m.start()], norm[m.end():hi]
    before = re.split(r"[.;:,!?()\n]|\b(?:but|and)\b", before)[-1]
    after = re.split(r"[.;:,!?()\n]|\b(?:but|and)\b", after)[0]
    return before + m.group(0) + after


def applies(population: Population, person: Person) -> bool:
    """Does a finding's population include this person? Unknowns count as included (safer)."""
    if population.sex != "any" and person.sex not in (None, population.sex):
        return False
    if population.pregnant and not person.has("pregnant"):
        return False
    if (population.childbearing and person.stated_age is not None and person.stated_age > PREGNANCY_AGE_MAX
            and not any(a <= PREGNANCY_AGE_MAX for a in person.ages) and not person.has("pregnant")):
        # a pregnancy finding from its own cue words ("LMP", "positive test") for a stated age past childbearing and no
        # younger person named: not a pregnancy. A pregnancy said in words ("6 weeks pregnant") always counts: the
        # age may be mistyped or be the writer's.
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
        # Each finding's `unless` words as (clause words, sentence words): see `Unless` below.
        wide = frozenset(library.concepts.get(SENTENCE_WIDE_CONCEPT, ()))
        self.unless: tuple[Unless, ...] = tuple(
            Unless(tuple(u for u in f.unless if u not in wide and not tied_history(u, f.groups[0])),
                   tuple(u for u in f.unless if u in wide),
                   tuple(u for u in f.unless if u not in wide and tied_history(u, f.groups[0])),
                   single_group=len(f.groups) == 1)
            for f in self.findings)
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
        spans: dict[tuple[int, int], tuple[int, int]] = {}  # where a group's words were found (for whose they are)
        candidates = [e for t in have for e in self.by_anchor.get(t, ()) if e.need <= have]
        for e in candidates:
            key = (e.finding, e.group)
            if key in hits:
                continue
            unless = self.unless[e.finding] if e.group == 0 else None
            reading = _is_reading_phrase(phrase_words(e.phrase))
            for i, j in find_phrase(tok, phrase_words(e.phrase)):
                start = tok.starts[i]
                if is_negated(folded, start) or (unless and unless.explains(folded, tok, start, tok.ends[j])):
                    continue
                if reading and not _LIMIT_WORDS.intersection(phrase_words(e.phrase)) and _no_fever_said(tok, i, j):
                    continue  # "temperature under 38", "a normal temperature", "temp below 38" (sixth round)
                if reading and _normal_reading_after(folded, tok, phrase_words(e.phrase), i, j):
                    continue  # "has a temperature of 36.5" (round 8)
                hits[key] = folded[start:tok.ends[j]]
                spans[key] = (start, tok.ends[j])
                break
        meant: dict[tuple[int, int], tuple[str, str, float]] = {}
        if semantic is not None:
            for key, found in semantic.group_hits(folded).items():
                finding = self.findings[key[0]]
                if key in hits or _has_words(found[0], found[1]):
                    continue  # the phrase itself is there: the word matcher judged it (negation, context)
                unless = self.unless[key[0]] if key[1] == 0 else None
                if unless and unless.explains_clause(folded, tok, found[0]):
                    continue  # the finding's own context words cancel it, in the same scope as for words
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
                if applies(finding.population, person) and not self._belongs_to_another(fi, person, folded, tok, spans):
                    entry = {"id": finding.id, "finding": finding.description, "level": finding.level,
                             "match": " + ".join(words), "source": "acuity"}
                    if meanings:
                        entry["by_meaning"] = meanings
                    fired.append(entry)
        fired.sort(key=lambda f: LEVELS.index(f["level"]))
        return fired

    def _belongs_to_another(self, fi: int, person: Person, folded: str, tok: Tokens,
                            spans: dict[tuple[int, int], tuple[int, int]]) -> bool:
        """Does the finding apply only through the writer's own risk factor while its words are said of another
        named person? (See "risk factors belong to the person".)"""
        finding = self.findings[fi]
        pop = finding.population
        if not pop.risk_factors or pop.pregnant or "pregnant" in pop.risk_factors or "contact" in finding.description.lower():
            return False
        held = [r for r in pop.risk_factors if person.has(r)]
        if not held or not all(r in person.writer_only for r in held):
            return False
        span = spans.get((fi, 0))
        return span is not None and _said_of_another(folded, tok, *span)


_DRUG_WORDS = (r"(?:tablets?|pills?|paracetamol|co-?codamol|codeine|ibuprofen|aspirin|capsules?|antidepressants?|"
               # round 9: named drugs often taken in overdose ("took approx 40 x amitriptyline 25 mg")
               r"amitriptyline|nortriptyline|sertraline|citalopram|fluoxetine|mirtazapine|venlafaxine|diazepam|zopiclone|"
               r"tramadol|morphine|oxycodone|quetiapine|olanzapine|lithium|propranolol|naproxen|dihydrocodeine|"
               r"sleeping tablets|painkillers|iron tablets)")
_TABLET_COUNT = re.compile(
    r"\b(?:took|taken|swallowed|ate|eaten|had|downed|necked)\s+(?:about |around |like |maybe |over |at least |all |"
    r"approx\.? |approximately |roughly |nearly |almost |up to |possibly |perhaps |probably )?(\d{1,3})\s*(?:x\s+)?"
    r"(?:[\w'-]+\s+){0,3}?" + _DRUG_WORDS + r"\b"
    # the count after the drug: "took a load of aspirin about 3 hours ago, maybe 30 of them" (round 9)
    r"|\b(?:took|taken|swallowed|downed|necked)\b[^.!?]{0,60}?\b" + _DRUG_WORDS + r"\b[^.!?]{0,50}?"
    r"\b(?:maybe |about |around |like |over |at least |approx\.? |roughly |nearly |almost )?(\d{1,3})\s+of (?:them|those)\b"
    r"(?!\s+(?:are |were |is )?(?:left|remaining|remain|still|in the|missing))")
OVERDOSE_TABLETS = 10


# No urine for 12 hours or more (NICE NG51: 12-18 hours moderate-to-high risk, 18 hours high risk), whatever
# the number of hours written: "haven't peed for 15 hours", "no urine output in 20 hrs", "not had a wee for 2 days".
_NO_URINE_FOR = re.compile(
    r"\b(?:not|no|never|haven't|havent|hasn't|hasnt|hadn't|hadnt|didn't|didnt|without)"
    r"(?:\s+(?:had|have|has|been|able|to|managed|any|a|single))*\s+"
    r"(?:peed|pee|weed|wee|urinated|urinating|urine|passed (?:any )?(?:urine|water)|had a (?:wee|pee)|"
    r"been for a (?:wee|pee)|wet nappy|wet nappies)\b(?:\s+(?:at all|output|anything|a drop|yet))?\s+"
    r"(?:for|in|over)\s+"
    r"(?:about |around |over |nearly |almost |more than |at least |the last |the past )?"
    r"(\d{1,2}|a|one|two|three|twenty[- ]four)\s*(hours?|hrs?|h|days?)\b")
# ("haven't been able to pee properly for 2 days" is difficulty passing urine, not no urine: "properly" is not read.)
_NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "twenty four": 24, "twenty-four": 24}
NO_URINE_HOURS = 12

# A blood pressure written in the text (NICE NG133 hypertension in pregnancy: 140/90 or more is hypertension,
# to be assessed in secondary care within 24 hours; 160/110 or more is severe, admit). "BP 162/104", "blood
# pressure at the pharmacy was 165 over 100", a bare "162/104", "systolic 170", "diastolic 112". The findings
# that use the concepts `bp_140_90` and `bp_160_110` hold the population (pregnancy, after the birth).
_BP_WORDS = r"(?:bp|b/p|blood pressure|blood-pressure)"
_BP_PAIR = re.compile(
    r"\b" + _BP_WORDS + r"\b[^.;!?\n\d]{0,40}?(\d{2,3})\s*(?:/|over)\s*(\d{2,3})\b"
    r"|(?<![\d/.])(\d{3})\s*/\s*(\d{2,3})(?![\d/])")
_BP_ONE = re.compile(
    r"\b(?:" + _BP_WORDS + r"|systolic|top number|top reading|upper number)\s*(?:reading\s*)?(?:of|is|was|at|=|:|-|over|above|>|reading|says)?\s*"
    r"(\d{2,3})\b(?!\s*(?:/|over)\s*\d)"
    r"|\b(?:diastolic|bottom number|bottom reading|lower number)\s*(?:of|is|was|at|=|:|-|over|above|>|says)?\s*(\d{2,3})\b")
# A reading that is not the person's now: a condition ("if it goes over 160", "in case"), a target ("should be
# under 140/90"), a limit said just before the number ("under 140/90"; "swelling below my knees and BP 165/110"
# is a reading), another time ("before I was pregnant", "in my last pregnancy", "usually", "used to be", "came
# down from") or a man's reading ("my husband's BP": third round).
_BP_HYPOTHETICAL = re.compile(r"\b(?:if|in case|unless|target|aim|should be|keep it|supposed to be)\b")
_BP_LIMIT = re.compile(r"\b(?:below|under|less than|lower than|no higher than|not above|not over)\s*$")
_BP_OTHER_TIME = re.compile(  # in the reading's clause (see _bp_other_time)
    r"\b(?:before (?:i|she) (?:was|were|got|fell) pregnant|before (?:my|the|this) pregnancy|before pregnancy|"
    r"(?:last|previous|first|other|earlier|older) (?:pregnancy|pregnancies|baby|child)|when i was pregnant with|"
    r"years ago|last year|months ago)\b")
# Before the number, "first pregnancy / baby" is often this one ("pregnant with my first baby and BP 165/110" was
# routine): only the other words of another time count there (fourth round).
_BP_OTHER_TIME_BEFORE = re.compile(_BP_OTHER_TIME.pattern.replace("|first|", "|"))
_BP_WAS = re.compile(  # before the number in its clause ("usually 120/80" said after a high reading leaves it)
    r"\b(?:used to be|usually|normally|typically)\b|\b(?:down|dropped|fallen|fell|come|came|went) from\s*$")
_BP_OTHER_PERSON = re.compile(
    r"\b(?:husband|dad|father|son|brother|grandad|grandpa|grandfather|boyfriend|uncle)'?s (?:" + _BP_WORDS + r")\b")
# After the number, another time counts up to the end of the reading's own clause (a comma, "and I ...", a sentence
# end), and in the next comma clause only when that clause opens with it ("BP 160/110, in my last pregnancy", "...,
# that was years ago"). Fourth round: the whole rest of the sentence was read, so "had my baby 5 days ago, BP 150/100
# and a headache, I had pre-eclampsia with my first baby 3 years ago" lost its current reading.
_BP_AFTER_END = re.compile(
    r"[.;:!?,()\n]|\b(?:but|however|although|though|whereas|while|and (?:i|i'm|im|i've|ive|i'd|she|she's|he|it|it's|"
    r"now|then|also|today|this|they|we|had|have|got|was|my|the|a|an|her|his))\b")
# The words before the time phrase when the next clause opens with it: "in my ...", "that was ...", "3 ...". Without a
# preposition or "that was", only "years ago" / "last year" words count ("..., my last pregnancy was fine" is a new
# sentence about the other pregnancy, not the time of this reading).
_BP_OPENS_WITH_TIME = re.compile(
    r"\s*(?P<lead>(?:(?:that|this|it|which) (?:was|were|is)\s+|that's\s+|back\s+)?"
    r"(?:(?:in|during|with|from|at|when|for)\s+)?)(?:my\s+|the\s+|a\s+|her\s+)?(?:about\s+|over\s+)?"
    r"(?:\d+\s+|a\s+|two\s+|three\s+|few\s+|several\s+|many\s+)?$")
_BP_AGO = re.compile(r"years ago|last year|months ago|before")
# Independent check of the fourth round (red-flag-reviewer-8). The next comma clause places the reading at another
# time only when it is that time and nothing else ("BP 160/110, in my last pregnancy", "..., 3 years ago", "..., that
# was years ago with my first"): a clause that goes on to say something of its own - another reading, "it was
# normal", "I had pre-eclampsia" - is about that other time ("BP 162/105, years ago it was normal", "BP 165/110,
# (before pregnancy 120/80)", "..., last year I had migraines" were routine). A time after "since" ("has been
# 165/110 since last year", "high since my last pregnancy") runs up to now: the reading is current (chronic
# hypertension in pregnancy, NICE NG133).
_BP_OWN_STATEMENT = re.compile(
    r"\d|\b(?:i|i'm|im|i've|ive|i'd|it|it's|its|was|were|is|are|am|had|have|has|been|got|normal|fine|ok|okay|lower|"
    r"higher|same|high|low|much|better|worse|went|came|ran|read|said|says|showed|shows)\b|'s\b")
_BP_SINCE = re.compile(r"\b(?:since|ever since|for the (?:last|past)|throughout|all through)\s+(?:\w+\s+){0,2}$")


def _other_time_in(pattern: re.Pattern[str], norm: str, lo: int, hi: int) -> re.Match[str] | None:
    """The first words of another time in norm[lo:hi] that are not "since <time>" (which runs up to now)."""
    for m in pattern.finditer(norm, lo, hi):
        if not _BP_SINCE.search(norm[max(lo, m.start() - 40):m.start()]):
            return m
    return None


def _bp_other_time(norm: str, lo: int, at: int, hi_limit: int | None = None) -> bool:
    """Is the reading at `at` placed at another time: before it in its clause (from `lo`), after it up to its clause
    end (or `hi_limit`, the next reading), or at the start of the next comma clause?"""
    end = _BP_AFTER_END.search(norm, at)
    hi = end.start() if end else len(norm)
    if hi_limit is not None and hi_limit < hi:
        hi, end = hi_limit, None  # another reading follows in the clause: words after it are about that one
    if _other_time_in(_BP_OTHER_TIME_BEFORE, norm, lo, at) or _other_time_in(_BP_OTHER_TIME, norm, at, hi):
        return True
    if end is None or end.group(0) not in (",", "("):
        return False
    nxt = _BP_AFTER_END.search(norm, end.end())
    stop = nxt.start() if nxt else len(norm)
    clause = norm[end.end():stop]
    m = _BP_OTHER_TIME.search(clause)
    if m is None or _BP_OWN_STATEMENT.search(clause[m.end():]):
        return False
    opens = _BP_OPENS_WITH_TIME.fullmatch(clause[:m.start()])
    return opens is not None and bool(opens.group("lead").strip() or _BP_AGO.match(m.group(0)))


_BP_NEW_ITEM = re.compile(r"\b(?:and|then|now|today|currently|this (?:time|pregnancy|morning|afternoon|evening))\b")
_DRUG_STRENGTH_AFTER = re.compile(r"\s*(?:mg|mcg|micrograms?|ml|tablets?|caps?|capsules?|dose)\b")
_DRUG_STRENGTH_BEFORE = re.compile(r"(?:amoxiclav|augmentin|codamol|dydramol|tazocin|piptaz|dose|strength|mg)\s*$")
BP_RAISED = (140, 90)
BP_SEVERE = (160, 110)
# 180/120 or more in anyone (NHS: ask for an urgent GP appointment or NHS 111; NICE NG136 severe hypertension):
# the concept `bp_180_120` (round 12: "the BP machine says 192/118, I feel normal" was routine).
BP_VERY_HIGH = (180, 120)


def _blood_pressures(norm: str) -> list[tuple[int, int, str, bool]]:
    """(systolic, diastolic, words, a man's reading) of each blood pressure affirmed in the text (0 where not given).
    A man's reading ("my husband's BP") is left out of the pregnancy concepts; 180/120 is anyone's."""
    found, ends = [], []
    for m in _BP_PAIR.finditer(norm):
        g = 1 if m.group(1) else 3
        s, d = int(m.group(g)), int(m.group(g + 1))
        if g == 3 and not (100 <= s <= 300 and 40 <= d <= 200 and s > d):
            continue  # a bare fraction that is not a blood pressure ("12/10", a score)
        if g == 3 and (_DRUG_STRENGTH_AFTER.match(norm, m.end()) or _DRUG_STRENGTH_BEFORE.search(norm[max(0, m.start() - 20):m.start()])):
            continue  # a drug's strength ("co-amoxiclav 250/125", "500/125 mg"): round 12's values review
        found.append((s, d, m.start(g), m.group(0)))
        ends.append(m.end())
    for m in _BP_ONE.finditer(norm):
        g = 1 if m.group(1) else 2
        found.append((int(m.group(1)), 0, m.start(1), m.group(0)) if g == 1 else (0, int(m.group(2)), m.start(2), m.group(0)))
        ends.append(m.end())
    out = []
    starts = sorted({at for _, _, at, _ in found})
    for s, d, at, words in found:
        lo = clause_start(norm, at)
        # Time words belong to the nearest reading (independent check of the fourth round): before this one, from the
        # end of the previous reading or the last "and / now / today" in the clause; after it, up to the next reading
        # ("BP 162/105 last year and 170/115 today", "170/115 today and 162/105 last year" keep 170/115)
        near = max([lo] + [e for e in ends if e <= at] + [m.end() for m in _BP_NEW_ITEM.finditer(norm, lo, at)])
        nxt = next((a for a in starts if a > at + 2), None)
        if (is_negated(norm, at) or _BP_HYPOTHETICAL.search(norm, lo, at) or _BP_LIMIT.search(norm[max(lo, at - 16):at])
                or _bp_other_time(norm, near, at, nxt) or _BP_WAS.search(norm[near:at])):
            continue  # "BP not 160/110", "if your BP goes over 160, call", "BP should be under 140/90", "before I was pregnant"
        if s <= 300 and d <= 200:
            out.append((s, d, words.strip(), bool(_BP_OTHER_PERSON.search(norm, lo, at))))
    return out


# The current gestation, where the text states it (third round): "I'm 20 weeks", "28 weeks pregnant", "36/40",
# "24+3 weeks". Ectopic pregnancy belongs to early pregnancy (rupture up to about 14 weeks, interstitial ones a
# little later): one-sided pain is an emergency while the gestation is under 16 weeks or not said, and from a stated
# 16 weeks a same-day check (round ligament pain, appendicitis, a kidney infection). A past pregnancy ("lost a baby
# at 24 weeks"), a scan ("my 20 week scan"), an age ("20 weeks old") or a time ("for 20 weeks") is not a gestation,
# and an early-pregnancy word (missed period, positive test, "might be pregnant") keeps the emergency.
_GESTATION = re.compile(
    r"\b(?:i'm|i am|im|she's|she is|shes|now|currently|just over|nearly|almost)\s+(?:about\s+)?(\d{1,2})(?:\s*\+\s*\d)?\s*"
    r"(?:weeks?|wks?)\b(?!\s*(?:ago|old|since|postpartum|post|after|scan))"
    r"|\b(\d{1,2})(?:\s*\+\s*\d)?\s*(?:weeks?|wks?)\s*(?:pregnant|gestation|along|by dates|by scan)\b"
    r"|(?<![\d/.+])(?<!dose )(?<!ratio )(\d{1,2})(?:\s*\+\s*[0-6])?\s*/\s*40(?![\d/])" + _NOT_GESTATION_AFTER
    # "35+4 wk", "28+2 weeks" (round 9: a clinical gestation without "/40" or "pregnant")
    + r"|(?<![\d/.+])" + _NOT_BIRTH + r"(\d{1,2})\s*\+\s*[0-6]\s*(?:weeks?|wks?)\b(?!\s*(?:ago|old|since|postpartum|post|after))"
    # a bare "22 weeks" that the pregnancy reader takes as the pregnancy ("22 weeks with my first", round 13: the
    # one-sided pain of round ligament pain at 22 weeks was an ectopic emergency); the same exclusions as that reader
    # (a duration, an age) and a scan or a past birth ("my 20 week scan", "lost a baby at 24 weeks")
    r"|(?<![\w'+/.])(?<!for )(?<!last )(?<!past )(?<!over )(?<!son is )(?<!baby is )(?<!daughter is )(?<!baby's )"
    r"(?<!son's )(?<!at )(?<!born )(1[6-9]|[23]\d|4[0-2]) ?(?:weeks?|wks?)\b(?! ago| old|-old|\s*scan|\s*since|\s*post)")
_LATER_TRIMESTER = re.compile(r"\b(?:second|2nd|third|3rd) trimester\b")
_EARLY_PREGNANCY = re.compile(
    r"\b(?:missed (?:my |a |her )?periods?|periods? (?:is|are|was) (?:\w+ ){0,3}late|periods? (?:(?:now|about|nearly|over|\d+|a|one|two|three|four|five|six|few|couple|of|days?|weeks?) ){0,3}late|late periods?|positive (?:pregnancy )?test|"
    r"(?:might|may|could) be pregnant|think i'm pregnant|first trimester|1st trimester|early pregnancy|"
    r"pregnancy of unknown location)\b")
LATER_PREGNANCY_WEEKS = 16


def _gestation_16_or_more(norm: str) -> str | None:
    """The words that state a current gestation of 16 weeks or more, unless an early-pregnancy word or a smaller
    gestation is also said (then the emergency reading stays)."""
    if _EARLY_PREGNANCY.search(norm):
        return None
    weeks = [(int(next(g for g in m.groups() if g)), m.group(0)) for m in _GESTATION.finditer(norm)]
    if weeks:
        return weeks[0][1].strip() if min(w for w, _ in weeks) >= LATER_PREGNANCY_WEEKS else None
    m = _LATER_TRIMESTER.search(norm)
    return m.group(0) if m else None


# A potassium written as a value ("K+ 6.7", "potassium of 6.2", "K: 6.5"): UK Kidney Association hyperkalaemia
# guideline: 6.5 mmol/L or more is severe (emergency), 6.0-6.4 moderate (same-day). Round 12: "K+ 6.7, feel fine"
# was routine, only the listed words ("K 7.1") were read. A condition ("if the potassium is over 6") is not a reading,
# nor vitamin K ("given K 10 for my INR").
_POTASSIUM = re.compile(r"\b(?<!vitamin )(?<!vit )(?<!given )(?:k\+?|serum k\+?|potassium)\s*(?:levels?\s*)?(?:of|is|was|were|=|:|-|at|now|"
                        r"came back(?: at)?|(?:is |was )?(?:high|raised|up|elevated) at)?\s*"
                        r"(\d{1,2}(?:\.\d{1,2})?)(?!\d)(?!\.\d)(?!\s*(?:%|mg|kg|mm\b|years?|weeks?|days?|hours?|times?))")
# "non-haemolysed" / "not haemolysed" is a real reading; "first sample haemolysed, repeat K 6.9" reads the repeat.
_HAEMOLYSED = re.compile(r"(?<!non-)(?<!non )(?<!not )(?<!un)\b(?:haemoly\w*|hemoly\w*|lysed)\b")
_REPEAT = re.compile(r"\brepeat\w*\b")
_VALUE_PAST = re.compile(r"^[^.;!?\n,]{0,30}?\b(?:last (?:year|month|week|time)|years ago|months ago|weeks ago|previously|"
                         r"in the past|before)\b")
POTASSIUM_HIGH = 6.0
POTASSIUM_SEVERE = 6.5


def _value_is_current(norm: str, m: re.Match[str]) -> bool:
    """A value read at `m` that is said as now: not denied, not a condition ("if the potassium is over 6"), not a past
    reading ("K was 6.9 last year"). The value readers below share it."""
    lo = clause_start(norm, m.start())
    return not (is_negated(norm, m.start()) or _BP_HYPOTHETICAL.search(norm, lo, m.start())
                or _VALUE_PAST.search(norm[m.end():]))


def _potassium(norm: str) -> tuple[float, str] | None:
    """The highest potassium value affirmed in the text, with its words."""
    best = None
    for m in _POTASSIUM.finditer(norm):
        value = float(m.group(1))
        if not 1.5 <= value <= 9.5 or not _value_is_current(norm, m):
            continue
        s_lo, s_hi = full_sentence(norm, m.start(), m.end())
        # a haemolysed sample reads falsely high (the lab repeats it): said in its sentence, past a "but", unless a
        # repeat is named between it and the value
        if any(not (h.end() <= m.start() and _REPEAT.search(norm, h.end(), m.start()))
               for h in _HAEMOLYSED.finditer(norm, s_lo, s_hi)):
            continue
        if best is None or value > best[0]:
            best = (value, m.group(0).strip())
    return best


# A blood ketone written as a value ("blood ketones 3.4", "ketones of 1.8 mmol", "bks 2.1", "ketone level 0.9"), round 16:
# a decimal point ends a library phrase, so "ketones 3.4" was routine and "ketones 1.1" read as any 1.x (two authors
# of round 16 asked for a reader). NICE NG18 / JBDS-IP: 0.6-1.4 mmol/L raised (sick-day rules, contact the diabetes
# team), 1.5-2.9 at risk of DKA (same day), 3.0 or more DKA likely (emergency). Urine ketones are another scale
# ("ketones ++", "2+ on the stick"): not read here. The highest affirmed value counts; the potassium reader's
# exclusions apply (a condition, a negation, a past value).
_KETONE = re.compile(r"\b(?<!urine )(?<!urinary )(?:blood )?(?:ketones?|ketone levels?|bks?|b-?ketones?|beta-?hydroxybutyrate|bhb)\s*"
                     r"(?:levels?\s*|reading\s*|meter\s*)?(?:today\s*|now\s*|this morning\s*)?"
                     r"(?:of|is|are|was|were|=|:|-|at|now|came back(?: at)?|(?:is |are |was |were )?(?:high|up|raised) at|reading|"
                     r"(?:says|said|reads|read|shows|showed|showing|gave|gives)(?: it'?s)?)?\s*"
                     r"(\d{1,2}(?:\.\d{1,2})?)(?!\d)(?!\.\d)(?!\s*(?:-|to|–)\s*\d)(?!\s*\+)"
                     r"(?!\s*(?:%|mg|kg|years?|weeks?|days?|hours?|hrs?|times?|am|pm|units?|carbs?|g\b))")
_KETONE_URINE = re.compile(r"\b(?:urine|wee|pee|ketostix|dipstick|stick|strips?|urinalysis|ua)\b")
KETONES_RAISED = 0.6
KETONES_AT_RISK = 1.5
KETONES_DKA = 3.0


def _ketones(norm: str) -> tuple[float, str] | None:
    """The highest blood ketone value affirmed in the text, with its words (not a urine reading, not a range)."""
    best = None
    for m in _KETONE.finditer(norm):
        value = float(m.group(1))
        if not 0.1 <= value <= 12 or not _value_is_current(norm, m):
            continue
        if _KETONE_URINE.search(norm, max(clause_start(norm, m.start()), m.start() - 25), m.end() + 12):
            continue
        if best is None or value > best[0]:
            best = (value, m.group(0).strip())
    return best


# A sodium written as a value ("Na 128", "sodium of 122", "Na+ 119"), round 13 ("Na 128 on bloods today (was 137 in
# spring)" with new unsteadiness was routine): NICE CKS hyponatraemia: under 125 mmol/L is severe, 125-129 moderate.
# The lowest affirmed value counts; the potassium reader's exclusions apply (a condition, a negation, a past value).
_SODIUM = re.compile(r"\b(?<!n/)(?:na\+?|serum na\+?|sodium)\s*(?:levels?\s*)?(?:\(|of|is|was|were|=|:|-|at|now|"
                     r"came back(?: at)?|(?:is |was )?(?:low|down|dropped|fallen) (?:at|to))?\s*"
                     r"(\d{3})(?!\d)(?!\.\d)(?!\s*(?:%|mg|kg|mm\b|years?|weeks?|days?|hours?|times?|ml|mcg|micro|ug\b|µg))")
# "sodium" after another word is a salt in a drug's name ("levothyroxine sodium 100 micrograms", "docusate sodium 100",
# "naproxen sodium", independent check of round 13), or a urine sodium: only these words may stand before it.
_SODIUM_BEFORE = frozenset({"serum", "plasma", "blood", "bloods", "low", "lowish", "my", "his", "her", "their", "the",
                            "your", "a", "and", "with", "but", "also", "now", "today", "new", "corrected", "of", "is",
                            "was", "showed", "shows", "result", "results", "lab", "labs", "ue", "ues", "u", "e",
                            "check", "checked", "repeat", "show", "shown", "showing", "says", "said", "mums", "dads",
                            "mum", "dad"})
SODIUM_LOW = 130
SODIUM_SEVERE = 125


def _sodium(norm: str) -> tuple[int, str] | None:
    """The lowest sodium value affirmed in the text, with its words."""
    best = None
    for m in _SODIUM.finditer(norm):
        before = re.findall(r"[\w']+", norm[max(0, m.start() - 30):m.start()])
        gap = norm[max(0, m.start() - 30):m.start()]
        if m.group(0).startswith("sodium") and before and not re.search(r"[.;:,(!?\n]\s*$", gap) \
                and before[-1].replace("'", "") not in _SODIUM_BEFORE:
            continue  # a drug's salt or a urine sodium, not a blood sodium
        value = int(m.group(1))
        if not 95 <= value <= 175 or not _value_is_current(norm, m):
            continue
        if best is None or value < best[0]:
            best = (value, m.group(0).strip())
    return best


# How long a fever has lasted, in days ("temp of 39 for six days", "fever x5 days", "febrile 6/7", "day 6 of fever",
# "5 days of temperatures", round 13): NICE NG143 (a child's fever for 5 days or more needs assessment for Kawasaki
# disease). The listed phrases of `prolonged_fever_child` read only some of these.
_DAYS_WORDS = {"week": 7, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a week": 7, "over a week": 8,
               "a fortnight": 14, "two weeks": 14, "2 weeks": 14, "a whole week": 7, "a full week": 7}
_FEVER_WORD = (r"(?<!hay )(?<!freezing )(?<!cold )(?<!low )(?<!outside )(?<!outdoor )(?<!room )(?:fevers?|feaver|fevar|feverish|febrile|pyrexi(?:a|al)|high temps?|temps?|temperatures?|"
               r"tempreture|temprature|tempriture|high temperatures?|"
               r"temp(?:erature)? (?:of |was |is |at |up to |around |over )?\d{2,3}(?:\.\d)?\s*(?:c|f|degrees?)?)")
_DAY_COUNT = r"(\d{1,2}|five|six|seven|eight|nine|ten)"
FEVER_DAYS_LONG = 5
_FEVER_DAYS = re.compile(
    r"\b" + _FEVER_WORD + r"\s*(?:on and off |on & off |off and on |spiking |every day |daily |each day |"
    r"(?:has )?(?:been |lasted |lasting |going |gone on |continued |persisted |persisting )?(?:up |high |raised )?)?"
    r"(?:for (?:the (?:last|past) )?(?:nearly |almost |about |over |more than )?|x\s?|since |over (?:the (?:last|past) )?|"
    r"now |lasting |of |)"
    r"(?:" + _DAY_COUNT + r"\s*(?:or \d{1,2} |to \d{1,2} |- ?\d{1,2} )?(?:days?|d|/7)\b|"
    r"(a week|over a week|a fortnight|two weeks|2 weeks|a whole week|a full week|(?<=past )week|(?<=last )week)\b|"
    r"(?P<weeks>[1-9])\s*(?:/52|weeks?|wks?)\b)"
    r"(?!\s*ago)"
    r"|\b" + _FEVER_WORD + r"\s*(?:is |has been |now )?on day (\d{1,2}|five|six|seven|eight|nine|ten)\b"
    r"|\b" + _DAY_COUNT + r"\s*(?:days?|/7) (?:of|with) (?:a |high )?" + _FEVER_WORD
    + r"|\bday (\d{1,2}|five|six|seven|eight|nine|ten) of (?:the |a |her |his |my )?(?:fever|temperature|temps|high temp)")


# An INR written as a value ("INR 7.9", "INR of 6.2", "INR today 9"), round 14 ("Routine INR today 7.9. Reports gums
# bleeding" was routine: only the listed words "INR 8" ... were read). NICE CKS oral anticoagulation: 5.0-8.0 with
# minor bleeding and 8.0 or more are same-day problems. The highest affirmed value counts; the potassium reader's
# exclusions apply (a target range, a condition, a negation, a past value).
_INR = re.compile(r"\binr\s*(?:levels?\s*|results?\s*|reading\s*|check\s*)?(?:today\s*|this morning\s*|now\s*)?"
                  r"(?:of|is|was|were|=|:|-|at|came back(?: at)?|(?:is |was )?(?:high|up|raised) at)?\s*(?:today\s*)?"
                  r"(\d{1,2}(?:\.\d{1,2})?)(?!\d)(?!\.\d)(?!\s*(?:-|to|–)\s*\d)(?!\s*(?:%|mg|years?|weeks?|days?|times?))")
# the value said later in the sentence: "my INR is usually 2-3, today it was 7.2" (independent check of round 14)
_INR_LATER = re.compile(r"\binr\b[^.;!?]{0,40}?\b(?:today|now|this morning|this time|latest|this week)\b[^.;!?\d]{0,15}?"
                        r"(\d{1,2}(?:\.\d{1,2})?)(?!\d)(?!\.\d)(?!\s*(?:-|to|–)\s*\d)"
                        r"(?!\s*(?:%|mg|years?|weeks?|days?|times?|hours?|hrs?|am|pm|o'?clock))")
INR_HIGH = 5.0
INR_VERY_HIGH = 8.0


def _inr(norm: str) -> tuple[float, str] | None:
    """The highest INR value affirmed in the text, with its words (not a target range such as "INR 2-3")."""
    best = None
    for m in (*_INR.finditer(norm), *_INR_LATER.finditer(norm)):
        value = float(m.group(1))
        if not 0.8 <= value <= 20 or not _value_is_current(norm, m):
            continue
        if re.search(r"\b(?:target|range|aim|between)\b", norm[max(clause_start(norm, m.start()), m.start() - 25):m.start()]):
            continue
        if best is None or value > best[0]:
            best = (value, m.group(0).strip())
    return best


_FEVER_BEFORE_NOW = re.compile(r"[^.;!?\n,]{0,5}?\b(?:in the (?:summer|winter|spring|autumn|holidays?)|at christmas|"
                               r"at easter|on holiday|when (?:he|she|i|they) was|when (?:he|she) was (?:a )?(?:baby|little))")


def _fever_days(norm: str) -> tuple[int, str] | None:
    """The longest affirmed fever duration in days, with its words."""
    best = None
    for m in _FEVER_DAYS.finditer(norm):
        k, word = next((k, g) for k, g in enumerate(m.groups()) if g)
        days = int(word) if word.isdigit() else _DAYS_WORDS.get(word, 0)
        if _FEVER_DAYS.groupindex.get("weeks") == k + 1:
            days *= 7
        if not _value_is_current(norm, m) or _FEVER_BEFORE_NOW.match(norm, m.end()):
            continue  # "had a fever for 6 days last year / in the summer"
        # the temperature written before the duration, not the days ("fever for 10 days"); Fahrenheit from 93
        reading = re.search(r"\b(\d{2,3}(?:\.\d)?)\b(?!\s*(?:days?|d\b|/7|/52|or\b|to\b|-))", m.group(0))
        if reading and not m.group(0).startswith("day"):
            value = float(reading.group(1))
            if (value - 32) * 5 / 9 < 37.8 if value >= 93 else value < 37.8:
                continue  # "temp 36.8 for 6 days", "temp of 99 for 6 days": a normal temperature
        if best is None or days > best[0]:
            best = (days, m.group(0).strip())
    return best


def present_from_text(text: str) -> dict[str, str]:
    """Concepts the words cannot express: ten or more tablets taken ("took 40 paracetamol"), no
    urine for 12 hours or more ("haven't peed for 15 hours"), a blood pressure of 140/90 or more
    (`bp_140_90`), 160/110 or more (`bp_160_110`) or 180/120 or more (`bp_180_120`), a potassium of
    6.0 (`potassium_6_or_more`) or 6.5 mmol/L or more (`potassium_6_5_or_more`), a sodium under 130
    (`sodium_under_130`) or under 125 mmol/L (`sodium_under_125`), a fever for 5 days or more
    (`fever_5_days_or_more`), an INR of 5 (`inr_5_or_more`) or 8 or more (`inr_8_or_more`), a blood ketone of 0.6
    (`blood_ketones_0_6_or_more`), 1.5 (`blood_ketones_1_5_or_more`) or 3.0 mmol/L or more (`blood_ketones_3_or_more`), a stated current gestation of 16 weeks or more
    (`pregnancy_16_weeks_or_more`) or else `pregnancy_under_16_weeks_or_not_stated`."""
    norm = normalise(text)
    found: dict[str, str] = {}
    for m in _TABLET_COUNT.finditer(norm):
        if int(m.group(1) or m.group(2)) >= OVERDOSE_TABLETS:
            found["large_tablet_count"] = m.group(0)
            break
    for m in _NO_URINE_FOR.finditer(norm):
        n = int(m.group(1)) if m.group(1).isdigit() else _NUMBER_WORDS[m.group(1)]
        if n * (24 if m.group(2).startswith("d") else 1) >= NO_URINE_HOURS:
            found["no_urine_12_hours"] = m.group(0)
            break
    fever = _fever_days(norm)
    if fever is not None and fever[0] >= FEVER_DAYS_LONG:
        found["fever_5_days_or_more"] = fever[1]
    inr = _inr(norm)
    if inr is not None and inr[0] >= INR_HIGH:
        found["inr_5_or_more"] = inr[1]
        if inr[0] >= INR_VERY_HIGH:
            found["inr_8_or_more"] = inr[1]
    sodium = _sodium(norm)
    if sodium is not None and sodium[0] < SODIUM_LOW:
        found["sodium_under_130"] = sodium[1]
        if sodium[0] < SODIUM_SEVERE:
            found["sodium_under_125"] = sodium[1]
    later = _gestation_16_or_more(norm)
    if later is not None:
        found["pregnancy_16_weeks_or_more"] = later
    else:
        found["pregnancy_under_16_weeks_or_not_stated"] = "gestation under 16 weeks or not stated"
    pressures = _blood_pressures(norm)
    for s, d, words, _ in (p for p in pressures if not p[3]):
        if s >= BP_SEVERE[0] or d >= BP_SEVERE[1]:
            found.setdefault("bp_160_110", words)
        if s >= BP_RAISED[0] or d >= BP_RAISED[1]:
            found.setdefault("bp_140_90", words)
    ketones = _ketones(norm)
    if ketones is not None and ketones[0] >= KETONES_RAISED:
        found["blood_ketones_0_6_or_more"] = ketones[1]
        if ketones[0] >= KETONES_AT_RISK:
            found["blood_ketones_1_5_or_more"] = ketones[1]
        if ketones[0] >= KETONES_DKA:
            found["blood_ketones_3_or_more"] = ketones[1]
    potassium = _potassium(norm)
    if potassium is not None and potassium[0] >= POTASSIUM_HIGH:
        found["potassium_6_or_more"] = potassium[1]
        if potassium[0] >= POTASSIUM_SEVERE:
            found["potassium_6_5_or_more"] = potassium[1]
    for s, d, words, _ in pressures:
        if s >= BP_VERY_HIGH[0] or d >= BP_VERY_HIGH[1]:
            found.setdefault("bp_180_120", words)
            break
    return found


def _has_words(clause: str, phrase: str) -> bool:
    words = phrase_words(phrase)
    return bool(words) and next(find_phrase(Tokens.of(clause), words), None) is not None


# -- the scope of a finding's `unless` words (docs/hazards/ed_discriminators.md, second review) -----
#
# An `unless` word says that the words of the finding mean something else here. Two kinds, two scopes:
#
# * A qualifier of the words next to it - time or history ("years ago", "seizure-free for years",
#   "history of"), likelihood ("risk of", "in case"), a figure of speech ("feels like"), another
#   body part or a look ("fingers", "gums", "swollen") - counts in the phrase's own clause (from
#   the clause start to the end of the sentence or a "but"), as it always did. Across a comma it
#   would describe something else: "Known epileptic, seizure-free for years, fitting for 6 minutes",
#   "history of anaphylaxis to nuts, I think I'm having an anaphylactic reaction", "his fingers are
#   cold, and his lips are blue" are emergencies.
# * Another cause of the whole presentation - a stomach bug, food poisoning, alcohol, the person's
#   usual migraine, listed once in the concept SENTENCE_WIDE_CONCEPT of `concepts.json` - counts in
#   the whole sentence, before or after the phrase ("got a tummy bug, vomiting, and a headache came
#   on suddenly"; "drunk and slurring"). It stops at a contrast ("but", "however", "although"...)
#   or a new time frame ("now", "today", "suddenly"...), which start another episode ("had a
#   tummy bug but now...", "I've been drinking and now my face is drooping").
#
# Never the whole text: an emergency stated in a sentence of its own ("I had a tummy bug last
# week. Today the worst headache of my life came on in seconds") is judged in its own sentence, and
# an explanation given in another sentence only costs over-triage. A denied explanation explains
# nothing ("he hasn't been drinking and his speech is slurred"). Matching by meaning uses the same
# scopes around the clause it read as the phrase.
SENTENCE_WIDE_CONCEPT = "whole_sentence_explanations"
_CLAUSE_END = re.compile(r"[;!?\n]|\.(?!\d)|\bbut\b")
_SENTENCE_BREAK = re.compile(
    r"[!?;\n]|\.(?!\d)|\b(?:but|however|although|though|whereas|except|apart from|now|today|tonight|"
    r"this (?:morning|afternoon|evening)|suddenly|all of a sudden)\b")


def clause_scope(text: str, start: int, end: int) -> tuple[int, int]:
    """(lo, hi) characters where qualifier `unless` words count for the words at start..end."""
    m = _CLAUSE_END.search(text, end)
    return clause_start(text, start), m.start() if m else len(text)


def sentence_scope(text: str, start: int, end: int) -> tuple[int, int]:
    """(lo, hi) characters where `unless` words naming another cause count for the words at start..end."""
    lo = 0
    for m in _SENTENCE_BREAK.finditer(text, 0, start):
        lo = m.end()
    m = _SENTENCE_BREAK.search(text, end)
    return lo, m.start() if m else len(text)


# Words that make what follows a comparison, not a cause: "acting drunk", "looks like he's drunk",
# "as if hungover" (a person who seems drunk may be hypoglycaemic, head-injured or having a stroke).
_COMPARISON = frozenset({"like", "if", "acting", "acts", "seems", "seem", "seemed", "looks", "look", "looked",
                         "sounds", "sound", "sounded", "appears", "appear", "appeared"})
_PERFECT = frozenset({"have", "has", "had", "ive", "weve", "youve", "theyve", "id"})  # "I've drunk plenty of water"
# Causes that are a condition the person has, not an event: "I have cataracts", "he has sleep apnoea" count after
# "have" (third round; the drink and bug words keep the rule above).
_HELD = frozenset({"cataract", "cataracts", "sleep", "apnoea", "apnea"})
# "drunk" or "drinking" followed by what was drunk is the verb, not intoxication: "he drunk some antifreeze",
# "slurring after drinking my bleach" (a poisoning), "been drinking water" (the/his/her are folded to "my").
_DRINK_VERB = frozenset({"drunk", "drinking"})
_DRUNK_OBJECT = frozenset({"some", "a", "an", "my", "half", "loads", "lots", "bleach", "antifreeze", "screenwash",
                           "water", "milk", "juice", "something", "anything", "it", "that", "this", "from", "out", "what"})


# "in the past" is history, "in the past hour / few days / 10 minutes" is now (independent check of the fourth round:
# "she collapsed in the past 10 minutes and isn't breathing" and "thoughts of killing myself in the past few days and
# have a plan" were routine, the qualifier "in the past" cancelling them).
_RECENT_UNIT = frozenset({"few", "couple", "several", "half", "hour", "hours", "hr", "hrs", "minute", "minutes", "min",
                          "mins", "second", "seconds", "day", "days", "week", "weeks", "fortnight", "month", "months",
                          "year", "night", "nights", "one", "two", "three", "four", "five", "six", "twenty", "forty"})


def _recent_window(tok: Tokens, j: int) -> bool:
    """Does the `unless` phrase ending at word j end in "past" followed by a span of time ("in the past hour")?"""
    return (tok.words[j] == "past" and j + 1 < len(tok.words) and not tok.broken[j + 1]
            and (tok.words[j + 1].isdigit() or tok.words[j + 1] in _RECENT_UNIT))


# A conditional that opens a later comma-clause is about what follows it, not about the finding's words before it:
# "thermometer says 38.4, if my baby gets worse should I call?" states a fever (the decimal point no longer ends
# the clause since round 12, so that "INR 8.5, told to watch for bleeding" reads its qualifier).
def _later_conditional(text: str, tok: Tokens, i: int, end: int) -> bool:
    words = tok.words
    opens = words[i] == "if" or words[i:i + 2] == ("in", "case")
    return opens and tok.starts[i] >= end and "," in text[end:tok.starts[i]]


def _affirmed_in(text: str, tok: Tokens, span: tuple[int, int], start: int, end: int,
                 phrases: tuple[str, ...], causes: bool = False, later_if_counts: bool = True) -> bool:
    """Is one of `phrases` affirmed within the character span? The finding's own words at
    start..end never deny it ("not responding" + "to painkillers"); a cause (`causes`) said as a
    comparison does not count."""
    lo = next((k for k in range(len(tok.words)) if tok.starts[k] >= span[0]), len(tok.words))
    hi = next((k for k in range(lo, len(tok.words)) if tok.ends[k] > span[1]), len(tok.words))
    rest = text[:start] + " " * (end - start) + text[end:]
    for p in phrases:
        for i, j in find_phrase(tok, phrase_words(p), lo, hi):
            if is_negated(rest, tok.starts[i]) or _recent_window(tok, j):
                continue
            if not causes and not later_if_counts and _later_conditional(text, tok, i, end):
                continue
            if causes and (_COMPARISON.intersection(tok.words[max(lo, i - 3):i])
                           or (i > lo and tok.words[i - 1] in _PERFECT and tok.words[i] not in _HELD)
                           or any(tok.words[k] in _DRINK_VERB and k + 1 < len(tok.words)
                                  and tok.words[k + 1] in _DRUNK_OBJECT for k in range(i, j + 1))):
                continue
            return True
    return False


# A history qualifier written onto the finding's own words (fourth round): an `unless` phrase that begins with one of
# the finding's first-group phrases and names a past time ("i collapsed last year", "since i had my baby months
# ago") is about that mention only. It counts where it overlaps the words being judged (the phrase, or the clause
# read by meaning) in their sentence, never for another mention: "he's collapsed and isn't responding, he
# collapsed last year too" fires, where a clause-wide "last year" would cancel "isn't responding". "again" in the
# sentence ("I collapsed last year and again today") means a new episode: the history does not count.
_PAST_TIME = re.compile(r"\b(?:ago|last (?:year|month|week|time)|in (?:the|my) past|as a (?:child|kid|teenager|baby)|"
                        r"once before|before|previously|(?:last|previous|first|other) pregnancy|with my first|last time)\b")
_FULL_STOP = re.compile(r"[!?;\n]|\.(?!\d)")


def full_sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """(lo, hi) characters of the sentence holding start..end (full stops only, no contrast words)."""
    lo = max([b.end() for b in _FULL_STOP.finditer(text, 0, start)] or [0])
    return lo, next((b.start() for b in _FULL_STOP.finditer(text, end)), len(text))
_AGAIN = re.compile(r"\b(?:again|once more|another (?:one|episode|collapse|time))\b")


def tied_history(unless: str, first_group: tuple[str, ...]) -> bool:
    """Is this `unless` phrase written onto one of the first group's phrases: a history qualifier that begins with it,
    or a question that holds it ("is this a seizure")? It then speaks of that mention only."""
    words = phrase_words(unless)
    for p in map(phrase_words, first_group):
        if not p or len(words) <= len(p):
            continue
        if words[:len(p)] == p and _PAST_TIME.search(fold(unless)):
            return True
        if words[0] in _QUESTION_OPENERS and any(words[k:k + len(p)] == p for k in range(1, len(words) - len(p) + 1)):
            return True  # a question that names the finding: "is this a seizure", "am i having a stroke"
    return False


# A question naming a feared finding ("is this a seizure??", "am I having strokes?") is about that mention only:
# written as an `unless` phrase it must not cancel a fit told elsewhere in the clause ("she had a seizure this morning,
# was it a seizure?"; the independent checks of round 13 asked for this instead of companion findings).
_QUESTION_OPENERS = frozenset({"is", "was", "could", "am", "are", "does", "do", "did", "might", "can", "has", "have",
                               "will", "would", "should", "isnt", "wasnt", "what", "whats", "hows", "how"})


@dataclass(frozen=True)
class Unless:
    """A finding's `unless` words: qualifiers (their clause), other causes (the sentence) and history written onto
    the finding's own words (that mention only)."""

    clause: tuple[str, ...] = ()
    sentence: tuple[str, ...] = ()
    tied: tuple[str, ...] = ()
    # A later "if" clause is about what follows it only where the finding is all in the words before it; with other
    # groups the conditional may hold their words ("INR 8.5, if I get any bleeding": round 12's values review).
    single_group: bool = False

    def __bool__(self) -> bool:
        return bool(self.clause or self.sentence or self.tied)

    def explains(self, text: str, tok: Tokens, start: int, end: int) -> bool:
        """Do these words, in their scope, explain away the phrase at start..end of `text`?"""
        return bool(
            (self.clause and _affirmed_in(text, tok, clause_scope(text, start, end), start, end, self.clause,
                                          later_if_counts=not self.single_group))
            or (self.sentence and _affirmed_in(text, tok, sentence_scope(text, start, end), start, end, self.sentence,
                                                 causes=True))
            or (self.tied and self._tied_history(text, tok, start, end)))

    def _tied_history(self, text: str, tok: Tokens, start: int, end: int) -> bool:
        lo, hi = sentence_scope(text, start, end)
        # "again" anywhere in the sentence, past "now" or "today" ("she collapsed once before today and now again")
        s_lo, s_hi = full_sentence(text, start, end)
        again = bool(_AGAIN.search(text, s_lo, s_hi))
        first = next((k for k in range(len(tok.words)) if tok.starts[k] >= lo), len(tok.words))
        last = next((k for k in range(first, len(tok.words)) if tok.ends[k] > hi), len(tok.words))
        for u in self.tied:
            if again and _PAST_TIME.search(fold(u)):
                continue  # a history qualifier, and the sentence says it happened again
            for i, j in find_phrase(tok, phrase_words(u), first, last):
                if _recent_window(tok, j):
                    continue
                if tok.starts[i] < end and tok.ends[j] > start:  # it overlaps the words being judged
                    return True
        return False

    def explains_clause(self, text: str, tok: Tokens, clause: str) -> bool:
        """The same for a clause read by meaning; where it is written twice, every occurrence must
        be explained (one unexplained occurrence fires)."""
        spans, at = [], text.find(clause)
        while at >= 0:
            spans.append((at, at + len(clause)))
            at = text.find(clause, at + 1)
        return all(self.explains(text, tok, a, b) for a, b in spans or [(0, len(text))])


_DEFAULT: dict[str, AcuityIndex] = {}


def default_acuity_index() -> AcuityIndex:
    """The repository's library, compiled once per process (it is reviewed data, not a DB table)."""
    index = _DEFAULT.get("index")
    if index is None:
        from knowledge.flag_library import load_flag_library

        index = _DEFAULT["index"] = AcuityIndex(load_flag_library())
    return index
