"""CLI of the learning loop: `flask export-cases OUT.jsonl` and `flask models scan|list|promote|rollback`."""

from __future__ import annotations

import click
from flask import current_app

from app.ml import bp
from app.services import registry
from app.services.export_cases import export_to_file


@click.command("export-cases")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
def export_cases(out: str) -> None:
    """Write clinician-confirmed cases (accepted, corrected) as de-identified JSONL training data."""
    try:
        summary = export_to_file(out, via="cli")
    except OSError as exc:
        raise click.ClickException(f"could not write {out}: {exc.strerror or exc}") from exc
    click.echo(summary.text())
    click.echo(f"wrote {out}")


# The blueprint's CLI group is named "models" (see app/ml/__init__.py): `flask models ...`.
models_cli = bp.cli
models_cli.help = "Model versions: scan the models folder, list, promote, roll back."


@models_cli.command("scan")
@click.option("--root", default=None, help="folder of artifact directories (default: MODELS_ROOT)")
def scan_cmd(root: str | None) -> None:
    """Register every valid artifact directory (idempotent); say why others were skipped."""
    report = registry.scan_models(root or current_app.config["MODELS_ROOT"])
    click.echo(report.summary())


@models_cli.command("list")
def list_cmd() -> None:
    """Registered versions, newest first; * marks the served one."""
    rows = registry.list_versions()
    if not rows:
        click.echo("no model versions registered (run `flask models scan`)")
        return
    for mv in rows:
        m = registry.metric_summary(mv.metrics)
        acc = "-" if m["accuracy"] is None else f"{m['accuracy']:.3f}"
        f1 = "-" if m["macro_f1"] is None else f"{m['macro_f1']:.3f}"
        trained = mv.trained_at.strftime("%Y-%m-%d %H:%M") if mv.trained_at else "-"
        click.echo(f"{'*' if mv.is_served else ' '} {mv.version}  trained {trained}  accuracy {acc}  "
                   f"macro-F1 {f1}  {mv.path}")


@models_cli.command("promote")
@click.argument("version")
def promote_cmd(version: str) -> None:
    """Serve VERSION (loads it first: a broken artifact changes nothing)."""
    try:
        result = registry.promote(version, None, via="cli")
    except registry.RegistryError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"serving {result.version} (was {result.previous or 'none'})")
    if result.link_warning:
        click.echo(f"warning: {result.link_warning}", err=True)


@models_cli.command("rollback")
def rollback_cmd() -> None:
    """Serve the previously promoted version again."""
    try:
        result = registry.rollback(None, via="cli")
    except registry.RegistryError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"rolled back to {result.version} (was {result.previous or 'none'})")
    if result.link_warning:
        click.echo(f"warning: {result.link_warning}", err=True)
