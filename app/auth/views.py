"""Sign-in and sign-out pages."""
from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.auth import bp
from app.auth.forms import EmptyForm, LoginForm
from app.auth.redirects import safe_next
from app.auth.services import LoginRefused, LoginThrottled, authenticate, sign_out_everywhere


def start_session(user, remember: bool = False) -> None:
    """A fresh session for `user`: nothing from before carries over, the CSRF secret included."""
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    login_user(user, remember=remember)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("reading.home"))
    form = LoginForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data, request.remote_addr or "unknown")
        except LoginThrottled as refusal:
            form.form_errors.append(str(refusal))
            status, headers = 429, {"Retry-After": str(refusal.retry_after)}
        except LoginRefused as refusal:
            form.form_errors.append(str(refusal))
            status = 401
        else:
            start_session(user, remember=form.remember.data)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status, headers


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """Sign out (a shared link shows the button; the POST signs out, on every device)."""
    form = EmptyForm()
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if form.validate_on_submit():
        sign_out_everywhere(current_user._get_current_object())
        session.clear()
        logout_user()
        flash(_("You are signed out."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/logout.html", form=form)
