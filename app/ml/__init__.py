"""The learning loop's pages and commands: model versions, agreement, active-learning queue."""

from flask import Blueprint

# cli_group: the blueprint's commands are `flask models scan|list|promote|rollback`.
bp = Blueprint("ml", __name__, cli_group="models")

from app.ml import cli, routes  # noqa: E402,F401
