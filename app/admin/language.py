"""Admin view for the SLA's primary language: the language its entries are written in."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField

from app.admin import bp
from app.auth.access import role_required
from app.versions.language import primary_language, set_primary_language

LANGUAGE_CHOICES = [("en", _l("English")), ("th", _l("Thai"))]


class LanguageForm(FlaskForm):
    language = RadioField(_l("Primary language"), choices=LANGUAGE_CHOICES,
                          validate_choice=True)
    submit = SubmitField(_l("Save language"))


@bp.route("/language", methods=["GET", "POST"])
@role_required("admin")
def language():
    """Choose the language the SLA's entries are written in; translations are into the other one."""
    form = LanguageForm()
    if not form.is_submitted():
        form.language.data = primary_language()
    if form.validate_on_submit():
        set_primary_language(form.language.data, by=current_user)
        flash(_("Primary language saved."), "success")
        return redirect(url_for("admin.language"))
    return render_template("admin/language.html", form=form), 400 if form.errors else 200
