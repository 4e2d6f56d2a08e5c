"""Forms for managing users and teams, and the field checks every admin form words the same way."""
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Regexp, ValidationError

from app.auth.forms import PASSWORD_HINT, no_control_characters, strong_password
from app.extensions import db
from app.models import ROLES, Team, User
from app.sla.schema import TEAM_PATTERN

SELF_CHANGE_REFUSED = _l("Another admin changes your own team and role.")
# WTForms has no Thai catalogue: the admin forms give their own messages, worded as WTForms words them.
REQUIRED = DataRequired(message=_l("This field is required."))


def at_most(length: int) -> Length:
    """A length limit whose message the reader can read."""
    return Length(max=length, message=_l("Field cannot be longer than %(max)d characters."))


def team_choices() -> list[tuple[str, str]]:
    return [(t.slug, t.name) for t in db.session.scalars(select(Team).order_by(Team.name))]


class UserEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[no_control_characters, REQUIRED, at_most(100)])
    team = SelectField(_l("Team"), validators=[REQUIRED])
    role = SelectField(_l("Role"), choices=[(r, _l(r)) for r in ROLES], validators=[REQUIRED])
    submit = SubmitField(_l("Save"))

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
    email = EmailField(_l("Email"), validators=[
        no_control_characters, REQUIRED, Email(message=_l("Invalid email address.")), at_most(254)])
    password = PasswordField(_l("Password"), validators=[REQUIRED, strong_password], description=PASSWORD_HINT)
    submit = SubmitField(_l("Create user"))

    def validate_email(self, field):
        email = field.data.strip().lower()
        if db.session.scalar(select(User).where(User.email == email)):
            raise ValidationError(_l("A user with this email already exists."))


class TeamForm(FlaskForm):
    slug = StringField(_l("Slug"), validators=[
        no_control_characters, REQUIRED, at_most(40),
        Regexp(TEAM_PATTERN, message=_l("Lowercase letters, digits and dashes only."))])
    name = StringField(_l("Name"), validators=[no_control_characters, REQUIRED, at_most(100)])
    submit = SubmitField(_l("Add team"))

    def validate_slug(self, field):
        if db.session.scalar(select(Team).where(Team.slug == field.data)):
            raise ValidationError(_l("A team with this slug already exists."))


class TeamRenameForm(FlaskForm):
    name = StringField(_l("Name"), validators=[no_control_characters, REQUIRED, at_most(100)])
    submit = SubmitField(_l("Rename"))
