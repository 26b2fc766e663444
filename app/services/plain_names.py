"""Plain names for patients: the lay name first, the clinical name after it.

"Heart attack (myocardial infarction)" rather than "Myocardial infarction": a patient reads the
words they know first, and the clinical name is still there for the clinician they show it to.
The lay names are reviewed data in ``knowledge/lay_names.json`` (keyed by ICD-10 code).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

LAY_NAMES_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "lay_names.json"


@lru_cache(maxsize=1)
def lay_names() -> dict[str, str]:
    try:
        data = json.loads(LAY_NAMES_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # a missing file only loses the plain names, never a page
        return {}
    return {k: v for k, v in data.items() if not k.startswith("_") and isinstance(v, str) and v.strip()}


def plain_name(name: str, icd10: str | None) -> str:
    """'Lay name (clinical name)' when a lay name is known and differs, else the name."""
    lay = lay_names().get((icd10 or "").strip().upper())
    if not lay or lay.strip().lower() == (name or "").strip().lower():
        return name
    clinical = name[:1].lower() + name[1:] if name[:2] != name[:2].upper() else name
    return f"{lay} ({clinical})"


_EMERGENCY_NUMBER = re.compile(r"\b999\b(?: \(or (?:112 / 911 / )?your local emergency number\))?")


def local_emergency_number(text: str, number: str | None) -> str:
    """Knowledge-base advice with the deployment's one emergency number in place of '999 (or 112 /
    911 / your local emergency number)': a patient sees a single number, the one that works here."""
    if not text or not number:
        return text
    return _EMERGENCY_NUMBER.sub(number, text)
