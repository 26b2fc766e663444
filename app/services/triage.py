"""Urgency triage: rules over the text, independent of the classifier.

Why rules and not the model: an emergency must be flagged whatever the classifier says, even
when it abstains or is not loaded. Two sources of rules are combined:

* universal emergency patterns (chest pain with breathlessness, stroke signs, ...), below;
* the knowledge base's red flags (``Disease.red_flags`` phrases; their presence in the text
  means the flag is present, whichever condition the model suggests);

plus the default urgency of the likely conditions (the top suggestion, and any with a
probability >= 0.2) when the model did not abstain.

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

LEVELS = ("emergency", "urgent", "routine", "self_care")  # most urgent first
CONDITION_PROBABILITY = 0.2

# -- text normalisation and negation -----------------------------------------------------------

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_CLAUSE_BREAK = re.compile(
    r"[.;!?\n:,()]|\b(?:but|however|although|though|except|yet|whereas|while|apart from|"
    r"and (?:i|i'm|im|my|he|she|his|her|it|it's|now|then|also|a|an|the|some|have|has|had|got|suddenly|today|"
    r"this|there|they|we|am|is|was|feel|feeling))\b"
)
_NEGATION_CUE = re.compile(
    r"\b(?:no|not|never|without|denies|denied|deny|denying|none|nor|neither|negative for|free of|"
    r"absence of|ruled out|don't|dont|doesn't|doesnt|didn't|didnt|haven't|havent|hasn't|hasnt|"
    r"hadn't|isn't|isnt|aren't|wasn't|weren't)\b"
)
# Cue words that do not negate what follows ("can not breathe", "no idea why", "not able to").
_FALSE_CUE_BEFORE = re.compile(r"\b(?:can|could|cannot)\s*$")
_FALSE_CUE_AFTER = re.compile(
    r"^\s*(?:idea|reason|matter|doubt|longer|end|sure|able|stop|stopping|go|going|getting|improving|helping|"
    r"working|better|only|just|relief)\b"
)
_CANT_WITHOUT = re.compile(r"\b(?:can't|cant|cannot|can not|couldn't)\s+\w+\s+$")
NEGATION_WINDOW_WORDS = 6


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, single spaces: what all patterns are written against."""
    return re.sub(r"[ \t]+", " ", (text or "").translate(_APOSTROPHES).lower())


def clause_start(text: str, pos: int) -> int:
    """Index where the clause holding `pos` begins (negation never crosses a clause)."""
    start = 0
    for m in _CLAUSE_BREAK.finditer(text, 0, pos):
        if m.end() <= pos:
            start = m.end()
    return start


def is_negated(text: str, start: int) -> bool:
    """Is the finding that begins at `start` negated within its clause and word window?"""
    prefix = text[clause_start(text, start):start]
    words = prefix.split()
    window = " ".join(words[-NEGATION_WINDOW_WORDS:])
    for cue in _NEGATION_CUE.finditer(window):
        before, after = window[: cue.start()], window[cue.end():]
        word = cue.group(0)
        if word in ("not", "no") and (_FALSE_CUE_BEFORE.search(before) or _FALSE_CUE_AFTER.match(after)):
            continue
        if word == "without" and _CANT_WITHOUT.search(before + " "):
            continue  # "can't walk without chest pain" affirms the pain
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


@lru_cache(maxsize=8192)
def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A lay phrase as a tolerant regex: any spacing, optional apostrophes, whole words."""
    words = normalise(phrase).strip().split()
    parts = [re.escape(w).replace("'", "'?") for w in words]
    return re.compile(r"(?<![\w'])" + r"\s+".join(parts) + r"(?![\w'])")


# -- universal patterns ------------------------------------------------------------------------

def _p(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w'])(?:" + "|".join(alternatives) + r")(?![\w'])")


CHEST_PAIN = _p(
    r"chest (?:pain|pains|pressure|ache|aching|hurts|hurting|discomfort|tightness|is tight|feels (?:tight|heavy|crushed))",
    r"(?:pain|pressure|tightness|ache|heaviness) (?:in|across|on|around) (?:my|the|his|her|their) chest",
    r"crushing (?:pain|chest)", r"heart attack",
)
BREATHLESS = _p(
    r"short(?:ness)? of breath", r"breathless(?:ness)?", r"(?:can't|cant|cannot|can not) (?:breathe|catch (?:my|his|her) breath)",
    r"struggling (?:to breathe|for breath)", r"(?:difficulty|trouble|problems?) breathing", r"hard to breathe",
    r"out of breath", r"gasping", r"fighting for breath", r"breathing (?:is )?(?:difficult|hard|laboured|labored)", r"dyspno?ea",
)
SWEATING = _p(r"sweat(?:ing|y|s|ed)?", r"clammy", r"drenched", r"diaphore\w*")
FACE_DROOP = _p(
    r"(?:face|mouth|smile) (?:is |has )?(?:drooping|droops|droopy|droop|dropped|fallen|lopsided|drooped)",
    r"drooping (?:face|mouth)", r"facial droop", r"face droop",
)
ARM_WEAK = _p(
    r"arm (?:has |is )?(?:gone |went |going )?(?:weak|numb|heavy|dead|limp)",
    r"weak(?:ness)? (?:in|of) (?:my|his|her|their|one|the) (?:arm|leg|side)",
    r"(?:can't|cant|cannot|can not) (?:lift|raise|move) (?:my|his|her|their|one) arm",
    r"one side (?:of (?:my|his|her|the) (?:body|face) )?(?:is |has |went |gone )*(?:weak|numb|limp)",
    r"arm weakness",
)
SLURRED = _p(
    r"slurred speech", r"slurring", r"speech (?:is |was )?(?:slurred|garbled|jumbled)",
    r"(?:can't|cant|cannot) speak properly", r"(?:trouble|difficulty) (?:speaking|talking|finding words)",
    r"words (?:are |were |came out )?(?:jumbled|muddled|garbled)",
)
SWELLING_MOUTH = _p(
    r"(?:throat|tongue|lips?|mouth|face) (?:is |are |has |have |feels? |keeps? )?(?:swelling|swollen|swelled|closing|tight)(?: up)?",
    r"swelling (?:of|in) (?:my|the|his|her) (?:throat|tongue|lips?|mouth|face)",
    r"swollen (?:throat|tongue|lips?|mouth|face)",
)
BREATHING_TROUBLE = re.compile(BREATHLESS.pattern + "|" + _p(r"wheez\w*", r"stridor", r"noisy breathing", r"choking").pattern)
STIFF_NECK = _p(r"stiff neck", r"neck (?:is |feels )?(?:stiff|rigid)", r"neck stiffness", r"(?:can't|cant|cannot) (?:touch|bend|put) (?:my )?chin")
FEVER = _p(r"fever(?:ish|s)?", r"high temperature", r"temperature of", r"running a temperature", r"burning up", r"pyrexi\w*", r"febrile")
NB_RASH = _p(
    r"non[- ]?blanching(?: rash)?", r"rash (?:that )?(?:doesn't|does not|doesnt|won't|will not|didn't|did not) fade",
    r"purple (?:spots|rash|blotches|patches)", r"rash under (?:a|the) glass", r"glass test", r"petechia\w*", r"purpur\w*",
)
RASH = _p(r"rash(?:es)?", r"spots")
SUICIDE = _p(
    r"suicid\w*", r"kill(?:ing)? (?:my|him|her|them)sel(?:f|ves)", r"end(?:ing)? (?:my|his|her|their) (?:own )?li(?:fe|ves)",
    r"end it all", r"take my (?:own )?life", r"(?:want|wanting|wanted) to die", r"better off dead",
    r"self[- ]?harm\w*", r"(?:harm|harming|hurt|hurting|cut|cutting) (?:my|him|her)self", r"overdos\w*",
)
HEAVY_BLEEDING = _p(
    r"(?:heavy|severe|uncontrolled|profuse) bleeding", r"bleeding (?:heavily|a lot|badly|profusely|everywhere)",
    r"bleeding (?:won't|will not|wont|doesn't|does not|that won't) stop", r"(?:won't|wont|will not|can't) stop (?:the )?bleeding",
    r"(?:vomiting|throwing up|sick(?:ing)? up|threw up|vomited|puking) (?:up )?(?:blood|what looks like coffee grounds)",
    r"blood in (?:my |the |his |her )?vomit", r"haematemesis", r"hematemesis",
    r"(?:black|tarry|black tarry|black and tarry|black, tarry) (?:stools?|poos?|poops?|faeces|feces|bowel movements?)",
    r"(?:stools?|poos?|poops?) (?:are |is |look |looks |were |was )?(?:black|tarry|like tar)", r"mela?ena",
    r"spurting blood", r"soaking (?:through )?(?:a )?pads?",
)
UNCONSCIOUS = _p(
    r"unconscious", r"unresponsive", r"passed out", r"passing out", r"collapsed", r"blacked out",
    r"lost consciousness", r"loss of consciousness", r"(?:won't|wont|will not|can't|cannot) (?:wake|be woken)",
    r"seizures?", r"fitting", r"had a fit", r"convuls\w*", r"not breathing", r"stopped breathing",
)
ANAPHYLAXIS = _p(r"anaphyla\w*", r"severe allergic reaction", r"epi-?pen", r"allergic reaction (?:and|with) (?:swelling|breathing)")
THUNDERCLAP = _p(
    r"worst headache (?:of my life|ever|i've ever had)", r"thunderclap", r"sudden (?:severe|explosive|excruciating) headache",
    r"headache (?:like|came on like) (?:a|being hit)",
)
BLUE_LIPS = _p(r"(?:lips|face|skin|tongue) (?:are |is |turning |going |gone |went |look )*(?:blue|grey|gray|bluish)", r"blue lips", r"cyano\w*")
SEVERE_BREATHING = _p(
    r"(?:can't|cant|cannot|can not) breathe", r"struggling to breathe", r"gasping for (?:air|breath)",
    r"too breathless to (?:talk|speak|eat)", r"(?:can't|cant|cannot) (?:finish|complete) (?:a )?sentences?", r"choking",
)
COUGHING_BLOOD = _p(r"coughing (?:up )?blood", r"cough(?:ed)? up blood", r"blood in (?:my |the )?(?:phlegm|sputum|spit)", r"haemoptysis", r"hemoptysis")
BLOOD_STOOL_URINE = _p(r"blood in (?:my |the )?(?:stools?|poos?|urine|pee|wee)", r"bloody (?:stools?|poos?|diarrhoea|diarrhea|urine)", r"(?:peeing|weeing|passing) blood")
FAINTING = _p(r"faint(?:ed|ing)?", r"fainting spells?")
SEVERE_BELLY = _p(r"(?:severe|agonising|agonizing|excruciating|unbearable) (?:abdominal|stomach|tummy|belly) pain", r"(?:abdominal|stomach|tummy|belly) pain (?:is )?(?:severe|agonising|unbearable)")


@dataclass(frozen=True)
class Rule:
    """Fires when every group has an affirmed match (groups are alternatives ORed inside)."""

    name: str
    level: str
    reason: str
    groups: tuple[tuple[re.Pattern[str], ...], ...]


UNIVERSAL_RULES: tuple[Rule, ...] = (
    Rule("chest_pain_breathless", "emergency", "Chest pain with breathlessness or sweating (possible heart attack or embolism)",
         ((CHEST_PAIN,), (BREATHLESS, SWEATING))),
    Rule("stroke", "emergency", "Signs of a stroke: face droop, arm weakness or slurred speech",
         ((FACE_DROOP, ARM_WEAK, SLURRED),)),
    Rule("airway_swelling", "emergency", "Swelling of the throat, tongue or lips with breathing trouble (possible anaphylaxis)",
         ((SWELLING_MOUTH,), (BREATHING_TROUBLE,))),
    Rule("anaphylaxis", "emergency", "Severe allergic reaction (anaphylaxis)", ((ANAPHYLAXIS,),)),
    Rule("meningitis_neck", "emergency", "Stiff neck with fever or rash (possible meningitis)", ((STIFF_NECK,), (FEVER, RASH, NB_RASH))),
    Rule("nonblanching_rash", "emergency", "Rash that does not fade under pressure (possible sepsis or meningitis)", ((NB_RASH,),)),
    Rule("suicide", "emergency", "Thoughts of suicide or self-harm: immediate help is needed", ((SUICIDE,),)),
    Rule("bleeding", "emergency", "Heavy bleeding, vomiting blood or black stools", ((HEAVY_BLEEDING,),)),
    Rule("unconscious", "emergency", "Loss of consciousness, collapse or seizure", ((UNCONSCIOUS,),)),
    Rule("thunderclap", "emergency", "Sudden, very severe headache (possible bleed in the brain)", ((THUNDERCLAP,),)),
    Rule("cyanosis", "emergency", "Blue or grey lips or skin (lack of oxygen)", ((BLUE_LIPS,),)),
    Rule("severe_breathing", "emergency", "Severe difficulty breathing", ((SEVERE_BREATHING,),)),
    Rule("chest_pain", "urgent", "Chest pain", ((CHEST_PAIN,),)),
    Rule("coughing_blood", "urgent", "Coughing up blood", ((COUGHING_BLOOD,),)),
    Rule("blood_stool_urine", "urgent", "Blood in the stools or urine", ((BLOOD_STOOL_URINE,),)),
    Rule("fainting", "urgent", "Fainting", ((FAINTING,),)),
    Rule("severe_abdominal_pain", "urgent", "Severe abdominal pain", ((SEVERE_BELLY,),)),
    Rule("mouth_swelling", "urgent", "Swelling of the lips, tongue, face or throat", ((SWELLING_MOUTH,),)),
)


# -- the result --------------------------------------------------------------------------------

@dataclass
class TriageResult:
    level: str
    reasons: list[str] = field(default_factory=list)
    red_flags: list[dict[str, str]] = field(default_factory=list)  # [{"finding", "level", "source", "match"}]

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "reasons": list(self.reasons)}


def most_urgent(levels: Iterable[str]) -> str | None:
    known = [lv for lv in levels if lv in LEVELS]
    return min(known, key=LEVELS.index) if known else None


def universal_flags(text: str) -> list[dict[str, str]]:
    """Universal patterns that fire on normalised text (an emergency rule hides its urgent subset)."""
    fired = []
    for rule in UNIVERSAL_RULES:
        matches = []
        for group in rule.groups:
            hit = None
            for pattern in group:
                hit = find_affirmed(pattern, text)
                if hit:
                    break
            if hit is None:
                break
            matches.append(hit.group(0))
        else:
            fired.append({"finding": rule.reason, "level": rule.level, "source": "universal", "rule": rule.name,
                          "match": " + ".join(matches)})
    return fired


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


@lru_cache(maxsize=16384)
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
    """The knowledge base's red-flag phrases, indexed by token (build once per snapshot, read-only)."""

    def __init__(self, diseases: Iterable[Any]):
        flags: list[_Flag] = []
        for disease in diseases:
            for flag in getattr(disease, "red_flags", None) or []:
                level = flag.get("level")
                finding = flag.get("finding") or ""
                if level not in LEVELS or not finding:
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
) -> TriageResult:
    """The urgency level and the reasons that raised it.

    `differential` is the model's ranked list ([{"icd10", "disease", "probability"}]), or None
    without a model; `diseases` are Disease rows (red flags, default urgency). When the model
    abstained (or is absent) condition urgencies are ignored and the floor is `routine`: when we
    do not know, a clinician should look. `flag_index` is the knowledge-base snapshot's compiled
    red flags (built from `diseases` when not given).
    """
    norm = normalise(text)
    diseases = list(diseases)
    flags = universal_flags(norm)
    fired_rules = {f["rule"] for f in flags}
    if fired_rules & {"chest_pain_breathless"}:
        flags = [f for f in flags if f.get("rule") != "chest_pain"]
    if fired_rules & {"airway_swelling"}:
        flags = [f for f in flags if f.get("rule") != "mouth_swelling"]
    flags += kb_flags(norm, diseases, flag_index)

    levels: list[str] = [f["level"] for f in flags]
    reasons: list[str] = []
    seen: set[str] = set()
    for f in sorted(flags, key=lambda f: LEVELS.index(f["level"])):
        label = f"Red flag ({f['level']}): {f['finding']}"
        if f["source"] == "knowledge_base":
            label += f" - \"{f['match']}\""
        if label.lower() not in seen:
            seen.add(label.lower())
            reasons.append(label)

    if differential and not abstained:
        by_code = {d.icd10: d for d in diseases}
        for rank, item in enumerate(differential):
            if rank > 0 and float(item.get("probability") or 0) < CONDITION_PROBABILITY:
                continue
            disease = by_code.get(item.get("icd10"))
            urgency = getattr(disease, "urgency", None)
            if urgency in LEVELS:
                levels.append(urgency)
                if urgency in ("emergency", "urgent"):
                    reasons.append(f"Possible {item.get('disease') or disease.name} usually needs {'emergency' if urgency == 'emergency' else 'urgent'} care")

    level = most_urgent(levels)
    if level is None or ((abstained or not differential) and LEVELS.index(level) > LEVELS.index("routine")):
        level = "routine"
    if not flags:
        reasons.append("No red flags found in the description")
    if abstained or not differential:
        reasons.append("The likely cause is not clear, so a clinician should look at it")
    return TriageResult(level=level, reasons=reasons, red_flags=flags)
