"""Forms for managing users and teams."""
import re

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Regexp, StopValidation, ValidationError

from app.extensions import db
from app.models import ROLES, Team, User


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def no_control_characters(form, field):
    """Refuse control characters first: PostgreSQL cannot even compare text holding a NUL."""
    if isinstance(field.data, str) and CONTROL.search(field.data):
        raise StopValidation("Control characters are not allowed.")


def team_choices() -> list[tuple[str, str]]:
    return [(t.slug, t.name) for t in db.session.scalars(select(Team).order_by(Team.name))]


class UserEditForm(FlaskForm):
    name = StringField("Name", validators=[no_control_characters, DataRequired(), Length(max=100)])
    team = SelectField("Team", validators=[DataRequired()])
    role = SelectField("Role", choices=[(r, r.capitalize()) for r in ROLES], validators=[DataRequired()])
    submit = SubmitField("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.team.choices = team_choices()


class UserCreateForm(UserEditForm):
    email = EmailField("Email", validators=[no_control_characters, DataRequired(), Email(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(min=8, max=200)])
    submit = SubmitField("Create user")

    def validate_email(self, field):
        email = field.data.strip().lower()
        if db.session.scalar(select(User).where(User.email == email)):
            raise ValidationError("A user with this email already exists.")


class TeamForm(FlaskForm):
    slug = StringField("Slug", validators=[
        no_control_characters, DataRequired(), Length(max=40),
        Regexp(r"^[a-z0-9][a-z0-9-]*$", message="Lowercase letters, digits and dashes only.")])
    name = StringField("Name", validators=[no_control_characters, DataRequired(), Length(max=100)])
    submit = SubmitField("Add team")

    def validate_slug(self, field):
        if db.session.scalar(select(Team).where(Team.slug == field.data)):
            raise ValidationError("A team with this slug already exists.")


class TeamRenameForm(FlaskForm):
    name = StringField("Name", validators=[no_control_characters, DataRequired(), Length(max=100)])
    submit = SubmitField("Rename")
