"""Why a suggestion was made: knowledge-base findings and the words that drove the model.

* Findings (cheap, computed with the assessment): each knowledge-base symptom of a suggested
  condition is *present*, *absent* (mentioned but negated) or *not mentioned*, by matching its
  clinical term, its lay phrasings and, loosely, their key words within one clause.
* Word attributions (costly, computed lazily by a separate endpoint and cached in
  ``Diagnosis.explanation``): occlusion - drop each word, re-predict, and measure how much the
  suggestion's calibrated probability falls. It needs only ``predict_proba`` (the Classifier
  contract), is faithful to the served model including calibration, and costs one batched forward
  pass over n+1 texts.
* Symptom vocabulary: whether a text holds any symptom content at all (abstention on "hello").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from app.services.triage import _CLAUSE_BREAK, is_negated, normalise, phrase_pattern, phrase_tokens, text_tokens

MAX_ATTRIBUTION_WORDS = 160
# At most this many texts with words left out per explanation: the model reads whole long
# descriptions (up to 512 tokens), so one leave-one-word-out pass per word of a 2000-character
# text took ~20 s. Longer texts leave out neighbouring words together (each word of a group
# gets the group's score), which keeps an explanation to a few seconds.
MAX_OCCLUSION_VARIANTS = 48
MIN_OCCLUSION_VARIANTS = 8
# Each left-out variant is nearly the whole text again, so the work of an explanation grows with
# variants x text length: long texts get fewer variants (more words left out together), keeping
# the characters re-read near EXPLANATION_CHAR_BUDGET. Variants are predicted a piece at a time
# (about PIECE_CHARS characters each) in the batcher's background lane, and the whole explanation
# stops at EXPLANATION_TIME_BUDGET seconds.
DEFAULT_CHAR_BUDGET = 24_000
PIECE_CHARS = 4_000
TOP_WORDS = 5


class ExplanationTimeout(RuntimeError):
    """The explanation did not finish within its time budget (nothing is cached then)."""


def variant_budget(text: str, char_budget: int = DEFAULT_CHAR_BUDGET) -> int:
    """How many left-out variants an explanation of `text` may predict."""
    per_text = max(1, len(text))
    return max(MIN_OCCLUSION_VARIANTS, min(MAX_OCCLUSION_VARIANTS, char_budget // per_text - 1))


def pieces(texts: list[str], piece_chars: int = PIECE_CHARS) -> list[list[str]]:
    """`texts` cut into consecutive pieces of about `piece_chars` characters (at least one text each)."""
    out: list[list[str]] = []
    current: list[str] = []
    size = 0
    for text in texts:
        if current and size + len(text) > piece_chars:
            out.append(current)
            current, size = [], 0
        current.append(text)
        size += len(text)
    if current:
        out.append(current)
    return out


def budgeted_proba(run_piece, deadline: float, piece_chars: int = PIECE_CHARS):
    """A predict_proba for `occlusion` that predicts piece by piece with `run_piece(texts, timeout)`
    and raises ExplanationTimeout once the monotonic `deadline` has passed."""
    import time
    from concurrent.futures import TimeoutError as FutureTimeout

    import numpy as np

    def predict_proba(texts: list[str]):
        parts = []
        for piece in pieces(list(texts), piece_chars):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ExplanationTimeout("explanation time budget spent")
            try:
                parts.append(np.asarray(run_piece(piece, remaining)))
            except FutureTimeout as exc:
                raise ExplanationTimeout("explanation time budget spent") from exc
        return np.concatenate(parts)

    return predict_proba

STOP_WORDS = frozenset("""
a about above after again against all almost also am an and any anything are as at be because been before being
below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each
few for from further get gets getting got had has hasn't have haven't having he her here hers herself him himself
his how i i'm i've im ive if in into is isn't it it's its itself just like me more most my myself no nor not now of
off on once only or other our ours out over own same she should so some still such than that the their them then
there these they this those through to too under until up very was wasn't we were what when where which while who
whom why will with won't would you your yours yourself hello hi hey hiya thanks thank please ok okay yes yeah dear
doctor doc test testing asdf qwerty lol good morning evening afternoon day days week weeks month months year years
today yesterday tomorrow time times bit lot little really quite much many well thing things stuff way keep keeps
kept go going gone went come comes came coming make makes made take takes took know think want wanted need needs
feel feels feeling felt seem seems since ago last first new old one two three four five six seven eight nine ten
sometimes always often again every everything something nothing someone help what's how's there's let lets see
said say says tell told ask asked just even maybe perhaps probably actually basically kind sort mum dad wife husband
son daughter friend work home house car phone weather nice great fine fun love name
""".split())

# Words people use for symptoms that a knowledge base may phrase differently.
COMMON_SYMPTOM_WORDS = frozenset("""
ache aches aching pain painful pains sore hurt hurts hurting tender cramp cramps cramping burning sting stinging
itch itchy itching rash spots lump swelling swollen fever feverish temperature chills shivering sweats sweating
cough coughing phlegm mucus sneeze sneezing runny blocked congested congestion wheeze wheezing breathless breath
breathe breathing tired tiredness fatigue exhausted weak weakness dizzy dizziness faint fainting nausea nauseous sick
vomit vomiting diarrhoea diarrhea constipated constipation bloated bloating indigestion heartburn reflux appetite
weight thirsty thirst pee peeing urine urinating wee weeing bleeding blood bruise bruising numb numbness tingling
headache migraine throat nose ear ears eye eyes vision blurred chest heart palpitations racing stomach tummy belly
abdomen back neck joint joints knee knees shoulder hip hips leg legs arm arms foot feet hand hands skin head
anxious anxiety depressed depression panic sleep insomnia confused confusion seizure fit unconscious discharge
stiff stiffness shaking tremor cold flu infection infected wound sprain fracture injury period periods pregnant
""".split())

_WORD = re.compile(r"[a-z][a-z']+")


_IRREGULAR = {"swollen": "swell", "swolen": "swell", "bled": "bleed", "vomit": "vomit", "sick": "sick"}


def _stem(word: str) -> str:
    """A crude stemmer, enough to match 'coughing' with 'cough', 'aches' with 'ache', 'painful'
    with 'pain' and 'swollen' with 'swelling'."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for suffix in ("ing", "ful", "ed", "s", "y"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(normalise(text)) if w not in STOP_WORDS and len(w) >= 3]


@lru_cache(maxsize=65536)
def _phrase_stems(phrase: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in content_words(phrase))


def symptom_vocabulary(diseases: Iterable[Any]) -> frozenset[str]:
    """Stems of words in the knowledge base's symptom terms, lay phrasings and red-flag phrases.

    Per-phrase stems are cached: with 300+ conditions the snapshot rebuild (every knowledge-base
    edit) would otherwise re-stem ~20,000 phrases.
    """
    words: set[str] = {_stem(w) for w in COMMON_SYMPTOM_WORDS}
    for d in diseases:
        for s in getattr(d, "symptoms", None) or []:
            for phrase in [s.get("term", ""), *(s.get("lay") or [])]:
                words |= _phrase_stems(phrase)
        for flag in getattr(d, "red_flags", None) or []:
            for phrase in flag.get("phrases") or []:
                words |= _phrase_stems(phrase)
    return frozenset(words)


def has_symptom_content(text: str, vocabulary: frozenset[str]) -> bool:
    """Does the text name anything that could be a symptom (not a greeting, not keyboard mash)?"""
    return any(_stem(w) in vocabulary for w in content_words(text))


# -- findings --------------------------------------------------------------------------------

class TextIndex:
    """One pass over a text: normalised form and, per clause, the first position of each word stem.

    Built once per assessment, so matching hundreds of knowledge-base phrases stays cheap: a
    phrase whose tokens are not all in ``tokens`` cannot match its regex, and key words not all
    in ``stems`` cannot share a clause, so most phrases are decided by two set lookups.
    """

    def __init__(self, text: str):
        self.norm = normalise(text)
        self.tokens = text_tokens(self.norm)
        self.stems: set[str] = set()
        self.clauses: list[dict[str, int]] = []
        start = 0
        bounds = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(self.norm)] + [(len(self.norm), len(self.norm))]
        for b_start, b_end in bounds:
            stems: dict[str, int] = {}
            for w in _WORD.finditer(self.norm, start, b_start):
                stems.setdefault(_stem(w.group(0)), w.start())
            if stems:
                self.clauses.append(stems)
                self.stems.update(stems)
            start = b_end


@lru_cache(maxsize=16384)
def _phrase_keys(phrase: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in content_words(phrase))


def phrase_status(index: TextIndex | str, phrase: str) -> str | None:
    """'present', 'absent' (negated) or None for one symptom phrase.

    Exact (tolerant) phrase match first; else, for short phrases, all key words in one clause.
    """
    if isinstance(index, str):
        index = TextIndex(index)
    norm = index.norm
    negated = False
    if phrase_tokens(phrase) <= index.tokens:
        for m in phrase_pattern(phrase).finditer(norm):
            if not is_negated(norm, m.start()):
                return "present"
            negated = True
    keys = _phrase_keys(phrase)
    if 1 <= len(keys) <= 3 and keys <= index.stems:
        for stems in index.clauses:
            if keys <= stems.keys():
                if not is_negated(norm, min(stems[k] for k in keys)):
                    return "present"
                negated = True
    return "absent" if negated else None


def findings(text: str | TextIndex, disease: Any, semantic: Any = None) -> dict[str, Any]:
    """The condition's knowledge-base symptoms: present, absent (negated), not mentioned.

    Words first (the phrase, or its key words in one clause); then, with `semantic` (the served
    model's ``semantic.SemanticIndex``), by meaning: the same clause matcher and thresholds as the
    red flags. Symptoms found by meaning are also listed under ``by_meaning`` with the words read.
    """
    from app.services.acuity import fold, fold_phrase

    index = text if isinstance(text, TextIndex) else TextIndex(text)
    out: dict[str, Any] = {"present": [], "absent": [], "not_mentioned": []}
    folded = fold(index.norm) if semantic is not None else ""
    for s in getattr(disease, "symptoms", None) or []:
        term = s.get("term", "")
        phrases = [term, *(s.get("lay") or [])]
        status = None
        for phrase in phrases:
            st = phrase_status(index, phrase)
            if st == "present":
                status = "present"
                break
            status = status or st
        if status is None and semantic is not None:
            found = semantic.phrase_status(folded, [fold_phrase(p) for p in phrases if p])
            if found is not None:
                status = found[0]
                out.setdefault("by_meaning", []).append({"term": term, "status": found[0], "words": found[1],
                                                         "similarity": round(found[3], 3)})
        out[status or "not_mentioned"].append(term)
    return out


def findings_for(text: str, differential: list[dict[str, Any]], diseases_by_code: dict[str, Any],
                 semantic: Any = None) -> dict[str, Any]:
    index = TextIndex(text)
    return {item["icd10"]: findings(index, diseases_by_code[item["icd10"]], semantic)
            for item in differential if item.get("icd10") in diseases_by_code}


# -- word attributions ----------------------------------------------------------------------

def split_words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) spans on whitespace, so the page can highlight the original text."""
    return [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"\S+", text)]


def occlusion(predict_proba, text: str, label_ids: list[int], max_variants: int = MAX_OCCLUSION_VARIANTS) -> dict[str, Any]:
    """Per word and label: p(label | text) - p(label | text without that word).

    At most `max_variants` texts with words left out (see `variant_budget`)."""
    spans = split_words(text)[:MAX_ATTRIBUTION_WORDS]
    size = max(1, -(-len(spans) // max(1, max_variants)))  # words left out together
    groups = [spans[i : i + size] for i in range(0, len(spans), size)]
    variants = [text]
    for group in groups:
        start, end = group[0][0], group[-1][1]
        variants.append((text[:start] + text[end:]).strip() or ".")
    probs = predict_proba(variants)
    base = probs[0]
    scores: dict[int, list[float]] = {}
    for label in label_ids:
        per_group = [round(float(base[label] - probs[g + 1][label]), 4) for g in range(len(groups))]
        scores[label] = [per_group[i // size] for i in range(len(spans))]
    return {"spans": spans, "scores": scores, "group_size": size}


def attribution_payload(text: str, occl: dict[str, Any], label_ids: dict[str, int]) -> dict[str, Any]:
    """JSON for the page: the words once, then per ICD-10 code the scores and the top words."""
    spans = occl["spans"]
    per_code = {}
    for code, label in label_ids.items():
        scores = occl["scores"][label]
        ranked = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)
        top = [i for i in ranked[:TOP_WORDS] if scores[i] > 0]
        per_code[code] = {
            "scores": scores,
            "top_words": [re.sub(r"^\W+|\W+$", "", spans[i][2]) or spans[i][2] for i in top],
            "top_indices": top,
        }
    return {"method": "occlusion", "words": [w for _, _, w in spans], "by_icd10": per_code,
            "words_per_group": occl.get("group_size", 1)}  # > 1: long text, neighbours left out together
