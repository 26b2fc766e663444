"""The PHI scrubber: finds identifiers in free text and replaces them with placeholders.

Used by every de-identified view (app/services/deid.py: the case export, the /ml pages, the
API for ML staff) and by account deletion. It runs offline, with no model download:

- **scrubadub** (PyPI) finds e-mail addresses, URLs, phone numbers (through Google's
  libphonenumber port `phonenumbers`, for UK and US numbering plans), UK postcodes, US social
  security numbers, card numbers, @handles and credentials;
- detectors added here for what it misses in patients' writing: NHS numbers (checked with
  `python-stdnum`), National Insurance numbers, other 3-2-4 / coded / long identifiers, phone
  numbers in any international format, explicit dates ("12/03/1985", "3rd of May", "June 5,
  2024"), street addresses ("221B Baker Street", "Flat 4, 17 Mill Lane", "Berliner Str. 12"),
  UK postcodes, US state + ZIP, and person names;
- names come from the name lists that **Faker** (PyPI) packages for 30 locales (about 14,500
  first names and 13,400 surnames), found by context: a title ("Dr Okafor", "nurse Kelly"),
  a cue ("my name is", "I'm", "my daughter", "Mum:", "signed"), a known first name followed by
  a capitalised surname ("Grace Adeyemi"), or a capitalised first name inside a sentence.
  The names of the accounts linked to a record are removed wherever they appear.

A safety net, not a guarantee: measured recall on hand-written texts with planted identifiers
and the share of plain symptom texts it changes are printed by `python benchmarks/deid.py`.
Clinical numbers (38.5, 120/80, "3 days", "sats 94%", "2/7") are kept.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

PLACEHOLDERS = {
    "email": "[email]", "url": "[link]", "phone": "[phone]", "id": "[id]", "date": "[date]",
    "address": "[address]", "name": "[name]", "number": "[number]",
}
# When detections overlap, the merged span takes the placeholder of the first kind listed here.
_PRIORITY = ("email", "url", "address", "date", "id", "phone", "name", "number")

# scrubadub filth types -> our kinds
_FILTH_KIND = {
    "email": "email", "url": "url", "phone": "phone", "postalcode": "address", "address": "address",
    "social_security_number": "id", "tax_reference_number": "id",
    "credit_card": "id", "drivers_licence": "id", "twitter": "name", "credential": "id", "name": "name",
    "date_of_birth": "date",
}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # a key of PLACEHOLDERS


# -- patterns ------------------------------------------------------------------------------------

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"(?:[0-2]?\d|3[01])(?:st|nd|rd|th)?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_DATE = re.compile(
    r"\b(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"                         # 2024-03-03
    r"|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})(?![\d/.-]?\d)"     # 12/03/1985, 7/4/79
    rf"|{_WEEKDAY}{_DAY}(?:\s*[-–]\s*{_DAY})?(?:\s+of)?\s+{_MONTH}(?:,?\s+(?:\d{{4}}|'\d{{2}}))?"  # 3rd of May 2024
    rf"|{_WEEKDAY}{_MONTH}\s+{_DAY}(?!\d)(?:,?\s+(?:\d{{4}}|'\d{{2}}))?"  # March 3rd, 2021
    r")(?![\w])",
    re.IGNORECASE,
)
# "may 5" is also "may 5 people ...": a lower-case "may" followed by a bare number is not a date
_MAY_VERB = re.compile(r"^may\s+\d", re.IGNORECASE)

# Any phone number: optional + / 00 prefix, 7+ digits with the usual separators (scrubadub's
# libphonenumber matcher validates numbers; invented and foreign ones still need removing).
_PHONE = re.compile(r"(?<![\w/.])(?:\+|00)?\(?\d[\d \t().-]{5,}\d(?:\s*(?:ext\.?|x)\s*\d{1,5})?(?![\w/])")
_NHS = re.compile(r"(?<![\w-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\w-])")  # an id when the check digit agrees
_SSN = re.compile(r"(?<![\w-])\d{3}[ .-]\d{2}[ .-]\d{4}(?![\w-])")
_ID_CODED = re.compile(  # hospital / patient / student numbers with a prefix letter: K1234567, RX123456
    r"\b[A-Z]{1,3}\d{6,10}\b")
_ID_CUE = re.compile(
    r"\b(?:mrn|hospital\s+(?:no|number|num)|patient\s+(?:id|no|number)|student\s+id|nhs(?:\s+(?:no|number|num))?|"
    r"id|ref(?:erence)?|insurance\s+(?:no|number))\b\.?\s*(?:is\s+)?[:#]?\s*([A-Z]{0,3}[\d][\d -]{3,}\d)", re.IGNORECASE)
# National Insurance numbers: QQ 12 34 56 C (scrubadub's own pattern skips QQ and ignores case: it took
# "on 116 123 a"), in lower case only after a cue
_NI = re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b")
_NI_CUE = re.compile(r"\b(?:ni|national\s+insurance)(?:\s+(?:no|number))?\.?\s*(?:is\s+)?:?\s*"
                     r"([a-z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[a-d])\b", re.IGNORECASE)
_LONG_DIGITS = re.compile(r"\d{5,}")

_STREET_TYPES = (
    "street|road|avenue|lane|drive|close|way|court|place|crescent|terrace|grove|gardens|square|boulevard|"
    "hill|park|row|mews|walk|parade|rise|view|green|vale|highway|parkway|circle|trail|approach|wharf|"
    "quay|gate|cottages|estate|wynd|brow|croft|fold|chase|heights|end|side|path|passage|alley|plaza|"
    "broadway|rd|ave|ln|blvd|cres|gdns|sq|tce|hwy|pkwy|cir"
)
_STREET_ABBR_CAPITAL = "St|Dr|Pl|Ct|Sq"  # ambiguous in lower case ("1st", "dr said")
# street types that are not everyday words: a lower-case street name needs one of these ("12 acacia avenue",
# not "my 4 yo won't walk" or "45 degrees each way")
_PLAIN_STREET_TYPES = "street|road|avenue|lane|crescent|terrace|gardens|boulevard|mews|highway|parkway|rd|ave|blvd|gdns|tce|cres|hwy|pkwy"
_STOP_STREET = (r"(?:and|or|of|on|in|at|to|for|my|the|a|an|with|from|by|since|days?|weeks?|hours?|times?|mins?|"
                r"minutes?|months?|years?|yo|tablets?|doses?|mg|ml|puffs?|miles?|km|metres?|meters?|yards?|steps?|"
                r"degrees?)\b")
_ADDRESS = re.compile(
    rf"\b(?:(?:flat|apt\.?|apartment|unit|suite)\s*\w+,?\s+)?\d{{1,5}}[A-Za-z]?,?\s+"
    rf"(?:(?:[A-Z][\w'’.-]*\s+){{1,3}}(?:(?i:{_STREET_TYPES})\b\.?|(?:{_STREET_ABBR_CAPITAL})\b\.?)"
    rf"|(?:(?!{_STOP_STREET})[a-z][\w'’-]*\s+){{1,3}}(?i:{_PLAIN_STREET_TYPES})\b\.?)"
    rf"(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\b)?",
)
_ADDRESS_EU = re.compile(  # Berliner Str. 12, Calle Mayor 10, Rue de Rivoli 5, Via Roma 3
    r"\b(?:[A-ZÄÖÜ][\wäöüß-]*(?:stra(?:ss|ß)e|str\.)|(?:Calle|Avenida|Rua|Rue|Via|Viale|Piazza|Plaza|Paseo|Straße)"
    r"(?:\s+(?:de|del|la|da|do|di|des|du)?\s*[A-ZÁÉÍÓÚ][\w'’-]*){1,3}|[A-ZÄÖÜ][\wäöüß-]*\s+(?:Str\.|Straße|Weg|Platz|Allee))"
    r"\s+\d{1,5}[a-z]?\b")
_ADDRESS_CUE = re.compile(  # "I live at Rose Cottage, Church Lane." / "address: ..." up to the end of the clause
    r"\b(?:live[sd]?\s+at|living\s+at|staying\s+at|address(?:\s+is)?\s*:?|home\s*:|post\s+to|write\s+to|location\s*:)\s+"
    r"((?-i:[A-Z0-9])[^.;!?\n]{2,80}?)(?=[.;!?\n]|,\s*(?:and|but|my|I|phone|tel|email|call|mob)\b|$)", re.IGNORECASE)
_US_STATE_ZIP = re.compile(
    r"\b(?:A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|PA|RI|S[CD]|T[NX]|UT|"
    r"V[AT]|W[AIVY])\s+\d{5}(?:-\d{4})?\b")
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
# "luke dot ward at gmail dot com": scrubadub takes "at"; this wants "dot" on both sides too
_EMAIL_SPELLED = re.compile(
    r"\b[\w.+-]+(?:\s+dot\s+[\w-]+)*\s+at\s+[\w-]+(?:\s+dot\s+[\w-]+)*\s+dot\s+"
    r"(?:com|org|net|edu|gov|info|biz|io|me|uk|ie|de|fr|es|it|nl|pl|in|au|ca|us|eu)\b", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)

# -- names ---------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿĀ-ž][A-Za-zÀ-ÖØ-öø-ÿĀ-ž'’-]*")
_TITLES = frozenset(
    "mr mrs ms miss mx dr doctor prof professor nurse sister matron rev reverend sir dame lady lord "
    "midwife physio consultant surgeon".split())
_RELATIONS = frozenset(
    "husband wife partner son daughter mum mom mummy mother dad daddy father brother sister grandad grandpa granddad "
    "grandma granny nan nana nanna grandmother grandfather grandson granddaughter aunt auntie uncle cousin friend "
    "neighbour neighbor flatmate housemate roommate colleague boss carer child baby girl boy toddler kid niece nephew "
    "fiance fiancé fiancee fiancée boyfriend girlfriend solicitor oncologist dentist gp parent guardian stepdad "
    "stepmum stepmother stepfather twin teacher manager".split())
_HERE = re.compile(r"\s+here\b", re.IGNORECASE)  # "it's victoria here"
_SELF_CUE = re.compile(r"\b(?:i\s+am|i'?m|im)\s*$", re.IGNORECASE)
_TITLE_ABBR = frozenset("mr mrs ms mx dr prof rev".split())
# phrases after which the next word(s) are someone's name: a strong cue takes any capitalised
# word, a weak one only a known first name
_STRONG_CUES = re.compile(
    r"\b(?:my\s+name\s+is|my\s+name'?s|(?:first\s+|sur|last\s+|full\s+)?name\s*:|names?\s+is|called|named|"
    r"signed,?|from\s*:|patient\s*:|parent\s*:|carer\s*:|next\s+of\s+kin\s*:?|nok\s*:?|ask\s+for|little\s+one|"
    r"(?:youngest|eldest|oldest)(?:\s+one)?)\s*$",
    re.IGNORECASE)
_WEAK_CUES = re.compile(
    r"(?:\b(?:i\s+am|i'?m|im|this\s+is|it'?s|regards,?|thanks,?|thank\s+you,?|cheers,?|love,?|x+,?|contact(?:\s+me)?\s*:?|"
    r"patient)|[-—–])\s*$",
    re.IGNORECASE)
_PLACE_BEFORE = re.compile(
    r"\b(?:in|from|to|at|near|visiting|visited|via|around|across|outside|inside|of)\s+(?:the\s+)?$", re.IGNORECASE)
_EPONYM_AFTER = re.compile(
    r"(?:'s|’s|s')?\s+(?:sign|score|scale|disease|syndrome|test|criteria|palsy|phenomenon|triad|reflex|manoeuvre|"
    r"maneuver|ulcer|node|nodes|fracture|cyst|contracture|lymphoma|sarcoma|tumou?r|rash|spots|law|classification|"
    r"rule|rules|position|method|procedure|operation|repair|incision|point|angle|line|space|pouch|canal|duct|gland|"
    r"glands|tube|tubes|area|body|bodies|cells?|disorder|chorea|dystrophy|encephalopathy|thyroiditis|arteritis|"
    r"esophagus|oesophagus|diverticulum|aneurysm|neuroma|neuralgia|paralysis|anomaly|hernia|toxin|reaction|"
    r"vaccine|protocol|regime|bundle)\b", re.IGNORECASE)
_EPONYM_BEFORE = re.compile(
    r"\b(?:pouch|circle|canal|ligament|duct|loop|ampulla|gland|space|tubes?|islets?|organ)\s+of\s+$", re.IGNORECASE)
# English words that are also in the name lists: never a name on their own, without a cue
_COMMON = frozenset("""
a i an the and or but if so as at by in on of to up for from with about after again all also am any are away back
be been before being best better big bit both bright can case chase child cold come could day days did do does done
down drew each early end even ever every eve faith fall fine first free fresh gay gem gene glad go gold good grace
grant great green guy had half hall hand hard has have he head heart help her here high him his hope hot how i'm it
its joy june just keen kind king lake land last late less light like little long look lost love low major many
march mark may me mercy might miles more most much must my near new next nice night no none not now of off ok old
on once one only open or other our out over own page pain park past pat peace pearl per pink plain poor power
price pride queen quick rain ray read ready real red reed rich right river rock rose royal rush said same sandy
say see she shall short should sky small snow so some soon spring star still stone storm story summer sun sunny
sweet taken than that the their them then there these they this those though time to today too true under unity up
worth previously positive negative type tender normal current recent severe mild
us very wait walk want was way we well were west what when where which while white who why will win winter with
wolf wood would yes yet you young your baby honey sugar dawn autumn heather holly ivy iris hazel jasmine lily daisy
poppy violet olive amber crystal destiny harmony liberty justice journey trinity genesis angel precious blessing
patience prudence constance modesty charity felicity major colt dash sage cash bishop dean earl duke prince princess
duchess marshal sherman hunter fisher taylor mason cook baker carter cooper porter turner walker miller smith
chance cliff clay dale glen forest rusty sunday monday friday april august christmas easter winter brook brooks
sterling price king rose bill will may mark art pat sue don ray rob guy jack jean jay ken kit lou max nick norm
penny sandy skip sly ted val vic wade ward wes gay bud buck chip bunny candy cherry coco cookie dusty ginger misty
sugar terry tiny trace trust
""".split())
# capitalised words that open sentences or name things in symptom texts (never names)
_NOT_NAMES = frozenset("""
i i'm i've i'd i'll im ive mum mom dad gp nhs a&e covid christmas easter monday tuesday wednesday thursday friday saturday sunday january
february march april may june july august september october november december english british india spain
france paracetamol ibuprofen calpol nurofen amoxicillin
""".split())


_REGIONS = ("Africa", "Asia", "Europe", "America", "North America", "South America", "Latin America", "Australia",
            "Antarctica", "Middle East", "Caribbean", "Scandinavia", "England", "Scotland", "Wales", "Northern Ireland",
            "Britain", "Great Britain", "South-East Asia", "Southeast Asia", "East Africa", "West Africa")


@lru_cache(maxsize=1)
def _places() -> re.Pattern[str]:
    """Country and region names (Faker's address provider): "Sierra Leone", "Asia" are not people."""
    from faker.providers.address.en import Provider

    names = sorted({*Provider.countries, *_REGIONS}, key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names) + r"(?![\w'’-])")


@lru_cache(maxsize=1)
def _name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, surnames), lower case, from Faker's packaged person providers."""
    import importlib

    locales = ("en", "en_GB", "en_US", "en_IE", "en_IN", "en_NG", "en_PK", "en_NZ", "en_KE", "pl_PL", "de_DE",
               "fr_FR", "es_ES", "es_MX", "it_IT", "pt_BR", "pt_PT", "nl_NL", "tr_TR", "ro_RO", "yo_NG", "ig_NG",
               "ha_NG", "zu_ZA", "sw", "id_ID", "vi_VN", "ga_IE", "cs_CZ", "hu_HU")
    first: set[str] = set()
    last: set[str] = set()
    for loc in locales:
        try:
            provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
        except ImportError:  # pragma: no cover - a locale dropped by a Faker release
            continue
        for attr, into in (("first_names", first), ("first_names_male", first), ("first_names_female", first),
                           ("last_names", last), ("last_names_male", last), ("last_names_female", last)):
            for name in getattr(provider, attr, None) or ():
                if isinstance(name, str) and len(name) >= 2 and all(ord(c) < 0x250 or c in "'’-" for c in name):
                    into.add(name.lower())
    return frozenset(first), frozenset(last)


# knowledge-base fields that are about its authors and sources, not clinical words
_KB_SKIP_KEYS = frozenset({"source", "sources", "author", "by", "reviewer", "reviewed", "review_date", "date",
                           "_about", "about"})


@lru_cache(maxsize=1)
def _clinical_words() -> frozenset[str]:
    """Every word of the knowledge base's files (condition names, aliases, symptoms, lay phrases,
    red flags, advice), lower case. The strict mode never takes one of them for a name on its own:
    "Kidney stone", "Black stools", "Deep vein thrombosis", "Harm to self" are what a staff note is
    about ("kidney", "black", "deep", "harm" are also in Faker's name lists)."""
    import json
    from pathlib import Path

    import knowledge

    first, _ = _name_lists()
    words: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, str):
            for m in _TOKEN.finditer(node):
                word = m.group(0)
                # an everyday word ("kidney"), or an eponym that is no first name ("Parkinson"); a first
                # name the knowledge base only writes capitalised ("St John's wort") stays a name
                if not word[:1].isupper() or _key(word) not in first:
                    words.add(_key(word))
        elif isinstance(node, dict):
            for k, v in node.items():
                if k not in _KB_SKIP_KEYS:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for path in sorted(Path(knowledge.__file__).parent.rglob("*.json")):
        try:
            walk(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):  # pragma: no cover - a broken file only narrows the exception list
            continue
    return frozenset(words)


def _key(token: str) -> str:
    t = token.lower().replace("’", "'")
    return t[:-2] if t.endswith("'s") else t


def _is_cap(token: str) -> bool:
    return token[:1].isupper() and not (len(token) > 1 and token.isupper() and len(token) <= 4)


def _sentence_start(text: str, pos: int) -> bool:
    before = text[:pos].rstrip()
    return not before or before[-1] in ".!?\n:;\"(“" or before.endswith(("-", "–", "—", "*"))


def _looks_like_surname(token: str, last: frozenset[str]) -> bool:
    k = _key(token)
    if not _is_cap(token) or k in _NOT_NAMES:
        return False
    return k in last or k not in _COMMON


def _in_list(k: str, names: frozenset[str]) -> bool:
    return k in names or ("-" in k and all(p in names for p in k.split("-") if p))


def find_names(text: str, strict: bool = False) -> list[Span]:
    """Person names in `text`. `strict` is for staff notes shown de-identified (review notes on the
    agreement dashboard): there a listed first name or surname is a name wherever it stands
    ("Karen says...", "talked to Peter", "husband (Tom)", "pt jane doe") unless it is a word of the
    knowledge base ("Kidney stone", "Black stools": `_clinical_words`); a patient's symptom text
    keeps the default, which spares places and sentence openers."""
    first, last = _name_lists()
    places = _places()
    clinical = _clinical_words() if strict else frozenset()
    tokens = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]
    spans: list[Span] = []
    i = 0
    n = len(tokens)

    def gap(a: int, b: int) -> str:  # text between token a and token b
        return text[tokens[a][1]:tokens[b][0]]

    def extend(j: int) -> int:
        """Index after the surname tokens that follow token j (capitalised, adjacent; initials: "Y. Nakamura")."""
        k = j + 1
        while k < n and k <= j + 3:
            joined = gap(k - 1, k)
            initial = len(tokens[k - 1][2]) == 1 and tokens[k - 1][2].isupper() and re.fullmatch(r"\.\s*", joined)
            if not (re.fullmatch(r"\s+", joined) or initial) or not _looks_like_surname(tokens[k][2], last):
                break
            k += 1
        return k

    while i < n:
        start, end, tok = tokens[i]
        k = _key(tok)
        cap = _is_cap(tok)
        hit_end = None
        prev = tokens[i - 1] if i else None
        prev_key = _key(prev[2]) if prev else ""
        between = gap(i - 1, i) if prev else text[:start]
        place = places.match(text, start) if cap else None
        if place:  # skip the whole country name
            while i < n and tokens[i][0] < place.end():
                i += 1
            continue
        if k in _NOT_NAMES or k in _TITLES or k in _RELATIONS:
            i += 1
            continue
        # 1. after a title: Dr Okafor, nurse Kelly, Mrs Janet Collins
        if prev and prev_key in _TITLES and (re.fullmatch(r"[ \t]+", between) or
                                             (prev_key in _TITLE_ABBR and re.fullmatch(r"\.[ \t]*", between))):
            if cap or (_in_list(k, first | last) and k not in _COMMON):
                hit_end = extend(i)
        # 2. after a relation or a cue: my daughter Grace, Mum: Rebecca Stone, I'm Sarah, signed Ahmed
        if hit_end is None:
            window = text[max(0, start - 40):start]
            strong = bool(prev and prev_key in _RELATIONS
                          and re.fullmatch(r"\s*[,:]?\s*(?:is\s+|was\s+|called\s+|named\s+)?", between))
            strong = strong or bool(_STRONG_CUES.search(window))
            weak = not strong and bool(_WEAK_CUES.search(window))
            if strong and cap and (k not in _COMMON or _in_list(k, first)):
                hit_end = extend(i)
            elif weak and cap and _in_list(k, first):
                after = extend(i)
                if k not in _COMMON or after > i + 1:
                    hit_end = after
            elif weak and cap and k not in _COMMON and extend(i) > i + 1:
                hit_end = extend(i)  # "I am Raj Patel", "Regards, Oluwaseun Adebayo-Smith": unlisted first names
            elif (strong or (weak and (_SELF_CUE.search(window) or _HERE.match(text, end)))) and not cap \
                    and _in_list(k, first) and k not in _COMMON:
                hit_end = i + 1  # "my name is kerry anne phillips": the listed names that follow
                while hit_end < n and hit_end <= i + 3 and re.fullmatch(r"\s+", gap(hit_end - 1, hit_end)) \
                        and _in_list(_key(tokens[hit_end][2]), first | last) and _key(tokens[hit_end][2]) not in _COMMON:
                    hit_end += 1
        # 3. a known first name and a capitalised surname: Grace Adeyemi, Will Smith
        if hit_end is None and cap and _in_list(k, first):
            after = extend(i)
            if after > i + 1 and (k not in _COMMON or _key(tokens[i + 1][2]) in last):
                hit_end = after
            elif not _sentence_start(text, start) and k not in _COMMON:
                # 4. a capitalised first name inside a sentence: "..., Ruby, age 3"
                hit_end = after
        if strict and hit_end is None and k not in _COMMON and len(k) >= 3:
            if cap and (_in_list(k, first) or k in last) and k not in clinical:
                hit_end = extend(i)  # 6. strict: any listed name, at a sentence start or after "to"
            elif cap and prev and prev_key in _RELATIONS and re.fullmatch(r"\s*\(\s*", between):
                hit_end = extend(i)  # "husband (Tom)"
            elif not cap and prev_key in ("pt", "patient", "pts") and _in_list(k, first):
                hit_end = i + 1  # "pt jane doe": clinical shorthand in lower case
                while hit_end < n and hit_end <= i + 3 and re.fullmatch(r"\s+", gap(hit_end - 1, hit_end)) \
                        and _in_list(_key(tokens[hit_end][2]), first | last) and _key(tokens[hit_end][2]) not in _COMMON:
                    hit_end += 1
        # 5. an unlisted capitalised word and a listed surname inside a sentence: "..., Sadia Begum"
        if (hit_end is None and cap and k not in _COMMON and len(k) >= 3 and not _sentence_start(text, start)
                and i + 1 < n and re.fullmatch(r"[ \t]+", gap(i, i + 1)) and _is_cap(tokens[i + 1][2])
                and _key(tokens[i + 1][2]) in last and _key(tokens[i + 1][2]) not in _COMMON):
            hit_end = extend(i)
        if hit_end is not None and hit_end == i + 1 and not (prev and prev_key in _TITLES):
            # a lone word: not a place ("from Bali") or an eponym ("Murphy's sign", "pouch of Douglas")
            if (not strict and _PLACE_BEFORE.search(text[max(0, start - 30):start])) or _EPONYM_AFTER.match(text, end) \
                    or _EPONYM_BEFORE.search(text[max(0, start - 30):start]):
                hit_end = None
        if hit_end is not None:
            spans.append(Span(start, tokens[hit_end - 1][1], "name"))
            i = hit_end
        else:
            i += 1
    return spans


# -- the scrubber ---------------------------------------------------------------------------------

_lock = threading.Lock()
_scrubber: Any = None


def _build_scrubber() -> Any:
    import scrubadub
    from scrubadub.detectors import (
        CredentialDetector,
        CreditCardDetector,
        EmailDetector,
        PhoneDetector,
        PostalCodeDetector,
        TwitterDetector,
        UrlDetector,
    )
    from scrubadub.detectors.en_US import SocialSecurityNumberDetector

    scrubber = scrubadub.Scrubber(detector_list=[], post_processor_list=[], locale="en_GB")
    for detector in (
        EmailDetector(locale="en_GB"),
        UrlDetector(locale="en_GB"),
        PhoneDetector(name="phone_gb", locale="en_GB"),
        PhoneDetector(name="phone_us", locale="en_US"),
        PostalCodeDetector(locale="en_GB"),
        SocialSecurityNumberDetector(locale="en_US"),
        CreditCardDetector(locale="en_GB"),
        TwitterDetector(locale="en_GB"),
        CredentialDetector(locale="en_GB"),
    ):
        scrubber.add_detector(detector, warn=False)
    return scrubber


def _library_spans(text: str) -> list[Span]:
    global _scrubber
    if _scrubber is None:
        with _lock:
            if _scrubber is None:
                _scrubber = _build_scrubber()
    out = []
    for filth in _scrubber.iter_filth(text, run_post_processors=False):
        parts = getattr(filth, "filths", None) or [filth]
        for part in parts:
            kind = _FILTH_KIND.get(part.type)
            if kind == "email" and " at " in part.text.lower() and not _EMAIL_SPELLED.fullmatch(part.text):
                continue  # "woke at 3.30am" is not an address: the spelled-out form needs "dot" too
            if kind:
                out.append(Span(part.beg, part.end, kind))
    return out


def _regex_spans(text: str) -> list[Span]:
    out: list[Span] = []

    def add(pattern: re.Pattern[str], kind: str, group: int = 0) -> None:
        for m in pattern.finditer(text):
            out.append(Span(m.start(group), m.end(group), kind))

    add(_EMAIL, "email")
    add(_EMAIL_SPELLED, "email")
    add(_URL, "url")
    for m in _DATE.finditer(text):
        if _MAY_VERB.match(m.group(0)) and not m.group(0).startswith("May"):
            continue
        out.append(Span(m.start(), m.end(), "date"))
    from stdnum.gb import nhs

    for m in _NHS.finditer(text):
        if nhs.is_valid(m.group(0)):
            out.append(Span(m.start(), m.end(), "id"))
    add(_SSN, "id")
    add(_NI, "id")
    add(_NI_CUE, "id", 1)
    add(_ID_CODED, "id")
    add(_ID_CUE, "id", 1)
    for m in _PHONE.finditer(text):
        if sum(ch.isdigit() for ch in m.group(0)) >= 7:
            out.append(Span(m.start(), m.end(), "phone"))
    add(_ADDRESS, "address")
    add(_ADDRESS_EU, "address")
    add(_ADDRESS_CUE, "address", 1)
    add(_US_STATE_ZIP, "address")
    add(_UK_POSTCODE, "address")
    add(_LONG_DIGITS, "number")
    return out


def _known_name_spans(text: str, names: Iterable[str]) -> list[Span]:
    out = []
    for name in names:
        for part in {p for p in re.split(r"[\s,]+", name or "") if len(p) >= 3}:
            for m in re.finditer(rf"(?<!\w){re.escape(part)}(?:'s)?(?!\w)", text, flags=re.IGNORECASE):
                out.append(Span(m.start(), m.end(), "name"))
    return out


def find_spans(text: str, names: Iterable[str] = (), strict: bool = False) -> list[Span]:
    """The identifiers in `text`, merged where they overlap, in order (`names`: known people)."""
    if not text:
        return []
    spans = _library_spans(text) + _regex_spans(text) + find_names(text, strict) + _known_name_spans(text, names)
    spans.sort(key=lambda s: (s.start, -s.end))
    merged: list[list[Any]] = []
    for s in spans:
        if s.end <= s.start:
            continue
        if merged and s.start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], s.end)
            merged[-1][2].add(s.kind)
        else:
            merged.append([s.start, s.end, {s.kind}])
    return [Span(a, b, next(k for k in _PRIORITY if k in kinds)) for a, b, kinds in merged]


_SPACES = re.compile(r"[ \t]+")


def scrub_text(text: str | None, names: Iterable[str] = (), strict: bool = False) -> str:
    """`text` with every identifier found replaced by its placeholder ("[email]", "[name]", ...);
    `strict` for staff notes (see `find_names`)."""
    text = text or ""
    out, pos = [], 0
    for s in find_spans(text, names, strict):
        out.append(text[pos:s.start])
        out.append(PLACEHOLDERS[s.kind])
        pos = s.end
    out.append(text[pos:])
    return _SPACES.sub(" ", "".join(out)).strip()
