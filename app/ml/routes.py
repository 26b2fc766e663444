"""ML pages: model versions (compare, promote, roll back), agreement dashboard, review queue.

Views stay thin: the registry, export, agreement and active-learning services do the work.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from app.access import roles_required
from app.api.pagination import page_arg
from app.ml import bp
from app.ml.forms import CancelTrainingForm, ExportForm, PromoteForm, RollbackForm, ScanForm, TrainForm
from app.services import registry, training_jobs
from app.services.active_learning import build_queue, queue_size
from app.services.agreement import CHARTS, SMALL_SAMPLE, agreement_report, audit_view, render_chart
from app.services.export_cases import export_to_bytes
from app.templating import hide_paths

MODEL_ROLES = ("ml", "admin")
AGREEMENT_ROLES = ("ml", "admin", "clinician")
QUEUE_ROLES = ("clinician", "ml")
DAY_CHOICES = (30, 90, 365, 0)  # 0: all time
QUEUE_PER_PAGE = 20
DEFAULT_DAYS = 365


def _holder():
    holder = current_app.extensions["model_holder"]
    holder.sync_with_registry()
    return holder


def _version_or_404(version: str):
    try:
        return registry.get_version(version)
    except registry.UnknownVersion:
        abort(404, description="There is no registered model version with that name.")


# -- model versions ------------------------------------------------------------------------------

@bp.get("/")
@bp.get("/versions")
@roles_required(*MODEL_ROLES)
def versions():
    return _versions_page()


def _versions_page(train_form: TrainForm | None = None, status: int = 200):
    training = training_jobs.latest_status()  # registers a just-finished version before the list is read
    rows = registry.list_versions()
    served = next((mv for mv in rows if mv.is_served), None)
    return render_template(
        "ml/versions.html",
        rows=rows,
        served=served,
        holder=_holder(),
        summaries={mv.version: registry.metric_summary(mv.metrics) for mv in rows},
        metrics=registry.METRICS,
        history=registry.promotion_history(limit=10),
        rollback_to=registry.rollback_target(),
        scan_form=ScanForm(),
        export_form=ExportForm(),
        train_form=train_form or TrainForm(formdata=None),
        training=training,
        confirmed_reviews=training_jobs.confirmed_review_count(),
    ), status


@bp.get("/versions/<version>")
@roles_required(*MODEL_ROLES)
def version_detail(version: str):
    mv = _version_or_404(version)
    return render_template(
        "ml/version.html",
        mv=mv,
        summary=registry.metric_summary(mv.metrics),
        metrics=registry.METRICS,
        per_class=sorted(registry.per_class_f1(mv.metrics).items(), key=lambda kv: kv[1]),
        plots=registry.artifact_plots(mv),
        card=registry.model_card(mv),
        export=registry.serving_export(mv),
        holder=_holder(),
    )


@bp.get("/versions/<version>/files/<name>")
@roles_required(*MODEL_ROLES)
def artifact_file(version: str, name: str):
    """A plot of the artifact; only PNG files directly inside its directory."""
    mv = _version_or_404(version)
    path = registry.artifact_file(mv, name)
    if path is None:
        abort(404, description="That file is not part of this model version.")
    resp = send_file(path, mimetype="image/png", max_age=0)
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@bp.get("/compare")
@roles_required(*MODEL_ROLES)
def compare():
    rows = registry.list_versions()
    a_name, b_name = request.args.get("a", ""), request.args.get("b", "")
    if not a_name or not b_name:
        served = next((mv for mv in rows if mv.is_served), None)
        others = [mv for mv in rows if mv is not served]
        a_name = a_name or (served.version if served else (rows[1].version if len(rows) > 1 else ""))
        b_name = b_name or next((mv.version for mv in others if mv.version != a_name), "")
    comparison, plots = None, {}
    if a_name and b_name:
        comparison = registry.compare(_version_or_404(a_name), _version_or_404(b_name))
        plots = {mv.version: registry.artifact_plots(mv) for mv in (comparison.a, comparison.b)}
    return render_template("ml/compare.html", rows=rows, a=a_name, b=b_name, comparison=comparison, plots=plots)


@bp.route("/versions/<version>/promote", methods=["GET", "POST"])
@roles_required(*MODEL_ROLES)
def promote(version: str):
    mv = _version_or_404(version)
    form = PromoteForm(version=mv.version)
    if request.method == "POST" and form.validate_on_submit():
        if form.version.data != mv.version:
            abort(400, description="The form does not match this version.")
        try:
            result = registry.promote(mv.version, current_user, via="web")
        except registry.RegistryError as exc:
            flash(str(exc), "error")
            return redirect(url_for("ml.versions"))
        return _switched(result, "Now serving")
    served = registry.served_version()
    comparison = registry.compare(served, mv) if served is not None and served.id != mv.id else None
    return render_template("ml/confirm_promote.html", mv=mv, served=served, form=form, comparison=comparison), (
        400 if request.method == "POST" else 200)


def _switched(result, verb: str):
    """Flash the outcome of a promote or rollback and go back to the versions page."""
    flash(f"{verb} {result.version} (was {result.previous or 'none'}).", "success")
    if result.link_warning:
        flash(f"Served in the database, but: {result.link_warning}", "error")
    return redirect(url_for("ml.versions"))


@bp.route("/rollback", methods=["GET", "POST"])
@roles_required(*MODEL_ROLES)
def rollback():
    target = registry.rollback_target()
    form = RollbackForm(target=target or "")
    if request.method == "POST" and form.validate_on_submit():
        if target is None:
            flash("There is no earlier promoted version to roll back to.", "error")
            return redirect(url_for("ml.versions"))
        if form.target.data != target:
            flash("The served version changed meanwhile; check the page and try again.", "error")
            return redirect(url_for("ml.rollback"))
        try:
            result = registry.rollback(current_user, via="web")
        except registry.RegistryError as exc:
            flash(str(exc), "error")
            return redirect(url_for("ml.versions"))
        return _switched(result, "Rolled back to")
    served = registry.served_version()
    return render_template("ml/confirm_rollback.html", target=target, served=served, form=form), (
        400 if request.method == "POST" else 200)


@bp.post("/scan")
@roles_required(*MODEL_ROLES)
def scan():
    if not ScanForm().validate_on_submit():
        abort(400, description="The form expired; reload the page and try again.")
    report = registry.scan_models(current_app.config["MODELS_ROOT"])
    flash(f"Scan: {len(report.registered)} new, {len(report.updated)} updated, "
          f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped.", "success")
    for name, reason in report.skipped[:20]:
        flash(f"Skipped {name}: {reason}", "error")
    return redirect(url_for("ml.versions"))


@bp.post("/export")
@roles_required(*MODEL_ROLES)
def export():
    """The same de-identified export as `flask export-cases`, as a download (audited)."""
    if not ExportForm().validate_on_submit():
        abort(400, description="The form expired; reload the page and try again.")
    data, summary = export_to_bytes(actor=current_user, via="web")
    name = f"confirmed-cases-{datetime.now(UTC):%Y%m%d}.jsonl"
    resp = Response(data, mimetype="application/x-ndjson")
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Export-Count"] = str(summary.total)
    return resp


# -- training a new version -------------------------------------------------------------------------

def _job_or_404(job_id: str, **kwargs) -> training_jobs.JobStatus:
    try:
        return training_jobs.get_status(job_id, **kwargs)
    except training_jobs.UnknownJob:
        abort(404, description="There is no training job with that id.")


@bp.post("/train")
@roles_required(*MODEL_ROLES)
def train():
    """Start a background training run (one at a time); the new version is registered, not promoted."""
    form = TrainForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400, description="The form expired; reload the page and try again.")
        flash("The training was not started: check the form below.", "error")
        return _versions_page(form, 400)
    try:
        job = training_jobs.start_job(form.epochs.data, form.confirmed_weight.data, actor=current_user)
    except training_jobs.JobRunning as exc:
        flash(str(exc), "error")
        return _versions_page(form, 409)
    except training_jobs.TrainingError as exc:
        flash(str(exc), "error")
        return _versions_page(form, 503)
    n = job.data.get("confirmed_cases", 0)
    if n:
        flash(f"Training job {job.job_id} started on the knowledge base and {n} confirmed "
              f"case{'s' if n != 1 else ''} (de-identified).", "success")
    else:
        flash(f"Training job {job.job_id} started. There are no clinician-confirmed cases yet, so it uses only "
              "the knowledge base.", "success")
    return redirect(url_for("ml.training_job", job_id=job.job_id))


@bp.get("/train/<job_id>.json")
@roles_required(*MODEL_ROLES)
def training_job_json(job_id: str):
    job = _job_or_404(job_id)
    body = job.as_dict()
    body["log_tail"] = [hide_paths(line) for line in body.get("log_tail") or []]  # no server folders on pages
    served = registry.served_version()
    body["served"] = served.version if served else None
    body["version_url"] = url_for("ml.version_detail", version=job.version) if job.version else None
    body["compare_url"] = (url_for("ml.compare", a=served.version, b=job.version)
                           if job.version and served and served.version != job.version else None)
    resp = jsonify(body)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/train/<job_id>")
@roles_required(*MODEL_ROLES)
def training_job(job_id: str):
    job = _job_or_404(job_id)
    return render_template("ml/training_job.html", job=job, served=registry.served_version(),
                           cancel_form=CancelTrainingForm())


@bp.post("/train/<job_id>/cancel")
@roles_required(*MODEL_ROLES)
def cancel_training(job_id: str):
    if not CancelTrainingForm().validate_on_submit():
        abort(400, description="The form expired; reload the page and try again.")
    _job_or_404(job_id, finalize=False, tail=0)
    try:
        flash(training_jobs.cancel_job(job_id, actor=current_user), "success")
    except training_jobs.TrainingError as exc:
        flash(str(exc), "error")
    return redirect(url_for("ml.training_job", job_id=job_id))


# -- agreement dashboard -------------------------------------------------------------------------

def _days() -> int:
    try:
        days = int(request.args.get("days", DEFAULT_DAYS))
    except ValueError:
        return DEFAULT_DAYS
    return days if days in DAY_CHOICES else DEFAULT_DAYS


@bp.get("/agreement")
@roles_required(*AGREEMENT_ROLES)
def agreement():
    days = _days()
    report = agreement_report(days or None)
    audit_view(report, days or None)
    return render_template("ml/agreement.html", report=report, days=days, day_choices=DAY_CHOICES, charts=CHARTS,
                           small_sample=SMALL_SAMPLE)


@bp.get("/agreement/charts/<name>.png")
@roles_required(*AGREEMENT_ROLES)
def agreement_chart(name: str):
    if name not in CHARTS:
        abort(404, description="There is no such chart.")
    png = render_chart(agreement_report(_days() or None), name)
    resp = Response(png, mimetype="image/png")
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


# -- active-learning queue -----------------------------------------------------------------------

def review_url(diagnosis_id: int) -> str | None:
    """The clinician review page of an assessment, if that feature is installed."""
    endpoint = "assess.result"
    if endpoint not in current_app.view_functions:
        return None
    for rule in current_app.url_map.iter_rules(endpoint):
        args = [a for a in rule.arguments if a not in (rule.defaults or {})]
        if len(args) == 1:
            return url_for(endpoint, **{args[0]: diagnosis_id})
    return None


@bp.get("/queue")
@roles_required(*QUEUE_ROLES)
def queue():
    deidentify = current_user.role != "clinician"
    rescore = request.args.get("rescore") == "1"
    total = queue_size()
    pages = max(1, -(-total // QUEUE_PER_PAGE))
    page = min(page_arg(request.args), pages)
    items = build_queue(deidentify=deidentify, rescore=rescore, limit=QUEUE_PER_PAGE, offset=(page - 1) * QUEUE_PER_PAGE)
    links = {it.diagnosis_id: review_url(it.diagnosis_id) for it in items} if not deidentify else {}
    return render_template("ml/queue.html", items=items, deidentify=deidentify, rescore=rescore, links=links,
                           holder=_holder(), page=page, pages=pages, total=total,
                           first_rank=(page - 1) * QUEUE_PER_PAGE)
