"""Entry forms, generated from the section registry; one class checks a whole entry or one field."""
import dataclasses
import functools

from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import HiddenInput

from app.editing.fields import (
    FALSE_VALUES, TOO_LONG, ChoiceField, KeySelectField, WholeNumberField, make_field, strip, unix_newlines,
)
from app.editing.queries import referencing_entries, team_slugs, version_keys
from app.editing.validation import PlainText, SafeMarkdown, SameItemsAs
from app.sla.sections import (
    DEFINITION_MAX, ENTRY_BASE_FIELDS, KEY_PATTERN, LIST_MAX_ITEMS, NAME_MAX, SECTIONS, Field, Section,
)
from app.sla.translations import translatable_fields
from app.versions.language import translation_language

KEY_MESSAGE = _l("Use 1 to 64 lowercase letters, digits, '-' or '_', starting with a letter or digit "
                 "(e.g. mql or lead-score).")
MISSING_REVISION = _l("This form does not say which revision it was made from: reload the page and try again.")
NO_SUCCESSOR = _l("— none —")
TRANSLATED = "translated_"  # the prefix of a translation's form field: translated_name …


def make_reference_check(f: Field):
    """A validate_<field> method that checks a team or key against the database."""
    def check(form, field):
        form.check_reference(f, field)
    check.__name__ = f"validate_{f.name}"
    return check


class EntryForm(FlaskForm):
    """The base fields every entry has; section forms add the registry's structured fields."""

    key = StringField(_l("Key"), filters=[strip], description=_l("A stable slug that tools use, e.g. mql."),
                      validators=[DataRequired(message=_l("A key is required.")),
                                  Length(max=64, message=KEY_MESSAGE), Regexp(KEY_PATTERN, message=KEY_MESSAGE)])
    name = StringField(_l("Name"), filters=[strip], validators=[
        DataRequired(message=_l("A name is required.")), Length(max=NAME_MAX, message=TOO_LONG), PlainText()])
    team = KeySelectField(_l("Owner team"),
                          validators=[DataRequired(message=_l("Choose the team that owns this entry."))])
    definition = TextAreaField(
        _l("Definition"), filters=[unix_newlines],
        description=_l("Markdown: **bold**, *italic*, lists, [links](https://example.com), tables."),
        validators=[Length(max=DEFINITION_MAX, message=TOO_LONG), SafeMarkdown()])
    deprecated = BooleanField(_l("Deprecated"), false_values=FALSE_VALUES,
                              description=_l("Kept in the document, marked, so tools get notice before it goes."))
    superseded_by = KeySelectField(_l("Superseded by"), validators=[Optional()],
                                   description=_l("The entry that replaces this one (deprecated entries only)."))
    revision = WholeNumberField(_l("Revision"), widget=HiddenInput())

    section: Section

    def __init__(self, *args, version, entry=None, id_prefix: str = "new", **kwargs):
        super().__init__(*args, **kwargs)
        self.version, self.entry = version, entry
        self.known_keys = version_keys(version.id)
        self.known_teams = team_slugs()
        self._set_choices()
        for field in self:
            field.id = f"{id_prefix}-{field.name}"
            field.label.field_id = field.id

    @property
    def own_keys(self) -> set:
        return {k for k in (self.key.data, getattr(self.entry, "key", None)) if k}

    def _key_choices(self, section_key: str | None, blank: bool) -> list[tuple[str, str]]:
        own = getattr(self.entry, "key", None)
        choices = [("", NO_SUCCESSOR)] if blank else []
        return choices + [(key, f"{name} ({key})") for key, (section, name) in self.known_keys.items()
                          if key != own and (section_key is None or section == section_key)]

    def _set_choices(self) -> None:
        teams = list(self.known_teams.items())
        self.team.choices = [("", _("Choose a team…"))] + teams
        self.superseded_by.choices = self._key_choices(None, blank=True)
        for f in self.section.fields:
            if f.kind == "team":
                self[f.name].choices = [("", _("Choose a team…") if f.required else NO_SUCCESSOR)] + teams
            elif f.kind in ("ref", "refs"):
                self[f.name].choices = self._key_choices(f.ref_section, blank=f.kind == "ref")

    def structured_fields(self) -> list:
        """The section's own fields, in registry order."""
        return [self[name] for name in self.section.field_names]

    def validate_key(self, field):
        owner = self.known_keys.get(field.data)
        own = getattr(self.entry, "key", None)
        if owner and field.data != own:
            raise ValidationError(_("The key '%(key)s' is already used by “%(name)s” (%(section)s) in this draft.",
                                    key=field.data, name=owner[1], section=_(SECTIONS[owner[0]].title)))
        if own and field.data != own:
            referrers = referencing_entries(self.version.id, own)
            if referrers:
                names = ", ".join(e.key for e, _fields in referrers[:5])
                raise ValidationError(_("Other entries refer to '%(key)s' (%(keys)s): a key in use cannot change. "
                                        "Deprecate this entry and add a new one instead.", key=own, keys=names))

    def validate_team(self, field):
        if field.data not in self.known_teams:
            raise ValidationError(no_team(field.data))

    def validate_superseded_by(self, field):
        if field.data in self.own_keys:
            raise ValidationError(_("An entry cannot supersede itself."))
        if field.data not in self.known_keys:
            raise ValidationError(no_entry(field.data))
        if not self.deprecated.data:
            raise ValidationError(_("Tick “Deprecated” to name a successor."))

    def validate_revision(self, field):
        if self.entry is not None and (field.data is None or field.data < 1):
            raise ValidationError(MISSING_REVISION)

    def check_reference(self, f: Field, field) -> None:
        """A team or key must exist in this draft (keys of other versions are refused)."""
        values = field.data if f.kind == "refs" else [field.data]
        if len(values) > LIST_MAX_ITEMS:
            raise ValidationError(_("Choose at most %(count)d.", count=LIST_MAX_ITEMS))
        for value in filter(None, values):
            if f.kind == "team":
                if value not in self.known_teams:
                    raise ValidationError(no_team(value))
                continue
            if value in self.own_keys:
                raise ValidationError(_("An entry cannot refer to itself."))
            found = self.known_keys.get(value)
            if found is None or (f.ref_section and found[0] != f.ref_section):
                if f.ref_section:
                    raise ValidationError(_("There is no entry '%(key)s' in %(section)s of this draft.",
                                            key=value[:64], section=_(SECTIONS[f.ref_section].title)))
                raise ValidationError(no_entry(value))

    def entry_data(self) -> dict:
        """The validated values, shaped for the editing services."""
        fields = {}
        for f in self.section.fields:
            value = self[f.name].data
            fields[f.name] = None if value == "" else value
        deprecated = bool(self.deprecated.data)
        return {"key": self.key.data, "name": self.name.data, "team": self.team.data,
                "definition": self.definition.data or "", "deprecated": deprecated,
                "superseded_by": (self.superseded_by.data or None) if deprecated else None,
                "fields": fields, "translations": {translation_language(): {
                    name: self[TRANSLATED + name].data for name in translatable_fields(self.section)}}}


def no_team(slug: str) -> str:
    """The refusal of a team slug that is not a team (shared by the base and the registry's fields)."""
    return _("There is no team '%(team)s'.", team=slug[:40])


def no_entry(key: str) -> str:
    """The refusal of a key the draft does not hold."""
    return _("There is no entry '%(key)s' in this draft.", key=key[:64])


RESERVED_NAMES = set(ENTRY_BASE_FIELDS) | set(dir(EntryForm)) | {"revision", "csrf_token", "submit"}


@functools.cache
def entry_form_class(section_key: str) -> type[EntryForm]:
    """The form class of a section: the base fields plus one field per registry field."""
    section = SECTIONS[section_key]
    attributes: dict = {"section": section}
    for f in section.fields:
        if f.name in RESERVED_NAMES:
            raise ValueError(f"Section {section.key}: the field name '{f.name}' is reserved by entry forms.")
        attributes[f.name] = make_field(f)
        if f.kind in ("team", "ref", "refs"):
            attributes[f"validate_{f.name}"] = make_reference_check(f)
    attributes.update(translation_fields(section))
    name = "".join(part.title() for part in section.key.split("_")) + "EntryForm"
    return type(name, (EntryForm,), attributes)


def entry_initial_data(entry) -> dict:
    """An entry's values as form data."""
    return {"key": entry.key, "name": entry.name, "team": entry.team, "definition": entry.definition,
            "deprecated": entry.deprecated, "superseded_by": entry.superseded_by or "",
            "revision": entry.revision, **(entry.fields or {}),
            **{TRANSLATED + name: value for name, value in
               ((entry.translations or {}).get(translation_language()) or {}).items()}}


def translation_fields(section: Section) -> dict:
    """Optional fields for the translations of the name, definition and prose fields, checked as those are
    (a list item by item); named translated_<field>."""
    fields = {TRANSLATED + "name": StringField(_l("Name"), filters=[strip], validators=[
                  Optional(), Length(max=NAME_MAX, message=TOO_LONG), PlainText()]),
              TRANSLATED + "definition": TextAreaField(_l("Definition"), filters=[unix_newlines], validators=[
                  Length(max=DEFINITION_MAX, message=TOO_LONG), SafeMarkdown()])}
    for f in section.fields:
        if f.is_prose:
            field = make_field(dataclasses.replace(f, required=False, help=""))
            if f.kind == "list":
                field.kwargs["validators"] = [*field.kwargs["validators"], SameItemsAs(f.name)]
            fields[TRANSLATED + f.name] = field
    return fields


class MoveForm(FlaskForm):
    direction = ChoiceField(_l("Direction"), choices=[("up", _l("up")), ("down", _l("down"))])


class PreviewForm(FlaskForm):
    definition = TextAreaField(_l("Definition"), filters=[unix_newlines],
                               validators=[Length(max=DEFINITION_MAX, message=TOO_LONG), SafeMarkdown()])


class DeprecateForm(FlaskForm):
    """Mark an entry deprecated and name the entry that replaces it."""

    successor = KeySelectField(_l("Superseded by"), validators=[Optional()],
                               description=_l("The entry tools and readers should use instead (optional)."))
    revision = WholeNumberField(_l("Revision"), widget=HiddenInput())

    def __init__(self, *args, version, entry, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.known_keys = version_keys(version.id)
        self.successor.choices = [("", NO_SUCCESSOR)] + [
            (key, f"{name} ({key})") for key, (_section, name) in self.known_keys.items() if key != entry.key]
        for field in self:
            field.id = f"deprecate-{entry.id}-{field.name}"
            field.label.field_id = field.id

    def validate_successor(self, field):
        if field.data == self.entry.key:
            raise ValidationError(_("An entry cannot supersede itself."))
        if field.data not in self.known_keys:
            raise ValidationError(no_entry(field.data))

    def validate_revision(self, field):
        if field.data is None or field.data < 1:
            raise ValidationError(MISSING_REVISION)
