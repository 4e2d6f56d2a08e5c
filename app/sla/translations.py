"""Content in two languages: an entry's name, definition and prose fields may carry a translation
into the SLA's other language.

The SLA has a primary language (an admin setting). Entries store their translations as
`{"th": {"name": …, "definition": …, "<prose field>": …}}`, only the fields that carry text; a list
field is translated item by item (the same number of items). A published document names its primary
language in `"language"`; a document without it is English (every document published before
translations existed, and English documents without any translation, which keep their old bytes).
"""
from app.sla.sections import (
    DEFINITION_MAX, LIST_MAX_ITEMS, LONGTEXT_MAX, NAME_MAX, PROSE_BASE_FIELDS, SECTIONS, TEXT_MAX, Section,
)

LANGUAGES = ("en", "th")  # the languages of the interface too (app/i18n.py)
DEFAULT_LANGUAGE = "en"


def is_language(value) -> bool:
    return value in LANGUAGES


def other_language(primary: str) -> str:
    """The language translations are written in when the SLA's primary language is `primary`."""
    return next(language for language in LANGUAGES if language != primary)


def translatable_fields(section: Section | None) -> tuple[str, ...]:
    """The fields of an entry that are prose, in document order: name, definition, then the section's."""
    own = tuple(f.name for f in section.fields if f.is_prose) if section is not None else ()
    return PROSE_BASE_FIELDS + own


def is_blank(value) -> bool:
    return value is None or value == "" or value == []


def clean_translations(section: Section, translations) -> dict | None:
    """What an entry stores: only known languages and fields that carry text; None when nothing does."""
    if not isinstance(translations, dict):
        return None
    names = translatable_fields(section)
    cleaned = {}
    for language in LANGUAGES:
        values = translations.get(language)
        if isinstance(values, dict):
            kept = {name: values[name] for name in names if not is_blank(values.get(name))}
            if kept:
                cleaned[language] = kept
    return cleaned or None


def max_length(section: Section, name: str) -> int:
    """How long one translated text (or list item) may be, as long as the primary field may be."""
    if name == "name":
        return NAME_MAX
    if name == "definition":
        return DEFINITION_MAX
    return LONGTEXT_MAX if section.field(name).kind == "longtext" else TEXT_MAX


def translation_problems(section: Section, primary: dict, translations) -> list[str]:
    """Why stored translations do not fit the entry (shape, languages, fields, lengths, list sizes).

    `primary` holds the entry's primary values (name, definition and its fields, flat). The forms
    check the same with readable messages per field; this is the services' last word."""
    if translations is None:
        return []
    if not isinstance(translations, dict):
        return ["Translations must be an object of languages."]
    problems, names = [], translatable_fields(section)
    for language, values in translations.items():
        if not is_language(language) or not isinstance(values, dict):
            problems.append(f"'{str(language)[:10]}' is not a language of this SLA.")
            continue
        for name, value in values.items():
            problems.extend(f"{language} {name}: {p}" for p in _value_problems(section, names, name, value,
                                                                                primary.get(name)))
    return problems


def _value_problems(section: Section, names: tuple, name: str, value, original) -> list[str]:
    if name not in names:
        return ["not a prose field of this section."]
    limit = max_length(section, name)
    if isinstance(value, list):
        if name in PROSE_BASE_FIELDS or section.field(name).kind != "list":
            return ["expected text."]
        if not isinstance(original, list) or len(value) != len(original) or len(value) > LIST_MAX_ITEMS:
            return ["a translated list has as many items as the original."]
        return [problem for item in value for problem in _text_problems(item, TEXT_MAX)]
    if name not in PROSE_BASE_FIELDS and section.field(name).kind == "list":
        return ["expected a list."]
    return _text_problems(value, limit)


def _text_problems(value, limit: int) -> list[str]:
    if not isinstance(value, str):
        return ["expected text."]
    if len(value) > limit:
        return [f"longer than {limit} characters."]
    if any(ord(c) < 32 and c not in "\n\t\r" or ord(c) == 127 for c in value):
        return ["control characters are not allowed."]
    return []


# ---- reading in a language ----

def document_language(document: dict) -> str:
    """A published document's primary language (absent: English, see the module's docstring)."""
    return document.get("language") or DEFAULT_LANGUAGE


def localized(entry: dict, name: str, language: str, primary: str) -> tuple:
    """(value, its language): the translation into `language` when there is one, else the primary text."""
    if language != primary:
        value = ((entry.get("translations") or {}).get(language) or {}).get(name)
        if not is_blank(value):
            return value, language
    return entry.get(name), primary


def localize_entry(entry: dict, section_key: str, language: str, primary: str) -> dict:
    """An entry with its prose in `language` where translated; `untranslated` names the fields that
    still read in the primary language. Without `translations` (the result says one language)."""
    result = {name: value for name, value in entry.items() if name != "translations"}
    untranslated = []
    for name in translatable_fields(SECTIONS.get(section_key)):
        if name not in entry:
            continue
        value, shown = localized(entry, name, language, primary)
        result[name] = value
        if shown != language and not is_blank(value):
            untranslated.append(name)
    if untranslated:
        result["untranslated"] = untranslated
    return result


def localize_document(document: dict, language: str) -> dict:
    """The document with every entry in `language` where translated (the `?lang=` variant of the API)."""
    primary = document_language(document)
    result = {name: value for name, value in document.items() if name != "sections"}
    result["language"], result["primary_language"] = language, primary
    result["sections"] = {key: [localize_entry(entry, key, language, primary) for entry in entries]
                          for key, entries in (document.get("sections") or {}).items()}
    return result
