"""Admin views for teams."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app.admin import bp
from app.admin.forms import TeamForm, TeamRenameForm
from app.admin.services import AccountError, create_team, rename_team
from app.auth.access import role_required
from app.extensions import db
from app.models import Team, User


@bp.route("/teams", methods=["GET", "POST"])
@role_required("admin")
def teams():
    """List teams with their member counts, and add a team."""
    form = TeamForm()
    status = 200
    if form.validate_on_submit():
        try:
            team = create_team(form.slug.data, form.name.data, by=current_user)
        except AccountError as error:
            form.form_errors.append(error.translated(_))
        else:
            flash(_("Added team %(name)s.", name=team.name), "success")
            return redirect(url_for("admin.teams"))
    if form.errors:
        status = 400
    counts = dict(db.session.execute(select(User.team_id, func.count()).group_by(User.team_id)).all())
    all_teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    return render_template("admin/teams.html", teams=all_teams, counts=counts, form=form,
                           rename_form=TeamRenameForm()), status


@bp.route("/teams/<int:team_id>/rename", methods=["POST"])
@role_required("admin")
def team_rename(team_id: int):
    """Rename a team (its slug stays: documents refer to it)."""
    team = db.session.get(Team, team_id) or abort(404)
    form = TeamRenameForm()
    if form.validate_on_submit():
        rename_team(team, form.name.data, by=current_user)
        flash(_("Renamed to %(name)s.", name=team.name), "success")
    else:
        flash(_("A name of 1 to 100 characters is required."), "error")
    return redirect(url_for("admin.teams"))
