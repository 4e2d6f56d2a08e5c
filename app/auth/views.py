"""Sign-in and sign-out pages."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from app.auth import bp
from app.auth.forms import EmptyForm, LoginForm
from app.auth.services import LoginRefused, LoginThrottled, authenticate


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("reading.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("reading.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data, request.remote_addr or "unknown")
        except LoginRefused as refusal:
            form.form_errors.append(str(refusal))
            status = 429 if isinstance(refusal, LoginThrottled) else 401
        else:
            login_user(user, remember=form.remember.data)
            flash(f"Welcome, {user.name}.", "success")
            return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """Sign out (a shared link shows the button; the POST signs out)."""
    form = EmptyForm()
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if form.validate_on_submit():
        logout_user()
        flash("You are signed out.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/logout.html", form=form)
