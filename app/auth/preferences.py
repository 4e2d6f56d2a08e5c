"""One's own language and time zone, on /account."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.validators import AnyOf, ValidationError

from app.auth import bp
from app.auth.forms import AccountNameForm, PasswordChangeForm
from app.auth.services import set_preferences
from app.i18n import LANGUAGE_NAMES, LANGUAGES, available_timezones


class PreferencesForm(FlaskForm):
    locale = SelectField(_l("Language"), validators=[AnyOf(("",) + LANGUAGES)])
    timezone = SelectField(_l("Time zone"), validate_choice=False)
    submit = SubmitField(_l("Save language and time zone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = [("", _("As my browser asks"))] + [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
        default_zone = current_app.config["ACCORD_TIMEZONE"]
        self.timezone.choices = [("", _("The portal's time zone (%(zone)s)", zone=default_zone))] + [
            (zone, zone) for zone in available_timezones()]

    def validate_timezone(self, field) -> None:
        if field.data and field.data not in available_timezones():
            raise ValidationError(_("Choose a time zone from the list."))


def preferences_form() -> PreferencesForm:
    """The form filled with the person's current choices."""
    return PreferencesForm(data={"locale": current_user.locale or "", "timezone": current_user.timezone or ""})


@bp.route("/account/preferences", methods=["POST"])
@login_required
def account_preferences():
    """Save one's own language and time zone; the next page is already in them."""
    form = PreferencesForm()
    if form.validate_on_submit():
        set_preferences(current_user, locale=form.locale.data, timezone=form.timezone.data)
        flash(_("Your language and time zone are saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template("account/account.html", name_form=AccountNameForm(obj=current_user),
                           password_form=PasswordChangeForm(), preferences_form=form), 400
