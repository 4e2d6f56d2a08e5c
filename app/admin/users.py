"""Admin views for users."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.admin import bp
from app.admin.forms import UserCreateForm, UserEditForm
from app.admin.services import AccountError, create_user, set_user_active, update_user
from app.auth.access import role_required
from app.auth.forms import EmptyForm, require_button_post
from app.auth.services import force_password_reset
from app.extensions import db
from app.models import User


def _get_user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404, _("No such user."))


@bp.route("/users")
@role_required("admin")
def users():
    """List every user with team, role and status."""
    people = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("admin/users.html", users=people, form=EmptyForm())


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def user_new():
    """Create a user."""
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = create_user(form.email.data, form.name.data, form.team.data, form.role.data,
                               form.password.data, by=current_user)
        except AccountError as error:
            form.form_errors.append(error.translated(_))
        else:
            flash(_("Created %(email)s.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None), 400 if form.errors else 200


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def user_edit(user_id: int):
    """Change a user's name, team and role."""
    user = _get_user(user_id)
    form = UserEditForm(obj=user, subject=user)
    if not form.is_submitted():
        form.team.data = user.team.slug
    if form.validate_on_submit():
        try:
            update_user(user, form.name.data, form.team.data, form.role.data, by=current_user)
        except AccountError as error:
            form.form_errors.append(error.translated(_))
        else:
            flash(_("Saved %(email)s.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user,
                           editing_self=user.id == current_user.id), 400 if form.errors else 200


@bp.route("/users/<int:user_id>/force-reset", methods=["POST"])
@role_required("admin")
def user_force_reset(user_id: int):
    """Sign a user out everywhere and make them choose a new password at their next sign-in."""
    user = _get_user(user_id)
    require_button_post()
    force_password_reset(user, by=current_user)
    flash(_("%(email)s is signed out and must choose a new password at the next sign-in.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@role_required("admin")
def user_deactivate(user_id: int):
    """Deactivate a user (they can no longer sign in)."""
    return _set_active(user_id, False)


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@role_required("admin")
def user_reactivate(user_id: int):
    """Reactivate a user."""
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    user = _get_user(user_id)
    require_button_post()
    try:
        set_user_active(user, active, by=current_user)
        flash(_("%(email)s is active.", email=user.email) if active
              else _("%(email)s is deactivated.", email=user.email), "success")
    except AccountError as error:
        flash(error.translated(_), "error")
    return redirect(url_for("admin.users"))
