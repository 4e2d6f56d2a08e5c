"""Every word the interface shows goes through gettext, and the Thai catalogue translates all of it.

Templates are read with Jinja's own lexer: text between tags and the text of attributes people
read (title, placeholder, aria-label, alt, data-confirm) must come from `_()`. Python code may not
hand a literal to flash() or to a form field's label. The catalogues are compared with what
`pybabel extract` finds today, so a new message without its Thai translation fails here.
"""
import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from jinja2 import Environment

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
PYTHON = sorted((ROOT / "app").rglob("*.py"))
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None}
# Text that is the same in every language: the product's name, and typographic marks.
UNTRANSLATED = {"Accord", "API", "JSON", "ETag", "SLA", "HTTP", "URL", "Markdown", "CSV", "UTC", "ID"}
SKIPPED_ELEMENTS = re.compile(r"<(code|kbd|pre|script|style|svg)\b.*?</\1>", re.S | re.I)
READ_ATTRIBUTES = re.compile(r"""\b(title|placeholder|aria-label|alt|data-confirm)\s*=\s*(["'])(.*?)\2""", re.S)
TAG = re.compile(r"<[^>]*>", re.S)
ENTITY = re.compile(r"&[#\w]+;")
LETTERS = re.compile(r"[^\W\d_]{2,}")
LABELLED_CALLS = {"flash"}
FIELD_CALL = re.compile(r"\wField$")  # WTForms fields: StringField, SelectField …


def _literal_text(source: str) -> str:
    """The template with every Jinja block, expression and comment blanked out."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    parts, depth = [], 0
    for _lineno, kind, value in env.lex(source):
        if kind in ("variable_begin", "block_begin"):
            depth += 1
        elif kind in ("variable_end", "block_end"):
            depth -= 1
            parts.append("\x00")  # an expression stands where it was: it never joins two words
        elif kind == "data" and depth == 0:
            parts.append(value)
    return "".join(parts)


def _words_outside_gettext(source: str) -> list[str]:
    literal = SKIPPED_ELEMENTS.sub(" ", _literal_text(source))
    found = [value for _name, _quote, value in READ_ATTRIBUTES.findall(literal)]
    found.append(ENTITY.sub(" ", TAG.sub(" ", literal)))
    return [word for text in found for word in LETTERS.findall(text) if word not in UNTRANSLATED]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_template_text_goes_through_gettext(template):
    words = _words_outside_gettext(template.read_text(encoding="utf-8"))
    assert not words, f"{template.name} shows text outside _(): {' '.join(words[:12])}"


def test_the_checker_finds_untranslated_text():
    assert _words_outside_gettext('<p title="Open it">Hello {{ name }}</p>') == ["Open", "it", "Hello"]
    assert _words_outside_gettext("<p>{{ _('Hello') }} · <code>GET /api</code> Accord</p>") == []
    assert _words_outside_gettext("{% if x %}{# a comment #}{% endif %}<b>{{ x }}</b>") == []


def _untranslated_literals(path: Path) -> list[str]:
    """flash("…") and FormField("…") with a bare string: the reader would see English in Thai."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if (name in LABELLED_CALLS or FIELD_CALL.search(name)) and isinstance(node.args[0], (ast.Constant, ast.JoinedStr)):
            if isinstance(node.args[0], ast.JoinedStr) or isinstance(node.args[0].value, str):
                found.append(f"{path.name}:{node.lineno} {name}(…)")
    return found


@pytest.mark.parametrize("module", PYTHON, ids=lambda p: str(p.relative_to(ROOT)))
def test_python_flashes_and_labels_go_through_gettext(module):
    assert not _untranslated_literals(module)


def _extracted() -> set[str]:
    """What `make translations` would put in the catalogue today."""
    method_map = [("app/**.py", "python"), ("templates/**.html", "jinja2")]
    messages = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=method_map, keywords=KEYWORDS):
        messages.add(message[0] if isinstance(message, tuple) else message)
    return messages


def _catalogue(language: str) -> dict[str, str]:
    with open(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle, locale=language)
    result = {}
    for message in catalogue:
        if message.id and "fuzzy" not in message.flags:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            result[key] = message.string[0] if isinstance(message.string, tuple) else message.string
    return result


@pytest.fixture(scope="module")
def extracted():
    return _extracted()


@pytest.mark.parametrize("language", ["th", "en"])
def test_every_message_is_translated(extracted, language):
    catalogue = _catalogue(language)
    missing = sorted(message for message in extracted if not catalogue.get(message))
    assert not missing, f"{len(missing)} messages lack a {language} translation (make translations): {missing[:10]}"


def test_the_section_registry_is_in_the_catalogue(extracted):
    from app.sla.sections import OPERATOR_WORDS, SECTION_LIST

    shown = {word for word in OPERATOR_WORDS.values()}
    for section in SECTION_LIST:
        shown.update({section.title, section.singular, section.summary})
        for field in section.fields:
            shown.update(text for text in (field.label, field.help) if text)
    assert not sorted(shown - extracted), "mark the registry's text with N_() in app/sla/sections.py"


def test_thai_translations_keep_their_placeholders():
    for english, thai in _catalogue("th").items():
        assert sorted(re.findall(r"%\(\w+\)s", english)) == sorted(re.findall(r"%\(\w+\)s", thai)), english
