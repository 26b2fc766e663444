"""Every `flask --app app ...` command, in one place (the training CLI is `python -m training`).

seed, create-user, bootstrap-admin (accounts); export-cases and `models scan|list|promote|rollback`
(the learning loop); send-mail (the outbox). Each command parses its arguments and calls a service.
"""

from __future__ import annotations

import os
import sys
import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.services.accounts import validate_password  # one password rule for web, admin and CLI
from app.services.outbox import DEFAULT_POLL_SECONDS
from models import ROLES, OutboxMessage, User, db


def register(app: Flask) -> None:
    for command in (seed, create_user, bootstrap_admin, export_cases, models_cli, send_mail):
        app.cli.add_command(command)


@click.command("seed")
@click.option("--file", "path", type=click.Path(dir_okay=False), default=None, help="knowledge-base JSON (default: knowledge/diseases.json)")
def seed(path: str | None) -> None:
    """Load or refresh disease records from the knowledge base (idempotent)."""
    from app.services.seed import seed_diseases
    from knowledge import KnowledgeBaseError, load_knowledge_base

    try:
        kb = load_knowledge_base(path or current_app.config.get("KNOWLEDGE_BASE_PATH"))
    except KnowledgeBaseError as exc:
        raise click.ClickException(f"knowledge base not loaded, nothing changed: {exc}") from exc
    report = seed_diseases(kb)
    click.echo(f"knowledge base {kb.version}: {len(kb.conditions)} conditions")
    click.echo(report.summary())


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default=None, help="display name (default: the part of the e-mail before @)")
def create_user(email: str, role: str, name: str | None) -> None:
    """Create a user; password from the prompt, or from env PASSWORD when not a TTY."""
    from email_validator import EmailNotValidError, validate_email

    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise click.ClickException(f"invalid e-mail: {exc}") from exc
    if db.session.scalar(db.select(User).where(User.email == email)):
        raise click.ClickException(f"a user with e-mail {email} already exists")
    password = os.environ.get("PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise click.ClickException("no password: set PASSWORD in the environment when not on a terminal")
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = validate_password(password)
    if problem:
        raise click.ClickException(problem)
    user = User(email=email, name=name or email.split("@")[0], role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    from app.services.audit import record

    record("user.create", "user", user.id, role=role, via="cli")
    db.session.commit()
    click.echo(f"created {role} {email} (id {user.id})")


@click.command("bootstrap-admin")
@click.option("--email", default="admin@example.org", show_default=True)
def bootstrap_admin(email: str) -> None:
    """Create the first admin with a generated password, printed once; no-op if an admin exists."""
    import secrets as _secrets

    from app.services.accounts import AccountError, normalize_email

    if db.session.scalar(db.select(User).where(User.role == "admin").limit(1)):
        click.echo("an admin account already exists; nothing created")
        return
    try:  # the login form looks addresses up by this spelling: anything else could never log in
        email = normalize_email(email)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    password = _secrets.token_urlsafe(15)
    user = User(email=email, name="Administrator", role="admin")
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    from app.services.audit import record

    record("user.create", "user", user.id, role="admin", via="bootstrap")
    db.session.commit()
    click.echo("=" * 64)
    click.echo(f"Admin account created: {user.email}")
    click.echo(f"Password (shown once, store it now): {password}")
    click.echo("=" * 64)


# -- the learning loop ---------------------------------------------------------------------------

@click.command("export-cases")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
def export_cases(out: str) -> None:
    """Write clinician-confirmed cases (accepted, corrected) as de-identified JSONL training data."""
    from app.services.export_cases import export_to_file

    try:
        summary = export_to_file(out, via="cli")
    except OSError as exc:
        raise click.ClickException(f"could not write {out}: {exc.strerror or exc}") from exc
    click.echo(summary.text())
    click.echo(f"wrote {out}")


models_cli = AppGroup("models", help="Model versions: scan the models folder, list, promote, roll back.")


@models_cli.command("scan")
@click.option("--root", default=None, help="folder of artifact directories (default: MODELS_ROOT)")
def scan_cmd(root: str | None) -> None:
    """Register every valid artifact directory (idempotent); say why others were skipped."""
    from app.services import registry

    report = registry.scan_models(root or current_app.config["MODELS_ROOT"])
    click.echo(report.summary())


@models_cli.command("list")
def list_cmd() -> None:
    """Registered versions, newest first; * marks the served one."""
    from app.services import registry
    from app.services.model_metrics import metric_summary

    rows = registry.list_versions()
    if not rows:
        click.echo("no model versions registered (run `flask models scan`)")
        return
    for mv in rows:
        m = metric_summary(mv.metrics)
        acc = "-" if m["accuracy"] is None else f"{m['accuracy']:.3f}"
        f1 = "-" if m["macro_f1"] is None else f"{m['macro_f1']:.3f}"
        trained = mv.trained_at.strftime("%Y-%m-%d %H:%M") if mv.trained_at else "-"
        click.echo(f"{'*' if mv.is_served else ' '} {mv.version}  trained {trained}  accuracy {acc}  "
                   f"macro-F1 {f1}  {mv.path}")


def _serve_version(change, done: str) -> None:
    """Run a registry change (promote or rollback) and say what is served now."""
    from app.services import registry

    try:
        result = change(registry)
    except registry.RegistryError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{done} {result.version} (was {result.previous or 'none'})")
    if result.link_warning:
        click.echo(f"warning: {result.link_warning}", err=True)


@models_cli.command("promote")
@click.argument("version")
def promote_cmd(version: str) -> None:
    """Serve VERSION (loads it first: a broken artifact changes nothing)."""
    _serve_version(lambda registry: registry.promote(version, None, via="cli"), "serving")


@models_cli.command("rollback")
def rollback_cmd() -> None:
    """Serve the previously promoted version again."""
    _serve_version(lambda registry: registry.rollback(None, via="cli"), "rolled back to")


# -- the outbox ----------------------------------------------------------------------------------

@click.command("send-mail")
@click.option("--loop", is_flag=True, help="keep running, delivering every --interval seconds")
@click.option("--interval", default=DEFAULT_POLL_SECONDS, show_default=True, type=float)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000), help="messages per batch")
def send_mail(loop: bool, interval: float, limit: int) -> None:
    """Deliver pending outbox mail (once, or with --loop as a worker process); with QUEUE_BACKEND=rq,
    also schedule the next delivery round on the `mail` queue (e.g. after Redis lost its data)."""
    from app.services.job_queue import QueueError
    from app.services.outbox import deliver_pending, schedule_next_round

    app = current_app._get_current_object()
    total_sent = total_failed = 0
    try:
        while True:
            sent, failed = deliver_pending(app, limit)
            total_sent += sent
            total_failed += failed
            if sent or failed:
                click.echo(f"sent {sent}, failed {failed}")
            if sent + failed >= limit and not (failed and not sent):
                continue  # a full batch: more may be due right now
            if not loop:
                break
            time.sleep(interval)
    except KeyboardInterrupt:
        pass
    if not loop:
        pending = db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)
                                    .where(OutboxMessage.status == "pending"))
        click.echo(f"done: sent {total_sent}, failed {total_failed}, still pending {pending}")
    try:
        following = schedule_next_round(app)  # None with QUEUE_BACKEND=local: its thread polls
    except QueueError as exc:
        raise click.ClickException(f"the next delivery round could not be scheduled: {exc}") from exc
    if following is not None:
        click.echo(f"next delivery round on the mail queue: {following:%Y-%m-%d %H:%M:%S} UTC")
