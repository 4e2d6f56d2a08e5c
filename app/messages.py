"""Marks text for the translation catalogue where it is defined, for code that must not import Flask.

`N_("Commitments")` returns its argument unchanged; `pybabel extract` (babel.cfg) collects it, and
the page that shows it translates it then: `_(section.title)` in a template.
"""


def N_(text: str) -> str:
    """Return `text` as it is; its only purpose is to be found by the extractor."""
    return text


class Refusal(ValueError):
    """An error whose message is an N_() text with %(name)s values: English as str(), translated where shown."""

    def __init__(self, message: str, **values):
        super().__init__(message % values if values else message)
        self.message, self.values = message, values

    def translated(self, gettext) -> str:
        """The message in the reader's language, given the page's `gettext` (this module stays Flask-free)."""
        return gettext(self.message, **self.values)


class Word(str):
    """Registry text shown inside a sentence (a label, a section's singular): `shown` in English, and
    the catalogue's msgid it translates from (labels are lower-cased in English sentences)."""

    def __new__(cls, shown: str, msgid: str | None = None):
        word = super().__new__(cls, shown)
        word.msgid = msgid or shown
        return word


class Phrase(str):
    """A sentence from an N_() template and values: English as the str itself (the API, JSON, logs), and
    `translated(gettext)` for pages. Word values are translated too; a tuple of them reads as a list."""

    def __new__(cls, template: str, **values):
        phrase = super().__new__(cls, template % {name: _joined(value, None) for name, value in values.items()})
        phrase.template, phrase.values = template, values
        return phrase

    def translated(self, gettext) -> str:
        return gettext(self.template, **{name: _joined(value, gettext) for name, value in self.values.items()})


def _joined(value, gettext):
    """A value for a template: Words translated (when `gettext` is given), tuples as "a, b and c"."""
    if isinstance(value, tuple):
        items = [_joined(item, gettext) for item in value]
        if len(items) < 2:
            return "".join(items)
        head = ", ".join(items[:-1])
        return gettext(N_("%(items)s and %(last)s"), items=head, last=items[-1]) if gettext else f"{head} and {items[-1]}"
    if isinstance(value, Word) and gettext:
        translation = gettext(value.msgid)
        return str(value) if translation == value.msgid else translation  # English keeps its own case
    return value
