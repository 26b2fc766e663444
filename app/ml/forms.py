"""Forms of the ML pages: every state change is a POST with a CSRF token and a confirm step."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SubmitField
from wtforms.validators import DataRequired


class PromoteForm(FlaskForm):
    """Shown on the confirmation page; the checkbox is the deliberate second step."""

    version = HiddenField(validators=[DataRequired()])
    confirm = BooleanField("I have compared this version with the served one and want to serve it now",
                           validators=[DataRequired(message="Tick the box to confirm.")])
    submit = SubmitField("Promote")


class RollbackForm(FlaskForm):
    target = HiddenField(validators=[DataRequired()])
    confirm = BooleanField("Serve the previous version again",
                           validators=[DataRequired(message="Tick the box to confirm.")])
    submit = SubmitField("Roll back")


class ScanForm(FlaskForm):
    submit = SubmitField("Scan for new versions")


class ExportForm(FlaskForm):
    submit = SubmitField("Download confirmed cases (JSONL)")
