"""Vital signs: read from the form, the API or the free text, scored with NEWS2 or children's limits.

Why: how ill a person is shows in the vital signs before anyone knows the diagnosis. NEWS2 (Royal
College of Physicians, 2017) for adults: 7 or more, or 3 points in one parameter -> emergency;
5-6 -> urgent. Children (under 16) are not scored with NEWS2: the NICE NG143 traffic-light limits
(under 5s) and APLS normal ranges (5-15) are used instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

CONSCIOUSNESS = ("alert", "confused", "voice", "pain", "unresponsive")
FIELDS = ("temperature_c", "heart_rate", "respiratory_rate", "systolic_bp", "spo2", "on_oxygen", "consciousness")
RANGES = {"temperature_c": (25.0, 45.0), "heart_rate": (20, 300), "respiratory_rate": (4, 80), "systolic_bp": (40, 300),
          "spo2": (50, 100)}


class VitalsError(ValueError):
    def __init__(self, fields: dict[str, list[str]]):
        super().__init__(next(iter(fields.values()))[0])
        self.fields = fields


def clean_vitals(raw: Any) -> dict[str, Any]:
    """Validate structured vitals (form or API); raises VitalsError naming every bad field."""
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        raise VitalsError({"vitals": ["Vital signs must be an object, e.g. {\"heart_rate\": 110}."]})
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in FIELDS:
            errors[f"vitals.{key}"] = [f"Unknown vital sign {key!r}; known: {', '.join(FIELDS)}."]
            continue
        if value in (None, ""):
            continue
        if key == "on_oxygen":
            if not isinstance(value, bool):
                errors["vitals.on_oxygen"] = ["on_oxygen must be true or false."]
            else:
                out[key] = value
        elif key == "consciousness":
            if value not in CONSCIOUSNESS:
                errors["vitals.consciousness"] = [f"consciousness must be one of {', '.join(CONSCIOUSNESS)}."]
            else:
                out[key] = value
        else:
            lo, hi = RANGES[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
                errors[f"vitals.{key}"] = [f"{key} must be a number from {lo} to {hi}."]
            else:
                out[key] = float(value) if key == "temperature_c" else int(round(value))
    if errors:
        raise VitalsError(errors)
    return out


# -- reading vitals from text ------------------------------------------------------------------

_NUM = r"(\d{1,3}(?:\.\d)?)"
_TEXT_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "spo2": (
        re.compile(r"\b(?:sats?|spo2|sp02|o2 sats?|oxygen sat(?:uration)?s?|oxygen(?: level)?|saturations?|pulse ox(?:imeter)?|oximeter)\s*(?:of|is|was|were|at|says|reads|reading|=|:|-)?\s*(\d{2,3})\s*%?"),
        re.compile(r"\b(\d{2,3})\s*%\s*(?:on (?:room )?air|ra\b|on \d+ ?l|sats?|spo2|oxygen)"),
        # a home pulse oximeter named by what it is ("one of those finger things and it says 90", round 12)
        re.compile(r"\bfinger (?:things?|thingy|thingies|monitor|clip|probe|gadget|machine|sensor|device|meter)\b"
                   r"[^.;!?\d]{0,40}?\b(?:says|said|saying|reads|read|reading|showed|shows|show|showing|is|was|gave|gives|on|at)\s*(\d{2,3})\b"),
    ),
    "heart_rate": (
        # not a length of time: "waited 2 hr 45 mins" is not a heart rate of 45 (independent check of round 16)
        re.compile(r"(?<!\d)\b(?:hr|heart rate|pulse(?: rate)?|p)\s*(?:of|is|was|=|:|-)?\s*(\d{2,3})\b"
                   r"(?!\s*(?:%|mins?\b|minutes?|m\b|secs?\b|seconds?))"),
        re.compile(r"\b(\d{2,3})\s*(?:bpm|beats (?:a|per) minute)\b"),
        # "my heart 116", "heart going at 140", "heart racing at 150" (round 12)
        # a pulse named with a device or a verb before the number ("her pulse on the blood pressure machine keeps
        # saying 38 or 40", round 14); never a blood pressure ("pulse and BP machine says 130/85")
        re.compile(r"\bpulse\b[^.;!?\d/]{0,45}?\b(?:says|saying|said|reads|reading|read|shows|showing|showed|gives|"
                   r"gave|is|was|of|at|around|about)\s*(\d{2,3})\b(?!\s*/)(?!\s*(?:%|years?|yrs?|months?|weeks?|days?|"
                   r"hours?|hrs?|mins?|minutes?|times?|x\b))"),
        re.compile(r"\bheart\s*(?:is |was |rate )?(?:going|racing|beating|pounding|thumping|running)?\s*(?:at|on)?\s*(\d{2,3})\b"
                   r"(?!\s*(?:%|years?|yrs?|months?|weeks?|days?|hours?|hrs?|mins?|minutes?|times?|x\b))"),
    ),
    "respiratory_rate": (
        re.compile(r"\b(?:rr|resp(?:iratory)? rate|resps|breathing rate|respirations?)\s*(?:of|is|was|=|:|-)?\s*(\d{1,2})\b"),
        re.compile(r"\b(\d{1,2})\s*breaths (?:a|per) minute\b"),
    ),
    "systolic_bp": (
        re.compile(r"\b(?:bp|blood pressure|b/p)\s*(?:of|is|was|=|:|-)?\s*(\d{2,3})\s*/\s*\d{2,3}"),
        # a home machine's reading ("his BP machine says 88/50", "blood pressure monitor read 85/40", round 12)
        re.compile(r"\b(?:bp|blood pressure|b/p)\s*(?:machine|monitor|cuff|meter|reading)s?\b[^.;!?\d]{0,20}?"
                   r"(?:says|said|reads|read|showed|shows|is|was|gave|gives|of|=|:|-)\s*(\d{2,3})\s*/\s*\d{2,3}"),
        re.compile(r"\b(?:bp|blood pressure|systolic)\s*(?:of|is|was|=|:|-)?\s*(\d{2,3})\b"),
    ),
}
_TEMP = re.compile(
    r"\b(?:t|temp|temperature|tmax|fever of|temp of|temperature of|fever)\s*(?:of|is|was|=|:|-|up to|at)?\s*" + _NUM
    + r"\s*(?:degrees?|°|º)?\s*(c|f|celsius|fahrenheit)?\b"
    r"|\b" + _NUM + r"\s*(?:degrees?\s*|°\s*|º\s*)(c|f|celsius|fahrenheit)?(?![\w])"
    r"|\b((?:9[5-9]|10\d|110)(?:\.\d)?)\s*(f)\b"
    r"|\b((?:3[4-9]|4[0-2])(?:\.\d)?)\s*(c)\b"
    # a thermometer reading without the word "temp": "the thermometer says 38.2", "38.2 under her arm"
    r"|\bthermometer\s+(?:says|said|reads|read|showed|shows|is|was|on|at|gave|gives)?\s*(?:it'?s\s*)?"
    r"((?:3[4-9]|4[0-2]|9[5-9]|10\d)(?:\.\d)?)\s*(?:degrees?\s*|°\s*|º\s*)?(c|f)?\b"
    r"|\b((?:3[4-9]|4[0-2])(?:\.\d)?)\s*(?:degrees?\s*|°\s*|º\s*)?(c)?\s+(?=(?:under (?:the |her |his |my |their )?arm|"
    r"in (?:the |her |his |my |their )?(?:ear|armpit|mouth)|armpit|axillary|tympanic|orally)\b)"
)
_CONSCIOUSNESS_TEXT = (
    # "unresponsive to antipyretics / antibiotics" is about a treatment, not consciousness (round 12)
    (re.compile(r"\b(?:unresponsive(?!\s+to\s+(?!pain|voice|verbal|stimul|painful|touch|me\b|us\b|anyone|anything)\w)|gcs (?:[3-8])\b|responds only to pain|only responds to pain|response to pain)"), "pain"),
    (re.compile(r"\b(?:responds (?:only )?to voice|rousable to voice|gcs (?:9|1[0-4])\b)"), "voice"),
    # Only explicit new confusion: a bare "confused" ("confused about my tablets", long-standing
    # dementia) is left to the acuity layer, which reads its context and negation.
    (re.compile(r"\b(?:new(?:ly)? confus\w*|acute(?:ly)? confus\w*|new(?:ly)? disorientated|acvpu:? c)\b"), "confused"),
)
_ON_OXYGEN = re.compile(r"\b(?:on (?:\d+ ?l(?:itres?)? (?:of )?)?(?:o2|oxygen)|on \d+ ?l\b|supplemental oxygen|on home oxygen)\b")
_NOT_OXYGEN = re.compile(r"\b(?:on (?:room )?air|ra)\b")


# A limit or a normal temperature said before the number is not a reading of a fever (sixth round): "temperature
# under 38C", "temp below 38 degrees", "less than 38.0", "not above 100.4F", "temperature normal at 37" (a value
# read there would set the fever concept and the children's temperature limits).
# "no less than 38.5" / "no lower than 38.5" are fevers (independent check of round 6).
_TEMP_LIMIT_BEFORE = re.compile(
    r"\b(?:under|below|beneath|(?<!no )(?<!not )(?:less|lower) than|no (?:higher|more) than|not (?:above|over|more than|higher than)|"
    r"not|never (?:above|over))\s*(?:a |the )?$")


# A number of degrees with no temperature word is not always a body temperature (round 13): an angle ("fixed flexion
# at the MCPJ approx 30 degrees" read as 30 C scored NEWS2 3, an emergency) or the weather / a room / water ("35C
# outside", "40 degrees in the shade"). Such a bare reading counts only outside those contexts, and without a unit only
# from 35 C (a lower one is written with "temp" or "C" by whoever measured it).
_TEMP_WORD = re.compile(r"(?:t|temp|temperature|tmax|fever|thermometer)\b")
_NOT_BODY_TEMP = re.compile(
    r"\b(?:flex\w*|extend\w*|extension|angle[ds]?|angulat\w*|abduct\w*|adduct\w*|rotat\w*|bend|bent|tilt\w*|"
    r"contracture|deformity|[mdp]i?pj|[mdp]cpj|scoliosis|curve|slope|incline|"
    r"outside|outdoors|shade|heat ?wave|weather|sunny|sunshine|in the sun|forecast|humid\w*|the room|room temp\w*|"
    r"indoors|in the house|in here|office|oven|bath|shower|water|fridge|freezer|air ?con\w*|wash)\b")


def _bare_degrees_not_a_reading(norm: str, m: re.Match[str], unit: str | None, value: float) -> bool:
    """A "N degrees" with no temperature word before it that is an angle or the weather, or under 35 with no unit."""
    if _TEMP_WORD.match(m.group(0)):
        return False
    lo = max([norm.rfind(c, 0, m.start()) for c in ".;!?\n"] + [-1]) + 1
    hi = min([i for i in (norm.find(c, m.end()) for c in ".;!?\n") if i >= 0] + [len(norm)])
    if _NOT_BODY_TEMP.search(norm, max(lo, m.start() - 40), min(hi, m.end() + 40)):
        return True
    return not unit and value < 35


def _temperature(value: float, unit: str | None) -> float | None:
    unit = (unit or "").lower()
    if unit.startswith("f") or (not unit and 93 <= value <= 110):
        value = (value - 32) * 5 / 9
    return round(value, 1) if 30 <= value <= 44 else None


def vitals_from_text(text: str) -> dict[str, Any]:
    """The vital signs written in a description ("sats 91%", "BP 95/65", "HR 112", "104F", "RR 24")."""
    norm = (text or "").lower()
    found: dict[str, Any] = {}
    for key, patterns in _TEXT_PATTERNS.items():
        for pattern in patterns:
            m = pattern.search(norm)
            if m:
                value = int(float(m.group(1)))
                lo, hi = RANGES[key]
                if lo <= value <= hi:
                    found[key] = value
                    break
    for m in _TEMP.finditer(norm):
        groups = [g for g in m.groups()]
        at = next((m.start(k + 1) for k, g in enumerate(groups) if k % 2 == 0 and g), None)
        value = next((g for g in groups[0::2] if g), None)
        unit = next((g for g in groups[1::2] if g), None)
        if value is None or _TEMP_LIMIT_BEFORE.search(norm[max(0, at - 24):at]):
            continue  # "temperature under 38C", "below 38 degrees": a limit, not a reading
        temp = _temperature(float(value), unit)
        if temp is not None and not _bare_degrees_not_a_reading(norm, m, unit, temp):
            found["temperature_c"] = temp
            break
    for pattern, level in _CONSCIOUSNESS_TEXT:
        m = pattern.search(norm)
        if m and not re.search(r"\b(?:no|not|denies|without)\b[^.;,]{0,20}$", norm[:m.start()]):
            found["consciousness"] = level
            break
    if _ON_OXYGEN.search(norm):
        found["on_oxygen"] = True
    elif "spo2" in found and _NOT_OXYGEN.search(norm):
        found["on_oxygen"] = False
    return found


def merge_vitals(structured: dict[str, Any], text: str) -> dict[str, Any]:
    """Structured values win; the text fills the gaps."""
    merged = vitals_from_text(text)
    merged.update(structured or {})
    return merged


# -- NEWS2 -------------------------------------------------------------------------------------

def _band(value: float, bands: list[tuple[float, float, int]]) -> int:
    for lo, hi, points in bands:
        if lo <= value <= hi:
            return points
    return 0


def news2(v: dict[str, Any]) -> dict[str, Any] | None:
    """NEWS2 score and each parameter's points (SpO2 scale 1); None without any scorable vital.

    Missing parameters score 0 (the score is partial, and says which parameters it used).
    """
    parts: dict[str, int] = {}
    if "respiratory_rate" in v:
        parts["respiratory_rate"] = _band(v["respiratory_rate"], [(0, 8, 3), (9, 11, 1), (12, 20, 0), (21, 24, 2), (25, 999, 3)])
    if "spo2" in v:
        parts["spo2"] = _band(v["spo2"], [(0, 91, 3), (92, 93, 2), (94, 95, 1), (96, 100, 0)])
    if v.get("on_oxygen") is not None:
        parts["on_oxygen"] = 2 if v["on_oxygen"] else 0
    if "systolic_bp" in v:
        parts["systolic_bp"] = _band(v["systolic_bp"], [(0, 90, 3), (91, 100, 2), (101, 110, 1), (111, 219, 0), (220, 999, 3)])
    if "heart_rate" in v:
        parts["heart_rate"] = _band(v["heart_rate"], [(0, 40, 3), (41, 50, 1), (51, 90, 0), (91, 110, 1), (111, 130, 2), (131, 999, 3)])
    if "consciousness" in v:
        parts["consciousness"] = 0 if v["consciousness"] == "alert" else 3
    if "temperature_c" in v:
        parts["temperature_c"] = _band(v["temperature_c"], [(0, 35.0, 3), (35.1, 36.0, 1), (36.1, 38.0, 0), (38.1, 39.0, 1), (39.1, 99, 2)])
    if not parts:
        return None
    score = sum(parts.values())
    return {"score": score, "parts": parts, "complete": len(parts) == 7}


def news2_level(result: dict[str, Any] | None) -> tuple[str | None, str]:
    if not result:
        return None, ""
    score, parts = result["score"], result["parts"]
    threes = [k for k, p in parts.items() if p == 3]
    if score >= 7 or threes:
        why = f"NEWS2 {score}" + (f" (3 points for {', '.join(k.replace('_', ' ') for k in threes)})" if threes else "")
        return "emergency", why
    if score >= 5:
        return "urgent", f"NEWS2 {score}"
    return None, f"NEWS2 {score}"


# -- children -----------------------------------------------------------------------------------

# (max age in years, heart rate high, respiratory rate high): NICE NG143 amber limits under 5,
# APLS upper normal ranges for 5-15.
_CHILD_LIMITS = ((1.0, 160, 50), (2.0, 150, 40), (5.0, 140, 40), (12.0, 120, 25), (16.0, 100, 20))


def child_vitals_level(v: dict[str, Any], age: float) -> tuple[str | None, list[str]]:
    """Age-appropriate limits for a child (NEWS2 is for adults)."""
    reasons: list[str] = []
    level: str | None = None

    def raise_to(new: str, why: str) -> None:
        nonlocal level
        reasons.append(why)
        if level != "emergency":
            level = new

    hr_hi, rr_hi = next((hr, rr) for top, hr, rr in _CHILD_LIMITS if age < top)
    if "respiratory_rate" in v:
        if v["respiratory_rate"] > 60:
            raise_to("emergency", f"breathing rate {v['respiratory_rate']}/min (over 60)")
        elif v["respiratory_rate"] > rr_hi:
            raise_to("urgent", f"breathing rate {v['respiratory_rate']}/min (over {rr_hi} for the age)")
    if "heart_rate" in v and v["heart_rate"] > hr_hi:
        raise_to("urgent", f"heart rate {v['heart_rate']}/min (over {hr_hi} for the age)")
    if "spo2" in v:
        if v["spo2"] < 92:
            raise_to("emergency", f"oxygen saturation {v['spo2']}% (under 92%)")
        elif v["spo2"] <= 95:
            raise_to("urgent", f"oxygen saturation {v['spo2']}% (95% or less)")
    if v.get("consciousness") not in (None, "alert"):
        raise_to("emergency", f"consciousness: {v['consciousness']}")
    if "temperature_c" in v:
        t = v["temperature_c"]
        if age < 0.25 and t >= 38:
            raise_to("emergency", f"temperature {t} C under 3 months")
        elif age < 0.5 and t >= 39:
            raise_to("urgent", f"temperature {t} C at 3-6 months")
        elif age < 0.25 and t < 36:
            # independent check of round 6: a low temperature in a young baby is a sign of serious infection
            # (NICE NG51 sepsis: under 36C is a risk criterion in under 5s); "baby 6 weeks, temp 35.4" was routine
            raise_to("emergency", f"temperature {t} C (low) under 3 months")
        elif t < 36 and age < 5:
            raise_to("urgent", f"temperature {t} C (low)")
        elif t < 35:
            raise_to("urgent", f"temperature {t} C (low)")
    return level, reasons


@dataclass
class VitalsAssessment:
    vitals: dict[str, Any]
    news2: dict[str, Any] | None
    level: str | None
    reasons: list[str]

    @property
    def fever(self) -> bool:
        return float(self.vitals.get("temperature_c") or 0) >= 38.0


def assess_vitals(vitals: dict[str, Any], ages: list[float], child_words: bool = False) -> VitalsAssessment:
    """NEWS2 for adults (16+ or age unknown), children's limits under 16."""
    child_age = min((a for a in ages if a < 16), default=None)
    if child_age is not None or (child_words and not ages):
        level, reasons = child_vitals_level(vitals, child_age if child_age is not None else 5.0)
        return VitalsAssessment(vitals, None, level, [f"Vital signs for the age: {r}" for r in reasons])
    score = news2(vitals)
    level, why = news2_level(score)
    reasons = [f"{why}: vital signs need {'emergency' if level == 'emergency' else 'urgent'} assessment"] if level else []
    if "temperature_c" in vitals and vitals["temperature_c"] < 35:
        level = level or "urgent"
        reasons.append(f"Low body temperature {vitals['temperature_c']} C")
    return VitalsAssessment(vitals, score, level, reasons)
