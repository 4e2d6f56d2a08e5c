"""Lead scoring: a version's lead_scoring rules applied to one lead, deterministically.

Fit rules test `fields[rule.field]`. Engagement rules test the number of events named
`rule.field` (an event is a string or an object with a `name`). Deprecated rules are skipped:
they are on their way out, and their replacement would otherwise count twice.
"""
import math

from app.sla.sections import COMPARISON_OPERATORS

SCORE_REQUEST_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Score request",
    "type": "object",
    "properties": {
        "fields": {
            "type": "object",
            "description": "The lead's fields, e.g. {\"industry\": \"Manufacturing\", \"employees\": 250}.",
            "additionalProperties": {"type": ["string", "number", "boolean", "null"]},
        },
        "events": {
            "type": "array",
            "description": "What the lead did, one item per occurrence: a name, or an object with a name.",
            "maxItems": 10_000,
            "items": {
                "oneOf": [
                    {"type": "string", "minLength": 1, "maxLength": 200},
                    {"type": "object", "required": ["name"],
                     "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 200}}},
                ],
            },
        },
    },
    "additionalProperties": False,
}

SEMANTICS = """\
Scoring applies the lead_scoring rules of the version (the current one, or `?version=`) to one lead.
Deprecated rules are skipped. Every matching rule adds its `points` (negative points subtract).

* **fit** rules test `fields[rule.field]`. A missing or null field matches only nothing: every
  operator is false for it, `exists` included.
* **engagement** rules count the events whose name equals `rule.field` (case-insensitive); an event
  is a string or an object with a `name`. The operator compares that COUNT with the rule's value,
  and `exists` means the count is at least 1.

Operators, with the rule's `value` on the right:

* `equals` / `not_equals`: numeric equality when both sides are numbers, otherwise
  case-insensitive text equality (booleans read as `true` / `false`); `not_equals` is its negation.
* `in`: `value` is a comma-separated list; true when the field equals one of its items.
* `contains`: case-insensitive substring of the field's text.
* `gt`, `gte`, `lt`, `lte`: numeric; false when either side is not a number.
* `exists`: the field is present, not null and not an empty string (for events: count >= 1).

`score` = `fit` + `engagement`. `stage` is the key of the lifecycle stage with the highest position
whose `score_threshold` is at most the score, or null when none qualifies. `matched_rules` lists
the rules that matched, in document order.
"""


def _number(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value) if isinstance(value, (int, float)) else float(str(value).strip())
    except (ValueError, OverflowError):  # OverflowError: an integer beyond a double's range
        return None
    return number if math.isfinite(number) else None


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().casefold()


def _equals(actual, expected) -> bool:
    left, right = _number(actual), _number(expected)
    if left is not None and right is not None:
        return left == right
    return _text(actual) == _text(expected)


def compare(actual, operator: str, expected) -> bool:
    """Whether `actual <operator> expected` holds; `actual` None means the field is missing."""
    if operator == "exists":
        return actual is not None and _text(actual) != ""
    if actual is None or operator not in COMPARISON_OPERATORS:
        return False
    expected = "" if expected is None else expected
    if operator == "equals":
        return _equals(actual, expected)
    if operator == "not_equals":
        return not _equals(actual, expected)
    if operator == "in":
        return any(_equals(actual, item) for item in str(expected).split(",") if item.strip())
    if operator == "contains":
        return _text(expected) in _text(actual)
    left, right = _number(actual), _number(expected)
    if left is None or right is None:
        return False
    return {"gt": left > right, "gte": left >= right, "lt": left < right, "lte": left <= right}[operator]


def count_events(events) -> dict[str, int]:
    """How often each event name occurs (names compared case-insensitively)."""
    counts: dict[str, int] = {}
    for event in events or ():
        name = event.get("name") if isinstance(event, dict) else event
        key = str(name).strip().casefold()
        counts[key] = counts.get(key, 0) + 1
    return counts


def rule_matches(rule: dict, fields: dict, event_counts: dict[str, int]) -> bool:
    field_name = (rule.get("field") or "").strip()
    if rule.get("kind") == "engagement":
        count = event_counts.get(field_name.casefold(), 0)
        if rule.get("operator") == "exists":
            return count >= 1
        return compare(count, rule.get("operator"), rule.get("value"))
    return compare(fields.get(field_name), rule.get("operator"), rule.get("value"))


def stage_for(score: float, lifecycle_stages: list[dict]) -> str | None:
    """The key of the furthest lifecycle stage whose score threshold the score reaches."""
    reached = [s for s in lifecycle_stages
               if _number(s.get("score_threshold")) is not None and _number(s["score_threshold"]) <= score]
    if not reached:
        return None
    return max(reached, key=lambda s: (s.get("position") or 0, s["key"]))["key"]


def score_lead(document: dict, fields: dict | None, events: list | None) -> dict:
    """Score one lead against a published document's rules."""
    fields, counts = fields or {}, count_events(events)
    totals = {"fit": 0, "engagement": 0}
    matched = []
    for rule in document["sections"].get("lead_scoring", []):
        if rule.get("deprecated") or not rule_matches(rule, fields, counts):
            continue
        kind = "engagement" if rule.get("kind") == "engagement" else "fit"
        points = rule.get("points") or 0
        totals[kind] += points
        matched.append({"key": rule["key"], "name": rule["name"], "kind": kind, "points": points})
    score = totals["fit"] + totals["engagement"]
    return {
        "version": document["version"],
        "score": score,
        "fit": totals["fit"],
        "engagement": totals["engagement"],
        "stage": stage_for(score, document["sections"].get("lifecycle_stages", [])),
        "matched_rules": matched,
    }
