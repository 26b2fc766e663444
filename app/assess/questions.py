"""Follow-up questions for clinicians: a checklist on the result page; any subset may be answered.

The logic is in app/services/interview.py. Admins see the questions and answers but cannot answer.
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user

from app.access import roles_required
from app.assess import bp
from app.assess.routes import _load
from app.services import interview


@bp.post("/assessments/<int:diagnosis_id>/answers")
@roles_required("clinician")
def answer_questions(diagnosis_id: int):
    diagnosis = _load(diagnosis_id)
    target = url_for("assess.result", diagnosis_id=diagnosis_id) + "#follow-up"
    iv = interview.questions_for(diagnosis)
    answers = []
    for q in iv.get("questions") or []:
        value = request.form.get(f"answer-{q['id']}", "")
        if value in interview.ANSWERS:
            answers.append({"id": q["id"], "answer": value})
    if not answers:
        flash("Tick yes, no or unknown for at least one question.", "error")
        return redirect(target)
    try:
        interview.submit(diagnosis, answers, current_user)
    except interview.InterviewError as exc:
        flash(exc.message, "error")
        return redirect(target)
    if diagnosis.triage_level == "emergency":
        flash("An answer raised the urgency to emergency.", "error")
    else:
        flash(f"{len(answers)} answer{'s' if len(answers) != 1 else ''} recorded; the differential is updated.", "success")
    return redirect(target)
