"""Admin forms (Flask-WTF, CSRF on every POST). Validation of records lives in the services;
these forms only carry the text and keep what the admin typed when something is wrong."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.services.diseases import (
    ALIAS_FORMAT,
    LIMITS,
    PRECAUTION_FORMAT,
    RED_FLAG_FORMAT,
    SYMPTOM_FORMAT,
)
from models import ROLES, URGENCY_LEVELS

URGENCY_CHOICES = [(u, u.replace("_", " ")) for u in URGENCY_LEVELS]
ROLE_CHOICES = [(r, r) for r in ROLES]


class DiseaseForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Name is required."), Length(max=LIMITS["name"])])
    icd10 = StringField("ICD-10 code", validators=[DataRequired("ICD-10 code is required."), Length(max=LIMITS["icd10"])],
                        description="A letter, two digits, optionally a dot and one or two more: J45 or J45.9.")
    aliases = TextAreaField("Aliases", description=ALIAS_FORMAT + "; unique across all diseases.")
    category = StringField("Category", validators=[Length(max=LIMITS["category"])], default="general",
                           description="Body system, e.g. respiratory.")
    description = TextAreaField("Description", validators=[Length(max=LIMITS["description"])])
    urgency = SelectField("Default urgency", choices=URGENCY_CHOICES, default="routine")
    symptoms = TextAreaField("Symptoms", description=f"One per line: {SYMPTOM_FORMAT}. At least one.")
    red_flags = TextAreaField("Red flags", description=f"One per line: {RED_FLAG_FORMAT}.")
    precautions = TextAreaField("Precautions and self-care advice", description=PRECAUTION_FORMAT + ".")
    submit = SubmitField("Save")


class ConfirmForm(FlaskForm):
    """A bare POST with its CSRF token (delete, reset link)."""

    submit = SubmitField("Confirm")


class UserCreateForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired("E-mail is required."), Length(max=254)])
    name = StringField("Name", validators=[DataRequired("Name is required."), Length(max=120)])
    role = SelectField("Role", choices=ROLE_CHOICES, default="patient")
    password = PasswordField("Password", validators=[Optional(), Length(max=256)],
                             description="At least 10 characters, mixing letters with digits or symbols. "
                                         "Leave empty to e-mail a reset link instead.")
    send_link = BooleanField("E-mail a password-reset link so the user sets their own password")
    submit = SubmitField("Create user")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)
    submit = SubmitField("Change role")


class ActiveForm(FlaskForm):
    active = HiddenField(validators=[DataRequired()])  # "1" reactivate, "0" deactivate
    submit = SubmitField("Apply")


class AuditFilterForm(FlaskForm):
    """GET filters: no CSRF (nothing changes), values come from the query string."""

    class Meta:
        csrf = False

    actor = StringField("Actor e-mail", validators=[Optional(), Length(max=254)],
                        description="Part of the e-mail is enough.")
    action = StringField("Action", validators=[Optional(), Length(max=40)],
                         description="Exact, or a prefix ending in '.' or '*' (user. or user.*).")
    target_type = StringField("Target type", validators=[Optional(), Length(max=40)])
    target_id = StringField("Target id", validators=[Optional(), Length(max=64)])
    date_from = DateField("From (date, UTC)", validators=[Optional()])
    date_to = DateField("To (date, UTC, inclusive)", validators=[Optional()])
