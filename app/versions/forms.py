"""The compare form: two versions, picked from those the reader may see."""
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import DataRequired, ValidationError

from app.versions.display import state_label


class KnownVersion:
    """The value must be one of the form's choices; its message names the missing version."""

    def __call__(self, form, field):
        if field.data and field.data not in {value for value, _text in field.choices}:
            raise ValidationError(_("There is no version '%(version)s' to compare.", version=field.data[:40]))


class _CompareFields(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    def set_versions(self, versions) -> "_CompareFields":
        """Offer these versions, newest first, the open one labelled as such."""
        choices = [(v.number or "open", _label(v)) for v in versions]
        self["from"].choices = choices
        self["to"].choices = choices
        return self

    def missing(self) -> bool:
        """Whether a version was not chosen at all (rather than one that does not exist)."""
        return not (self["from"].data and self["to"].data)


def _label(version) -> str:
    if version.number:
        return f"{version.number} ({state_label(version.state)})"
    return _("the open version (%(state)s)", state=state_label(version.state))


def _select(label, missing) -> SelectField:
    return SelectField(label, validate_choice=False, validators=[DataRequired(message=missing), KnownVersion()])


# `from` is a Python keyword, and the URL's parameter name (a contract): build the class by name.
CompareForm = type("CompareForm", (_CompareFields,), {
    "from": _select(_l("From"), _l("Choose the version to compare from.")),
    "to": _select(_l("To"), _l("Choose the version to compare with.")),
})
