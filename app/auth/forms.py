"""Account forms. Field limits mirror the database columns; the rules that matter (e-mail
normalisation, password strength, duplicates) are checked again in app/services/accounts.py."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from app.services.accounts import EMAIL_MAX, NAME_MAX, PASSWORD_MAX


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _email_field(autocomplete: str = "email") -> EmailField:
    return EmailField("E-mail address", filters=[_strip], validators=[
        DataRequired("Enter your e-mail address."),
        Length(max=EMAIL_MAX, message=f"E-mail address must be at most {EMAIL_MAX} characters."),
    ], render_kw={"autocomplete": autocomplete, "spellcheck": "false", "autocapitalize": "none"})


def _new_password(label: str = "Password") -> PasswordField:
    return PasswordField(label, validators=[
        DataRequired("Choose a password."),
        Length(max=PASSWORD_MAX, message=f"Password must be at most {PASSWORD_MAX} characters long."),
    ], render_kw={"autocomplete": "new-password"})


def _confirm(other: str) -> PasswordField:
    return PasswordField("Repeat the password", validators=[
        DataRequired("Repeat the password."),
        EqualTo(other, message="The two passwords do not match."),
    ], render_kw={"autocomplete": "new-password"})


def _name_field() -> StringField:
    return StringField("Full name", filters=[_strip], validators=[
        DataRequired("Enter your name."),
        Length(max=NAME_MAX, message=f"Name must be at most {NAME_MAX} characters."),
    ], render_kw={"autocomplete": "name"})


class LoginForm(FlaskForm):
    email = _email_field("username")
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField("Log in")


class RegisterForm(FlaskForm):
    name = _name_field()
    email = _email_field()
    password = _new_password()
    confirm = _confirm("password")
    submit = SubmitField("Create account")


class ResetRequestForm(FlaskForm):
    email = _email_field()
    submit = SubmitField("Send reset link")


class ResetPasswordForm(FlaskForm):
    password = _new_password("New password")
    confirm = _confirm("password")
    submit = SubmitField("Set new password")


class NameForm(FlaskForm):
    name = _name_field()
    submit = SubmitField("Save name")


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired("Enter your current password.")],
                                     render_kw={"autocomplete": "current-password"})
    new_password = _new_password("New password")
    confirm = _confirm("new_password")
    submit = SubmitField("Change password")


class ExportForm(FlaskForm):
    submit = SubmitField("Download my data")


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired("Enter your password to confirm.")],
                             render_kw={"autocomplete": "current-password"})
    confirm = BooleanField("I understand that my account will be deleted and cannot be restored.",
                           validators=[DataRequired("Tick the box to confirm.")])
    submit = SubmitField("Delete my account")
