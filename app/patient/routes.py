"""Patient pages (/me): self-assessment, the plain-language result, a PDF summary, history.

A patient sees only their own assessments; anyone else's id is a 404 (never 403: that would
confirm that the record exists).
"""

from __future__ import annotations

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from app.access import roles_required
from app.api.pagination import page_arg
from app.assess.forms import risk_answers, vitals_answers
from app.patient import bp
from app.patient.forms import SelfAssessForm
from app.services import assessment as svc
from app.services import interview
from app.services.pdf import summary_pdf as build_summary_pdf
from app.templating import TRIAGE_LABELS
from models import Diagnosis, db

PER_PAGE = 20

# Plain words for what to do, most important first.
ADVICE = {
    "emergency": "This could be serious: get help now. If you cannot call, go to the nearest emergency department.",
    "urgent": "Please see a doctor today or within 24 hours. If it gets worse, call the emergency number.",
    "routine": "Book an appointment with your doctor in the next few days. If it gets worse, get help sooner.",
    "self_care": "You can probably look after this at home. See a doctor if it gets worse or does not improve.",
}


def possibilities(d: Diagnosis) -> list[dict]:
    """What the patient is shown (page and PDF alike): the first possibility, then the next two
    only when not negligible (5% or more); none when the model abstained (as it stands after
    any follow-up answers)."""
    if d.current_abstained:
        return []
    rows = svc.differential_for_display(d)
    return rows[:1] + [r for r in rows[1:3] if float(r.get("probability") or 0) >= 0.05]


def _own(diagnosis_id: int) -> Diagnosis:
    try:
        return svc.get_for(current_user, diagnosis_id)
    except svc.NotFound:
        abort(404, description="No such assessment.")


@bp.route("/assess", methods=["GET", "POST"])
@roles_required("patient")
def self_assess():
    form = SelfAssessForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("patient/self_assess.html", form=form), 422
        try:
            diagnosis = svc.create_assessment(form.symptoms.data, form.age.data, form.sex.data or None,
                                              actor=current_user, patient=current_user, source="self",
                                              vitals=vitals_answers(form), risk_factors=risk_answers(form),
                                              ask_again_without_symptoms=True)
        except svc.ModelUnavailableError as exc:
            return render_template("patient/self_assess.html", form=form, unavailable=True, triage=exc.triage,
                                   advice=ADVICE), 503
        except svc.AssessmentError as exc:
            for name, messages in exc.fields.items():
                if hasattr(form, name):
                    getattr(form, name).errors = list(messages)
            return render_template("patient/self_assess.html", form=form), exc.status
        return redirect(url_for("patient.result", diagnosis_id=diagnosis.id))
    return render_template("patient/self_assess.html", form=form)


@bp.get("/assessments/<int:diagnosis_id>")
@roles_required("patient")
def result(diagnosis_id: int):
    d = _own(diagnosis_id)
    return render_template("patient/result.html", d=d, rows=possibilities(d), advice=ADVICE,
                           abstain_message=svc.ABSTAIN_MESSAGES.get((d.explanation or {}).get("abstain_reason")),
                           disclaimer=svc.DISCLAIMER, iv=interview.view_for(d, current_user))


@bp.get("/assessments/<int:diagnosis_id>/summary.pdf")
@roles_required("patient")
def summary_pdf(diagnosis_id: int):
    d = _own(diagnosis_id)
    rows = possibilities(d)
    data = build_summary_pdf(
        patient_name=current_user.name,
        created_at=d.created_at.strftime("%Y-%m-%d %H:%M UTC"), symptoms=d.symptoms, age=d.age, sex=d.sex,
        level_label=TRIAGE_LABELS.get(d.triage_level, d.triage_level), advice=ADVICE.get(d.triage_level, ""),
        reasons=list(d.triage_reasons or []), possibilities=rows, abstained=d.current_abstained,
        abstain_message=svc.ABSTAIN_MESSAGES.get((d.explanation or {}).get("abstain_reason")),
        disclaimer=svc.DISCLAIMER, review=svc.review_dict(d.review, deidentify=True),
        emergency_number=current_app.config.get("EMERGENCY_NUMBER", ""),
        clinician_urgency=(TRIAGE_LABELS.get(d.review.triage_level, d.review.triage_level)
                           if d.review is not None and d.review.urgency_overridden else None),
    )
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="assessment-{d.id}.pdf"', "Cache-Control": "no-store"})


@bp.get("/assessments")
@roles_required("patient")
def history():
    stmt = svc.history_query(svc.HistoryFilter(patient_id=current_user.id))
    page = db.paginate(stmt, page=page_arg(request.args), per_page=PER_PAGE, error_out=False)
    svc.audit_list(current_user, [d.id for d in page.items], "patient_history")
    return render_template("patient/history.html", page=page)
