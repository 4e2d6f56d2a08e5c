"""Sign-in and account forms, and the field checks they share with the admin forms."""
import re

from flask import abort
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, StopValidation, ValidationError

from app.auth.passwords import MAX_LENGTH, MIN_LENGTH, password_problem

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PASSWORD_HINT = f"At least {MIN_LENGTH} characters, and not one of the most common passwords."


def no_control_characters(form, field):
    """Refuse control characters first: PostgreSQL cannot even compare text holding a NUL."""
    if isinstance(field.data, str) and CONTROL.search(field.data):
        raise StopValidation("Control characters are not allowed.")


def strong_password(form, field):
    """The password rules of app.auth.passwords, as a field check (the email when the form has one)."""
    email = getattr(getattr(form, "email", None), "data", None) or getattr(form, "account_email", None)
    problem = password_problem(field.data, email)
    if problem:
        raise ValidationError(problem)


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField("Remember me for 30 days")
    submit = SubmitField("Sign in")


class EmptyForm(FlaskForm):
    """CSRF only, for button-only POSTs."""


def require_button_post() -> None:
    """A button-only POST must carry a valid CSRF token (400 otherwise)."""
    if not EmptyForm().validate_on_submit():
        abort(400)


class AccountNameForm(FlaskForm):
    name = StringField("Name", validators=[no_control_characters, DataRequired(), Length(max=100)])
    submit = SubmitField("Save name")

    def validate_name(self, field):
        if not field.data.strip():
            raise ValidationError("This field is required.")


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    new_password = PasswordField("New password", validators=[DataRequired(), strong_password],
                                 description=PASSWORD_HINT)
    confirm = PasswordField("New password again", validators=[
        DataRequired(), EqualTo("new_password", message="The two new passwords differ.")])
    submit = SubmitField("Change password")

    def __init__(self, *args, account_email: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = account_email
