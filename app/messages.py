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
