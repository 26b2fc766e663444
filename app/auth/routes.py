"""Log in / out, self-registration, password reset and the account page (profile, password,
"download my data", "delete my account"). Views parse, call app/services/accounts.py, render."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import (
    DeleteAccountForm,
    ExportForm,
    LoginForm,
    NameForm,
    PasswordChangeForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from app.extensions import limiter
from app.services import accounts
from app.services.accounts import AccountError
from app.services.rate_limits import (
    account_failure_limit,
    account_key,
    auth_limit,
    clear_account_failures,
    mark_password_failure,
)

INVALID_LOGIN = "Invalid e-mail or password."
RESET_SENT = ("If an account exists for that e-mail address, we have sent it a link to choose a new "
              "password. The link works once and expires soon; check your spam folder if it does not arrive.")
RESET_INVALID = "This password reset link is invalid, has expired or has already been used. Please request a new one."
# The one answer to a registration, new address or not (no enumeration): the owner of an
# existing account gets a mail saying so instead of a second account.
REGISTERED = ("Thank you. We have sent a message to that e-mail address. If the address is new, your "
              "account is ready: log in with it and the password you chose. If it already had an account, "
              "the message explains how to get back into it.")


auth_rate_limit = limiter.limit(auth_limit, methods=["POST"])

# Failed password attempts per account, whatever address they come from (a botnet spreads its
# guesses over many IPs, which the per-IP limit alone would not stop). Only failures count, so a
# user who types the right password is never locked out by their own success. The bucket is
# shared with the API token endpoint, the password change and the account deletion
# (app/services/rate_limits.py): a lock holds on every door, and a reset e-mail lifts it.
login_account_limit = account_failure_limit(lambda: account_key(request.form.get("email")))


def _own_account_key() -> str:
    return account_key(getattr(current_user, "email", None))


own_account_limit = account_failure_limit(_own_account_key)


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site ("/me/history?x=1"), else None.

    Rejects absolute and scheme-relative URLs (`https://evil`, `//evil`), backslashes (browsers
    read `/\\evil` as `//evil`), and control characters or spaces (browsers drop tabs and
    newlines, turning `/\\t/evil` into `//evil`)."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return None
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _home() -> str:
    return url_for("main.index")


def _start_session(user) -> None:
    """A brand-new session for the user: nothing from before login survives (no fixation)."""
    session.clear()
    login_user(user)
    session.permanent = False


def _no_store(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/login", methods=["GET", "POST"])
@auth_rate_limit
@login_account_limit
def login():
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(target or _home())
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            _start_session(user)
            accounts.record_login(user)
            flash(f"Welcome back, {user.name}.", "success")
            return redirect(target or _home())
        mark_password_failure()
        error = INVALID_LOGIN
    return render_template("auth/login.html", form=form, error=error, next=target)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        accounts.record_logout(current_user._get_current_object())
        logout_user()
    session.clear()
    flash("You have been logged out.", "info")
    return redirect(_home())


@bp.route("/register", methods=["GET", "POST"])
@auth_rate_limit
def register():
    if current_user.is_authenticated:
        return redirect(_home())
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            accounts.register_patient(form.name.data, form.email.data, form.password.data)
        except AccountError as exc:
            getattr(form, exc.field or "email").errors.append(exc.message)
        else:
            # The same answer whether the address was new or already had an account (then its
            # owner got a mail instead): no session is started, the new user logs in as usual.
            session.clear()
            flash(REGISTERED, "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
@auth_rate_limit
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        flash(RESET_SENT, "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = accounts.verify_reset_token(token)
    if user is None:
        return _no_store(Response(render_template("auth/reset_invalid.html", message=RESET_INVALID), status=400))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(user, form.password.data)
        except AccountError as exc:
            form.password.errors.append(exc.message)
        else:
            clear_account_failures(user.email)  # the mailbox owner unlocks a locked account
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash("Your password has been changed and you were logged out everywhere. Log in with the new password.",
                  "success")
            return redirect(url_for("auth.login"))
    return _no_store(Response(render_template("auth/reset_password.html", form=form, token=token)))


# -- the account page --------------------------------------------------------------------------

def _profile_page(name_form=None, password_form=None, delete_form=None):
    user = current_user._get_current_object()
    name_form = name_form or NameForm(prefix="profile", data={"name": user.name})
    return _no_store(Response(render_template(
        "auth/profile.html",
        user=user,
        name_form=name_form,
        password_form=password_form or PasswordChangeForm(prefix="pw"),
        export_form=ExportForm(prefix="export"),
        delete_form=delete_form or DeleteAccountForm(prefix="delete"),
    )))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    if request.method == "GET":
        return _profile_page()
    form = NameForm(prefix="profile")
    if form.validate_on_submit():
        try:
            accounts.update_name(current_user._get_current_object(), form.name.data)
        except AccountError as exc:
            form.name.errors.append(exc.message)
        else:
            flash("Your name has been saved.", "success")
            return redirect(url_for("auth.profile"))
    return _profile_page(name_form=form)


@bp.post("/profile/password")
@auth_rate_limit
@own_account_limit
@login_required
def change_password():
    form = PasswordChangeForm(prefix="pw")
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.change_password(user, form.current_password.data, form.new_password.data)
        except AccountError as exc:
            if exc.field == "current_password":
                mark_password_failure()
            getattr(form, exc.field or "new_password").errors.append(exc.message)
        else:
            _start_session(user)  # this session continues with the new nonce; all others end
            flash("Your password has been changed. Other sessions have been logged out.", "success")
            return redirect(url_for("auth.profile"))
    return _profile_page(password_form=form)


@bp.post("/profile/export")
@login_required
def export_data():
    form = ExportForm(prefix="export")
    if not form.validate_on_submit():
        return redirect(url_for("auth.profile"))
    data = accounts.export_user_data(current_user._get_current_object())
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    resp = Response(json.dumps(data, indent=2, ensure_ascii=False), mimetype="application/json")
    resp.headers["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    return _no_store(resp)


@bp.post("/profile/delete")
@auth_rate_limit
@own_account_limit
@login_required
def delete_account():
    form = DeleteAccountForm(prefix="delete")
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not user.check_password(form.password.data):
            mark_password_failure()
            form.password.errors.append("The password is not correct. Your account has not been deleted.")
        else:
            try:
                accounts.delete_account(user)
            except AccountError as exc:
                form.password.errors.append(exc.message)
            else:
                logout_user()
                session.clear()
                flash("Your account has been deleted. Your assessments were kept without your name.", "info")
                return redirect(_home())
    return _profile_page(delete_form=form)
