"""The compare form: two versions, picked from those the reader may see."""
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import DataRequired, ValidationError


class KnownVersion:
    """The value must be one of the form's choices; its message names the missing version."""

    def __call__(self, form, field):
        if field.data and field.data not in {value for value, _ in field.choices}:
            raise ValidationError(f"There is no version '{field.data[:40]}' to compare.")


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
        return f"{version.number} ({version.state.replace('_', ' ')})"
    return f"the open version ({version.label})"


def _select(label: str, missing: str) -> SelectField:
    return SelectField(label, validate_choice=False, validators=[DataRequired(message=missing), KnownVersion()])


# `from` is a Python keyword, and the URL's parameter name (a contract): build the class by name.
CompareForm = type("CompareForm", (_CompareFields,), {
    "from": _select("From", "Choose the version to compare from."),
    "to": _select("To", "Choose the version to compare with."),
})
