"""WTForms fields for the kinds of the section registry: one form field per registry field."""
import datetime
import re
import zoneinfo

from flask_babel import LazyString, gettext as _, lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired, Email, Length, NumberRange, Optional, Regexp, StopValidation, ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.editing.validation import (
    PlainText, check_list_items, format_criteria, parse_criteria, parse_integer, parse_number, split_lines,
)
from app.messages import N_
from app.sla.sections import (
    COMPARISON_OPERATORS, DATE_PATTERN, EMAIL_MAX, LONGTEXT_MAX, OPERATOR_WORDS, TEXT_MAX, TIME_PATTERN, Field,
)

DATE = re.compile(DATE_PATTERN, re.ASCII)
FALSE_VALUES = (False, "false", "False", "", "0", "off", "no")
TOO_LONG = _l("This cannot be longer than %(max)d characters.")  # WTForms's own message has no Thai translation


class _TypedTextField(StringField):
    """A text input whose raw text is kept for redisplay when it does not parse."""

    parser = staticmethod(parse_number)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = self.parser(str(valuelist[0]))
        except ValueError as error:
            self.data = None
            raise ValueError(str(error)) from None

    def _value(self):
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)


class NumberField(_TypedTextField):
    """A decimal number; '1' stays an int and '1.0' a float, as typed."""

    parser = staticmethod(parse_number)


class WholeNumberField(_TypedTextField):
    """An integer in ASCII digits."""

    parser = staticmethod(parse_integer)


class LinesField(TextAreaField):
    """A list of short strings, one per line."""

    def process_data(self, value):
        self.data = [str(item) for item in value] if isinstance(value, list) else []

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = split_lines(str(valuelist[0]))

    def _value(self):
        if self.raw_data:
            return str(self.raw_data[0])
        return "\n".join(self.data or [])


class CriteriaField(TextAreaField):
    """Rows of {attribute, operator, value}, typed one `attribute operator value` per line."""

    def process_data(self, value):
        self.data = [dict(row) for row in value if isinstance(row, dict)] if isinstance(value, list) else []

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data, problems = parse_criteria(str(valuelist[0]))
        if problems:
            raise ValueError(" ".join(problems))

    def _value(self):
        if self.raw_data:
            return str(self.raw_data[0])
        return format_criteria(self.data)


class ChoiceField(SelectField):
    """A select whose refusal names the allowed choices."""

    def pre_validate(self, form):
        allowed = [value for value, _label in self.choices or []]
        if self.data not in allowed:
            shown = ", ".join(str(label) for value, label in self.choices if value) or _("none")
            raise ValidationError(_("Choose one of: %(choices)s.", choices=shown))


class KeySelectField(SelectField):
    """A select of keys or team slugs; what exists is checked against the database by the form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, validate_choice=False, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = str(valuelist[0]).strip()


class KeyChecklistField(SelectMultipleField):
    """Several keys, as a list of checkboxes; what exists is checked by the form."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, validate_choice=False, **kwargs)

    def process_data(self, value):
        self.data = [str(v) for v in value] if isinstance(value, list) else []

    def process_formdata(self, valuelist):
        seen = []
        for value in valuelist:
            value = str(value).strip()
            if value and value not in seen:
                seen.append(value)
        self.data = seen


class ChecklistField(KeyChecklistField):
    """Several of a fixed set of choices, as checkboxes, kept in the registry's order."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        order = [value for value, _label in self.choices]
        self.data = sorted(self.data, key=lambda v: order.index(v) if v in order else len(order))

    def pre_validate(self, form):
        allowed = {value for value, _label in self.choices}
        unknown = [value for value in self.data or [] if value not in allowed]
        if unknown:
            shown = ", ".join(str(label) for _value, label in self.choices)
            raise ValidationError(_("Choose from: %(choices)s.", choices=shown))


class DatesField(LinesField):
    """Dates, one per line as YYYY-MM-DD; kept sorted and without repeats."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        problems = [_("Line %(number)d: “%(line)s” is not a date: write YYYY-MM-DD, e.g. 2026-12-31.",
                      number=number, line=line[:40])
                    for number, line in enumerate(self.data or [], start=1) if not is_iso_date(line)]
        self.data = sorted(set(self.data or []))
        if problems:
            raise ValueError(" ".join(problems[:5]))


def is_iso_date(text: str) -> bool:
    """Whether the text is a real calendar date written YYYY-MM-DD."""
    if not DATE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


class TimeZoneName:
    """Validator: an IANA time zone this server knows (e.g. Asia/Bangkok)."""

    def __call__(self, form, field):
        if field.data and not is_time_zone(field.data):
            raise ValidationError(_("“%(zone)s” is not a time zone: use an IANA name such as Asia/Bangkok or "
                                    "Europe/Berlin.", zone=field.data[:64]))


def is_time_zone(name: str) -> bool:
    """Whether the name is an IANA time zone (not a file path, not a bare abbreviation)."""
    if "/" not in name and name != "UTC":
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def strip(value):
    return value.strip() if isinstance(value, str) else value


def unix_newlines(value):
    return value.replace("\r\n", "\n").replace("\r", "\n").strip() if isinstance(value, str) else value


def number_text(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:,.0f}"


class ListItems:
    """Validator for list and criteria fields: required means at least one line; items are checked."""

    def __init__(self, required: bool):
        self.required = required

    def __call__(self, form, field):
        if self.required and not field.data:
            raise ValidationError(_("%(field)s needs at least one line.", field=field.label.text))
        if isinstance(field, LinesField):
            problems = check_list_items(field.data or [])
            if problems:
                raise ValidationError(" ".join(problems))


class NumberRequired:
    """Validator: a number was entered (0 counts); text that is not a number keeps its own message."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if field.data is None and not field.process_errors:
            raise StopValidation(self.message)


def _presence(f: Field):
    if not f.required:
        return Optional()
    message = _l("%(field)s is required.", field=_l(f.label))
    if f.kind in ("int", "number"):
        return NumberRequired(message=message)
    return DataRequired(message=message)


# The refusal of a number out of range, by (whole number?, which bounds the field has).
RANGE_MESSAGES = {
    (True, "both"): N_("Enter a whole number from %(low)s to %(high)s."),
    (True, "low"): N_("Enter a whole number of at least %(low)s."),
    (True, "high"): N_("Enter a whole number of at most %(high)s."),
    (False, "both"): N_("Enter a number from %(low)s to %(high)s."),
    (False, "low"): N_("Enter a number of at least %(low)s."),
    (False, "high"): N_("Enter a number of at most %(high)s."),
}


def _range(f: Field, whole: bool) -> NumberRange:
    low = number_text(f.minimum) if f.minimum is not None else None
    high = number_text(f.maximum) if f.maximum is not None else None
    bounds = "both" if low is not None and high is not None else ("low" if low is not None else "high")
    message = _l(RANGE_MESSAGES[whole, bounds], low=low, high=high)
    return NumberRange(min=f.minimum, max=f.maximum, message=message)


LINE_HINTS = {"list": N_("One per line."),
              "criteria": N_("One per line: attribute operator value. Operators: %(operators)s.")}
# How each choice of the registry reads in a select box; the value submitted stays the registry's.
CHOICE_LABELS = {
    "hour": N_("hour"), "day": N_("day"), "week": N_("week"), "month": N_("month"), "quarter": N_("quarter"),
    "year": N_("year"), "call": N_("call"), "email": N_("email"), "social": N_("social"), "sms": N_("SMS"),
    "meeting": N_("meeting"), "fit": N_("fit"), "engagement": N_("engagement"), **OPERATOR_WORDS,
    "stage_volume": N_("stage volume"), "response_time": N_("response time"), "attempts": N_("attempts"),
    "conversion": N_("conversion"), "prose": N_("prose (not measured)"), "at_least": N_("at least"),
    "at_most": N_("at most"), "business_hours": N_("business hours"), "hours": N_("hours"), "days": N_("days"),
    "points": N_("add points"), "set_stage": N_("set stage"), "pipeline": N_("pipeline"),
    "best_case": N_("best case"), "commit": N_("commit"), "closed": N_("closed"), "omitted": N_("omitted"),
    "mon": N_("Monday"), "tue": N_("Tuesday"), "wed": N_("Wednesday"), "thu": N_("Thursday"),
    "fri": N_("Friday"), "sat": N_("Saturday"), "sun": N_("Sunday"),
}


def _description(f: Field) -> str:
    """The field's help and how to type it, in the reader's language."""
    hint = LINE_HINTS.get(f.kind)
    texts = (_(f.help) if f.help else "", _(hint, operators=", ".join(COMPARISON_OPERATORS)) if hint else "")
    return " ".join(text for text in texts if text)


def choice_label(value: str):
    """A registry choice as a select box shows it, translated when the page is drawn."""
    return _l(CHOICE_LABELS[value]) if value in CHOICE_LABELS else value.replace("_", " ")


def make_field(f: Field):
    """The WTForms field for one registry field."""
    options = {"label": _l(f.label), "description": LazyString(_description, f)}
    if f.kind == "text":
        return StringField(filters=[strip], validators=[_presence(f), Length(max=TEXT_MAX, message=TOO_LONG),
                                                        PlainText()], **options)
    if f.kind == "longtext":
        return TextAreaField(filters=[unix_newlines],
                             validators=[_presence(f), Length(max=LONGTEXT_MAX, message=TOO_LONG), PlainText()],
                             **options)
    if f.kind in ("int", "number"):
        whole = f.kind == "int"
        field_class = WholeNumberField if whole else NumberField
        return field_class(validators=[_presence(f), _range(f, whole)],
                           render_kw={"inputmode": "numeric" if whole and (f.minimum or 0) >= 0 else "decimal"},
                           **options)
    if f.kind == "bool":
        return BooleanField(false_values=FALSE_VALUES, **options)
    if f.kind == "choice":
        blank = [] if f.required else [("", "—")]
        choices = blank + [(c, choice_label(c)) for c in f.choices]
        return ChoiceField(choices=choices, validators=[_presence(f)], **options)
    if f.kind == "list":
        return LinesField(validators=[ListItems(f.required)], **options)
    if f.kind == "criteria":
        return CriteriaField(validators=[ListItems(f.required)], **options)
    if f.kind == "choices":
        return ChecklistField(choices=[(c, choice_label(c)) for c in f.choices],
                              validators=[ListItems(f.required)], **options)
    if f.kind == "dates":
        return DatesField(validators=[ListItems(f.required)], **options)
    if f.kind == "time":
        return StringField(filters=[strip], validators=[_presence(f), Regexp(TIME_PATTERN, message=_l(
            "Write a 24-hour time as HH:MM, e.g. 09:00."))], render_kw={"placeholder": "09:00"}, **options)
    if f.kind == "timezone":
        return StringField(filters=[strip], validators=[_presence(f), TimeZoneName()],
                           render_kw={"placeholder": "Asia/Bangkok"}, **options)
    if f.kind == "email":
        return StringField(filters=[strip], validators=[
            _presence(f), Length(max=EMAIL_MAX, message=TOO_LONG),
            Email(message=_l("Enter an email address, e.g. name@example.com."), check_deliverability=False)],
            render_kw={"type": "email", "autocomplete": "off"}, **options)
    if f.kind in ("team", "ref"):
        return KeySelectField(validators=[_presence(f)], **options)
    if f.kind == "refs":
        return KeyChecklistField(validators=[ListItems(f.required)], **options)
    raise ValueError(f"The section registry names an unknown field kind '{f.kind}' ({f.name}).")
