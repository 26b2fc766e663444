"""Clinician forms: a new assessment, the review, and the history filters."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from models import TRIAGE_LEVELS

SEX_CHOICES = [("", "Not given"), ("female", "Female"), ("male", "Male")]


RISK_QUESTIONS = (
    ("pregnant", "Pregnant, or could be pregnant"),
    ("diabetes", "Diabetes"),
    ("immunosuppressed", "Weakened immune system or chemotherapy"),
    ("anticoagulants", "Takes blood thinners (e.g. warfarin, apixaban)"),
    ("recent_surgery", "An operation or hospital stay in the last 4 weeks"),
)
CONSCIOUSNESS_CHOICES = [("", "Not recorded"), ("alert", "Alert"), ("confused", "New confusion"),
                         ("voice", "Responds to voice"), ("pain", "Responds to pain"), ("unresponsive", "Unresponsive")]


class RiskQuestions:
    """The questions that change urgency (a ticked box is a yes; unticked means not known)."""

    pregnant = BooleanField(RISK_QUESTIONS[0][1])
    diabetes = BooleanField(RISK_QUESTIONS[1][1])
    immunosuppressed = BooleanField(RISK_QUESTIONS[2][1])
    anticoagulants = BooleanField(RISK_QUESTIONS[3][1])
    recent_surgery = BooleanField(RISK_QUESTIONS[4][1])


def risk_answers(form) -> dict[str, bool]:
    return {key: True for key, _ in RISK_QUESTIONS if getattr(form, key).data}


def vitals_answers(form) -> dict:
    """The vital-sign fields the form has and that were filled in."""
    out = {}
    for key in ("temperature_c", "heart_rate", "respiratory_rate", "systolic_bp", "spo2", "consciousness"):
        field = getattr(form, key, None)
        if field is not None and field.data not in (None, ""):
            out[key] = field.data
    if getattr(form, "on_oxygen", None) is not None and form.on_oxygen.data:
        out["on_oxygen"] = True
    return out


class AssessmentForm(RiskQuestions, FlaskForm):
    symptoms = TextAreaField("Symptoms", validators=[DataRequired(message="Please describe the symptoms."),
                                                     Length(min=3, message="Please write at least 3 characters.")])
    age = IntegerField("Age (years)", validators=[Optional(), NumberRange(0, 120, message="Age must be from 0 to 120.")])
    sex = SelectField("Sex", choices=SEX_CHOICES, validate_choice=True, default="")
    patient_email = EmailField("Patient's e-mail (optional, links the assessment to their account)",
                               validators=[Optional(), Email(message="This is not a valid e-mail address."), Length(max=254)])
    temperature_c = FloatField("Temperature (\u00b0C)", validators=[Optional(), NumberRange(25, 45, message="Temperature must be from 25 to 45 \u00b0C.")])
    heart_rate = IntegerField("Heart rate (/min)", validators=[Optional(), NumberRange(20, 300, message="Heart rate must be from 20 to 300.")])
    respiratory_rate = IntegerField("Respiratory rate (/min)", validators=[Optional(), NumberRange(4, 80, message="Respiratory rate must be from 4 to 80.")])
    systolic_bp = IntegerField("Systolic BP (mmHg)", validators=[Optional(), NumberRange(40, 300, message="Systolic BP must be from 40 to 300.")])
    spo2 = IntegerField("SpO\u2082 (%)", validators=[Optional(), NumberRange(50, 100, message="SpO2 must be from 50 to 100.")])
    on_oxygen = BooleanField("On supplemental oxygen")
    consciousness = SelectField("Consciousness (ACVPU)", choices=CONSCIOUSNESS_CHOICES, default="")


class ReviewForm(FlaskForm):
    outcome = RadioField("Your decision", choices=[("accepted", "Accept the first suggestion"),
                                                   ("corrected", "Correct: the diagnosis is another condition"),
                                                   ("rejected", "Reject the suggestions")],
                         validators=[DataRequired(message="Choose accept, correct or reject.")])
    final_icd10 = SelectField("Final diagnosis (for a correction)", choices=[], validate_choice=False, default="")
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=2000)])
    triage_level = SelectField("Urgency (yours; the AI's level is kept beside it)", validate_choice=True, default="",
                               choices=[("", "Agree with the AI's urgency")]
                               + [(lv, lv.replace("_", " ").capitalize()) for lv in TRIAGE_LEVELS])
    triage_reason = TextAreaField("Reason for changing the urgency (required when you change it)",
                                  validators=[Length(max=2000)])  # no Optional(): it would skip the check below
    ai_level: str | None = None  # set by the view: the AI's urgency, which needs no reason to keep

    def validate_final_icd10(self, field) -> None:
        if self.outcome.data == "corrected" and not field.data:
            raise ValidationError("Required for a correction.")

    def validate_triage_reason(self, field) -> None:
        level = self.triage_level.data
        if level and level != self.ai_level and not (field.data or "").strip():
            raise ValidationError("Give a reason for changing the AI's urgency.")


class HistoryFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form: nothing changes

    q = StringField("Text in symptoms", validators=[Optional(), Length(max=200)])
    level = SelectField("Urgency", choices=[("", "Any")] + [(lv, lv.replace("_", " ")) for lv in TRIAGE_LEVELS],
                        default="")
    source = SelectField("Source", choices=[("", "Any"), ("clinician", "Clinician entry"), ("self", "Patient self-assessment")],
                         default="")
    reviewed = SelectField("Review", choices=[("", "Any"), ("no", "Not reviewed"), ("yes", "Reviewed")], default="")
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")


class WorklistFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter form: nothing changes

    level = HistoryFilterForm.level
    source = HistoryFilterForm.source
