"""Administration pages (admin role only): disease records, the served model's labels, users,
and the audit log with CSV export. Views parse, call a service, render; every change is audited
by the service that makes it."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, abort, current_app, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user

from app.admin import bp
from app.admin.forms import ActiveForm, AuditFilterForm, ConfirmForm, DiseaseForm, RoleForm, UserCreateForm
from app.extensions import login_manager
from app.services import audit_log, diseases, users
from app.services.audit import record
from models import ROLES, Disease, User, db

PER_PAGE = 50


@bp.before_request
def _admins_only():
    """Every admin page: anonymous -> the login page, other roles -> 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role != "admin":
        abort(403, description="Only administrators may see this page.")
    return None


def _page() -> int:
    try:
        return max(1, min(int(request.args.get("page", 1)), 100_000))
    except ValueError:
        return 1


@bp.route("/")
def index():
    return redirect(url_for("admin.diseases"))


# -- disease records ----------------------------------------------------------------------------

@bp.route("/diseases", endpoint="diseases")
def diseases_list():
    """Disease records with search, and a warning when the served model needs retraining."""
    q = request.args.get("q", "")[:120]
    pagination = db.paginate(diseases.search_query(q), page=_page(), per_page=PER_PAGE, error_out=False)
    diff = diseases.served_label_diff(current_app.extensions.get("model_holder"))
    return render_template("admin/diseases.html", pagination=pagination, q=q, diff=diff)


def _form_data(form: DiseaseForm) -> tuple[dict, dict[str, list[str]]]:
    """Form text -> record data, plus per-line errors of the list fields."""
    symptoms, symptom_errors = diseases.parse_symptom_lines(form.symptoms.data)
    red_flags, flag_errors = diseases.parse_red_flag_lines(form.red_flags.data)
    data = {
        "name": form.name.data or "", "icd10": form.icd10.data or "",
        "aliases": diseases.parse_plain_lines(form.aliases.data), "category": form.category.data or "general",
        "description": form.description.data or "", "urgency": form.urgency.data,
        "symptoms": symptoms, "red_flags": red_flags,
        "precautions": diseases.parse_plain_lines(form.precautions.data),
    }
    return data, {"symptoms": list(symptom_errors), "red_flags": list(flag_errors)}


def _show_errors(form: DiseaseForm, errors: dict[str, list[str]]) -> None:
    for name, messages in errors.items():
        field = getattr(form, name, None)
        if field is not None and messages:
            field.errors = [*field.errors, *messages]


def _fill(form: DiseaseForm, disease: Disease) -> None:
    form.name.data, form.icd10.data, form.category.data = disease.name, disease.icd10, disease.category
    form.description.data, form.urgency.data = disease.description, disease.urgency
    form.aliases.data = diseases.format_plain_lines(disease.aliases)
    form.symptoms.data = diseases.format_symptom_lines(disease.symptoms)
    form.red_flags.data = diseases.format_red_flag_lines(disease.red_flags)
    form.precautions.data = diseases.format_plain_lines(disease.precautions)


def _save(form: DiseaseForm, disease: Disease | None) -> Disease | None:
    """Validate and save; on any problem put messages on the form and return None (nothing saved)."""
    data, line_errors = _form_data(form)
    if any(line_errors.values()):
        _show_errors(form, line_errors)
        return None
    try:
        if disease is None:
            return diseases.create_disease(data, actor=current_user)
        diseases.update_disease(disease, data, actor=current_user)
        return disease
    except diseases.DiseaseError as exc:
        db.session.rollback()
        _show_errors(form, exc.errors)
        return None


@bp.route("/diseases/new", methods=["GET", "POST"])
def disease_new():
    form = DiseaseForm()
    if form.validate_on_submit():
        disease = _save(form, None)
        if disease is not None:
            flash(f"Disease {disease.name} ({disease.icd10}) created.", "success")
            return redirect(url_for("admin.disease_edit", disease_id=disease.id))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/disease_form.html", form=form, disease=None, formats=_formats()), status


@bp.route("/diseases/<int:disease_id>", methods=["GET", "POST"])
def disease_edit(disease_id: int):
    disease = db.get_or_404(Disease, disease_id, description="No disease with this id.")
    form = DiseaseForm()
    if request.method == "GET":
        _fill(form, disease)
    elif form.validate_on_submit():
        if _save(form, disease) is not None:
            flash(f"Disease {disease.name} ({disease.icd10}) saved.", "success")
            return redirect(url_for("admin.disease_edit", disease_id=disease.id))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/disease_form.html", form=form, disease=disease, delete_form=ConfirmForm(),
                           formats=_formats()), status


@bp.route("/diseases/<int:disease_id>/delete", methods=["POST"])
def disease_delete(disease_id: int):
    disease = db.get_or_404(Disease, disease_id, description="No disease with this id.")
    if not ConfirmForm().validate_on_submit():
        abort(400, description="The form expired; please try again.")
    name, code = disease.name, disease.icd10
    diseases.delete_disease(disease, actor=current_user)
    flash(f"Disease {name} ({code}) deleted.", "success")
    return redirect(url_for("admin.diseases"))


def _formats() -> dict[str, str]:
    return {"symptoms": diseases.SYMPTOM_FORMAT, "red_flags": diseases.RED_FLAG_FORMAT}


@bp.route("/model-labels")
def model_labels():
    """Which conditions the served model knows, against the disease records."""
    holder = current_app.extensions.get("model_holder")
    if holder is not None:
        holder.sync_with_registry()
    return render_template("admin/model_labels.html", diff=diseases.served_label_diff(holder),
                           model_error=None if holder is None or holder.ready else holder.error)


# -- users ------------------------------------------------------------------------------------

@bp.route("/users", endpoint="users")
def users_list():
    flt = users.UserFilter(q=request.args.get("q", "")[:120], role=request.args.get("role", ""),
                           status=request.args.get("status", ""))
    pagination = db.paginate(users.search_query(flt), page=_page(), per_page=PER_PAGE, error_out=False)
    return render_template("admin/users.html", pagination=pagination, flt=flt, roles=ROLES,
                           role_form=RoleForm(), action_form=ConfirmForm())


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = users.create_user(email=form.email.data, name=form.name.data, role=form.role.data,
                                     password=form.password.data or None, send_link=form.send_link.data,
                                     actor=current_user)
        except users.UserAdminError as exc:
            db.session.rollback()
            for name, messages in exc.errors.items():
                field = getattr(form, name, None) or form.email
                field.errors = [*field.errors, *messages]
        else:
            how = "a reset link was e-mailed" if form.send_link.data else "the password you set is active"
            flash(f"User {user.email} created as {user.role}; {how}.", "success")
            return redirect(url_for("admin.users", q=user.email))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/user_new.html", form=form), status


def _user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id, description="No user with this id.")


def _back_to_users():
    target = request.form.get("next", "")
    if target.startswith("/admin/users") and "//" not in target and "\\" not in target:
        return redirect(target)
    return redirect(url_for("admin.users"))


def _run(action, success: str, unchanged: str):
    try:
        changed = action()
    except users.UserAdminError as exc:
        db.session.rollback()
        flash(" ".join(m for msgs in exc.errors.values() for m in msgs), "error")
        return _back_to_users()
    flash(success if changed in (True, None) else unchanged, "success" if changed in (True, None) else "info")
    return _back_to_users()


@bp.route("/users/<int:user_id>/role", methods=["POST"])
def user_role(user_id: int):
    user = _user_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash("Choose one of the roles: " + ", ".join(ROLES) + ".", "error")
        return _back_to_users()
    role = form.role.data
    return _run(lambda: users.change_role(user, role, actor=current_user),
                f"{user.email} is now {role}; their sessions were ended.", f"{user.email} already has the role {role}.")


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def user_active(user_id: int):
    user = _user_or_404(user_id)
    form = ActiveForm()
    if not form.validate_on_submit() or form.active.data not in ("0", "1"):
        abort(400, description="The form expired or is incomplete; please try again.")
    active = form.active.data == "1"
    return _run(lambda: users.set_active(user, active, actor=current_user),
                f"{user.email} was {'reactivated' if active else 'deactivated; their sessions and API tokens ended'}.",
                f"{user.email} is already {'active' if active else 'inactive'}.")


@bp.route("/users/<int:user_id>/reset", methods=["POST"])
def user_reset(user_id: int):
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, description="The form expired; please try again.")
    return _run(lambda: users.send_reset_link(user, actor=current_user),
                f"A password-reset link was e-mailed to {user.email}.", "")


# -- audit log --------------------------------------------------------------------------------

def _audit_filter() -> tuple[AuditFilterForm, audit_log.AuditFilter | None]:
    form = AuditFilterForm(request.args)
    if not form.validate():
        return form, None
    return form, audit_log.AuditFilter(
        actor=form.actor.data or "", action=form.action.data or "", target_type=form.target_type.data or "",
        target_id=form.target_id.data or "", date_from=form.date_from.data, date_to=form.date_to.data)


@bp.route("/audit")
def audit():
    """The audit trail with filters; invalid filters show their errors and no rows."""
    form, flt = _audit_filter()
    if flt is not None and flt.date_from and flt.date_to and flt.date_from > flt.date_to:
        form.date_to.errors = [*form.date_to.errors, "The end date is before the start date."]
        flt = None
    pagination = None
    if flt is not None:
        pagination = db.paginate(audit_log.query(flt), page=_page(), per_page=PER_PAGE, error_out=False)
    return render_template("admin/audit.html", form=form, flt=flt, pagination=pagination,
                           known=audit_log.known_values()), (200 if flt is not None else 400)


@bp.route("/audit.csv")
def audit_export():
    """The filtered rows as CSV, streamed; the export itself is audited."""
    form, flt = _audit_filter()
    if flt is None:
        abort(400, description="The filters are invalid: " + "; ".join(
            f"{getattr(form, n).label.text}: {' '.join(e)}" for n, e in form.errors.items()))
    up_to = audit_log.last_id()  # the export's own event is not part of it
    record("audit.export", "audit_event", None, filters=flt.as_query_args())
    db.session.commit()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Response(stream_with_context(audit_log.csv_lines(flt, up_to)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"',
                             "Cache-Control": "no-store"})
