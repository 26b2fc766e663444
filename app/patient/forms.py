"""The patient's self-assessment form, in plain language."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FloatField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.assess.forms import RiskQuestions


class SelfAssessForm(RiskQuestions, FlaskForm):
    symptoms = TextAreaField("What is bothering you?", validators=[
        DataRequired(message="Please tell us what you feel."),
        Length(min=3, message="Please write a little more (at least 3 characters).")])
    age = IntegerField("Your age (optional)", validators=[Optional(), NumberRange(0, 120, message="Please enter an age from 0 to 120.")])
    sex = SelectField("Sex (optional)", choices=[("", "Prefer not to say"), ("female", "Female"), ("male", "Male")], default="")
    temperature_c = FloatField("Your temperature in \u00b0C, if you measured it (optional)",
                               validators=[Optional(), NumberRange(30, 45, message="Please enter a temperature from 30 to 45 \u00b0C.")])
