"""Marks text for the translation catalogue where it is defined, for code that must not import Flask.

`N_("Commitments")` returns its argument unchanged; `pybabel extract` (babel.cfg) collects it, and
the page that shows it translates it then: `_(section.title)` in a template.
"""


def N_(text: str) -> str:
    """Return `text` as it is; its only purpose is to be found by the extractor."""
    return text
