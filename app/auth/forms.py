"""Sign-in and account forms, and the field checks they share with the admin forms."""
import re

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, StopValidation, ValidationError

from app.auth.passwords import MAX_LENGTH, MIN_LENGTH, broken_rule

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PASSWORD_HINT = _l("At least %(count)s characters, and not one of the most common passwords.", count=MIN_LENGTH)
# WTForms has no Thai catalogue of its own: its checks get their words from here.
REQUIRED = DataRequired(_l("This field is required."))


def at_most(count: int) -> Length:
    """A length check whose message the reader can read."""
    return Length(max=count, message=_l("Field cannot be longer than %(max)d characters."))


def no_control_characters(form, field):
    """Refuse control characters first: PostgreSQL cannot even compare text holding a NUL."""
    if isinstance(field.data, str) and CONTROL.search(field.data):
        raise StopValidation(_("Control characters are not allowed."))


def strong_password(form, field):
    """The password rules of app.auth.passwords, as a field check (the email when the form has one)."""
    email = getattr(getattr(form, "email", None), "data", None) or getattr(form, "account_email", None)
    broken = broken_rule(field.data, email)
    if broken:
        message, values = broken
        raise ValidationError(_(message, **values))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[REQUIRED, Email(_l("Enter a valid email address.")), at_most(254)])
    password = PasswordField(_l("Password"), validators=[REQUIRED, at_most(MAX_LENGTH)])
    remember = BooleanField(_l("Remember me for 30 days"))
    submit = SubmitField(_l("Sign in"))


class EmptyForm(FlaskForm):
    """CSRF only, for button-only POSTs."""


def require_button_post() -> None:
    """A button-only POST must carry a valid CSRF token (400 otherwise)."""
    if not EmptyForm().validate_on_submit():
        abort(400)


class AccountNameForm(FlaskForm):
    name = StringField(_l("Name"), validators=[no_control_characters, REQUIRED, at_most(100)])
    submit = SubmitField(_l("Save name"))

    def validate_name(self, field):
        if not field.data.strip():
            raise ValidationError(str(REQUIRED.message))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[REQUIRED, at_most(MAX_LENGTH)])
    new_password = PasswordField(_l("New password"), validators=[REQUIRED, strong_password],
                                 description=PASSWORD_HINT)
    confirm = PasswordField(_l("New password again"), validators=[
        REQUIRED, EqualTo("new_password", message=_l("The two new passwords differ."))])
    submit = SubmitField(_l("Change password"))

    def __init__(self, *args, account_email: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = account_email
