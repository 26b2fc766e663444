"""Synthetic symptom descriptions generated from the knowledge base.

Why it looks like this: a handful of fixed templates that join one phrase per symptom
transfers poorly to text written by real people. So every text is assembled from sampled
parts - a register (lay first person, a relative described in the third person, a
clinician's note, a terse list), a sampled subset of symptoms (often only 2-4, weighted by
how typical they are) each as a lay phrasing or the clinical term, optional onset /
trigger / what-was-tried phrases, non-specific complaints that many conditions share,
negated findings of other conditions, demographics, irrelevant details - in a shuffled
order with varied connectives, punctuation, case and the odd typo. Deterministic for a
seed; each condition gets its own random stream so adding a condition changes no other.

The word lists are data (generator_words.json), the small English helpers are grammar.py; the
texts for a seed are pinned by tests/training/test_generator_pinned.py.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass

from knowledge import Condition, KnowledgeBase

from .grammar import WORDS, content_words, phrase_kind, swap_synonyms, to_third_person, typo

# -- word lists (training/generator_words.json) -----------------------------------------------------

OPENERS = WORDS["openers"]
CLOSERS = WORDS["closers"]
NONSPECIFIC = WORDS["nonspecific"]
IRRELEVANT = WORDS["irrelevant"]
DURATIONS = WORDS["durations"]
CLIN_DURATIONS = WORDS["clinical_durations"]
SEVERITY = WORDS["severity"]
COMMON_NEGATABLE = WORDS["common_negatable"]
NEG_LAY = WORDS["negation_lay"]
NEG_LAY_PAIR = WORDS["negation_lay_pair"]
NEG_CLIN = WORDS["negation_clinical"]
NEG_CLIN_PAIR = WORDS["negation_clinical_pair"]
CHILD_REL = WORDS["relatives_child"]
TEEN_REL = WORDS["relatives_teen"]
ADULT_REL = WORDS["relatives_adult"]
OLD_REL = WORDS["relatives_old"]
FRAG_FRAMES_1 = WORDS["frames_fragment_first"]
GER_FRAMES_1 = WORDS["frames_gerund_first"]
CLAUSE_FRAMES = WORDS["frames_clause"]
TERM_FRAMES_1 = WORDS["frames_term_first"]
FRAG_FRAMES_3 = WORDS["frames_fragment_third"]
GER_FRAMES_3 = WORDS["frames_gerund_third"]
CONNECT = WORDS["connectives"]
SENT_JOIN = WORDS["sentence_joins"]


def _seed_for(seed: int, key: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{key}".encode()).digest()[:8], "big")


def normalise(text: str) -> str:
    """Key used to detect duplicates: case- and whitespace-insensitive."""
    return " ".join(text.casefold().split())


_OTHER_SEX_WORDS = {
    "male": re.compile(r"\b(?:periods?|menstrua\w*|vagina\w*|womb|pregnan\w*|miscarr\w*|breastfeed\w*|ovar\w+)\b", re.I),
    "female": re.compile(r"\b(?:testic\w*|scrotum|penis|erections?|prostat\w*|ejaculat\w*|foreskin)\b", re.I),
}


def _line(lines, sex: str, rng: random.Random) -> str:
    """An onset / trigger / tried line that fits the subject's sex (no "since I got pregnant" for a man)."""
    other = _OTHER_SEX_WORDS.get(sex)
    fitting = [x for x in lines if not (other and other.search(x))] or list(lines)
    return rng.choice(fitting)


@dataclass
class GeneratedText:
    text: str
    label: str  # ICD-10


class TextGenerator:
    """Turns a KnowledgeBase into labelled synthetic descriptions."""

    def __init__(self, kb: KnowledgeBase, seed: int = 13):
        self.kb = kb
        self.seed = seed
        self.conditions = list(kb.conditions)
        # symptom terms of every condition, to pick negated findings that are absent here
        self._all_terms: list[tuple[str, str, float]] = [
            (c.icd10, s.term, s.frequency) for c in self.conditions for s in c.symptoms
        ]

    # -- parts ------------------------------------------------------------------------------

    def _subject(self, c: Condition, rng: random.Random, register: str) -> tuple[str, str, int]:
        demo = c.demographics or {}
        sex = demo.get("sex", "any")
        if sex == "any":
            sex = rng.choice(["male", "female"])
        lo, hi = (demo.get("typical_age") or [demo.get("age_min", 18), demo.get("age_max", 80)])[:2]
        lo = max(0, int(lo))
        hi = max(lo, int(hi))
        age = rng.randint(lo, hi)
        if register == "lay3" and age >= 18 and rng.random() < 0.5 and lo < 18:
            age = rng.randint(lo, 17)
        return sex, "", age

    def _relative(self, sex: str, age: int, rng: random.Random) -> str:
        if age < 13:
            return rng.choice(CHILD_REL[sex])
        if age < 18:
            return rng.choice(TEEN_REL[sex])
        if age < 60:
            return rng.choice(ADULT_REL[sex])
        return rng.choice(OLD_REL[sex])

    def _pick_symptoms(self, c: Condition, rng: random.Random, sex: str = "any") -> list:
        k = rng.choices([1, 2, 3, 4, 5, 6, 7], weights=[8, 25, 28, 20, 10, 6, 3])[0]
        # A symptom only one sex can have (periods, testicles) is never given to the other.
        pool = [s for s in c.symptoms if getattr(s, "sex", "any") in ("any", sex)] or list(c.symptoms)
        weights = [s.frequency**0.8 + 0.05 for s in pool]
        chosen = []
        for _ in range(min(k, len(pool))):
            idx = rng.choices(range(len(pool)), weights=weights)[0]
            chosen.append(pool.pop(idx))
            weights.pop(idx)
        return chosen

    def _negations(
        self, c: Condition, rng: random.Random, n: int, chosen: list | None = None, lay: bool = False
    ) -> list[str]:
        own = set()
        for s in c.symptoms:
            own |= content_words(s.term)
        taken = {s.term for s in chosen or []}
        own_rare = [s.term for s in c.symptoms if s.frequency <= 0.2 and s.term not in taken]
        own_text = " ".join(p.lower() for s in c.symptoms for p in (s.term, *s.lay))
        found: list[str] = []
        for _ in range(12):
            if len(found) >= n:
                break
            if own_rare and rng.random() < 0.15:
                term = rng.choice(own_rare)
            elif lay and rng.random() < 0.75:
                term = rng.choice(COMMON_NEGATABLE)
                if content_words(term) & own or term in own_text:
                    continue
            else:
                code, term, freq = rng.choice(self._all_terms)
                if code == c.icd10 or freq < 0.3 or content_words(term) & own or not content_words(term):
                    continue
            if term not in found:
                found.append(term)
        return found

    def _render_symptom(self, s, rng: random.Random, register: str, sex: str) -> str:
        p_term = {"lay1": 0.12, "lay3": 0.12, "clinical": 0.7, "terse": 0.35}[register]
        use_term = rng.random() < p_term or not s.lay
        if use_term:
            x = s.term
            if register in ("lay1",) and rng.random() < 0.4:
                x = rng.choice(TERM_FRAMES_1).format(x=x)
        else:
            x = rng.choice(s.lay)
            if register == "lay3":
                x = to_third_person(x, sex)
            elif register == "clinical":
                x = to_third_person(x, sex)
                if rng.random() < 0.3:
                    x = f'"{x}"'
        if register in ("lay1", "lay3") and rng.random() < 0.12:
            sev = rng.choice(SEVERITY)
            x = rng.choice(
                [f"{x}, {sev}", f"{sev} {x}" if not use_term and phrase_kind(x) == "frag" else f"{x} ({sev})"]
            )
        if register in ("lay1", "lay3") and rng.random() < 0.08:
            x = f"{x} {rng.choice(DURATIONS)}"
        return x

    def _frame(self, x: str, rng: random.Random, register: str, he: str) -> str:
        kind = phrase_kind(x)
        if register == "lay1":
            frames = {"frag": FRAG_FRAMES_1, "gerund": GER_FRAMES_1, "clause": CLAUSE_FRAMES}[kind]
        else:
            frames = {"frag": FRAG_FRAMES_3, "gerund": GER_FRAMES_3, "clause": CLAUSE_FRAMES}[kind]
        return rng.choice(frames).format(x=x, he=he)

    def _join(self, items: list[str], rng: random.Random) -> str:
        if len(items) == 1:
            return items[0]
        style = rng.random()
        if style < 0.45:  # "a, b and c"
            last = rng.choice([" and ", ", and ", " & ", ", ", " plus "])
            return ", ".join(items[:-1]) + last + items[-1]
        if style < 0.75:  # one connective throughout
            conn = rng.choice(CONNECT)
            return conn.join(items)
        out = items[0]
        for it in items[1:]:
            out += rng.choice(CONNECT) + it
        return out

    # -- registers --------------------------------------------------------------------------

    def _lay(self, c: Condition, rng: random.Random, register: str) -> str:
        sex, _, age = self._subject(c, rng, register)
        he = "he" if sex == "male" else "she"
        symptoms = self._pick_symptoms(c, rng, sex)
        phrases = [self._render_symptom(s, rng, register, sex) for s in symptoms]
        # split symptoms over 1-3 chunks (sentences)
        n_chunks = 1 if len(phrases) <= 2 and rng.random() < 0.7 else rng.choice([1, 1, 2, 2, 3])
        n_chunks = min(n_chunks, len(phrases))
        cuts = sorted(rng.sample(range(1, len(phrases)), n_chunks - 1)) if n_chunks > 1 else []
        chunks, prev = [], 0
        for cut in [*cuts, len(phrases)]:
            group = phrases[prev:cut]
            prev = cut
            framed = [self._frame(group[0], rng, register, he)] + [
                x if rng.random() < 0.7 else self._frame(x, rng, register, he) for x in group[1:]
            ]
            chunks.append(self._join(framed, rng))

        segments: list[tuple[str, str]] = [("sym", ch) for ch in chunks]
        third = (lambda t: to_third_person(t, sex)) if register == "lay3" else (lambda t: t)
        if c.onset and rng.random() < 0.45:
            segments.append(("onset", third(_line(c.onset, sex, rng))))
        elif rng.random() < 0.2:
            segments.append(
                ("onset", rng.choice(["it's been ", "been like this ", "", "going on "]) + rng.choice(DURATIONS))
            )
        if c.triggers and rng.random() < 0.35:
            segments.append(("trig", third(_line(c.triggers, sex, rng))))
        if c.tried and rng.random() < 0.3:
            t = third(_line(c.tried, sex, rng))
            segments.append(
                (
                    "tried",
                    rng.choice(["", "", "tried ", "I've tried things - ", "", "fwiw "]) + t
                    if register == "lay1"
                    else t,
                )
            )
        if rng.random() < 0.25:
            ns = rng.choice(NONSPECIFIC)
            segments.append(
                ("ns", third(ns) if register == "lay3" else rng.choice(["", "", "also ", "and ", "just "]) + ns)
            )
        if rng.random() < 0.3:
            negs = self._negations(c, rng, rng.choice([1, 1, 2]), symptoms, lay=True)
            if negs:
                if len(negs) == 2:
                    segments.append(("neg", rng.choice(NEG_LAY_PAIR).format(x=negs[0], y=negs[1])))
                else:
                    tmpl = rng.choice(NEG_LAY)
                    if register == "lay3":
                        tmpl = to_third_person(tmpl, sex)
                    segments.append(("neg", tmpl.format(x=negs[0])))
        if rng.random() < 0.15:
            segments.append(("irr", third(rng.choice(IRRELEVANT))))
        rng.shuffle(segments)
        # symptoms first more often than not
        if rng.random() < 0.55:
            segments.sort(key=lambda s: s[0] != "sym")

        lead = ""
        if register == "lay3":
            rel = self._relative(sex, age, rng)
            age_txt = rng.choice(["", f" ({age})", f", {age},", f" who is {age}", f" aged {age}", ""]) if age else ""
            lead = rng.choice(
                [
                    f"{rel}{age_txt} has",
                    f"{rel}{age_txt} is complaining of",
                    f"asking for {rel}{age_txt}.",
                    f"{rel}{age_txt}:",
                    f"worried about {rel}{age_txt}.",
                    f"{rel}{age_txt} has been unwell.",
                    f"{rel}{age_txt} -",
                ]
            )
        elif rng.random() < 0.2:
            sx = rng.choice({"male": ["M", "m", "male", "guy", "man"], "female": ["F", "f", "female", "woman"]}[sex])
            lead = rng.choice(
                [
                    f"{age}{sx}.",
                    f"I'm {age}{sx if len(sx) == 1 else ' ' + sx}.",
                    f"{age} yo {sx},",
                    f"{sx}, {age}.",
                    f"I'm a {age} year old {'man' if sex == 'male' else 'woman'}.",
                ]
            )

        body_parts = [s for _, s in segments]
        sj = rng.choice(SENT_JOIN) if rng.random() < 0.5 else None
        body = ""
        for i, part in enumerate(body_parts):
            if i == 0:
                body = part
            else:
                body += (sj or rng.choice(SENT_JOIN)) + part
        pieces = []
        if rng.random() < 0.3:
            pieces.append(rng.choice(OPENERS))
        if lead:
            pieces.append(lead)
        pieces.append(body)
        if rng.random() < 0.3:
            pieces.append(rng.choice(CLOSERS))
        return " ".join(pieces)

    def _clinical(self, c: Condition, rng: random.Random) -> str:
        sex, _, age = self._subject(c, rng, "clinical")
        sx = {"male": rng.choice(["M", "male", "man", "m"]), "female": rng.choice(["F", "female", "woman", "f"])}[sex]
        symptoms = self._pick_symptoms(c, rng, sex)
        items = [self._render_symptom(s, rng, "clinical", sex) for s in symptoms]
        sym = self._join(items, rng)
        dur = rng.choice(CLIN_DURATIONS) if rng.random() < 0.4 else ""
        head = rng.choice(
            [
                f"{age}{sx[0].upper()} c/o {sym}",
                f"{age}yo {sx} presenting with {sym}",
                f"Pt {age}{sx[0]} with {sym}",
                f"{age} y/o {sx}, PC: {sym}",
                f"Patient reports {sym}",
                f"Presents with {sym}",
                f"HPC: {sym}",
                f"C/O {sym}",
                f"{age}{sx[0].upper()}. {sym}",
                f"{sym}",
                f"Pt complains of {sym}",
                f"{age} year old {sx} with {sym}",
                f"Seen today: {sym}",
            ]
        )
        if dur:
            head = f"{head} {dur}"
        parts = [head]
        if c.onset and rng.random() < 0.35:
            parts.append(to_third_person(_line(c.onset, sex, rng), sex))
        if c.triggers and rng.random() < 0.3:
            parts.append(to_third_person(_line(c.triggers, sex, rng), sex))
        if c.tried and rng.random() < 0.25:
            parts.append(
                rng.choice(["Tried: ", "Has tried ", "", "Self-treated: "]) + to_third_person(_line(c.tried, sex, rng), sex)
            )
        if rng.random() < 0.45:
            negs = self._negations(c, rng, rng.choice([1, 2, 2, 3]), symptoms)
            if len(negs) >= 2:
                parts.append(rng.choice(NEG_CLIN_PAIR).format(x=negs[0], y=", ".join(negs[1:])))
            elif negs:
                parts.append(rng.choice(NEG_CLIN).format(x=negs[0]))
        if rng.random() < 0.2:
            parts.append(
                rng.choice(
                    [
                        "PMH nil",
                        "PMH: nil of note",
                        "NKDA",
                        "No regular meds",
                        "Non-smoker",
                        "Lives with family",
                        "Otherwise well",
                    ]
                )
            )
        first, rest = parts[0], parts[1:]
        rng.shuffle(rest)
        return rng.choice([". ", ". ", "; ", ", ", " - ", "\n"]).join([first, *rest])

    def _terse(self, c: Condition, rng: random.Random) -> str:
        sex, _, age = self._subject(c, rng, "terse")
        symptoms = self._pick_symptoms(c, rng, sex)
        items = [self._render_symptom(s, rng, "terse", sex) for s in symptoms]
        if rng.random() < 0.3:
            items.append(rng.choice(NONSPECIFIC))
        rng.shuffle(items)
        sep = rng.choice([", ", ", ", " ", "; ", " + ", " / ", "\n", ". "])
        text = sep.join(items)
        if rng.random() < 0.35:
            text = f"{text}{rng.choice([' ', ', ', '. '])}{rng.choice(DURATIONS)}"
        if rng.random() < 0.2:
            negs = self._negations(c, rng, 1, symptoms, lay=True)
            if negs:
                text += rng.choice([", no ", ". no ", " but no ", ", not "]) + negs[0]
        if rng.random() < 0.15:
            text = f"{age}{'m' if sex == 'male' else 'f'} " + text
        return text

    # -- noise ------------------------------------------------------------------------------

    def _surface(self, text: str, rng: random.Random) -> str:
        if rng.random() < 0.5:
            text = swap_synonyms(text, rng)
        r = rng.random()
        if r < 0.3:
            text = text.lower()
        elif r < 0.33:
            text = text.upper() if len(text) < 80 else text
        else:
            text = text[:1].upper() + text[1:]
        if rng.random() < 0.12:
            text = text.replace(".", "")
        if rng.random() < 0.3:
            words = text.split(" ")
            for _ in range(rng.choice([1, 1, 2, 3])):
                i = rng.randrange(len(words))
                words[i] = typo(words[i], rng)
            text = " ".join(words)
        if rng.random() < 0.1:
            text = text.replace("'", "")
        end = rng.random()
        text = text.rstrip()
        if end < 0.1 and text[-1:].isalnum():
            text += rng.choice(["?", "!!", "...", " :(", " x"])
        elif end < 0.4 and text[-1:].isalnum():
            text += "."
        text = re.sub(r"\s+([,.;!?])", r"\1", text)
        text = re.sub(r"[ \t]+", " ", text)
        text = re.sub(r"\.\s*\.(?!\.)", ".", text)
        return text.strip()

    # -- public -----------------------------------------------------------------------------

    def text_for(self, c: Condition, rng: random.Random) -> str:
        r = rng.random()
        if r < 0.55:
            text = self._lay(c, rng, "lay1")
        elif r < 0.7:
            text = self._lay(c, rng, "lay3")
        elif r < 0.87:
            text = self._clinical(c, rng)
        else:
            text = self._terse(c, rng)
        return self._surface(text, rng)

    def generate(self, per_condition: int = 120) -> list[GeneratedText]:
        """``per_condition`` distinct texts for every condition, no text under two labels."""
        out: dict[str, list[str]] = {}
        owner: dict[str, set[str]] = {}
        for c in self.conditions:
            rng = random.Random(_seed_for(self.seed, c.icd10))
            seen: set[str] = set()
            texts: list[str] = []
            attempts = 0
            while len(texts) < per_condition and attempts < per_condition * 30:
                attempts += 1
                t = self.text_for(c, rng)
                key = normalise(t)
                if not key or key in seen:
                    continue
                seen.add(key)
                texts.append(t)
                owner.setdefault(key, set()).add(c.icd10)
            out[c.icd10] = texts
        result = []
        for c in self.conditions:
            for t in out[c.icd10]:
                if len(owner[normalise(t)]) == 1:  # drop texts generated under two labels
                    result.append(GeneratedText(t, c.icd10))
        return result


def generate_texts(kb: KnowledgeBase, per_condition: int = 120, seed: int = 13) -> list[GeneratedText]:
    return TextGenerator(kb, seed=seed).generate(per_condition)
