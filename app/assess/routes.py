"""Clinician pages (/clinic): new assessment, result and review, worklist, history.

Views parse, call `app.services.assessment` / `review`, render. Admins may read (result and
history) but not create or review.
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.access import roles_required
from app.api.pagination import page_arg
from app.assess import bp
from app.assess.forms import (
    AssessmentForm,
    HistoryFilterForm,
    ReviewForm,
    WorklistFilterForm,
    risk_answers,
    vitals_answers,
)
from app.services import assessment as svc
from app.services import interview
from app.services.rate_limits import explanation_rate_limit
from app.services.review import AlreadyReviewed, create_review
from models import Disease, db

PER_PAGE = 20


def _disease_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(select(Disease.icd10, Disease.name).order_by(Disease.name)).all()
    return [("", "Choose a condition...")] + [(code, f"{name} ({code})") for code, name in rows]


def _form_errors(form, exc: svc.AssessmentError) -> None:
    for name, messages in exc.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors or []) + list(messages)
    if not exc.fields:
        flash(exc.message, "error")


@bp.route("/assess", methods=["GET", "POST"])
@roles_required("clinician")
def new():
    form = AssessmentForm()
    if request.method == "POST":
        if form.validate():
            try:
                patient = svc.find_patient(form.patient_email.data)
                diagnosis = svc.create_assessment(form.symptoms.data, form.age.data, form.sex.data or None,
                                                  actor=current_user, patient=patient, source="clinician",
                                                  vitals=vitals_answers(form), risk_factors=risk_answers(form))
            except svc.ModelUnavailableError as exc:
                return render_template("assess/new.html", form=form, unavailable=exc.message, triage=exc.triage), 503
            except svc.AssessmentError as exc:
                _form_errors(form, exc)
                return render_template("assess/new.html", form=form), exc.status
            return redirect(url_for("assess.result", diagnosis_id=diagnosis.id))
        return render_template("assess/new.html", form=form), 422
    return render_template("assess/new.html", form=form)


def _load(diagnosis_id: int):
    try:
        return svc.get_for(current_user, diagnosis_id)
    except svc.NotFound:
        abort(404, description="No such assessment.")


@bp.get("/assessments/<int:diagnosis_id>")
@roles_required("clinician", "admin")
def result(diagnosis_id: int, review_form: ReviewForm | None = None, status: int = 200):
    diagnosis = _load(diagnosis_id)
    form = review_form or ReviewForm()
    form.final_icd10.choices = _disease_choices()
    return render_template(
        "assess/result.html", d=diagnosis, rows=svc.differential_for_display(diagnosis), form=form,
        can_review=current_user.role == "clinician" and diagnosis.review is None,
        next_id=svc.next_unreviewed(exclude_id=diagnosis.id) if current_user.role == "clinician" else None,
        abstain_message=svc.ABSTAIN_MESSAGES.get((diagnosis.explanation or {}).get("abstain_reason")),
        disclaimer=svc.DISCLAIMER, iv=interview.view_for(diagnosis, current_user),
    ), status


@bp.post("/assessments/<int:diagnosis_id>/review")
@roles_required("clinician")
def review(diagnosis_id: int):
    diagnosis = _load(diagnosis_id)
    form = ReviewForm()
    form.final_icd10.choices = _disease_choices()
    form.ai_level = diagnosis.triage_level
    if not form.validate():
        return result(diagnosis_id, review_form=form, status=422)
    try:
        create_review(diagnosis, current_user, form.outcome.data, form.final_icd10.data or None, form.note.data,
                      triage_level=form.triage_level.data or None, triage_reason=form.triage_reason.data)
    except AlreadyReviewed as exc:
        flash(exc.message, "error")
        return result(diagnosis_id, review_form=form, status=409)
    except svc.AssessmentError as exc:
        _form_errors(form, exc)
        return result(diagnosis_id, review_form=form, status=exc.status)
    flash("Your review is saved beside the AI output.", "success")
    if request.form.get("then") == "next":  # "Save and next": straight to the top of the worklist
        next_id = svc.next_unreviewed(exclude_id=diagnosis_id)
        if next_id is not None:
            return redirect(url_for("assess.result", diagnosis_id=next_id))
        flash("The worklist is empty: every assessment has been reviewed.", "success")
        return redirect(url_for("assess.worklist"))
    return redirect(url_for("assess.result", diagnosis_id=diagnosis_id))


@bp.get("/assessments/<int:diagnosis_id>/explanation.json")
@roles_required("clinician", "admin")
@explanation_rate_limit
def explanation(diagnosis_id: int):
    diagnosis = _load(diagnosis_id)
    return jsonify(svc.explanation_for(diagnosis))


@bp.get("/worklist")
@roles_required("clinician")
def worklist():
    form = WorklistFilterForm(request.args)
    valid = form.validate()
    level, source = (form.level.data or None, form.source.data or None) if valid else (None, None)
    page = db.paginate(svc.worklist_query(level=level, source=source), page=page_arg(request.args),
                       per_page=PER_PAGE, error_out=False)
    svc.audit_list(current_user, [d.id for d in page.items], "worklist")
    args = {k: v for k, v in request.args.items() if k in ("level", "source") and v}
    return render_template("assess/worklist.html", page=page, form=form, args=args)


@bp.get("/history")
@roles_required("clinician", "admin")
def history():
    form = HistoryFilterForm(request.args)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    if not form.validate():  # e.g. a reversed date range: say so rather than list something else
        return render_template("assess/history.html", page=None, form=form, args=args), 422
    filters = svc.HistoryFilter(q=form.q.data or None, level=form.level.data or None,
                                source=form.source.data or None, reviewed=form.reviewed.data or None,
                                date_from=form.date_from.data, date_to=form.date_to.data)
    page = db.paginate(svc.history_query(filters), page=page_arg(request.args), per_page=PER_PAGE,
                       error_out=False)
    svc.audit_list(current_user, [d.id for d in page.items], "history")
    return render_template("assess/history.html", page=page, form=form, args=args)


