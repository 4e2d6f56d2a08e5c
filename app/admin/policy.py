"""Admin view for the approval policy: which teams must sign, and self-approval."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectMultipleField, SubmitField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.admin import bp
from app.auth.access import role_required
from app.extensions import db
from app.models import Team
from app.versions.policy import required_teams, self_approval_allowed, set_policy
from app.versions.errors import VersionError


class PolicyForm(FlaskForm):
    teams = SelectMultipleField(_l("Teams that must sign"), widget=ListWidget(prefix_label=False),
                                option_widget=CheckboxInput(),
                                description=_l("One approval from an approver of each of these teams publishes a version."))
    allow_self_approval = BooleanField(_l("Approvers may approve versions containing their own edits"))
    submit = SubmitField(_l("Save policy"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.teams.choices = [(t.slug, t.name) for t in db.session.scalars(select(Team).order_by(Team.name))]

    def validate_teams(self, field):
        if not field.data:
            raise ValidationError(_("Choose at least one team that must sign."))


@bp.route("/policy", methods=["GET", "POST"])
@role_required("admin")
def policy():
    """Choose the teams that must sign a version, and whether approvers may sign their own edits."""
    form = PolicyForm()
    if not form.is_submitted():
        form.teams.data = required_teams()
        form.allow_self_approval.data = self_approval_allowed()
    if form.validate_on_submit():
        try:
            set_policy(form.teams.data, form.allow_self_approval.data, by=current_user)
        except VersionError as error:
            form.form_errors.append(_(str(error)))  # app.versions' message, translated when its catalogue has it
        else:
            flash(_("Approval policy saved."), "success")
            return redirect(url_for("admin.policy"))
    return render_template("admin/policy.html", form=form), 400 if form.errors else 200
