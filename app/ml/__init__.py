"""The learning loop's pages: model versions, training, agreement, active-learning queue."""

from flask import Blueprint

# No CLI group: `flask models scan|list|promote|rollback` is defined in app/cli.py (a second
# "models" group registered by this blueprint would replace that one).
bp = Blueprint("ml", __name__)

from app.ml import routes  # noqa: E402,F401
