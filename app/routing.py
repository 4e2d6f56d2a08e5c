"""URL converters: an `<int:…>` id beyond what the database's integers hold is a 404, not an overflow."""
from flask import Flask
from werkzeug.routing import IntegerConverter, ValidationError

MAX_ID = 2**31 - 1  # the largest value of a 32-bit INTEGER column, the ids' type on both databases


class BoundedIntegerConverter(IntegerConverter):
    """The `int` converter, refusing numbers above MAX_ID before they reach a query."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> int:
        if self.max is not None and len(value.lstrip("-0")) > len(str(self.max)):  # Python refuses to parse
            # very long numbers, and the database could not hold them anyway
            raise ValidationError()
        return super().to_python(value)


def install_converters(app: Flask) -> None:
    """Before any route is added: rules built afterwards use the bounded converter."""
    app.url_map.converters["int"] = BoundedIntegerConverter
