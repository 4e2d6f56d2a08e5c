"""WTForms fields for the kinds of the section registry that WTForms lacks."""
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.editing.validation import format_criteria, parse_criteria, parse_integer, parse_number, split_lines


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
            shown = ", ".join(v for v in allowed if v) or "none"
            raise ValidationError(f"Choose one of: {shown}.")


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
