"""The signed-in person's own account: display name and password."""
from flask import current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import bp
from app.auth.forms import AccountNameForm, PasswordChangeForm
from app.auth.preferences import preferences_form
from app.auth.services import LoginThrottled, change_password, check_current_password, rename_account
from app.auth.views import start_session
from app.errors import problem
from app.htmx import is_htmx, redirect_htmx
from app.messages import N_

# What a user who must choose a new password may still reach.
OPEN_DURING_RESET = frozenset({"auth.account_password", "auth.logout", "auth.login", "static"})


@bp.before_app_request
def require_new_password():
    """After an admin forced a reset, every page leads to choosing a new password first."""
    if "_user_id" not in session or request.endpoint in OPEN_DURING_RESET:
        return None
    if not (current_user.is_authenticated and current_user.must_change_password):
        return None
    detail = N_("Choose a new password first: an admin asked for it.")  # the API's answer stays English
    if request.path.startswith("/api/"):
        return problem(403, "Forbidden", detail)
    target = url_for("auth.account_password")
    if is_htmx():
        return redirect_htmx(make_response("", 204), target)
    flash(_(detail), "info")
    return redirect(target)


@bp.route("/account")
@login_required
def account():
    """One's own name and password."""
    return render_template("account/account.html", name_form=AccountNameForm(obj=current_user),
                           password_form=PasswordChangeForm(), preferences_form=preferences_form())


@bp.route("/account/name", methods=["POST"])
@login_required
def account_name():
    """Change one's own display name."""
    form = AccountNameForm()
    if form.validate_on_submit():
        rename_account(current_user, form.name.data)
        flash(_("Your name is saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template("account/account.html", name_form=form, password_form=PasswordChangeForm(),
                           preferences_form=preferences_form()), 400


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def account_password():
    """Change one's own password, with the current one; other sessions end, this one stays."""
    form = PasswordChangeForm(account_email=current_user.email)
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            current_ok = check_current_password(current_user, form.current_password.data,
                                                request.remote_addr or "unknown")
        except LoginThrottled as refusal:
            form.form_errors.append(str(refusal))
            status, headers = 429, {"Retry-After": str(refusal.retry_after)}
        else:
            if current_ok:
                return _password_changed(form.new_password.data)
            form.current_password.errors.append(_("This is not your current password."))
            status = 400
    elif request.method == "POST":
        status = 400
    return render_template("account/password.html", form=form), status, headers


def _password_changed(new_password: str):
    user = current_user._get_current_object()
    kept_remember_me = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    change_password(user, new_password, by=user)
    start_session(user, remember=kept_remember_me)
    flash(_("Your password is changed; you were signed out everywhere else."), "success")
    return redirect(url_for("auth.account"))
