"""Forms of the ML pages: every state change is a POST with a CSRF token and a confirm step."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, FloatField, HiddenField, IntegerField, SubmitField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from training.config import DataConfig, OptimConfig


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


class TrainForm(FlaskForm):
    """A new training run: the knowledge base plus a fresh export of the confirmed cases."""

    epochs = IntegerField("Epochs", default=OptimConfig.epochs,
                          validators=[InputRequired(message="Give the number of epochs."),
                                      NumberRange(min=1, max=50, message="Epochs must be from 1 to 50.")])
    confirmed_weight = FloatField("Weight of clinician-confirmed cases", default=DataConfig.confirmed_weight,
                                  validators=[InputRequired(message="Give the weight of confirmed cases."),
                                              NumberRange(min=0.1, max=20,
                                                          message="The weight must be from 0.1 to 20.")])
    submit = SubmitField("Train a new version")


class CancelTrainingForm(FlaskForm):
    submit = SubmitField("Cancel training")
