"""Urgency triage: rules over the text and the vital signs, independent of the classifier.

Why rules and not the model: an emergency must be flagged whatever the classifier says, even
when it abstains, is unsure, the case is outside its conditions, or no model is loaded. Sources:

* the acuity layer (``acuity.py``): every finding of the red-flag library
  (``knowledge/red_flags``), gated by age, sex, pregnancy and risk factors;
* vital signs (``vitals.py``): NEWS2 for adults, age limits for children;
* red flags typed into a disease record by an admin (``Disease.red_flags`` entries without a
  library id), matched as phrases;

plus the default urgency of the likely conditions (the top suggestion, one step less urgent when
the model gives it under 60%, and any other with a probability >= 0.2) when the model did not abstain,
and `routine` instead of self-care when the text says self-care has not been enough (weeks or more,
tried without help, coming back).

Matching is negation-aware ("no chest pain", "denies chest pain", "without fever", "not short of
breath" do not fire). The scope of a negation is limited to its clause and to a few words, and a
doubtful case is treated as present: over-triage is safer than a missed emergency.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from knowledge import URGENCY_LEVELS as LEVELS  # most urgent first, defined once

CONDITION_PROBABILITY = 0.2  # a condition below the top one counts at this probability or more
# The top condition sets the level fully only at this probability or more; below it, one step less
# urgent. Chosen on the two development triage sets (triage_dev, triage_dev2; 560 vignettes), never the
# test set: 0 / 0.5 / 0.6 gave emergency sensitivity 92.0 / 92.0 / 92.0%, under-triage 9.3 / 9.5 / 9.8%,
# self-care sent to urgent or emergency 32.1 / 26.6 / 23.9% (scripts in the closing note of issue 11).
TOP_CONDITION_SURE = 0.6
STEP_DOWN = {"emergency": "urgent", "urgent": "routine"}

# -- text normalisation and negation -----------------------------------------------------------

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_CLAUSE_BREAK = re.compile(
    r"[.;!?\n:,()]|\b(?:but|however|although|though|except|yet|whereas|while|apart from|"
    r"and (?:i|i'm|im|my|he|she|his|her|it|it's|now|then|also|a|an|the|some|have|has|had|got|suddenly|today|"
    r"this|there|they|we|am|is|was|feel|feeling))\b"
)
_NEGATION_CUE = re.compile(
    r"\b(?:no|not|never|without|denies|denied|deny|denying|none|nor|neither|negative for|free of|nothing like|"
    r"absence of|ruled out|don't|dont|doesn't|doesnt|didn't|didnt|haven't|havent|hasn't|hasnt|"
    r"hadn't|hadnt|isn't|isnt|aren't|arent|wasn't|wasnt|weren't|werent|ain't|aint)\b"
)
# Cue words that do not negate what follows ("can not breathe", "no idea why", "not able to").
_FALSE_CUE_BEFORE = re.compile(r"\b(?:can|could|cannot)\s*$")
_FALSE_CUE_AFTER = re.compile(
    r"^\s*(?:idea|reason|matter|doubt|longer|end|sure|able|stop|stopping|go|going|getting|improving|helping|"
    r"working|better|only|just|relief)\b"
)
_CANT_WITHOUT = re.compile(r"\b(?:can't|cant|cannot|can not|couldn't|could not|unable to)(?:\s+\w+){1,3}\s+$")
# "without goggles and something flew into my eye": "without" denies the protective gear, not what follows it
# (round 15: a penetrating eye injury after hammering without goggles was routine).
# A verb or a modifier may stand before the gear ("without using goggles", "without wearing a bike helmet", "without a
# riding hat"; independent check of round 15).
_GEAR_AFTER_WITHOUT = re.compile(
    r"^\s*(?:(?:using|wearing|putting on|having|any|a|an|my|his|her|the|their|safety|eye|protective|ear|face|bike|"
    r"cycling|riding|crash|hard|motorbike|motorcycle|climbing|proper|work)\s+){0,3}(?:goggles|glasses|specs|visor|"
    r"protection|mask|gloves|helmet|hat|seat ?belt|belt|harness|shield|ppe|sun ?cream|suncream|sunscreen|spf|"
    r"defenders|guard|condom|condoms)\b\s*\S")
NEGATION_WINDOW_WORDS = 6
OR_ITEM_MAX_WORDS = 3  # an "or" this close before the finding, and the item before it, widen the window


# "2 hr 45 mins" is a time: written out, so that a pulse phrase ("hr 45") never reads it (round 16: a wait of "2 hr 45
# mins" with a faint fired the slow-pulse emergency; the vitals reader has the same rule).
_HOURS_AND_MINUTES = re.compile(r"\b(\d+)\s*hrs?\b(?=\s*\d+\s*(?:mins?|minutes?)\b)")


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, single spaces: what all patterns are written against."""
    return _HOURS_AND_MINUTES.sub(r"\1 hours", re.sub(r"[ \t]+", " ", (text or "").translate(_APOSTROPHES).lower()))


def clause_start(text: str, pos: int) -> int:
    """Index where the clause holding `pos` begins (negation never crosses a clause)."""
    start = 0
    for m in _CLAUSE_BREAK.finditer(text, 0, pos):
        if m.end() <= pos:
            start = m.end()
    return start


_NON_PREFIX = re.compile(r"\bnon-?\s*$")  # "non-bloody diarrhoea", "non tender abdomen" ("non-stop" is not a cue)
_LIST_OR = re.compile(r"\b(?:or|nor)\b")
LIST_ITEM_MAX_WORDS = 5


@lru_cache(maxsize=512)
def negated_list_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of the later items of a negated list that ends with "or"/"nor".

    A comma ends a clause, so in "no syncope, chest pain or dyspnoea" or "no lip, tongue or facial
    swelling" the negation would stop at the first item and the rest would read as affirmed (the
    NegEx list problem). Only short items joined by commas and closed by "or" count: "no fever,
    chest pain since this morning" has no "or" and stays affirmed (a doubtful case is present)."""
    spans: list[tuple[int, int]] = []
    breaks = [(m.start(), m.end(), m.group(0)) for m in _CLAUSE_BREAK.finditer(text)]
    for cue in _NEGATION_CUE.finditer(text):
        before, after = text[: cue.start()], text[cue.end():]
        if cue.group(0) in ("not", "no") and (_FALSE_CUE_BEFORE.search(before) or _FALSE_CUE_AFTER.match(after)):
            continue
        nxt = next((b for b in breaks if b[0] >= cue.end()), None)
        if nxt is None or nxt[2] != "," or len(text[cue.start():nxt[0]].split()) > LIST_ITEM_MAX_WORDS:
            continue
        first_item_end = nxt[1]
        pos = first_item_end
        while True:
            nb = next((b for b in breaks if b[0] >= pos), (len(text), len(text), ""))
            item = text[pos:nb[0]]
            if not item.strip() or len(item.split()) > LIST_ITEM_MAX_WORDS + 2:
                break
            if _LIST_OR.search(item):
                spans.append((first_item_end, nb[0]))
                break
            if nb[2] != ",":
                break
            pos = nb[1]
    return tuple(spans)


def _window_size(words: list[str]) -> int:
    """The negation window in words; it reaches back past an "or"/"nor" just before the finding, so that
    "I don't have any thoughts of hurting myself or ending my life" denies both (an independent author's
    depression case read the second item as affirmed: a cue 7 words back fell outside the window)."""
    for i, w in enumerate(reversed(words[-OR_ITEM_MAX_WORDS:])):
        if w in ("or", "nor"):
            return NEGATION_WINDOW_WORDS + i + 1 + OR_ITEM_MAX_WORDS  # + the item before the "or"
    return NEGATION_WINDOW_WORDS


def is_negated(text: str, start: int) -> bool:
    """Is the finding that begins at `start` negated within its clause and word window, by a "non-"
    just before it, or as a later item of a negated list ("no syncope, chest pain or dyspnoea")?"""
    if _NON_PREFIX.search(text, max(0, start - 8), start):  # pos, not a slice: \b sees the word before
        return True
    if any(s <= start < e for s, e in negated_list_spans(text)):
        return True
    prefix = text[clause_start(text, start):start]
    words = prefix.split()
    window = " ".join(words[-_window_size(words):])
    for cue in _NEGATION_CUE.finditer(window):
        before, after = window[: cue.start()], window[cue.end():]
        word = cue.group(0)
        if word in ("not", "no") and (_FALSE_CUE_BEFORE.search(before) or _FALSE_CUE_AFTER.match(after)):
            continue
        if word == "without" and _CANT_WITHOUT.search(before + " "):
            continue  # "can't walk without chest pain" affirms the pain
        if word == "without" and _GEAR_AFTER_WITHOUT.match(after):
            continue
        return True
    return False


def find_affirmed(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """First match of `pattern` in normalised `text` that is not negated, else None."""
    for m in pattern.finditer(text):
        if not is_negated(text, m.start()):
            return m
    return None


def find_negated(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    for m in pattern.finditer(text):
        if is_negated(text, m.start()):
            return m
    return None


@lru_cache(maxsize=65536)
def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A lay phrase as a tolerant regex: any spacing, optional apostrophes, whole words."""
    words = normalise(phrase).strip().split()
    parts = [re.escape(w).replace("'", "'?") for w in words]
    return re.compile(r"(?<![\w'])" + r"\s+".join(parts) + r"(?![\w'])")


# -- self-care that is not enough -------------------------------------------------------------
#
# NHS self-care advice ends with "see a GP if it is not better in about 3 weeks, if the treatment
# you tried has not helped, or if it keeps coming back" (NHS conditions A-Z, NICE CKS safety-netting).
# A likely self-care condition therefore gets `routine` when the text says one of these. Chosen on
# the development triage sets (triage_dev, triage_dev2), never the test set: 8 of the 9 routine cases
# sent to self-care said so, against 3 of 35 self-care ones (docs/clinical-safety.md, H12).

_AMOUNT = r"(?:\d+|a few|few|several|two|three|four|five|six|seven|eight|nine|ten|(?:a )?couple of)"
_LONG_UNIT = r"(?:months?|years?|yrs?)"
_WEEKS_3_PLUS = r"(?:(?:[3-9]|\d\d)\s*(?:weeks?|wks?)|(?:three|four|five|six|seven|eight|nine|ten|several|a few|few) weeks)"
PERSISTENT = re.compile(
    r"(?<![\w-])(?:" + _AMOUNT + r"\s*" + _LONG_UNIT + r"|" + _WEEKS_3_PLUS + r"|a month|a year|months|years|ages)"
    r"(?!\s*(?:old|of age|of pregnancy|pregnant|gestation|along|postpartum|postnatal|ago)\b)(?![\w-])"
    # clinical shorthand (round 9): "2/12" months, "4/52" weeks (3 or more), not a date ("3/12/2025")
    r"|(?<![\w/.])(?:\d{1,2}/12|(?:[3-9]|[1-4]\d)/52)(?![\w/.])(?!\s*(?:ago|old|baby|infant|boy|girl|son|daughter|child|male|female|m|f)\b)"
)
# What is said of a time span that is an age or a stage, not how long the problem has lasted.
_SPAN_IS_AGE = re.compile(r"(?:\b(?:i'm|im|i am|he's|hes|she's|shes|he is|she is|is|was|aged|age|at|by|baby|son|daughter|"
                          r"girl|boy|every|within|in|after|next)\s*$|\d\s*-\s*$)")
_SPAN_WORD_BEFORE = re.compile(r"\b(?:for|over|past|last|since|of|in)\s*(?:the\s*)?$")
SELF_CARE_FAILED = re.compile(
    r"\b(?:(?:isn't|isnt|is not|not|hasn't|hasnt|has not|haven't|havent|have not|didn't|didnt|did not|doesn't|doesnt|"
    r"does not|nothing(?:'s| has| is)?|none of (?:them|it|these))\s+(?:\w+\s+)?(?:help(?:ed|ing|s)?|work(?:ed|ing|s)?|"
    r"cutting it|touch(?:ed|ing|es)? it|shift(?:ed|ing)? it|clear(?:ed|ing)? it|made (?:a|any) difference))\b"
    r"|\btried (?:all|everything|loads|lots|every)\b|\bno better\b|\bnot getting better\b|\bkeeps? coming back\b"
    r"|\b(?:second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th)) time (?:this|in)\b"
    # "flaring despite regular emollients", "enlarging despite 2 weeks of clotrimazole" (round 9)
    r"|\bdespite (?:[\w-]+\s+){0,4}?(?:treatment|treating|creams?|emollients?|ointments?|moisturis\w+|tablets|drops|"
    r"sprays?|courses?|antibiotics|antifungals?|antihistamines?|painkillers|paracetamol|ibuprofen|medication|medicines?|"
    r"using|taking|trying|applying|otc|over the counter|\w+azole|\w+sone)\b"
)


def self_care_not_enough(norm: str) -> str | None:
    """The words saying self-care is not enough (long-lasting, tried without help, recurring), or None.
    `norm` is ``normalise(text)``; a denied span ("not for 3 weeks") does not count."""
    m = SELF_CARE_FAILED.search(norm)
    if m:
        return m.group(0)
    for m in PERSISTENT.finditer(norm):
        before = norm[max(0, m.start() - 24):m.start()]
        if _SPAN_IS_AGE.search(before) or is_negated(norm, m.start()):
            continue
        number = re.match(r"\d+", m.group(0))
        if number and int(number.group(0)) >= 16 and not _SPAN_WORD_BEFORE.search(before):
            continue  # "Mum, 84 years," is an age; "for 20 years" is how long
        return m.group(0)
    return None


# -- the result --------------------------------------------------------------------------------

@dataclass
class TriageResult:
    level: str
    reasons: list[str] = field(default_factory=list)
    red_flags: list[dict[str, str]] = field(default_factory=list)  # [{"finding", "level", "source", "match", "id"?}]
    news2: dict[str, Any] | None = None
    vitals: dict[str, Any] = field(default_factory=dict)
    person: dict[str, Any] = field(default_factory=dict)
    from_rules: bool = False  # the level came from the acuity layer because the model could not rank

    @property
    def rules(self) -> list[dict[str, str]]:
        """The acuity rules that fired: id, level and the words that matched."""
        return [{"id": f.get("id", ""), "level": f["level"], "finding": f["finding"], "match": f.get("match", ""),
                 **({"by_meaning": f["by_meaning"]} if f.get("by_meaning") else {})}
                for f in self.red_flags]

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "reasons": list(self.reasons), "news2": self.news2, "rules": self.rules}


def most_urgent(levels: Iterable[str]) -> str | None:
    known = [lv for lv in levels if lv in LEVELS]
    return min(known, key=LEVELS.index) if known else None


# -- knowledge-base red flags, compiled once per knowledge-base snapshot -------------------------
#
# Why: the knowledge base holds hundreds of red-flag phrases, and running each phrase's regex over
# every text cost ~8 ms per assessment. A phrase can only match where each of its word tokens
# appears in the text as a whole [\w']+ run (apostrophes are optional in `phrase_pattern`, so they
# are dropped on both sides): an inverted index from a phrase's rarest token to the phrase finds
# the few candidates with set lookups, and only their regexes (with the unchanged negation
# check) run. The result is the same as checking every phrase in order.

_TOKEN = re.compile(r"[\w']+")


def text_tokens(norm: str) -> frozenset[str]:
    r"""Every [\w']+ run of normalised text, apostrophes removed (what a phrase token must equal)."""
    return frozenset(t.replace("'", "") for t in _TOKEN.findall(norm))


@lru_cache(maxsize=65536)
def phrase_tokens(phrase: str) -> frozenset[str]:
    """The tokens that must all be in `text_tokens(text)` for `phrase_pattern(phrase)` to match."""
    return frozenset(t for t in (w.replace("'", "") for w in _TOKEN.findall(normalise(phrase))) if t)


@dataclass(frozen=True)
class _Flag:
    disease: str
    finding: str
    level: str
    phrases: tuple[str, ...]


class RedFlagIndex:
    """Red flags typed into disease records, indexed by token (build once per snapshot, read-only).

    Flags that carry a library ``id`` are skipped: the acuity layer matches those, with their
    population and context, for every description.
    """

    def __init__(self, diseases: Iterable[Any]):
        flags: list[_Flag] = []
        for disease in diseases:
            for flag in getattr(disease, "red_flags", None) or []:
                level = flag.get("level")
                finding = flag.get("finding") or ""
                if level not in LEVELS or not finding or flag.get("id"):
                    continue
                flags.append(_Flag(getattr(disease, "name", ""), finding, level, tuple(flag.get("phrases") or [])))
        self.flags: tuple[_Flag, ...] = tuple(flags)
        counts: dict[str, int] = {}
        entries = []
        for fi, flag in enumerate(self.flags):
            for pi, phrase in enumerate(flag.phrases):
                tokens = phrase_tokens(phrase)
                entries.append((fi, pi, tokens))
                for t in tokens:
                    counts[t] = counts.get(t, 0) + 1
        self.by_anchor: dict[str, list[tuple[int, int, frozenset[str]]]] = {}
        self.always: list[tuple[int, int]] = []  # phrases without any token: always checked
        for fi, pi, tokens in entries:
            if not tokens:
                self.always.append((fi, pi))
                continue
            anchor = min(tokens, key=lambda t: (counts[t], t))
            self.by_anchor.setdefault(anchor, []).append((fi, pi, tokens))
        for flag in self.flags:  # compile the regexes now, not during the first assessments
            for phrase in flag.phrases:
                phrase_pattern(phrase)

    def candidates(self, tokens: frozenset[str]) -> dict[int, list[int]]:
        """flag index -> indices of its phrases that may match a text with these tokens."""
        found: list[tuple[int, int]] = list(self.always)
        by_anchor = self.by_anchor
        for t in tokens:
            for fi, pi, need in by_anchor.get(t, ()):
                if need <= tokens:
                    found.append((fi, pi))
        out: dict[int, list[int]] = {}
        for fi, pi in sorted(found):
            out.setdefault(fi, []).append(pi)
        return out


def kb_flags(text: str, diseases: Iterable[Any] = (), index: RedFlagIndex | None = None) -> list[dict[str, str]]:
    """Knowledge-base red flags whose phrases appear (not negated) in normalised text.

    Per flag, its first affirmed phrase counts; one entry per matched text, the most urgent level
    wins. Pass the snapshot's `index` to skip compiling the knowledge base again.
    """
    if index is None:
        index = RedFlagIndex(diseases)
    fired: dict[str, dict[str, str]] = {}
    for fi, phrase_ids in index.candidates(text_tokens(text)).items():
        flag = index.flags[fi]
        for pi in phrase_ids:
            hit = find_affirmed(phrase_pattern(flag.phrases[pi]), text)
            if hit is None:
                continue
            key = hit.group(0)
            prev = fired.get(key)
            if prev is None or LEVELS.index(flag.level) < LEVELS.index(prev["level"]):
                fired[key] = {"finding": flag.finding, "level": flag.level, "source": "knowledge_base",
                              "disease": flag.disease, "match": key}
            break
    return list(fired.values())


def triage(
    text: str,
    differential: list[dict[str, Any]] | None = None,
    diseases: Iterable[Any] = (),
    abstained: bool = False,
    *,
    flag_index: RedFlagIndex | None = None,
    age: int | None = None,
    sex: str | None = None,
    risk_factors: dict[str, Any] | None = None,
    vitals: dict[str, Any] | None = None,
    acuity_index: Any = None,
    person: Any = None,
    semantic: Any = None,
) -> TriageResult:
    """The urgency level and the reasons that raised it.

    `differential` is the model's ranked list ([{"icd10", "disease", "probability"}]), or None
    without a model; `diseases` are Disease rows (admin red flags, default urgency). When the model
    abstained (unsure, out of scope, or absent) condition urgencies are ignored and the level comes
    from the acuity layer and the vital signs, with `routine` as the floor: when we do not know, a
    clinician should look. `vitals` are structured values (they win over values in the text);
    `person` is ``acuity.read_person`` of the same inputs when the caller has it already;
    `semantic` (``semantic.SemanticIndex``, from the served model's encoder) matches red flags by meaning too.
    """
    from app.services.acuity import default_acuity_index, read_person
    from app.services.vitals import assess_vitals, merge_vitals

    norm = normalise(text)
    diseases = list(diseases)
    person = person if person is not None else read_person(text, age, sex, risk_factors)
    measured = assess_vitals(merge_vitals(vitals or {}, text), person.ages, child_words=person.age_range is not None
                             and person.age_range[1] <= 16)
    present = {"fever": f"temperature {measured.vitals['temperature_c']} C"} if measured.fever else {}
    # A typed blood pressure (form, API) reaches the pregnancy findings as one written in the text does;
    # one in the text is read by the acuity layer itself, which knows "before I was pregnant" and "if".
    systolic = measured.vitals.get("systolic_bp") if (vitals or {}).get("systolic_bp") is not None else None
    if systolic:
        from app.services.acuity import BP_RAISED, BP_SEVERE

        if systolic >= BP_SEVERE[0]:
            present["bp_160_110"] = f"systolic blood pressure {systolic}"
        if systolic >= BP_RAISED[0]:
            present["bp_140_90"] = f"systolic blood pressure {systolic}"
    index = acuity_index if acuity_index is not None else default_acuity_index()
    flags = index.match(text, person, present, semantic=semantic)
    emergency_words = " ".join(f["match"] for f in flags if f["level"] == "emergency")
    flags = [f for f in flags if f["level"] == "emergency" or f["match"] not in emergency_words]  # subsumed
    flags += kb_flags(norm, diseases, flag_index)

    levels: list[str] = [f["level"] for f in flags]
    reasons: list[str] = []
    seen: set[str] = set()
    for f in sorted(flags, key=lambda f: LEVELS.index(f["level"])):
        label = f"Red flag ({f['level']}): {f['finding']} - \"{f['match']}\""
        if f.get("by_meaning"):
            label += " (read as: " + "; ".join(f"\"{m['means']}\"" for m in f["by_meaning"]) + ")"
        if label.lower() not in seen:
            seen.add(label.lower())
            reasons.append(label)
    if measured.level:
        levels.append(measured.level)
        reasons.extend(measured.reasons)

    unsure = abstained or not differential
    if differential and not abstained:
        by_code = {d.icd10: d for d in diseases}
        for rank, item in enumerate(differential):
            if rank > 0 and float(item.get("probability") or 0) < CONDITION_PROBABILITY:
                continue
            disease = by_code.get(item.get("icd10"))
            urgency = getattr(disease, "urgency", None)
            if urgency not in LEVELS:
                continue
            name = item.get("disease") or disease.name
            probability = float(item.get("probability") or 0)
            if rank == 0 and probability < TOP_CONDITION_SURE and urgency in STEP_DOWN:
                # A guess the model is unsure of does not set the level by itself: one step less urgent
                # (red flags and vital signs above still raise it). Why: on the development triage sets a
                # confidently-wrong top condition (a head bump read as intussusception, a splinter as a
                # wrist fracture) was the main cause of self-care cases sent to urgent or emergency care.
                urgency = STEP_DOWN[urgency]
                if urgency == "urgent":
                    reasons.append(f"Possible {name} usually needs emergency care; the model is not sure of it "
                                   f"({probability:.0%}), so it is shown as urgent")
                levels.append(urgency)
                continue
            levels.append(urgency)
            if urgency in ("emergency", "urgent"):
                reasons.append(f"Possible {name} usually needs {'emergency' if urgency == 'emergency' else 'urgent'} care")

    level = most_urgent(levels)
    if level is None or (unsure and LEVELS.index(level) > LEVELS.index("routine")):
        level = "routine"
    if level == "self_care":
        words = self_care_not_enough(norm)
        if words:
            level = "routine"
            reasons.append(f"Self-care may not be enough (\"{words}\"): a GP or nurse should look at it")
    if not flags and not measured.level:
        reasons.append("No red flags found in the description")
    if unsure:
        if level in ("emergency", "urgent"):
            reasons.insert(0, "We can't tell what this is, but these signs need "
                              + ("emergency care now" if level == "emergency" else "care today") + ":")
        else:
            reasons.append("The likely cause is not clear, so a clinician should look at it")
    return TriageResult(level=level, reasons=reasons, red_flags=flags, news2=measured.news2, vitals=measured.vitals,
                        person=person.as_dict(), from_rules=unsure)
