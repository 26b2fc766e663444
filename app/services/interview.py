"""Follow-up questions: the assistant asks what would change its mind.

After the first description the service proposes up to ``MAX_QUESTIONS`` yes / no / don't-know
questions about knowledge-base findings, each answer updates the differential and the urgency,
and everything (the questions, the answers, the differential before and after each answer) is
stored with the assessment in ``Diagnosis.interview``. Patients answer one question per screen,
clinicians a checklist on the result page, programs ``GET .../questions`` and ``POST .../answers``.

The arithmetic (tested in ``tests/test_interview.py``)
------------------------------------------------------

*Candidates and prior.* The classifier's calibrated probabilities ``p_c`` over its top
``PRIOR_POOL`` conditions after the demographic priors (``priors.py``) are the starting point.
Inside the pool they become a distribution with a small floor, so that a low-ranked candidate
can still rise::

    pi_c = (p_c + FLOOR) / sum_k (p_k + FLOOR)

A probability shown to people is ``mass * pi_c`` with ``mass = sum_k p_k`` (what the model gave
to the pool): with no answer the numbers are the classifier's own up to the floor (which lowers
them by a factor mass / (mass + n * FLOOR), about 4% with 20 candidates: before any answer the
stored first differential is shown unchanged, and the "confident" check uses its top), and the
conditions outside the pool keep the share the model gave them.

*Likelihoods from the knowledge base.* ``l_c(f) = P(yes to finding f | condition c)``:

* ``c`` lists ``f``, or a finding that implies it: the knowledge base's ``frequency`` of that in
  ``c``. A listed finding implies ``f`` when it is the same term, shares a lay phrasing, has all of
  ``f``'s key words ("high fever" implies "fever"), or when its own words, read by the findings
  matcher (``explain.phrase_status``), affirm ``f`` ("tender lymph nodes in the neck" affirms
  "cervical lymphadenopathy" if one of the latter's lay phrasings is found there);
* ``c`` lists only a more general finding ("abdominal pain" for the question "pain in the lower
  right of the tummy", the other way round): ``GENERAL_SHARE`` x that frequency;
* otherwise ``LEAK``: the knowledge base lists the typical findings, not every possible one;
* red-flag findings carry no frequency: ``RED_FLAG_LIKELIHOOD`` for the conditions that list the
  flag, ``LEAK`` for the others.

Every ``l`` is clipped to ``[LEAK, 1 - LEAK]``, so that no single answer rules a condition in or out.

*The update, blended with the classifier.* A "yes" multiplies, a "no" multiplies by the
complement, "don't know" changes nothing; then renormalise::

    yes:  pi'_c ~ pi_c * l_c ** ALPHA
    no:   pi'_c ~ pi_c * (1 - l_c) ** ALPHA

``ALPHA`` < 1 tempers the knowledge base's evidence against the classifier's calibrated prior:
the frequencies are authors' estimates, findings of one condition are not independent of each
other, and the classifier has already read the words that made the first description. With
``ALPHA = 1`` it is plain naive Bayes; ``ALPHA = 0`` would ignore the answers. The two principled
candidates (0.5 and 1) were compared on the development set (``training/heldout/dev_wording.jsonl``,
``benchmarks/interview.py --data dev``), never on the held-out sets the README reports; they tied
there, so the a-priori 0.5 stays.

*Which question.* The expected information gain over the current posterior, in bits::

    P(yes) = sum_c pi_c * l_c
    EIG(f) = H(pi) - P(yes) * H(pi | yes) - P(no) * H(pi | no)

over the symptoms of the candidates with ``pi_c >= FINDING_MIN_POSTERIOR``, skipping what the
text already affirms or denies (``explain.phrase_status``, the matcher behind the findings of a
result, over the finding's phrasings and its synonyms'), what the person's sex excludes, and
anything that overlaps a question answered or already chosen (one implies the other, or the same
in other words): the update treats answers as independent evidence, so asking both would count one
piece of evidence twice. A list of several questions (the clinician's checklist) is chosen
greedily: each next question maximises its gain expected over the possible answers to those
already chosen. A question below ``MIN_GAIN`` bits is not worth a person's time and is not asked.

*Red flags first.* When a candidate with a shown probability of at least
``RED_FLAG_MIN_PROBABILITY`` has a red flag (``knowledge/red_flags``) that applies to this person
(age, sex, pregnancy, risk factors), that the description did not fire, deny or answer already,
that question comes first: one per candidate, most urgent first, at most
``MAX_RED_FLAG_QUESTIONS`` per interview. (Its first words in the text without the whole finding,
"chest pain" for "chest pain with breathlessness", is exactly when it is asked.)

*Urgency.* A "yes" to a red flag escalates at once to the flag's level. After every answer the
triage runs again on the text plus the findings answered "yes" (their words can fire rules of the
acuity layer) and the updated differential. Answers only ever escalate: a self-reported "no"
never lowers the urgency the description earned. An emergency ends the questions (care first).

*No questions* when the top probability is already >= ``CONFIDENT`` (0.9), the case is an
emergency, the model found no symptom or an out-of-scope text (nothing to rank), a clinician has
reviewed it, or ``MAX_QUESTIONS`` have been answered.

*Concurrency.* Every write of ``Diagnosis.interview`` re-reads the row under a lock first
(``lock_for_update``), so two answers posted at once, or an answer and a first proposal, are
applied one after the other and none is lost.

Nothing here logs patient text; audit events hold question ids and counts only.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from app.services.explain import TextIndex, _phrase_keys, phrase_status
from app.services.triage import is_negated, phrase_pattern

log = logging.getLogger(__name__)

# -- the constants of the method (see the module docstring) ------------------------------------

MAX_QUESTIONS = 5
ANSWERS = ("yes", "no", "unknown")
CONFIDENT = 0.9
FLOOR = 0.002
LEAK = 0.03
GENERAL_SHARE = 0.5
RED_FLAG_LIKELIHOOD = 0.3
ALPHA = 0.5
MIN_GAIN = 0.01  # bits
FINDING_MIN_POSTERIOR = 0.01
RED_FLAG_MIN_PROBABILITY = 0.1
MAX_RED_FLAG_QUESTIONS = 2
MOVED_RATIO = 1.25  # an answer "moved" a condition when its probability changed by this factor or more
STATE_VERSION = 1

STATUS_MESSAGES = {
    "open": "A few questions can help narrow this down.",
    "done": "Thank you: your answers have been taken into account.",
    "emergency": "This may be an emergency: get care first. No questions are asked.",
    "confident": "The assistant is already fairly sure; more questions would not change much.",
    "no_ranking": "No possible causes were ranked for this description, so there is nothing to narrow down.",
    "reviewed": "A clinician has reviewed this assessment; it is closed for questions.",
    "no_gain": "No question would change the possibilities enough to be worth asking.",
    "limit": f"All {MAX_QUESTIONS} questions have been answered.",
}


class InterviewError(Exception):
    """A request the interview cannot take (the API maps `status` and `code`)."""

    status = 422
    code = "unprocessable_entity"

    def __init__(self, message: str, fields: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InterviewClosed(InterviewError):
    status = 409
    code = "conflict"


# -- findings of the knowledge base --------------------------------------------------------------

def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "finding"


def _norm_phrase(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("\u2019", "'"))).strip()


def _short_flag(description: str) -> str:
    """The finding part of a red-flag description (before ':'), for a question."""
    return description.split(":", 1)[0].strip().rstrip(".")


@dataclass
class FindingDef:
    """One thing that can be asked: a knowledge-base symptom (merged by clinical term) or a red flag."""

    id: str
    kind: str  # "symptom" | "red_flag"
    term: str
    phrases: list[str] = field(default_factory=list)  # matched against text (term and lay phrasings)
    examples: list[str] = field(default_factory=list)  # lay phrasings shown to people
    sex: str = "any"
    level: str | None = None
    flag_id: str = ""  # red-flag library id


class KBFindings:
    """The knowledge base as findings and, per condition, what it lists (built once per snapshot)."""

    def __init__(self, diseases: Iterable[Any]):
        self.findings: dict[str, FindingDef] = {}
        self.symptoms_of: dict[str, list[tuple[str, float]]] = {}
        self.flags_of: dict[str, list[str]] = {}
        self.names: dict[str, str] = {}
        lay_owner: dict[str, set[str]] = {}
        for d in diseases:
            code = d.icd10
            self.names[code] = d.name
            listed: dict[str, float] = {}
            for s in getattr(d, "symptoms", None) or []:
                term = (s.get("term") or "").strip()
                if not term:
                    continue
                fid = "s:" + _slug(term)
                lay = [p for p in (s.get("lay") or []) if isinstance(p, str) and p.strip()]
                f = self.findings.get(fid)
                if f is None:
                    f = self.findings[fid] = FindingDef(fid, "symptom", term, [term], lay[:2] or [term],
                                                        s.get("sex") or "any")
                elif (s.get("sex") or "any") == "any":
                    f.sex = "any"
                f.phrases.extend(p for p in lay if p not in f.phrases)
                for p in lay:
                    lay_owner.setdefault(_norm_phrase(p), set()).add(fid)
                listed[fid] = max(listed.get(fid, 0.0), float(s.get("frequency", 0.5) or 0.0))
            self.symptoms_of[code] = list(listed.items())
            flags = []
            for flag in getattr(d, "red_flags", None) or []:
                if not isinstance(flag, dict) or not flag.get("finding"):
                    continue
                fid = "rf:" + (flag.get("id") or _slug(flag["finding"]))
                if fid not in self.findings:
                    self.findings[fid] = FindingDef(fid, "red_flag", _short_flag(flag["finding"]),
                                                    list(flag.get("phrases") or []), [], "any", flag.get("level"),
                                                    flag.get("id") or "")
                if fid not in flags:
                    flags.append(fid)
            self.flags_of[code] = flags
        self.stems = {fid: _phrase_keys(f.term) for fid, f in self.findings.items() if f.kind == "symptom"}
        self.shared_lay: set[tuple[str, str]] = set()
        for owners in lay_owner.values():
            if len(owners) > 1:
                for a in owners:
                    for b in owners:
                        if a != b:
                            self.shared_lay.add((a, b))
        self._relation: dict[tuple[str, str], float] = {}
        self._likelihood: dict[tuple[str, str], float] = {}
        # Findings that say the same thing in other words (the same key words, or a shared lay
        # phrasing): "red eye" and "red eyes". The text is checked against all their phrasings.
        by_stems: dict[frozenset[str], set[str]] = {}
        for fid, stems in self.stems.items():
            if stems:
                by_stems.setdefault(stems, set()).add(fid)
        self.same: dict[str, set[str]] = {}
        for group in by_stems.values():
            for fid in group:
                self.same.setdefault(fid, set()).update(group - {fid})
        for a, b in self.shared_lay:
            self.same.setdefault(a, set()).add(b)
        self._phrases: dict[str, tuple[str, ...]] = {}
        self._implied_by: dict[str, frozenset[str]] = {}
        self._described: dict[str, TextIndex] | None = None  # built on first use
        self._by_stem: dict[str, set[str]] = {}

    def _descriptions(self) -> dict[str, TextIndex]:
        """Each symptom finding described in its own words (one clause per phrasing), indexed by stem."""
        if self._described is None:
            described = {}
            for fid, f in self.findings.items():
                if f.kind != "symptom":
                    continue
                index = described[fid] = TextIndex(". ".join(f.phrases))
                for stem in index.stems:
                    self._by_stem.setdefault(stem, set()).add(fid)
            self._described = described
        return self._described

    def implied_by(self, fid: str) -> frozenset[str]:
        """Findings whose own words affirm `fid` (by the findings matcher): someone who has one of
        them answers yes to `fid` ("swollen tender glands in the neck" affirms "swollen glands")."""
        cached = self._implied_by.get(fid)
        if cached is not None:
            return cached
        f = self.findings.get(fid)
        out: set[str] = set()
        if f is not None and f.kind == "symptom":
            described = self._descriptions()
            # Whole lay phrasings of two key words or more, found word for word in one phrasing of
            # the other finding: the loose key-word match of patient text would relate "burning up"
            # (fever) to "burning on passing urine".
            phrases = [p for p in f.phrases if len(_phrase_keys(p)) >= 2]
            for phrase in phrases:
                postings = [self._by_stem.get(k, set()) for k in _phrase_keys(phrase)]
                for g in set.intersection(*sorted(postings, key=len)) - {fid} - out:
                    if any(m and not is_negated(described[g].norm, m.start())
                           for m in phrase_pattern(phrase).finditer(described[g].norm)):
                        out.add(g)
        cached = self._implied_by[fid] = frozenset(out)
        return cached

    def phrases(self, fid: str) -> tuple[str, ...]:
        """What the text is matched against for a finding: its phrasings and those of its synonyms."""
        cached = self._phrases.get(fid)
        if cached is None:
            out = list(self.findings[fid].phrases)
            for other in sorted(self.same.get(fid, ())):
                out.extend(p for p in self.findings[other].phrases if p not in out)
            cached = self._phrases[fid] = tuple(out)
        return cached

    def related(self, a: str, b: str) -> bool:
        """Do the two findings overlap (one implies the other, or they are the same in other words)?
        Asking both would count one piece of evidence twice, so only one of them is asked."""
        if a == b:
            return True
        fa, fb = self.findings.get(a), self.findings.get(b)
        if fa is None or fb is None or fa.kind != "symptom" or fb.kind != "symptom":
            return False
        return self.relation(a, b) > 0 or self.relation(b, a) > 0

    def relation(self, asked: str, listed: str) -> float:
        """How much having the listed finding means answering yes to the asked one (0, share or 1)."""
        if asked == listed:
            return 1.0
        key = (asked, listed)
        cached = self._relation.get(key)
        if cached is not None:
            return cached
        sa, sl = self.stems.get(asked, frozenset()), self.stems.get(listed, frozenset())
        if (sa and sa <= sl) or key in self.shared_lay or listed in self.implied_by(asked):
            value = 1.0  # the listed finding is the same or more specific ("high fever" -> "fever")
        elif (sl and sl < sa) or asked in self.implied_by(listed):
            value = GENERAL_SHARE  # the listed finding is more general ("abdominal pain")
        else:
            value = 0.0
        self._relation[key] = value
        return value

    def likelihood(self, fid: str, code: str) -> float:
        """P(yes to `fid` | condition `code`), clipped to [LEAK, 1 - LEAK]."""
        key = (fid, code)
        cached = self._likelihood.get(key)
        if cached is not None:
            return cached
        f = self.findings.get(fid)
        if f is None:
            value = LEAK
        elif f.kind == "red_flag":
            value = RED_FLAG_LIKELIHOOD if fid in self.flags_of.get(code, ()) else LEAK
        else:
            value = 0.0
            for listed, freq in self.symptoms_of.get(code, ()):
                r = self.relation(fid, listed)
                if r:
                    value = max(value, r * freq)
        value = min(max(value, LEAK), 1.0 - LEAK)
        self._likelihood[key] = value
        return value

    def vector(self, fid: str, codes: Sequence[str]) -> np.ndarray:
        return np.array([self.likelihood(fid, c) for c in codes], dtype=float)


_INDEX_CACHE: dict[int, tuple[Any, KBFindings]] = {}


def kb_findings(diseases: Sequence[Any]) -> KBFindings:
    """The findings index for a knowledge-base snapshot's disease tuple (cached while it lives)."""
    key = id(diseases)
    hit = _INDEX_CACHE.get(key)
    if hit is not None and hit[0] is diseases:
        return hit[1]
    index = KBFindings(diseases)
    if len(_INDEX_CACHE) > 4:
        _INDEX_CACHE.clear()
    _INDEX_CACHE[key] = (diseases, index)
    return index


def text_status(index: TextIndex, phrases: Iterable[str]) -> str | None:
    """'present', 'absent' or None: does the text affirm or deny any of the phrases (as in findings)?"""
    status = None
    for phrase in phrases:
        st = phrase_status(index, phrase)
        if st == "present":
            return "present"
        status = status or st
    return status


# -- the arithmetic --------------------------------------------------------------------------------

def prior(candidates: Sequence[dict[str, Any]]) -> tuple[list[str], np.ndarray, float]:
    """(codes, pi, mass) from the classifier's candidates (see the docstring)."""
    codes = [c["icd10"] for c in candidates]
    p = np.array([max(0.0, float(c.get("probability") or 0.0)) for c in candidates], dtype=float)
    mass = float(min(1.0, p.sum())) if len(p) else 0.0
    pi = p + FLOOR
    return codes, pi / pi.sum() if len(pi) else pi, mass


def update(pi: np.ndarray, likelihood: np.ndarray, answer: str, alpha: float = ALPHA) -> np.ndarray:
    """The posterior after one answer: yes ~ pi * l^alpha, no ~ pi * (1-l)^alpha, unknown = pi."""
    if answer == "yes":
        w = pi * np.power(likelihood, alpha)
    elif answer == "no":
        w = pi * np.power(1.0 - likelihood, alpha)
    else:
        return pi.copy()
    total = w.sum()
    return w / total if total > 0 else pi.copy()


def entropy(pi: np.ndarray) -> np.ndarray:
    """Shannon entropy in bits along the last axis."""
    p = np.clip(pi, 1e-300, 1.0)
    return -(pi * np.log2(p)).sum(axis=-1)


def information_gain(pi: np.ndarray, L: np.ndarray, alpha: float = ALPHA) -> np.ndarray:
    """Expected information gain of each row of L (findings x candidates) over posterior pi."""
    L = np.atleast_2d(L)
    p_yes = L @ pi
    yes = pi * np.power(L, alpha)
    no = pi * np.power(1.0 - L, alpha)
    yes /= yes.sum(axis=1, keepdims=True)
    no /= no.sum(axis=1, keepdims=True)
    return entropy(pi) - p_yes * entropy(yes) - (1.0 - p_yes) * entropy(no)


def greedy_questions(pi: np.ndarray, L: np.ndarray, k: int, alpha: float = ALPHA, min_gain: float = MIN_GAIN,
                     fixed: Sequence[np.ndarray] = (), related: Sequence[Iterable[int]] | None = None
                     ) -> list[tuple[int, float]]:
    """Up to k rows of L as (row, expected gain), each best in expectation over the answers to the
    questions chosen before it (`fixed` likelihood vectors are asked first, e.g. red flags).
    `related[r]`: rows that overlap row r; once r is chosen they are not (the same evidence twice)."""
    branches: list[tuple[float, np.ndarray]] = [(1.0, pi)]

    def expand(vec: np.ndarray) -> None:
        nonlocal branches
        out = []
        for w, post in branches:
            py = float(vec @ post)
            for answer, pa in (("yes", py), ("no", 1.0 - py)):
                if w * pa > 1e-6:
                    out.append((w * pa, update(post, vec, answer, alpha)))
        branches = out

    for vec in fixed:
        expand(vec)
    chosen: list[tuple[int, float]] = []
    if L.size == 0:
        return chosen
    available = np.ones(L.shape[0], dtype=bool)
    for _ in range(k):
        gain = np.zeros(L.shape[0])
        for w, post in branches:
            gain += w * information_gain(post, L, alpha)
        gain[~available] = -1.0
        best = int(np.argmax(gain))
        if gain[best] < min_gain:
            break
        chosen.append((best, float(gain[best])))
        available[best] = False
        for other in (related[best] if related is not None else ()):
            available[other] = False
        expand(L[best])
    return chosen


def shown(codes: Sequence[str], pi: np.ndarray, mass: float, names: dict[str, str], top_k: int = 5
          ) -> list[dict[str, Any]]:
    """The top-k of a posterior on the calibrated scale, best first (the differential's format)."""
    order = np.argsort(-pi, kind="stable")[:top_k]
    return [{"disease": names.get(codes[i], codes[i]), "icd10": codes[i], "probability": round(float(pi[i] * mass), 4)}
            for i in order]


# -- choosing the questions for a case (no database: the benchmark uses this directly) ------------

@dataclass
class Case:
    """What the question chooser needs to know about one assessment."""

    text: str
    codes: list[str]
    pi: np.ndarray
    mass: float
    person: Any = None  # acuity.Person
    asked: set[str] = field(default_factory=set)  # finding ids already answered
    fired_flags: set[str] = field(default_factory=set)  # red-flag library ids the text already fired
    red_flags_asked: int = 0
    _index: TextIndex | None = None

    @property
    def text_index(self) -> TextIndex:
        if self._index is None:
            self._index = TextIndex(self.text)
        return self._index

    def top_probability(self) -> float:
        return float(self.pi.max() * self.mass) if len(self.pi) else 0.0


def _flag_applies(kbf: KBFindings, f: FindingDef, person: Any) -> bool:
    if person is None or not f.flag_id:
        return True
    from app.services.acuity import applies, default_acuity_index

    finding = _library_findings(default_acuity_index()).get(f.flag_id)
    return finding is None or applies(finding.population, person)


_LIBRARY: dict[int, dict[str, Any]] = {}


def _library_findings(index: Any) -> dict[str, Any]:
    key = id(index)
    if key not in _LIBRARY:
        _LIBRARY.clear()
        _LIBRARY[key] = {f.id: f for f in index.findings}
    return _LIBRARY[key]


def choose(kbf: KBFindings, case: Case, k: int, alpha: float = ALPHA) -> list[dict[str, Any]]:
    """Up to k questions for the case, red flags first, then by expected information gain."""
    if k <= 0 or not case.codes or case.top_probability() >= CONFIDENT:
        return []
    text_index = case.text_index
    person_sex = getattr(case.person, "sex", None)
    order = np.argsort(-case.pi, kind="stable")

    red: list[str] = []
    budget = MAX_RED_FLAG_QUESTIONS - case.red_flags_asked
    for i in order:
        if budget <= 0 or len(red) >= k or case.pi[i] * case.mass < RED_FLAG_MIN_PROBABILITY:
            break
        flags = [kbf.findings[fid] for fid in kbf.flags_of.get(case.codes[i], ())]
        flags.sort(key=lambda f: 0 if f.level == "emergency" else 1)
        for f in flags:
            if f.id in case.asked or f.id in red or (f.flag_id and f.flag_id in case.fired_flags):
                continue  # asked, or the description already fired it
            status = text_status(text_index, f.phrases)
            # Denied in the text: not asked. Its first words present but the finding did not fire (it
            # needs more, e.g. chest pain *with* breathlessness): asked, that is what the question is for.
            if status == "absent" or (status == "present" and not f.flag_id):
                continue
            if not _flag_applies(kbf, f, case.person):
                continue
            red.append(f.id)
            budget -= 1
            break  # one red flag per candidate; the next candidate's may come next

    candidates: list[str] = []
    seen: set[str] = set(case.asked) | set(red)
    for i in order:
        if case.pi[i] < FINDING_MIN_POSTERIOR:
            break
        for fid, _freq in kbf.symptoms_of.get(case.codes[i], ()):
            if fid in seen:
                continue
            seen.add(fid)
            f = kbf.findings[fid]
            if f.sex != "any" and person_sex and f.sex != person_sex:
                continue
            if any(kbf.related(fid, done) for done in case.asked):
                continue  # answered already, perhaps in other words
            if text_status(text_index, kbf.phrases(fid)) is not None:
                continue  # the text already affirms or denies it
            candidates.append(fid)
    L = np.array([kbf.vector(fid, case.codes) for fid in candidates]) if candidates else np.zeros((0, len(case.codes)))
    fixed = [kbf.vector(fid, case.codes) for fid in red]
    position = {fid: j for j, fid in enumerate(candidates)}
    by_stem: dict[str, list[int]] = {}
    for j, fid in enumerate(candidates):
        for stem in kbf.stems.get(fid, ()):
            by_stem.setdefault(stem, []).append(j)
    related = []  # overlapping findings share a key word or a lay phrasing
    for i, fid in enumerate(candidates):
        near = {j for stem in kbf.stems.get(fid, ()) for j in by_stem[stem]}
        near |= {position[o] for o in kbf.same.get(fid, ()) if o in position}
        related.append([j for j in near if j != i and kbf.related(fid, candidates[j])])
    picked = greedy_questions(case.pi, L, k - len(red), alpha, fixed=fixed, related=related)
    gains = {}
    if red:
        g = information_gain(case.pi, np.array(fixed), alpha)
        gains = {fid: float(v) for fid, v in zip(red, g, strict=True)}
    out = [question_dict(kbf, fid, case, gains.get(fid, 0.0)) for fid in red]
    out += [question_dict(kbf, candidates[row], case, gain) for row, gain in picked]
    return out


def question_dict(kbf: KBFindings, fid: str, case: Case, gain: float) -> dict[str, Any]:
    """A question as stored and served: patient wording, clinician wording and why it is asked."""
    f = kbf.findings[fid]
    if f.kind == "red_flag":
        plain = re.sub(r"\s*\((?:possible|may be|could be)[^)]*\)", "", f.term).strip()
        text = f"Is this happening now: {plain[:1].lower() + plain[1:]}?"
        label = plain
    else:
        quoted = " or ".join(f"\u201c{e}\u201d" for e in f.examples[:2])
        text = f"Does this describe you: {quoted}?"
        label = f.examples[0] if f.examples else f.term
    vec = kbf.vector(fid, case.codes)
    top = [i for i in np.argsort(-case.pi, kind="stable")[:4] if case.pi[i] >= 0.02]
    apart: list[str] = []
    if f.kind == "red_flag":
        carriers = [kbf.names.get(case.codes[i], case.codes[i]) for i in top if fid in kbf.flags_of.get(case.codes[i], ())]
        why = (f"A warning sign to rule out first (it would need {'emergency' if f.level == 'emergency' else 'urgent'} care)"
               + (f"; it goes with {carriers[0]}." if carriers else "."))
    else:
        why = ""
    if f.kind == "symptom" and len(top) >= 2:
        hi = max(top, key=lambda i: vec[i])
        lo = min(top, key=lambda i: vec[i])
        if vec[hi] - vec[lo] >= 0.1:
            apart = [kbf.names.get(case.codes[hi], case.codes[hi]), kbf.names.get(case.codes[lo], case.codes[lo])]
            why = f"It helps tell {apart[0]} from {apart[1]}."
    return {"id": fid, "kind": f.kind, "text": text, "finding": f.term, "label": label,
            "examples": list(f.examples[:3]), "level": f.level, "gain": round(gain, 4),
            "helps_tell_apart": apart, "why": why}


# -- the stored state of an assessment ---------------------------------------------------------------
#
# Diagnosis.interview = {
#   "v": 1, "alpha": ALPHA, "candidates": [{"disease", "icd10", "probability"}],   (set at creation)
#   "status": "open" | "done" | "closed", "reason": key of STATUS_MESSAGES or None,
#   "questions": [question dict + "proposed_after": n answers],   every question ever proposed
#   "pending": [ids] (the current proposal), "pending_after": n answers when it was computed,
#   "answers": [{"id", "answer", "kind", "label", "finding", "level", "by", "at",
#                "likelihood": {icd10: l}, "before": [top 5], "after": [top 5],
#                "triage_before", "triage_after"}],
#   "differential": [top 5 after the answers] or None, "abstained": bool,
#   "triage_initial": {"level", "reasons"},
# }

def initial_state(pool: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """What the assessment stores at creation: the candidates the questions will discriminate."""
    return {"v": STATE_VERSION, "alpha": ALPHA,
            "candidates": [{"disease": c["disease"], "icd10": c["icd10"], "probability": c["probability"]}
                           for c in pool]}


def _state(diagnosis: Any) -> dict[str, Any]:
    state = dict(diagnosis.interview or {})
    if "candidates" not in state:  # made before this feature, or by hand: the stored top 5
        state.update(initial_state(list(diagnosis.differential or [])))
    state.setdefault("answers", [])
    state.setdefault("questions", [])
    return state


def replay(state: dict[str, Any]) -> tuple[list[str], list[np.ndarray], float]:
    """(codes, posterior after 0..n answers, mass), recomputed from the stored likelihoods."""
    codes, pi, mass = prior(state.get("candidates") or [])
    alpha = float(state.get("alpha", ALPHA))
    steps = [pi]
    for a in state.get("answers") or []:
        lik = a.get("likelihood") or {}
        vec = np.array([float(lik.get(c, LEAK)) for c in codes], dtype=float)
        pi = update(pi, vec, a.get("answer", "unknown"), alpha)
        steps.append(pi)
    return codes, steps, mass


def _names(state: dict[str, Any]) -> dict[str, str]:
    return {c["icd10"]: c.get("disease") or c["icd10"] for c in state.get("candidates") or []}


def current_top(state: dict[str, Any], steps: Sequence[np.ndarray], mass: float) -> float:
    """The top probability as shown: before any answer the classifier's own (the floor of `prior`
    lowers it by up to n * FLOOR / mass, 4 points at 0.9 with 20 candidates, which would let a
    case at top >= CONFIDENT be asked questions), after answers the posterior's."""
    if not state.get("answers"):
        return max((float(c.get("probability") or 0.0) for c in state.get("candidates") or []), default=0.0)
    return float(steps[-1].max() * mass) if len(steps[-1]) else 0.0


def closed_reason(diagnosis: Any, state: dict[str, Any], top: float) -> str | None:
    """Why no (more) questions are asked, or None when they may be."""
    explanation = diagnosis.explanation or {}
    if diagnosis.triage_level == "emergency":
        return "emergency"
    if getattr(diagnosis, "review", None) is not None:
        return "reviewed"
    if explanation.get("abstain_reason") in ("no_symptom_content", "out_of_scope") or not state.get("candidates"):
        return "no_ranking"
    if len(state.get("answers") or []) >= MAX_QUESTIONS:
        return "limit"
    if top >= CONFIDENT:
        return "confident"
    return None


def _case(diagnosis: Any, state: dict[str, Any], codes: list[str], pi: np.ndarray, mass: float) -> Case:
    from app.services.acuity import read_person

    person = read_person(diagnosis.symptoms or "", diagnosis.age, diagnosis.sex, diagnosis.risk_factors or None)
    fired = {r.get("id") for r in ((diagnosis.triage_detail or {}).get("rules") or []) if r.get("id")}
    answers = state.get("answers") or []
    return Case(text=diagnosis.symptoms or "", codes=codes, pi=pi, mass=mass, person=person,
                asked={a["id"] for a in answers}, fired_flags=fired,
                red_flags_asked=sum(1 for a in answers if a.get("kind") == "red_flag"))


def refresh(diagnosis: Any, diseases: Sequence[Any]) -> tuple[dict[str, Any], bool]:
    """The state with an up-to-date proposal of pending questions; (state, changed)."""
    state = _state(diagnosis)
    answers = state["answers"]
    codes, steps, mass = replay(state)
    pi = steps[-1]
    reason = closed_reason(diagnosis, state, current_top(state, steps, mass))
    if state.get("pending_after") == len(answers) and "status" in state:
        if reason is None and state["status"] == "open":
            return state, False  # the proposal for this many answers is already stored
        if reason is not None and state.get("reason") == reason:
            return state, False
    pending: list[dict[str, Any]] = []
    if reason is None:
        kbf = kb_findings(diseases)
        pending = choose(kbf, _case(diagnosis, state, codes, pi, mass), MAX_QUESTIONS - len(answers),
                         float(state.get("alpha", ALPHA)))
        if not pending:
            reason = "no_gain"
    known = {q["id"] for q in state["questions"]}
    state["questions"] = list(state["questions"]) + [{**q, "proposed_after": len(answers)} for q in pending
                                                     if q["id"] not in known]
    state["pending"] = [q["id"] for q in pending]
    state["pending_after"] = len(answers)
    state["status"] = _status_for(reason)
    state["reason"] = reason
    return state, True


def _status_for(reason: str | None) -> str:
    if reason is None:
        return "open"
    return "closed" if reason in ("emergency", "reviewed", "no_ranking") else "done"


def pending_questions(state: dict[str, Any]) -> list[dict[str, Any]]:
    by_id = {}
    for q in state.get("questions") or []:
        by_id[q["id"]] = q  # the latest proposal of a question wins
    return [_public_question(by_id[i]) for i in state.get("pending") or [] if i in by_id]


def _public_question(q: dict[str, Any]) -> dict[str, Any]:
    return {k: q.get(k) for k in ("id", "kind", "text", "finding", "label", "examples", "level", "helps_tell_apart", "why")}


# -- answers -----------------------------------------------------------------------------------------

def clean_answers(raw: Any, pending_ids: Sequence[str], answered_ids: Iterable[str]) -> list[tuple[str, str]]:
    """[(id, answer)] in the order given; InterviewError naming every problem."""
    if not isinstance(raw, list) or not raw:
        raise InterviewError("Give at least one answer.", {"answers": ["Give at least one answer."]})
    answered = set(answered_ids)
    pending = set(pending_ids)
    out: list[tuple[str, str]] = []
    errors: dict[str, dict[str, list[str]]] = {}  # as webargs reports them: {"0": {"answer": [...]}}
    seen: set[str] = set()
    for i, item in enumerate(raw):
        qid = item.get("id") if isinstance(item, dict) else None
        answer = item.get("answer") if isinstance(item, dict) else None
        where = str(i)
        if not isinstance(qid, str) or not qid:
            errors[where] = {"id": ["Each answer needs the id of a question."]}
        elif not isinstance(answer, str) or answer not in ANSWERS:
            errors[where] = {"answer": ["The answer must be yes, no or unknown."]}
        elif qid in answered:
            errors[where] = {"id": [f"Question {qid[:120]!r} has already been answered."]}
        elif qid in seen:
            errors[where] = {"id": [f"Question {qid[:120]!r} is answered twice."]}
        elif qid not in pending:
            errors[where] = {"id": [f"{qid[:120]!r} is not one of the current questions."]}
        else:
            seen.add(qid)
            out.append((qid, answer))
    if errors:
        first = next(iter(next(iter(errors.values())).values()))[0]
        raise InterviewError(first, {"answers": errors})
    return out


def apply_answers(diagnosis: Any, state: dict[str, Any], answers: Sequence[tuple[str, str]], diseases: Sequence[Any],
                  *, by: str, retriage, abstain_threshold: float = 0.35) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Record the answers with the differential before and after each; returns (state, escalation).

    `retriage(text_with_yes_findings, differential, abstained)` runs the triage; the result only
    ever escalates. `escalation` is {"level", "reasons"} when the urgency went up, else None.
    """
    from app.services.triage import LEVELS

    kbf = kb_findings(diseases)
    codes, steps, mass = replay(state)
    pi = steps[-1]
    names = _names(state)
    by_id = {q["id"]: q for q in state.get("questions") or []}
    alpha = float(state.get("alpha", ALPHA))
    now = datetime.now(UTC).isoformat()
    state.setdefault("triage_initial", {"level": diagnosis.triage_level, "reasons": list(diagnosis.triage_reasons or [])})
    level_before = diagnosis.triage_level
    flag_levels: list[tuple[str, str]] = []
    recorded = list(state.get("answers") or [])
    for qid, answer in answers:
        q = by_id.get(qid) or {}
        f = kbf.findings.get(qid)
        vec = kbf.vector(qid, codes) if f is not None else np.full(len(codes), LEAK)
        before = shown(codes, pi, mass, names)
        pi = update(pi, vec, answer, alpha)
        kind = f.kind if f is not None else q.get("kind", "symptom")
        if kind == "red_flag" and answer == "yes":
            flag_level = (f.level if f is not None else q.get("level")) or "urgent"
            if flag_level not in ("emergency", "urgent"):
                flag_level = "urgent"  # a red flag means at least urgent care, whatever the record says
            flag_levels.append((flag_level, q.get("finding") or qid))
        recorded.append({
            "id": qid, "answer": answer, "kind": kind, "label": q.get("label") or (f.term if f else qid),
            "finding": q.get("finding") or (f.term if f else qid), "level": q.get("level"),
            "examples": list(q.get("examples") or [])[:2], "by": by, "at": now,
            "likelihood": {c: round(float(v), 4) for c, v in zip(codes, vec, strict=True)},
            "before": before, "after": shown(codes, pi, mass, names),
            "triage_before": diagnosis.triage_level,
        })
    state["answers"] = recorded
    differential = shown(codes, pi, mass, names)
    state["differential"] = differential
    top = differential[0]["probability"] if differential else 0.0
    abstain_reason = (diagnosis.explanation or {}).get("abstain_reason")
    state["abstained"] = bool(diagnosis.abstained) and (abstain_reason != "low_confidence"
                                                        or top < abstain_threshold)

    # Urgency: red-flag "yes" at its level, and the triage again on the text plus the "yes" findings.
    yes_words = []
    for a in recorded:
        if a["answer"] == "yes" and a["kind"] == "symptom":
            yes_words.append(f"{a['finding']}. {a['examples'][0]}" if a.get("examples") else a["finding"])
    rerun = retriage(". ".join([diagnosis.symptoms or "", *yes_words]), differential, state["abstained"])
    levels = [level_before, rerun.level, *[lv for lv, _ in flag_levels]]
    level = min((lv for lv in levels if lv in LEVELS), key=LEVELS.index)
    escalation = None
    if LEVELS.index(level) < LEVELS.index(level_before):
        reasons = [f"Red flag ({lv}): {finding} - answered yes to a follow-up question" for lv, finding in flag_levels]
        reasons += [r for r in rerun.reasons if r not in reasons]
        # The red flags the description raised stay among the reasons (an answer never removes one,
        # even when the rerun cannot read them again, e.g. by meaning without a served model).
        reasons += [r for r in diagnosis.triage_reasons or [] if str(r).startswith("Red flag") and r not in reasons]
        if any(str(r).startswith("Red flag") for r in reasons):
            reasons = [r for r in reasons if r != "No red flags found in the description"]
        escalation = {"level": level, "reasons": reasons}
    for a in recorded[len(recorded) - len(answers):]:
        a["triage_after"] = level
    return state, escalation


def moved(state: dict[str, Any], codes_shown: Iterable[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Per condition, the answers that moved it: [{"direction": "higher"|"lower", "answer", "label", "text"}]."""
    answers = state.get("answers") or []
    if not answers:
        return {}
    codes, steps, _mass = replay(state)
    want = set(codes_shown) if codes_shown is not None else set(codes)
    out: dict[str, list[dict[str, Any]]] = {}
    for j, a in enumerate(answers):
        if a.get("answer") not in ("yes", "no"):
            continue
        before, after = steps[j], steps[j + 1]
        for i, code in enumerate(codes):
            if code not in want or before[i] <= 0:
                continue
            ratio = after[i] / before[i]
            if ratio >= MOVED_RATIO or ratio <= 1 / MOVED_RATIO:
                direction = "higher" if ratio > 1 else "lower"
                out.setdefault(code, []).append({
                    "direction": direction, "answer": a["answer"], "label": a.get("label") or a.get("finding"),
                    "finding": a.get("finding"), "ratio": round(float(ratio), 3),
                    "text": f"ranked {direction} because you said {a['answer']} to: {a.get('label') or a.get('finding')}",
                })
    return out


def public_state(diagnosis: Any) -> dict[str, Any]:
    """The interview part of an assessment's body: cheap, read-only (no proposal is computed here)."""
    state = _state(diagnosis)
    codes, steps, mass = replay(state)
    reason = closed_reason(diagnosis, state, current_top(state, steps, mass))
    if reason is None and "status" in state and state.get("pending_after") == len(state.get("answers") or []):
        status, reason = state["status"], state.get("reason")
    else:
        status = _status_for(reason)
    answers = state.get("answers") or []
    return {
        "status": status,
        "reason": reason,
        "message": STATUS_MESSAGES.get(reason or "open", ""),
        "max_questions": MAX_QUESTIONS,
        "answered": len(answers),
        "remaining": 0 if status != "open" else MAX_QUESTIONS - len(answers),
        "questions": pending_questions(state) if status == "open" and state.get("pending_after") == len(answers) else None,
        "answers": [{k: a.get(k) for k in ("id", "answer", "kind", "finding", "label", "level", "by", "at", "before",
                                           "after", "triage_before", "triage_after")} for a in answers],
        "initial_differential": list(diagnosis.differential or []),
        "differential": state.get("differential") if answers else None,
    }


def current_differential(diagnosis: Any) -> list[dict[str, Any]]:
    """The differential after the follow-up answers (the stored first one when none was given)."""
    state = diagnosis.interview or {}
    if state.get("answers") and state.get("differential") is not None:
        return list(state["differential"])
    return list(diagnosis.differential or [])


def current_abstained(diagnosis: Any) -> bool:
    state = diagnosis.interview or {}
    if state.get("answers") and "abstained" in state:
        return bool(state["abstained"])
    return bool(diagnosis.abstained)


# -- the service: what the pages and the API call ---------------------------------------------------

def lock_for_update(diagnosis: Any) -> None:
    """Re-read the row under a write lock, so that two requests that change the interview (two
    answers at once, or an answer and the first proposal) run one after the other and the second
    sees the first's answers instead of overwriting them with its stale copy.

    PostgreSQL: SELECT ... FOR UPDATE. SQLite ignores FOR UPDATE and reads outside a transaction,
    so a no-op UPDATE first takes the database's write lock (waiting for a writer that holds it)
    and starts the transaction the re-read happens in. Call it with no write of this request
    pending (the callers' reads were committed with their audit event).
    """
    from sqlalchemy import update

    from models import Diagnosis, db

    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(Diagnosis.__table__).where(Diagnosis.__table__.c.id == diagnosis.id)
                           .values(triage_level=Diagnosis.__table__.c.triage_level))
    db.session.refresh(diagnosis, with_for_update=True)


def questions_for(diagnosis: Any, *, commit: bool = True) -> dict[str, Any]:
    """The interview of an assessment, with the pending questions proposed (and stored) if needed.

    Like the word explanations, the proposal is computed on first read and cached on the row: a
    few milliseconds that an assessment which nobody asks about should not pay.
    """
    from sqlalchemy.orm.attributes import flag_modified

    from app.services.assessment import knowledge_snapshot
    from models import db

    state, changed = refresh(diagnosis, knowledge_snapshot().diseases)
    if changed:
        if commit:
            # Stored under the row lock, from the row as it is now: an answer recorded since this
            # request read it must not be overwritten by a proposal computed without it.
            lock_for_update(diagnosis)
            state, changed = refresh(diagnosis, knowledge_snapshot().diseases)
        if changed:
            diagnosis.interview = state
            flag_modified(diagnosis, "interview")
        if commit:
            db.session.commit()  # also ends the locked transaction when nothing changed after all
    return public_state(diagnosis)


def submit(diagnosis: Any, raw_answers: Any, actor: Any) -> dict[str, Any]:
    """Apply answers to the current questions: the differential, the urgency, the next proposal.

    Raises InterviewClosed (409) when no questions are open (emergency, reviewed, finished) and
    InterviewError (422) for an answer to something that is not a current question.
    """
    from flask import current_app
    from sqlalchemy.orm.attributes import flag_modified

    from app.services import audit
    from app.services.assessment import knowledge_snapshot, notify_clinicians
    from app.services.triage import triage
    from models import db

    lock_for_update(diagnosis)  # two people answering at once: one after the other, none lost
    kb = knowledge_snapshot()
    try:
        state, _ = refresh(diagnosis, kb.diseases)
        if state.get("status") != "open":
            raise InterviewClosed(STATUS_MESSAGES.get(state.get("reason") or "done", "No questions are open."))
        pairs = clean_answers(raw_answers, state.get("pending") or [], [a["id"] for a in state["answers"]])
    except InterviewError:
        db.session.rollback()  # nothing stored, and the row lock is released at once
        raise

    semantic = _semantic_index(current_app)

    def retriage(text: str, differential: list[dict[str, Any]], abstained: bool):
        extra = {"semantic": semantic} if semantic is not None else {}
        return triage(text, differential, kb.diseases, abstained=abstained, flag_index=kb.flag_index,
                      age=diagnosis.age, sex=diagnosis.sex, vitals=diagnosis.vitals or None,
                      risk_factors=diagnosis.risk_factors or None, **extra)

    level_before = diagnosis.triage_level
    state, escalation = apply_answers(diagnosis, state, pairs, kb.diseases, by=getattr(actor, "role", "user"),
                                      retriage=retriage,
                                      abstain_threshold=float(current_app.config.get("ABSTAIN_THRESHOLD", 0.35)))
    if escalation is not None:
        diagnosis.triage_level = escalation["level"]
        diagnosis.triage_reasons = escalation["reasons"]
        state.setdefault("escalations", []).append({"after_answers": len(state["answers"]), **escalation})
    diagnosis.interview = state
    state, _ = refresh(diagnosis, kb.diseases)  # the next proposal (none after an emergency)
    diagnosis.interview = state
    flag_modified(diagnosis, "interview")
    audit.record("diagnosis.answer", "diagnosis", diagnosis.id, actor=actor, role=getattr(actor, "role", None),
                 questions=[qid for qid, _ in pairs], answered=len(state["answers"]),
                 triage_level=diagnosis.triage_level, escalated=escalation is not None)
    db.session.flush()
    if (escalation is not None and diagnosis.source == "self" and diagnosis.triage_level in ("emergency", "urgent")
            and level_before not in ("emergency", "urgent")):
        notify_clinicians(diagnosis)
    db.session.commit()
    log.info("assessment %s: %d follow-up answers recorded", diagnosis.id, len(pairs))
    return public_state(diagnosis)


def _semantic_index(app: Any) -> Any:
    """The served model's red-flag matcher by meaning (as for the first description), or None."""
    from app.services.inference import ModelUnavailable, current_model
    from app.services.semantic import served_semantic

    try:
        return served_semantic(app, current_model(app).classifier)
    except ModelUnavailable:
        return None


def decorate_body(diagnosis: Any, body: dict[str, Any]) -> dict[str, Any]:
    """The API body after follow-up answers: the updated differential (the first one is kept in
    `interview.initial_differential`), the updated abstention and the answers that moved each condition."""
    body["interview"] = public_state(diagnosis)
    state = diagnosis.interview or {}
    if state.get("answers"):
        differential = current_differential(diagnosis)
        body["differential"] = differential
        body["top_probability"] = differential[0]["probability"] if differential else None
        body["abstained"] = current_abstained(diagnosis)
        if not body["abstained"]:
            body["abstain_message"] = None
        explanation = dict(body.get("explanation") or {})
        explanation["follow_up"] = moved(state, [d["icd10"] for d in differential])
        body["explanation"] = explanation
    return body


def moved_for_display(diagnosis: Any) -> dict[str, list[dict[str, Any]]]:
    """`moved` for the conditions of the current differential ({} before any answer)."""
    state = diagnosis.interview or {}
    if not state.get("answers"):
        return {}
    return moved(state, [d["icd10"] for d in current_differential(diagnosis)])


def view_for(diagnosis: Any, user: Any) -> dict[str, Any]:
    """The interview for a result page: those who may answer get the current questions proposed;
    everyone else (admins) reads what is stored."""
    if getattr(user, "role", None) in ("patient", "clinician"):
        return questions_for(diagnosis)
    return public_state(diagnosis)


def findings_with_answers(diagnosis: Any, found: dict[str, list[str]]) -> dict[str, list[str]]:
    """A condition's findings (present / absent / not mentioned) with the follow-up answers applied:
    a "yes" makes a not-mentioned finding present, a "no" absent (marked "(answered)")."""
    answers = {a["id"]: a["answer"] for a in (diagnosis.interview or {}).get("answers") or []
               if a.get("kind") == "symptom" and a.get("answer") in ("yes", "no")}
    if not answers:
        return found
    out = {"present": list(found.get("present") or []), "absent": list(found.get("absent") or []),
           "not_mentioned": []}
    for term in found.get("not_mentioned") or []:
        answer = answers.get("s:" + _slug(term))
        if answer == "yes":
            out["present"].append(f"{term} (answered)")
        elif answer == "no":
            out["absent"].append(f"{term} (answered)")
        else:
            out["not_mentioned"].append(term)
    return out
