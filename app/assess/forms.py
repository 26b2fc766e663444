"""Clinician forms: a new assessment, the review, and the history filters."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from models import TRIAGE_LEVELS

SEX_CHOICES = [("", "Not given"), ("female", "Female"), ("male", "Male")]


class AssessmentForm(FlaskForm):
    symptoms = TextAreaField("Symptoms", validators=[DataRequired(message="Please describe the symptoms."),
                                                     Length(min=3, message="Please write at least 3 characters.")])
    age = IntegerField("Age (years)", validators=[Optional(), NumberRange(0, 120, message="Age must be from 0 to 120.")])
    sex = SelectField("Sex", choices=SEX_CHOICES, validate_choice=True, default="")
    patient_email = EmailField("Patient's e-mail (optional, links the assessment to their account)",
                               validators=[Optional(), Email(message="This is not a valid e-mail address."), Length(max=254)])


class ReviewForm(FlaskForm):
    outcome = RadioField("Your decision", choices=[("accepted", "Accept the first suggestion"),
                                                   ("corrected", "Correct: the diagnosis is another condition"),
                                                   ("rejected", "Reject the suggestions")],
                         validators=[DataRequired(message="Choose accept, correct or reject.")])
    final_icd10 = SelectField("Final diagnosis (for a correction)", choices=[], validate_choice=False, default="")
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=2000)])


class HistoryFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form: nothing changes

    q = StringField("Text in symptoms", validators=[Optional(), Length(max=200)])
    level = SelectField("Triage level", choices=[("", "Any")] + [(lv, lv.replace("_", " ")) for lv in TRIAGE_LEVELS],
                        default="")
    reviewed = SelectField("Review", choices=[("", "Any"), ("no", "Not reviewed"), ("yes", "Reviewed")], default="")
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
