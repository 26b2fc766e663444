"""Flask CLI: seed, create-user (DESIGN.md "Command line"); export-cases lives with its feature."""

from __future__ import annotations

import os
import sys

import click
from flask import Flask, current_app

from app.services.accounts import validate_password  # one password rule for web, admin and CLI
from models import ROLES, User, db


def register(app: Flask) -> None:
    app.cli.add_command(seed)
    app.cli.add_command(create_user)
    from app.services.outbox import send_mail_command

    app.cli.add_command(send_mail_command)
    app.cli.add_command(bootstrap_admin)
    try:
        from app.ml.cli import export_cases

        app.cli.add_command(export_cases)
    except ImportError:  # the feature package is not built yet
        pass


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
