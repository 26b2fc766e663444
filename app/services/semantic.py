"""Red flags matched by meaning: each clause of a description against each finding's phrases.

Why: lexical phrases are brittle to wording ("can't catch my breath", "my left calf has blown up"),
and a missed red flag is the costliest error the service can make. Each affirmed clause of the
text is embedded with the base sentence encoder the model artifact ships (all-MiniLM-L6-v2, ONNX
in the app; any ``embed(texts) -> unit vectors`` callable works) and compared by cosine
similarity with every phrase of every finding group of the red-flag library (and the description
of single-group findings). A group whose best similarity reaches ``THRESHOLD`` counts as present,
exactly as if one of its phrases had been typed; the finding still needs all its groups and its
population, as in the lexical matcher (``acuity.AcuityIndex.match``), which runs first.

Context is decided per clause, before any embedding, and a doubtful clause is *left out* (the
lexical layer still sees it):

* negation: any negation cue in the clause ("no", "not", "denies", "without", "never"...), except
  the false cues the lexical layer already knows ("can't", "no longer able", "not sure");
* hypothetical or future: "if", "in case", "what if", "could it be", "worried it is";
* history and family history: "my father had a stroke", "family history of", "years ago",
  "past medical history".

Embeddings do not understand "no" well (""no chest pain"" sits close to "chest pain"), which is
why negated clauses never reach the encoder. medspaCy's ConText was considered for these cues and
not used: see ``docs/ARCHITECTURE.md`` / the issue-11 note (spaCy's import alone costs more memory
than the worker's remaining budget, and ConText's English rules are the same cue lists).

The threshold was chosen on development data only (``training/heldout/triage_dev.jsonl``, the
probe set ``tests/data/triage_probes.jsonl`` and the library's own firing / non-firing examples)
with ``scripts/tune_semantic.py``; never on the triage test set. Through the whole service on the
dev set (``benchmarks/triage.py --data training/heldout/triage_dev.jsonl --model ...
--semantic-threshold T``), T = 0.74 / 0.78 / 0.82 gave emergency sensitivity 97.4 / 96.5 / 95.6%
and self-care sent to urgent or emergency 34.1 / 27.3 / 25.0%: 0.82 is the most sensitive
threshold that keeps the issue's over-triage bound (25%).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.services.triage import _FALSE_CUE_AFTER, _FALSE_CUE_BEFORE, _NEGATION_CUE, negated_list_spans

log = logging.getLogger(__name__)

THRESHOLD = 0.82  # cosine similarity for a group to count as present (chosen on dev data, see below)
# A clause sharing no content word with the phrase ("is really sore" ~ "sore that won't heal" shares
# "sore"; "gasping for air" ~ "short of breath" shares none) needs this much more: embeddings of
# short clauses sit close to many phrases, and a false red flag sends a cold to the emergency room.
UNSHARED_THRESHOLD = 0.88
# Condition findings (present / absent / not mentioned) explain a suggestion and never set the level,
# and a whole clause sits further from a short symptom phrase than from a red-flag phrase: a lower bar,
# chosen by judgement (no labelled findings data), with the same polarity and intensity rules.
FINDINGS_THRESHOLD = 0.72
MIN_WORDS = 2  # a one-word clause ("sore") is too vague to stand for any finding
MAX_WORDS = 14  # longer clauses are cut into overlapping windows of this many words
MAX_CHUNKS = 48  # per description: beyond this, the lexical layer alone reads the rest

Embed = Callable[[Sequence[str]], np.ndarray]

_SPLIT = re.compile(r"[.;:!?,()\n]+|\s-\s|\b(?:but|however|although|though|whereas|and then|then|so|because|after|"
                    r"plus|also|and|with|while)\b")
_HYPOTHETICAL = re.compile(
    r"\b(?:if|in case|what if|whether|could it be|could this be|is it|is this|might it be|worried (?:it|that|this)|"
    r"afraid (?:it|that|this)|scared (?:it|that|this)|in the future|ever get|should i|would i)\b")
_HISTORY = re.compile(
    r"\b(?:family history|runs in (?:my|the) family|past (?:medical )?history|previous history|pmh|years ago|"
    r"as a child|used to have|used to get|had one before|last year|in the past)\b|"
    r"\b(?:mum|mom|mother|dad|father|brother|sister|grandma|grandad|grandmother|grandfather|nan|gran|aunt|uncle|"
    r"cousin|grandparents?|parents?|relatives?)\s+(?:\w+\s+){0,2}(?:had|died|passed away|has had|suffered)\b")
_WORD = re.compile(r"[\w'/%-]+")
_STOP = frozenset(
    "i i'm im my me myself a an and the of to in on at for with is am are was were be been being have has had "
    "it its it's this that very really so just now got get getting feel feeling felt bit little lot some".split())


# Two things embeddings blur and triage cannot: polarity and intensity. A phrase that says something is
# missing or impossible ("not feeding well", "can't pass urine", "absent foot pulses") is never met by a
# clause that does not say so ("feeding well", "passing urine normally"); a phrase with a discriminator of
# intensity or onset ("sudden", "severe", "worst") needs one in the clause, and a clause that calls it
# mild never meets it ("a mild headache" is not "severe headache"). Word classes, not tuned examples.
# "dry" says something is missing too (round 9: "lots of wet nappies" was read as "dry nappies").
_LACK = re.compile(r"\b(?:not|no|never|can't|cant|cannot|unable|couldn't|won't|wont|isn't|hasn't|haven't|doesn't|"
                   r"don't|didn't|absent|barely|hardly|without|stopped|lost|loss|less|fewer|little|none|nothing|"
                   r"reduced|weak(?:er)?|faint(?:er)?|poor(?:ly)?|pulseless|unresponsive|floppy|dry|non)\b")
_INTENSE = re.compile(r"\b(?:sudden(?:ly)?|severe(?:ly)?|terrible|worst|agony|agonising|agonizing|excruciating|"
                      r"unbearable|crushing|heavy|heavily|massive|extreme(?:ly)?|awful|horrendous|intense|"
                      r"out of nowhere|all of a sudden|came on fast|very bad|really bad|at rest|constant|spreading|"
                      r"rapid(?:ly)?|fast|quickly|collapsed?|soaking|pouring|gushing|lots? of|loads of)\b")
_MILD = re.compile(r"\b(?:mild(?:ly)?|slight(?:ly)?|a (?:little )?bit|minor|occasional(?:ly)?|niggl\w*|"
                   r"normal(?:ly)?|fine|well|ok|okay|usual|palpable|gradual(?:ly)?|on exertion|exertional|"
                   r"helps|helped|better|settl\w+|improv\w+|resolv\w+|went away|gone away|painless|pain[- ]free)\b")


# "Stopped" is a lack in "stopped breathing" but the end of the problem in "bleeding stopped with pressure", which
# was read as "bleeding won't stop" (round 12): a phrase that says something will not stop needs a clause that
# does not say it stopped.
_NOT_STOPPING = re.compile(r"\b(?:won't|wont|doesn't|doesnt|not|can't|cant|cannot|isn't|isnt|hasn't|hasnt|haven't|"
                           r"havent|didn't|didnt|will not|keeps? on|non)[\s-]+(?:\w+\s+)?stop")
_STOPPED = re.compile(r"\bstopped\b")
# An amount is a discriminator too: "I've been taking paracetamol" for mastitis was read as "taken too much
# paracetamol" (round 12). A phrase that says too much or how much needs a clause that says an amount.
_EXCESS = re.compile(r"\b(?:too (?:much|many)|more (?:[a-z]+ )?than|extra|double|triple|overdos\w*|a lot of|lots of|loads? of|"
                     r"handful|whole|all (?:my|the|of)|packets?|box(?:es)?|bottles?|strips?|\d+)\b")


# "above / higher than / not normal" in a phrase is the opposite of "normal" in a clause (round 13: "temp normal" met
# "temp above normal" because both say "normal", and a teething baby's fever finding fired): such a phrase needs the
# comparison in the clause too.
_BEYOND_NORMAL = re.compile(r"\b(?:above|over|higher than|more than|lower than|below|under|not|abnormal(?:ly)?)\s+normal\b|"
                            r"\babnormal")


# A phrase about one eye or one side needs the clause to name one ("my vision went grey" before a faint was read as
# "sudden loss of vision in one eye", round 14): sudden one-eye loss and one-sided weakness are told with a side.
# Only a side sense counts (independent check of round 14: "left" as a verb, "right now", "one fit after another",
# "type 1" are not sides); a clause may name the side or a single eye, ear, arm, leg or testicle.
_BODY_PART = r"(?:eye|side|ear|arm|leg|hand|foot|testicle|testis|ball|tonsil|kidney|cheek|face)"
_ONE_SIDE = re.compile(r"\b(?:one|left|right|single|l|r)\s+" + _BODY_PART + r"\b|\b(?:left|right|one)[- ]sided\b|"
                       r"\bunilateral\b|\bhalf (?:of )?(?:my|the|his|her) (?:face|body)\b|"
                       r"\bon (?:my|the|his|her|their) (?:left|right)\b")
_ONE_SIDE_CLAUSE = re.compile(_ONE_SIDE.pattern + r"|\b(?:my|his|her|the|an|one) (?:eye|ear|arm|leg|testicle|ball)\b(?!s)")


# Numbness of the saddle area is cauda equina's sign; an embedding hears "numbness" and "legs" alike (an independent
# author's months of burning numbness in both feet in diabetes met "numbness between my legs" and was an emergency).
# A phrase about feeling in the saddle area needs a clause that names the area.
_NUMB = re.compile(r"\b(?:numb\w*|tingl\w*|feel|feeling|sensation|pins and needles|can't feel|cannot feel)\b")
_SADDLE = re.compile(r"\b(?:backside|arse|bits|nether|between (?:my|the|his|her|your) legs|bottom|bum|buttocks?|butt|genitals?|genital area|private|"
                     r"privates|saddle|perine\w*|groin|anus|anal|back passage|vagina\w*|penis|crotch|down below|"
                     r"down there|undercarriage|sit bones|sitting bones|wip(?:e|ed|ing)|toilet paper|rectal|perianal)\b")


# A length of time is a number, and an embedding does not read numbers (round 15: "3 days high fevers" met "fever for
# 3 weeks", "a temp last week" met "temperature for the last week", and a child's fever of five days or more fired).
# A phrase that says how long needs a clause that says at least as long; "last week" without "for" is when, not how
# long. Value readers (fever days) and the words still read the rest.
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "couple of": 2,
                 "few": 3, "several": 3}
_UNIT_HOURS = {"hour": 1, "hr": 1, "day": 24, "night": 24, "week": 168, "wk": 168, "fortnight": 336, "month": 720,
               "year": 8760, "yr": 8760}
_DURATION = re.compile(r"(?<!times )(?<!time )(?<!x )(?<!per )\b(\d+(?:\.\d+)?|"
                       + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\+?\s*"
                       r"(hour|hr|day|night|week|wk|fortnight|month|year|yr)s?\b"
                       r"|\bfor (?:the |my )?(?:last|past) (hour|day|night|week|fortnight|month|year)\b"
                       r"|\b(\d+)\s*/\s*(7|52|12)\b")
_FRACTION_UNIT = {"7": "day", "52": "week", "12": "month"}


# "within a few minutes", "over a few hours", "in the last week": a bound on how fast or how recent, not a length that
# must be reached ("sudden hearing loss over a few hours" is met by one within minutes): such a phrase asks nothing.
_DURATION_BOUND = re.compile(r"\b(?:within|in under|under|less than|up to|over a few|over (?:the |my )?(?:last|past)|"
                             r"in (?:the |my )?(?:last|past)|since|ago|times (?:a|per)|a (?:day|week|month))\b")


def _longest_duration(text: str) -> float | None:
    """The longest length of time a text states, in hours (None when it states none)."""
    longest = None
    for m in _DURATION.finditer(text):
        if m.group(1):
            count = float(m.group(1)) if m.group(1)[0].isdigit() else _NUMBER_WORDS[m.group(1)]
            hours = count * _UNIT_HOURS[m.group(2)]
        elif m.group(3):
            hours = _UNIT_HOURS[m.group(3)]
        else:
            hours = float(m.group(4)) * _UNIT_HOURS[_FRACTION_UNIT[m.group(5)]]
        longest = hours if longest is None else max(longest, hours)
    return longest


# "The fever went" is the opposite of "the fever came back" (round 15: a roseola rash after the fever settled met
# "fever came back" at 0.84): a phrase about something returning needs a clause that says it returned, when the
# clause says it went.
_RETURNING = re.compile(r"\b(?:came back|come back|comes back|coming back|returned|returning|returns|recurr\w*|"
                        r"back again|again)\b")
_GONE = re.compile(r"\b(?:went|gone|settled|resolved|disappeared|cleared|subsided|broke|faded|stopped)\b")


def compatible(chunk: str, phrase: str) -> bool:
    """Do a clause and a library phrase agree in polarity and intensity (see above)? A clause that
    calls something mild, normal or better never stands for a red flag by meaning (words still can)."""
    if _MILD.search(chunk) and not _MILD.search(phrase):
        return False
    if _BEYOND_NORMAL.search(phrase) and re.search(r"\bnormal\b", chunk) and not _BEYOND_NORMAL.search(chunk):
        return False
    if _ONE_SIDE.search(phrase) and not _ONE_SIDE_CLAUSE.search(chunk):
        return False
    if _SADDLE.search(phrase) and _NUMB.search(phrase) and not _SADDLE.search(chunk):
        return False
    if _NOT_STOPPING.search(phrase) and _STOPPED.search(chunk) and not _NOT_STOPPING.search(chunk):
        return False
    if _EXCESS.search(phrase) and not _EXCESS.search(chunk):
        return False
    if _RETURNING.search(phrase) and _GONE.search(chunk) and not _RETURNING.search(chunk):
        return False
    wanted = None if _DURATION_BOUND.search(phrase) else _longest_duration(phrase)
    if wanted is not None:
        said = _longest_duration(chunk)
        if said is None or said < wanted:
            return False
    if _LACK.search(phrase) and not _LACK.search(chunk):
        return False
    if _INTENSE.search(phrase):
        return bool(_INTENSE.search(chunk))
    return True


def content_stems(text: str) -> frozenset[str]:
    """Crude stems (first five letters) of a text's content words: enough to tell shared words."""
    return frozenset(w[:5] for w in re.findall(r"[a-z']+", text) if w not in _STOP and len(w) > 2)


@dataclass(frozen=True)
class Chunk:
    text: str
    start: int  # character offset in the folded text


def _negated(chunk: str) -> bool:
    for cue in _NEGATION_CUE.finditer(chunk):
        before, after = chunk[: cue.start()], chunk[cue.end():]
        if cue.group(0) in ("not", "no") and (_FALSE_CUE_BEFORE.search(before) or _FALSE_CUE_AFTER.match(after)):
            continue
        return True
    return False


_NON_WORD = re.compile(r"\bnon-(?!stop\b)[a-z]+")


def _in_negated_list(folded: str, offset: int) -> bool:
    """Is the clause at `offset` a later item of "no X, Y or Z" (``triage.negated_list_spans``)?"""
    return any(s <= offset < e for s, e in negated_list_spans(folded))


def affirmed_chunks(folded: str) -> list[Chunk]:
    """The clauses of a folded text that affirm something about the person now, as short chunks."""
    out: list[Chunk] = []
    pos = 0
    bounds = [(m.start(), m.end()) for m in _SPLIT.finditer(folded)] + [(len(folded), len(folded))]
    for b_start, b_end in bounds:
        piece = folded[pos:b_start]
        offset = pos
        pos = b_end
        words = list(_WORD.finditer(piece))
        if len(words) < MIN_WORDS or len(content_stems(piece)) < MIN_WORDS:
            continue  # "my family", "is really sore": too little said to stand for a finding
        text = piece.strip()
        if _negated(text) or _HYPOTHETICAL.search(text) or _HISTORY.search(text) or _in_negated_list(folded, offset):
            continue
        if _NON_WORD.search(piece):  # "non-bloody diarrhoea" affirms diarrhoea, not blood: read without it
            piece = _NON_WORD.sub(lambda m: " " * len(m.group(0)), piece)
            words = list(_WORD.finditer(piece))
            if len(words) < MIN_WORDS:
                continue
            text = " ".join(piece.split())
        if len(words) <= MAX_WORDS:
            out.append(Chunk(text, offset + words[0].start()))
        else:
            step = MAX_WORDS // 2
            for i in range(0, len(words) - step, step):
                w = words[i : i + MAX_WORDS]
                out.append(Chunk(piece[w[0].start(): w[-1].end()], offset + w[0].start()))
    return out[:MAX_CHUNKS]


def negated_chunks(folded: str) -> list[Chunk]:
    """Clauses that deny something ("no chest pain", "denies fever"), with the negation cue removed:
    what a knowledge-base symptom is *absent* by (findings only; red flags never use these)."""
    out: list[Chunk] = []
    pos = 0
    bounds = [(m.start(), m.end()) for m in _SPLIT.finditer(folded)] + [(len(folded), len(folded))]
    for b_start, b_end in bounds:
        piece, offset, pos = folded[pos:b_start], pos, b_end
        text = piece.strip()
        if not (_negated(text) or _in_negated_list(folded, offset)) or _HYPOTHETICAL.search(text) or _HISTORY.search(text):
            continue
        rest = _NEGATION_CUE.sub(" ", text)
        rest = re.sub(r"\b(?:i|any|have|has|had|got|do|does|did|been|of)\b", " ", rest)
        rest = " ".join(rest.split())
        if len(_WORD.findall(rest)) >= MIN_WORDS:
            out.append(Chunk(rest, offset))
    return out[:MAX_CHUNKS]


def _normalise_rows(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.maximum(norms, 1e-12)


class SemanticIndex:
    """The library's phrases embedded once; ``group_hits`` finds the groups a text affirms by meaning.

    ``findings`` are ``knowledge.flag_library.Finding`` objects (``AcuityIndex.findings``).
    """

    def __init__(self, findings: Sequence, embed: Embed, threshold: float | None = None,
                 cache: dict[str, np.ndarray] | None = None, unshared_threshold: float | None = None):
        from app.services.acuity import fold

        self.embed = embed
        self.threshold = THRESHOLD if threshold is None else threshold
        self.unshared_threshold = UNSHARED_THRESHOLD if unshared_threshold is None else unshared_threshold
        texts: list[str] = []
        where: dict[str, int] = {}
        owners: list[list[tuple[int, int]]] = []
        for fi, finding in enumerate(findings):
            for gi, group in enumerate(finding.groups):
                phrases = list(group)
                if len(finding.groups) == 1:
                    phrases.append(finding.description.split(":")[0])  # the finding in plain words
                for phrase in phrases:
                    key = fold(phrase).strip()
                    if len(_WORD.findall(key)) < MIN_WORDS:
                        continue  # "aaa", "stridor": single words are left to the lexical matcher
                    if key not in where:
                        where[key] = len(texts)
                        texts.append(key)
                        owners.append([])
                    if (fi, gi) not in owners[where[key]]:
                        owners[where[key]].append((fi, gi))
        self.texts = texts
        self.owners = owners
        self.stems = [content_stems(t) for t in texts]
        self._lock = threading.Lock()
        self._recent: dict[str, tuple] = {}  # folded text -> its chunks and embeddings (a few recent)
        digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()
        cached = cache.get(digest) if cache is not None else None
        self.matrix = cached if cached is not None else _normalise_rows(embed(texts)) if texts else np.zeros((0, 1))
        if cache is not None:
            cache[digest] = self.matrix
        self._phrases: dict[str, np.ndarray] = dict(zip(texts, self.matrix, strict=True))

    # -- embeddings shared by red flags and findings ---------------------------------------------
    def prepare(self, text: str) -> None:
        """Start embedding the text's clauses on a background thread, so that it runs while the
        classifier ranks the same text (ONNX releases the GIL): an assessment waits for the slower
        of the two instead of their sum when a core is free. ``_chunks`` then finds the result."""
        from app.services.acuity import fold

        folded = fold(text)
        with self._lock:
            if folded in self._recent:
                return
            self._remember(folded, _pool().submit(self._compute, folded))

    def _chunks(self, folded: str) -> tuple[list[Chunk], np.ndarray, list[Chunk], np.ndarray]:
        """Affirmed and negated chunks of a text with their embeddings, computed once per text."""
        with self._lock:
            got = self._recent.get(folded)
        if isinstance(got, Future):
            try:
                return got.result()
            except Exception:  # noqa: BLE001 - the background pass failed: forget it, compute here (raises again if real)
                with self._lock:
                    self._recent.pop(folded, None)
                got = None
        if got is not None:
            return got
        got = self._compute(folded)
        with self._lock:
            self._remember(folded, got)
        return got

    def _remember(self, folded: str, value: Any) -> None:
        if len(self._recent) >= 64:
            self._recent.pop(next(iter(self._recent)))
        self._recent[folded] = value

    def _compute(self, folded: str) -> tuple[list[Chunk], np.ndarray, list[Chunk], np.ndarray]:
        affirmed, negated = affirmed_chunks(folded), negated_chunks(folded)
        texts = [c.text for c in affirmed + negated]
        emb = _normalise_rows(self.embed(texts)) if texts else np.zeros((0, self.matrix.shape[1]), np.float32)
        return affirmed, emb[: len(affirmed)], negated, emb[len(affirmed):]

    def phrase_vectors(self, phrases: Sequence[str]) -> np.ndarray:
        """Unit embeddings of (folded) phrases, memoised: knowledge-base symptom phrases recur."""
        missing = [p for p in dict.fromkeys(phrases) if p not in self._phrases]
        if missing:
            vectors = _normalise_rows(self.embed(missing))
            with self._lock:
                if len(self._phrases) > 60_000:  # ~90 MB: start again rather than grow without bound
                    self._phrases.clear()
                self._phrases.update(zip(missing, vectors, strict=True))
        return np.stack([self._phrases[p] if p in self._phrases else _normalise_rows(self.embed([p]))[0]
                         for p in phrases]).astype(np.float32, copy=False)

    def warm_phrases(self, phrases: Sequence[str], cache: Any = None) -> None:
        """Embed (folded) phrases now, e.g. every knowledge-base symptom phrase at model load, so that
        condition findings by meaning never embed phrases inside a request (~18,000: cached on disk)."""
        texts = [p for p in dict.fromkeys(phrases) if p and p not in self._phrases]
        if not texts:
            return
        digest = hashlib.sha256(("findings\n" + "\n".join(texts)).encode()).hexdigest()
        matrix = cache.get(digest) if cache is not None else None
        if matrix is None or len(matrix) != len(texts):
            matrix = _normalise_rows(self.embed(texts)).astype(WARM_DTYPE)
            if cache is not None:
                cache[digest] = matrix
        # Half precision: ~18,000 knowledge-base phrases are 27 MB of a worker's memory in float32, 14 MB in
        # float16; they are only ever read a condition's few dozen at a time (``phrase_vectors`` widens those),
        # and a similarity moves by under 0.002 (tests/test_semantic_flags.py). Red-flag phrases stay float32.
        matrix = matrix.astype(WARM_DTYPE, copy=False)
        with self._lock:
            self._phrases.update(zip(texts, matrix, strict=True))

    def _passes(self, score: float, chunk: str, phrase: str, threshold: float) -> bool:
        return (score >= threshold and compatible(chunk, phrase)
                and (score >= self.unshared_threshold or bool(content_stems(chunk) & content_stems(phrase))))

    def phrase_status(self, folded: str, phrases: Sequence[str]) -> tuple[str, str, str, float] | None:
        """('present' | 'absent', the clause, the phrase, similarity) for the best of `phrases`
        (folded) by meaning, or None. Affirmed clauses win over denied ones."""
        affirmed, a_emb, negated, n_emb = self._chunks(folded)
        if not phrases or (not affirmed and not negated):
            return None
        vectors = self.phrase_vectors(list(phrases))
        for status, chunks, emb in (("present", affirmed, a_emb), ("absent", negated, n_emb)):
            if not chunks:
                continue
            sims = emb @ vectors.T
            order = np.argsort(-sims, axis=None)
            threshold = min(self.threshold, FINDINGS_THRESHOLD)
            for flat in order[:8]:
                ci, pi = np.unravel_index(flat, sims.shape)
                score = float(sims[ci, pi])
                if score < threshold:
                    break
                if self._passes(score, chunks[ci].text, phrases[pi], threshold):
                    return status, chunks[ci].text, phrases[pi], score
        return None

    def group_hits(self, folded: str) -> dict[tuple[int, int], tuple[str, str, float]]:
        """(finding, group) -> (the clause, the library phrase it means, similarity), for groups at or
        above the threshold. ``folded`` is ``acuity.fold(text)``."""
        chunks, emb = self._chunks(folded)[:2]
        if not chunks or not self.texts:
            return {}
        sims = emb @ self.matrix.T  # (chunks, phrases)
        chunk_stems = [content_stems(c.text) for c in chunks]
        hits: dict[tuple[int, int], tuple[str, str, float]] = {}
        for ci, pi in zip(*np.nonzero(sims >= self.threshold), strict=True):
            score = float(sims[ci, pi])
            if score < self.unshared_threshold and not (chunk_stems[ci] & self.stems[pi]):
                continue
            if not compatible(chunks[ci].text, self.texts[pi]):
                continue
            for key in self.owners[pi]:
                prev = hits.get(key)
                if prev is None or score > prev[2]:
                    hits[key] = (chunks[int(ci)].text, self.texts[pi], score)
        return hits


# -- one index per served model ------------------------------------------------------------------

_POOL: dict[int, ThreadPoolExecutor] = {}


def _pool() -> ThreadPoolExecutor:
    """One background thread per process (a pool inherited through fork has no live thread)."""
    pool = _POOL.get(os.getpid())
    if pool is None:
        pool = _POOL[os.getpid()] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="semantic-clauses")
    return pool


_LOCK = threading.Lock()
_NONE = object()
WARM_DTYPE = np.float16  # the knowledge-base phrases warmed at load (see ``warm_phrases``)
CACHE_DIR = ".semantic-cache"  # beside the model versions; hidden, so the registry skips it


def semantic_for(classifier: Any) -> SemanticIndex | None:
    """The semantic index for a loaded classifier's embedder (built once, kept on the classifier).

    None when the artifact has no base encoder (``--tiny`` models): the lexical matcher alone runs.
    The library's phrase embeddings (~5,000) take seconds to compute, so they are cached on disk
    beside the model versions, keyed by the model version and the phrases' digest.
    """
    built = getattr(classifier, "_semantic_index", _NONE)
    if built is not _NONE:
        return built
    with _LOCK:
        built = getattr(classifier, "_semantic_index", _NONE)
        if built is not _NONE:
            return built
        index = None
        embed = getattr(classifier, "embed", None)
        if embed is not None and embed(["probe"]) is not None:
            from app.services.acuity import default_acuity_index

            cache = _DiskCache(classifier)
            index = SemanticIndex(default_acuity_index().findings, embed, cache=cache)
            index.warm_phrases(_knowledge_base_phrases(), cache)
        try:
            classifier._semantic_index = index
        except AttributeError:  # a classifier that takes no attributes: build again next time
            pass
        return index


def _knowledge_base_phrases() -> list[str]:
    """Every symptom term and lay phrase of the repository's knowledge base, folded (what
    ``explain.findings`` compares by meaning; phrases added later by admins embed on first use)."""
    from app.services.acuity import fold
    from knowledge import load_knowledge_base

    out = []
    for condition in load_knowledge_base().conditions:
        for symptom in condition.symptoms:
            out += [fold(p).strip() for p in (symptom.term, *symptom.lay) if p]
    return out


def served_semantic(app: Any, classifier: Any) -> SemanticIndex | None:
    """``semantic_for(classifier)`` unless the deployment turned matching by meaning off."""
    return semantic_for(classifier) if app.config.get("RED_FLAGS_BY_MEANING", True) else None


class _DiskCache:
    """A dict-like cache of phrase embeddings in MODELS_ROOT/.semantic-cache (best effort)."""

    def __init__(self, classifier: Any):
        path = getattr(classifier, "path", None)
        self.dir = Path(path).resolve().parent / CACHE_DIR if path else None
        self.prefix = re.sub(r"[^\w.-]", "_", str(getattr(classifier, "version", "model")))

    def _file(self, digest: str) -> Path | None:
        return self.dir / f"{self.prefix}-{digest[:16]}.npy" if self.dir else None

    def get(self, digest: str) -> np.ndarray | None:
        file = self._file(digest)
        try:
            return np.load(file) if file and file.is_file() else None
        except (OSError, ValueError):
            return None  # a broken cache file: compute again

    def __setitem__(self, digest: str, matrix: np.ndarray) -> None:
        file = self._file(digest)
        if file is None or file.is_file():
            return
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            tmp = file.with_suffix(f".{os.getpid()}.tmp.npy")
            np.save(tmp, matrix)
            os.replace(tmp, file)
            # Library or knowledge-base edits leave older digests behind: keep this version's newest few.
            mine = sorted(self.dir.glob(f"{self.prefix}-*.npy"), key=lambda f: f.stat().st_mtime, reverse=True)
            for old in mine[4:]:
                old.unlink(missing_ok=True)
        except OSError as exc:
            log.info("semantic cache not written (%s)", exc.__class__.__name__)
