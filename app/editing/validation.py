"""Checks on single values that every entry form shares: plain text, safe Markdown, numbers, criteria."""
import math
import re

from flask_babel import gettext as _
from wtforms.validators import ValidationError

from app.messages import N_
from app.sla.sections import COMPARISON_OPERATORS, LIST_MAX_ITEMS, TEXT_MAX

# Any tag-like sequence: "<b", "</p", "<!--", "<?xml". A lone "<" as in "a < b" or "<= 5" is fine.
TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?]")
# Markdown may carry harmless inline HTML (the filter strips the rest); active content is refused
# outright so that the author learns at once instead of seeing their text vanish.
ACTIVE_TAG = re.compile(
    r"<\s*/?\s*(script|style|iframe|frame|frameset|object|embed|applet|svg|math|form|input|button"
    r"|textarea|select|option|link|meta|base|img|image|video|audio|source|track|template|noscript)\b",
    re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\s(on[a-z]+|style|srcdoc|formaction)\s*=", re.IGNORECASE)
SCRIPT_URL = re.compile(
    r"(\]\(\s*<?|href\s*=\s*[\"']?\s*|<|\]:\s*<?)\s*(javascript|vbscript|data|file)\s*:", re.IGNORECASE)
DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
INTEGER = re.compile(r"[+-]?\d{1,15}", re.ASCII)
ATTRIBUTE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,63}", re.ASCII)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

PLAIN_TEXT_MESSAGE = N_("HTML is not allowed here: write plain text.")
CONTROL_MESSAGE = N_("Control characters are not allowed.")


def plain_text_problem(value: str | None) -> str | None:
    """Why a plain-text value is refused, or None when it is fine."""
    if not value:
        return None
    if CONTROL.search(value):
        return _(CONTROL_MESSAGE)
    if TAG.search(value):
        return _(PLAIN_TEXT_MESSAGE)
    return None


def markdown_problem(value: str | None) -> str | None:
    """Why Markdown source is refused (scripts, frames, styles, handlers, script URLs), or None."""
    if not value:
        return None
    if CONTROL.search(value):
        return _(CONTROL_MESSAGE)
    if ACTIVE_TAG.search(value) or EVENT_HANDLER.search(value):
        return _("Scripts, frames, images, forms, styles and event handlers are not allowed: "
                 "write Markdown (e.g. **bold**, [a link](https://example.com)).")
    if SCRIPT_URL.search(value):
        return _("Links must use http, https or mailto.")
    return None


class PlainText:
    """Validator: no HTML tags and no control characters (works on strings and lists of strings)."""

    def __call__(self, form, field):
        values = field.data if isinstance(field.data, list) else [field.data]
        for value in values:
            problem = plain_text_problem(value if isinstance(value, str) else None)
            if problem:
                raise ValidationError(problem)


class SafeMarkdown:
    """Validator: Markdown without active content."""

    def __call__(self, form, field):
        problem = markdown_problem(field.data)
        if problem:
            raise ValidationError(problem)


def parse_number(raw: str) -> int | float | None:
    """A decimal number as typed: '3' stays an int, '0.25' or '1.0' a float; refuses nan, inf, '1_0'."""
    text = raw.strip()
    if not text:
        return None
    if INTEGER.fullmatch(text):
        return int(text)
    if not DECIMAL.fullmatch(text):
        raise ValueError(_("Enter a number, e.g. 40 or 0.25."))
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(_("Enter a number of reasonable size."))
    return value


def parse_integer(raw: str) -> int | None:
    """A whole number, ASCII digits only."""
    text = raw.strip()
    if not text:
        return None
    if not INTEGER.fullmatch(text):
        raise ValueError(_("Enter a whole number, e.g. 15 or -5."))
    return int(text)


def split_lines(raw: str) -> list[str]:
    """The non-empty, stripped lines of a textarea."""
    return [line.strip() for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip()]


def line_problem(number: int, problem: str) -> str:
    """A problem of one line of a textarea, named by its line number."""
    return _("Line %(line)d: %(problem)s", line=number, problem=problem)


def check_list_items(items: list[str]) -> list[str]:
    """Problems with a list of one-line items (count, length, markup)."""
    problems = []
    if len(items) > LIST_MAX_ITEMS:
        problems.append(_("At most %(count)d lines.", count=LIST_MAX_ITEMS))
    for number, item in enumerate(items, start=1):
        if len(item) > TEXT_MAX:
            problems.append(_("Line %(line)d is longer than %(max)d characters.", line=number, max=TEXT_MAX))
        problem = plain_text_problem(item)
        if problem:
            problems.append(line_problem(number, problem))
    return problems


def parse_criteria(raw: str) -> tuple[list[dict], list[str]]:
    """Lines of `attribute operator value` as criteria rows, and the problems found, line by line."""
    rows, problems = [], []
    lines = split_lines(raw)
    if len(lines) > LIST_MAX_ITEMS:
        problems.append(_("At most %(count)d criteria.", count=LIST_MAX_ITEMS))
    for number, line in enumerate(lines, start=1):
        parts = line.split(None, 2)
        attribute = parts[0]
        operator = parts[1] if len(parts) > 1 else ""
        value = parts[2].strip() if len(parts) > 2 else None
        if not ATTRIBUTE.fullmatch(attribute):
            problems.append(line_problem(number, _("'%(attribute)s' is not an attribute name "
                                                   "(letters, digits, '_', '.', '-'; starting with a letter).",
                                                   attribute=attribute[:40])))
            continue
        if operator not in COMPARISON_OPERATORS:
            problem = (_("'%(operator)s' is not an operator; use one of %(operators)s.", operator=operator[:40],
                         operators=", ".join(COMPARISON_OPERATORS)) if operator
                       else _("write `attribute operator value`, e.g. `employees gte 200`."))
            problems.append(line_problem(number, problem))
            continue
        if value is None and operator != "exists":
            problems.append(line_problem(number, _("'%(operator)s' needs a value after it.", operator=operator)))
            continue
        if value is not None and len(value) > TEXT_MAX:
            problems.append(line_problem(number, _("the value is longer than %(max)d characters.", max=TEXT_MAX)))
            continue
        problem = plain_text_problem(value)
        if problem:
            problems.append(line_problem(number, problem))
            continue
        rows.append({"attribute": attribute, "operator": operator, "value": value})
    return rows, problems


def format_criteria(rows) -> str:
    """Criteria rows back as the lines a person types."""
    lines = []
    for row in rows or []:
        if not isinstance(row, dict):
            continue
        value = row.get("value")
        parts = [str(row.get("attribute", "")), str(row.get("operator", ""))]
        if value not in (None, ""):
            parts.append(str(value))
        lines.append(" ".join(parts))
    return "\n".join(lines)


class SameItemsAs:
    """Validator of a translated list: one line per line of the original (item by item), or none."""

    def __init__(self, original: str):
        self.original = original

    def __call__(self, form, field):
        count = len(form[self.original].data or [])
        if field.data and len(field.data) != count:
            raise ValidationError(_("Translate item by item: %(count)d lines, as many as the original has.",
                                    count=count))
