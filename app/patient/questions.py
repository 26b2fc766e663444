"""Follow-up questions for patients: one question per screen, with progress and "skip / I don't know".

The logic is in app/services/interview.py; these views only show the current question and pass
the answer on. A patient reaches only their own assessments (anyone else's id is a 404), and an
emergency (from the description or from an answer) goes straight to the result: care first.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.access import roles_required
from app.patient import bp
from app.patient.routes import _own
from app.services import interview


@bp.get("/assessments/<int:diagnosis_id>/questions")
@roles_required("patient")
def questions(diagnosis_id: int):
    d = _own(diagnosis_id)
    iv = interview.questions_for(d)
    if iv["status"] != "open" or not iv["questions"]:
        return redirect(url_for("patient.result", diagnosis_id=d.id))
    return render_template("patient/questions.html", d=d, iv=iv, q=iv["questions"][0])


@bp.post("/assessments/<int:diagnosis_id>/questions")
@roles_required("patient")
def answer_question(diagnosis_id: int):
    d = _own(diagnosis_id)
    question_id = request.form.get("question_id", "")
    answer = request.form.get("answer", "")
    try:
        iv = interview.submit(d, [{"id": question_id, "answer": answer}], current_user)
    except interview.InterviewClosed:
        return redirect(url_for("patient.result", diagnosis_id=d.id))
    except interview.InterviewError:
        flash("Please choose Yes, No or Skip." if answer not in interview.ANSWERS
              else "That question has changed in the meantime; here is the current one.", "error")
        return redirect(url_for("patient.questions", diagnosis_id=d.id))
    if iv["status"] == "open" and iv["remaining"] > 0:
        return redirect(url_for("patient.questions", diagnosis_id=d.id))
    if d.triage_level != "emergency":
        flash("Thank you. Your answers have been taken into account below.", "success")
    return redirect(url_for("patient.result", diagnosis_id=d.id))
