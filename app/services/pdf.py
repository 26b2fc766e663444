"""A printable one-page summary of a self-assessment, for the patient to bring to a clinician.

fpdf2's core fonts only know latin-1, so every string is sanitised first (typographic quotes
and dashes mapped, anything else replaced) rather than failing on a patient's emoji.
"""

from __future__ import annotations

from typing import Any

from fpdf import FPDF

from app.services.plain_names import plain_name

_MAP = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
    "\u2026": "...", "\u2022": "-", "\u00a0": " ", "\u2264": "<=", "\u2265": ">=",
})


def latin1(text: Any) -> str:
    """Text that the core fonts can print: known symbols mapped, the rest replaced by '?'."""
    return str(text if text is not None else "").translate(_MAP).encode("latin-1", "replace").decode("latin-1")


def summary_pdf(*, created_at: str, symptoms: str, age: int | None, sex: str | None, level_label: str,
                advice: str, reasons: list[str], possibilities: list[dict[str, Any]], abstained: bool,
                abstain_message: str | None, disclaimer: str, review: dict[str, Any] | None,
                emergency_number: str, patient_name: str | None = None,
                clinician_urgency: str | None = None) -> bytes:
    """The PDF bytes: who it is for, urgency advice first, then what was described, then the
    possibilities - the same ones as the result page, in the same plain words (lay name first)."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_title("Symptom assessment summary")
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def heading(text: str, size: int = 13) -> None:
        pdf.set_font("Helvetica", "B", size)
        pdf.multi_cell(width, 7, latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def para(text: str, style: str = "", size: int = 11) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, 6, latin1(text), new_x="LMARGIN", new_y="NEXT")

    heading("Symptom assessment summary", 16)
    who = ", ".join(x for x in [patient_name or "", f"age {age}" if age is not None else "", sex or ""] if x)
    if who:
        para(f"For: {who}", "B")
    para(f"Created {created_at}. Please show this to your doctor or nurse.", size=10)
    pdf.ln(3)
    heading(f"What to do: {level_label}")
    para(advice, "B")
    if "emergency" in level_label.lower():
        para(f"Call {emergency_number} now.", "B", 13)
    for reason in reasons:
        para(f"- {reason}")
    pdf.ln(3)
    heading("What you described")
    details = ", ".join(x for x in [f"age {age}" if age is not None else "", sex or ""] if x)
    if details:
        para(details.capitalize(), "I")
    para(symptoms)
    pdf.ln(3)
    heading("What it could be")
    if abstained:
        para("We are not sure. " + (abstain_message or ""))
    else:
        para("These are possibilities, not a diagnosis. Only a doctor or nurse can tell you what you have.", "I", 10)
    emergency = "emergency" in level_label.lower()
    for p in possibilities:
        chance = "less than 1" if p["percent"] == "<1" else f"about {p['percent']}"
        para(f"Could be: {p.get('plain_name') or p['disease']} - {chance} in 100 chance, "
             f"according to our assistant (ICD-10 {p['icd10']})", "B")
        if p.get("description"):
            para(p["description"], size=10)
        # no self-care tips on an emergency result; an emergency condition's first aid stays (as on the page)
        tips = (p.get("precautions") or [])[:3] if not emergency or p.get("urgency") == "emergency" else []
        if tips and emergency:
            para("First aid while you wait:", "B", 10)
        for tip in tips:
            para(f"- {tip}", size=10)
    if review:
        pdf.ln(3)
        heading("Clinician review")
        outcome = {"accepted": "agreed with the first suggestion", "corrected": "gave a different diagnosis",
                   "rejected": "did not agree with the suggestions"}.get(review.get("outcome"), review.get("outcome"))
        final = plain_name(review["final_disease"], review.get("final_icd10")) if review.get("final_disease") else ""
        para(f"A clinician {outcome}" + (f": {final}" if final else "") + ".")
        if clinician_urgency:  # the clinician's urgency, when it differs from the assistant's
            para(f"A clinician changed how urgently you need care: {clinician_urgency}.", "B")
            if "emergency" in clinician_urgency.lower():
                para(f"Call {emergency_number} now.", "B", 13)
    pdf.ln(4)
    para(disclaimer, "I", 9)
    return bytes(pdf.output())
