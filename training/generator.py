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
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass

from knowledge import Condition, KnowledgeBase

# -- shared vocab --------------------------------------------------------------------------

OPENERS = [
    "Hi,",
    "Hello,",
    "Hi doctor,",
    "Hey.",
    "Hello doctor.",
    "Hi there,",
    "Not sure if this is anything but",
    "Quick question -",
    "Need some advice.",
    "Help please.",
    "Good morning,",
    "Hi, hoping you can help.",
    "Hello, I'm a bit worried.",
    "So,",
    "Ok so",
    "Doc,",
    "Hi all,",
    "Question about symptoms:",
    "Sorry to bother you,",
    "Can someone help?",
    "Hi, long time lurker.",
    "Evening,",
]
CLOSERS = [
    "What could it be?",
    "Should I be worried?",
    "Any idea what this is?",
    "Do I need to see someone?",
    "Thanks.",
    "Thanks in advance",
    "Is this serious?",
    "What should I do?",
    "Should I see a GP?",
    "Any advice appreciated.",
    "Not sure what to do.",
    "Could this be something bad?",
    "help",
    "What do you think?",
    "Is it worth going to the doctor?",
    "Do I need antibiotics?",
    "cheers",
    "I'm getting worried.",
    "What is going on?",
    "Is this normal?",
]
NONSPECIFIC = [
    "feeling tired",
    "really tired",
    "not sleeping well",
    "off my food",
    "feel run down",
    "a bit stressed",
    "can't concentrate",
    "no energy",
    "just feel rubbish",
    "feel drained",
    "not myself",
    "feel a bit low",
    "generally unwell",
    "exhausted all the time",
    "not eating much",
    "a bit achy",
    "knackered",
    "feel weak",
    "struggling to get through the day",
    "feel off",
    "sleeping a lot more",
    "a bit grumpy",
    "feeling fed up",
]
IRRELEVANT = [
    "I work in an office",
    "I have two kids",
    "we just moved house",
    "I'm vegetarian",
    "I work nights",
    "I'm a teacher",
    "I've been really busy at work",
    "I'm typing this on my phone",
    "sorry if this is tmi",
    "I don't usually go to the doctor",
    "I walk the dog every day",
    "we've got exams coming up",
    "I'm a student",
    "I do a lot of driving for work",
    "I started a new job last month",
    "sorry for the long message",
    "my partner told me to ask",
    "I run a few times a week",
    "I'm normally pretty healthy",
    "I don't smoke",
    "I drink a couple of glasses of wine a week",
    "I've got a wedding next week",
    "not on any regular medication",
    "no allergies that I know of",
    "I'm a builder",
    "I work from home",
    "I look after my mum",
    "we went camping last month",
    "I had a haircut yesterday lol",
    "my friend said to post here",
    "I'm usually fit and well",
    "I'm retired",
    "I've got a dog and a cat",
]
DURATIONS = [
    "for 2 days",
    "since yesterday",
    "for about a week",
    "for a few days",
    "for the last 3 days",
    "since monday",
    "for a couple of weeks",
    "since the weekend",
    "for about 5 days",
    "on and off for a while",
    "for over a week now",
    "since this morning",
    "for a few weeks",
    "for 24 hours",
    "for months",
]
CLIN_DURATIONS = ["x2/7", "x3/7", "x1/52", "x 48h", "x 5 days", "for 1/12", "x2/52", "since yesterday", "x 24h", "x4/7"]
SEVERITY = [
    "really bad",
    "quite mild",
    "pretty severe",
    "not too bad",
    "constant",
    "on and off",
    "getting worse",
    "worse at times",
    "all the time",
    "8/10",
    "a bit",
    "awful",
    "terrible",
    "very",
    "like 6 out of 10",
]
STOPWORDS = {
    "a",
    "an",
    "the",
    "of",
    "and",
    "or",
    "in",
    "on",
    "with",
    "to",
    "my",
    "i",
    "is",
    "it",
    "at",
    "from",
    "for",
    "when",
    "mild",
    "severe",
    "acute",
    "chronic",
    "pain",
    "ache",
    "feeling",
    "sensation",
    "general",
    "generalised",
    "generalized",
    "low",
    "high",
    "grade",
    "body",
    "recurrent",
    "sudden",
    "new",
}

# findings people commonly rule out in their own words (lay register negations)
COMMON_NEGATABLE = [
    "fever",
    "temperature",
    "chest pain",
    "cough",
    "vomiting",
    "diarrhoea",
    "rash",
    "headache",
    "sore throat",
    "runny nose",
    "dizziness",
    "back pain",
    "itching",
    "swelling",
    "stiff neck",
    "blood in my pee",
    "blood in my poo",
    "weight loss",
    "shortness of breath",
    "tummy pain",
    "stomach ache",
    "nausea",
    "joint pain",
    "numbness",
    "tingling",
    "blurred vision",
    "palpitations",
    "earache",
    "burning when I pee",
    "constipation",
    "sweats",
    "chills",
    "leg swelling",
    "wheezing",
    "sneezing",
    "spots",
    "bleeding",
    "discharge",
    "confusion",
    "fainting",
]
NEG_LAY = [
    "no {x}",
    "I don't have {x}",
    "haven't had any {x}",
    "no {x} though",
    "not {x}",
    "no {x} as far as I know",
    "definitely no {x}",
    "no sign of {x}",
    "never had {x} with it",
    "no {x} or anything like that",
]
NEG_LAY_PAIR = [
    "no {x} or {y}",
    "no {x}, no {y}",
    "I don't have {x} or {y}",
    "haven't had {x} or {y}",
    "no {x} and no {y}",
]
NEG_CLIN = [
    "denies {x}",
    "no {x}",
    "{x}: none",
    "nil {x}",
    "neg for {x}",
    "no hx of {x}",
    "{x} absent",
    "denies any {x}",
]
NEG_CLIN_PAIR = ["denies {x} or {y}", "no {x}/{y}", "denies {x}, {y}", "no {x} or {y}"]

# common misspellings people make (applied sometimes, in both directions of British/US)
MISSPELL = {
    "stomach": ["stomache", "stomac", "stomch"],
    "diarrhoea": ["diarrhea", "diarea", "diarhea"],
    "diarrhea": ["diarea", "diarrea"],
    "temperature": ["temprature", "temperture"],
    "breathe": ["breath"],
    "definitely": ["definately", "defintely"],
    "throat": ["throut", "thraot"],
    "headache": ["headach", "head ache"],
    "nauseous": ["nauseus", "nautious"],
    "vomiting": ["vomitting", "vommiting"],
    "really": ["realy", "rly"],
    "because": ["becuase", "cos", "coz"],
    "feeling": ["feelin", "feling"],
    "swollen": ["swolen", "swolled"],
    "itchy": ["itchey", "ichy"],
    "chest": ["chset"],
    "though": ["tho"],
    "tired": ["tierd"],
    "pain": ["pian"],
    "weeks": ["wks"],
    "yesterday": ["yday", "yesterdy"],
    "little": ["lil", "litle"],
    "something": ["somethin", "smth"],
    "around": ["arround"],
    "rash": ["rahs"],
    "coughing": ["coffing", "cougning"],
    "symptoms": ["symtoms", "symptons"],
    "dizzy": ["dizy"],
    "you": ["u"],
    "are": ["r"],
    "with": ["w/"],
    "and": ["&", "n"],
    "your": ["ur"],
    "before": ["b4"],
    "about": ["abt"],
    "people": ["ppl"],
}

# everyday synonyms swapped now and then, so the model does not hang on one word
SYNONYMS = [
    ["tummy", "stomach", "belly", "abdomen"],
    ["pee", "wee", "urinate"],
    ["poo", "stool", "bowel movement"],
    ["throw up", "vomit", "be sick"],
    ["threw up", "vomited", "was sick"],
    ["really", "very", "super", "so"],
    ["sore", "painful", "achy"],
    ["tired", "exhausted", "worn out", "drained"],
    ["dizzy", "lightheaded", "woozy"],
    ["a lot", "loads", "heaps"],
    ["days", "days now"],
    ["feels like", "is like", "seems like"],
    ["hurts", "is sore", "aches"],
    ["can't", "cannot", "cant"],
    ["lump", "bump"],
    ["temperature", "fever", "temp"],
    ["bad", "awful", "terrible", "horrible"],
    ["a bit", "slightly", "a little"],
    ["puffed up", "swollen"],
    ["breathless", "out of breath", "short of breath"],
    ["itchy", "itching"],
    ["red", "reddish", "inflamed"],
    ["started", "began"],
    ["weeks", "weeks now"],
    ["doctor", "GP", "doc"],
    ["medicine", "meds", "tablets"],
    ["mum", "mom"],
    ["loo", "toilet", "bathroom"],
]
_SYN_INDEX = {w.lower(): group for group in SYNONYMS for w in group if len(set(group)) > 1}
_SYN_RE = re.compile(
    r"\b(" + "|".join(sorted((re.escape(w) for w in _SYN_INDEX), key=len, reverse=True)) + r")\b", re.IGNORECASE
)


def swap_synonyms(text: str, rng: random.Random, p: float = 0.35) -> str:
    def repl(m: re.Match) -> str:
        w = m.group(0)
        if rng.random() >= p:
            return w
        alt = rng.choice([x for x in _SYN_INDEX[w.lower()] if x.lower() != w.lower()])
        return alt.capitalize() if w[:1].isupper() else alt

    return _SYN_RE.sub(repl, text)


CHILD_REL = {"male": ["my son", "my little boy", "my boy"], "female": ["my daughter", "my little girl", "my girl"]}
TEEN_REL = {"male": ["my son", "my teenage son", "my lad"], "female": ["my daughter", "my teenage daughter"]}
ADULT_REL = {
    "male": ["my husband", "my partner", "my brother", "my boyfriend", "my flatmate"],
    "female": ["my wife", "my partner", "my sister", "my girlfriend", "my flatmate"],
}
OLD_REL = {
    "male": ["my dad", "my father", "my grandad", "my father-in-law"],
    "female": ["my mum", "my mother", "my nan", "my grandmother", "my mother-in-law"],
}

FRAG_FRAMES_1 = [
    "{x}",
    "{x}",
    "{x}",
    "I have {x}",
    "I've got {x}",
    "got {x}",
    "I've had {x}",
    "having {x}",
    "there's {x}",
    "also {x}",
    "and {x}",
]
GER_FRAMES_1 = ["{x}", "{x}", "I've been {x}", "been {x}", "I keep {x}", "and {x}", "also {x}"]
CLAUSE_FRAMES = ["{x}", "{x}", "{x}", "and {x}", "also {x}", "plus {x}", "on top of that {x}", "{x} too", "{x} as well"]
TERM_FRAMES_1 = [
    "{x}",
    "I think I have {x}",
    "something like {x}",
    "what I think is {x}",
    "{x} I think",
    "I have {x}",
    "{x} (I looked it up)",
]
FRAG_FRAMES_3 = [
    "{x}",
    "{x}",
    "{he} has {x}",
    "{he}'s got {x}",
    "{he}'s had {x}",
    "complaining of {x}",
    "{he} says {he} has {x}",
]
GER_FRAMES_3 = ["{x}", "{he}'s been {x}", "been {x}", "{he} keeps {x}"]

CONNECT = [
    ", ",
    ", ",
    ", ",
    " and ",
    ", and ",
    " + ",
    "; ",
    " also ",
    " with ",
    " - ",
    ", plus ",
    " and also ",
    " as well as ",
    ". ",
    "... ",
    " & ",
]
SENT_JOIN = [". ", ". ", ". ", ".  ", ", ", " - ", "\n", "! ", "... ", " ", ". Also ", ". And "]

CLAUSE_START = {
    "i",
    "i'm",
    "im",
    "i've",
    "ive",
    "i'd",
    "my",
    "it",
    "it's",
    "its",
    "the",
    "there's",
    "everything",
    "can't",
    "cant",
    "keep",
    "feel",
    "feels",
    "feeling",
    "everyone",
    "when",
    "if",
    "once",
    "every",
    "whenever",
    "he",
    "she",
    "his",
    "her",
    "we",
    "our",
    "nothing",
    "food",
    "this",
    "that",
    "things",
    "people",
    "just",
}
VERB_HINTS = (
    " is ",
    " are ",
    " was ",
    " feel",
    " hurts",
    " keeps ",
    " won't ",
    " can't ",
    " goes ",
    " comes ",
    " gets ",
    " makes ",
    " looks ",
    " seems ",
    " has ",
    " have ",
    " started",
    " been ",
    " burns",
    " stings",
)


def _seed_for(seed: int, key: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{key}".encode()).digest()[:8], "big")


def normalise(text: str) -> str:
    """Key used to detect duplicates: case- and whitespace-insensitive."""
    return " ".join(text.casefold().split())


def _phrase_kind(p: str) -> str:
    words = p.lower().split()
    if not words:
        return "frag"
    if words[0] in CLAUSE_START or any(h in f" {p.lower()} " for h in VERB_HINTS):
        return "clause"
    if words[0].endswith("ing"):
        return "gerund"
    return "frag"


_VERB_KEEP = {
    "can",
    "can't",
    "cant",
    "could",
    "couldn't",
    "will",
    "won't",
    "would",
    "wouldn't",
    "should",
    "might",
    "must",
    "did",
    "didn't",
    "had",
    "was",
    "wasn't",
    "may",
    "shall",
    "need",
}
_VERB_MAP = {
    "am": "is",
    "have": "has",
    "do": "does",
    "don't": "doesn't",
    "dont": "doesnt",
    "haven't": "hasn't",
    "go": "goes",
    "'m": "'s",
    "are": "is",
    "aren't": "isn't",
    "were": "was",
    "weren't": "wasn't",
}
_ADVERBS = {
    "just",
    "still",
    "really",
    "also",
    "always",
    "never",
    "sometimes",
    "often",
    "only",
    "even",
    "usually",
    "now",
}


def _conj(v: str) -> str:
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
                out.append(_conj(ncore) + nxt[len(ncore) :])
                j += 1
            i = j
            continue
        if core in subs:
            out.append(subs[core] + tail)
        else:
            out.append(w)
        i += 1
    return " ".join(out)


def _typo(word: str, rng: random.Random) -> str:
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


def _content_words(term: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", term.lower()) if w not in STOPWORDS and len(w) > 2}


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
            own |= _content_words(s.term)
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
                if _content_words(term) & own or term in own_text:
                    continue
            else:
                code, term, freq = rng.choice(self._all_terms)
                if code == c.icd10 or freq < 0.3 or _content_words(term) & own or not _content_words(term):
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
                [f"{x}, {sev}", f"{sev} {x}" if not use_term and _phrase_kind(x) == "frag" else f"{x} ({sev})"]
            )
        if register in ("lay1", "lay3") and rng.random() < 0.08:
            x = f"{x} {rng.choice(DURATIONS)}"
        return x

    def _frame(self, x: str, rng: random.Random, register: str, he: str) -> str:
        kind = _phrase_kind(x)
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
                words[i] = _typo(words[i], rng)
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
