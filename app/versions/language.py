"""The SLA's primary language (an admin setting): the language its entries are written in; the other
one is the language of their translations (app/sla/translations.py)."""
from dataclasses import dataclass

from flask import g, has_app_context

from app.audit import record_event
from app.extensions import db
from app.i18n import current_language
from app.models import Setting
from app.sla.diff import translation_changes
from app.sla.translations import (
    DEFAULT_LANGUAGE, LANGUAGES, document_language, is_blank, localized, other_language,
)

PRIMARY_LANGUAGE_KEY = "primary_language"


def primary_language() -> str:
    """The primary language now (English until an admin chooses), read once per request."""
    if has_app_context() and "accord_primary_language" in g:
        return g.accord_primary_language
    setting = db.session.get(Setting, PRIMARY_LANGUAGE_KEY)
    language = setting.value if setting is not None and setting.value in LANGUAGES else DEFAULT_LANGUAGE
    if has_app_context():
        g.accord_primary_language = language
    return language


def translation_language() -> str:
    """The language editors translate into."""
    return other_language(primary_language())


def set_primary_language(language: str, by) -> None:
    """Choose the primary language; the next published version states it (published ones keep theirs)."""
    if language not in LANGUAGES:
        raise ValueError(f"Unknown language '{language}'.")
    before = primary_language()
    setting = db.session.get(Setting, PRIMARY_LANGUAGE_KEY)
    if setting is None:
        setting = Setting(key=PRIMARY_LANGUAGE_KEY)
        db.session.add(setting)
    setting.value = language
    g.pop("accord_primary_language", None)
    record_event("settings.language_changed", user=by, before={"primary_language": before},
                 after={"primary_language": language}, summary=f"Primary language: {language}")
    db.session.flush()


# ---- for templates: an entry's prose in the reader's language ----

@dataclass(frozen=True)
class Shown:
    """A field's value as a reader sees it: in `language`; `fallback` when that is the primary language
    because there is no translation into the reader's. Prints as its text."""
    value: object
    language: str
    fallback: bool

    def __str__(self) -> str:
        return "" if self.value is None else str(self.value)


def localized_field(entry: dict, name: str, primary: str | None = None) -> Shown:
    """`entry|localized('name')`: the field in the reader's language, else in the primary one
    (`primary`: the document's, see document_language(); without it, the setting's)."""
    reader = current_language()
    value, language = localized(entry, name, reader, primary or primary_language())
    return Shown(value, language, language != reader and not is_blank(value))


def register_template_helpers(app) -> None:
    """The `localized` filter and the globals that read a document's or a diff's languages."""
    app.jinja_env.filters["localized"] = localized_field
    app.jinja_env.globals.update(document_language=document_language, translation_changes=translation_changes,
                                 primary_language=primary_language, translation_language=translation_language)
