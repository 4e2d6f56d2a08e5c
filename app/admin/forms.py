"""Forms for managing users and teams."""
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Regexp, ValidationError

from app.auth.forms import PASSWORD_HINT, no_control_characters, strong_password
from app.extensions import db
from app.models import ROLES, Team, User
from app.sla.schema import TEAM_PATTERN

SELF_CHANGE_REFUSED = "Another admin changes your own team and role."


def team_choices() -> list[tuple[str, str]]:
    return [(t.slug, t.name) for t in db.session.scalars(select(Team).order_by(Team.name))]


class UserEditForm(FlaskForm):
    name = StringField("Name", validators=[no_control_characters, DataRequired(), Length(max=100)])
    team = SelectField("Team", validators=[DataRequired()])
    role = SelectField("Role", choices=[(r, r.capitalize()) for r in ROLES], validators=[DataRequired()])
    submit = SubmitField("Save")

    def __init__(self, *args, subject: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.team.choices = team_choices()
        self.subject = subject

    def _editing_self(self) -> bool:
        return self.subject is not None and current_user.is_authenticated and self.subject.id == current_user.id

    def validate_team(self, field):
        if self._editing_self() and field.data != self.subject.team.slug:
            raise ValidationError(SELF_CHANGE_REFUSED)

    def validate_role(self, field):
        if self._editing_self() and field.data != self.subject.role:
            raise ValidationError(SELF_CHANGE_REFUSED)


class UserCreateForm(UserEditForm):
    email = EmailField("Email", validators=[no_control_characters, DataRequired(), Email(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), strong_password], description=PASSWORD_HINT)
    submit = SubmitField("Create user")

    def validate_email(self, field):
        email = field.data.strip().lower()
        if db.session.scalar(select(User).where(User.email == email)):
            raise ValidationError("A user with this email already exists.")


class TeamForm(FlaskForm):
    slug = StringField("Slug", validators=[
        no_control_characters, DataRequired(), Length(max=40),
        Regexp(TEAM_PATTERN, message="Lowercase letters, digits and dashes only.")])
    name = StringField("Name", validators=[no_control_characters, DataRequired(), Length(max=100)])
    submit = SubmitField("Add team")

    def validate_slug(self, field):
        if db.session.scalar(select(Team).where(Team.slug == field.data)):
            raise ValidationError("A team with this slug already exists.")


class TeamRenameForm(FlaskForm):
    name = StringField("Name", validators=[no_control_characters, DataRequired(), Length(max=100)])
    submit = SubmitField("Rename")
