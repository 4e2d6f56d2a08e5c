"""Lead scoring: a version's lead_scoring rules applied to one lead at one moment, deterministically.

Fit rules test `fields[rule.field]`. Engagement rules count the events named `rule.field` that
happened in the rule's window before `as_of`. Deprecated rules are skipped: they are on their way
out, and their replacement would otherwise count twice. Every rule in the answer says why it
scored what it scored, and `stage_reason` why the lead reached its stage and not a further one.
"""
import math
from datetime import datetime, timedelta, timezone

from app.sla.schema import SEMVER_PATTERN
from app.sla.sections import COMPARISON_OPERATORS, KEY_PATTERN

ANY_EVENT = "*"
LEAD_TYPE_FIELD = "lead_type"
STAGE_BARS = (("score_threshold", "score"), ("min_fit", "fit"), ("min_engagement", "engagement"))
MAX_WINDOW_DAYS = 1_000_000  # beyond any within_days a document may hold; keeps timedelta in range

_TIME = {"type": "string", "format": "date-time", "minLength": 1, "maxLength": 64,
         "description": "An ISO 8601 date-time with a UTC offset or Z, e.g. 2026-12-01T09:30:00+07:00."}

SCORE_REQUEST_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Score request",
    "type": "object",
    "properties": {
        "fields": {
            "type": "object",
            "description": "The lead's fields, e.g. {\"industry\": \"Manufacturing\", \"employees\": 250, "
                           "\"lead_type\": \"new-prospect\"}.",
            "additionalProperties": {"type": ["string", "number", "boolean", "null"]},
        },
        "events": {
            "type": "array",
            "description": "What the lead did, one item per occurrence: a name (it happened at `as_of`), "
                           "or an object with a `name` and the time `at` it happened.",
            "maxItems": 10_000,
            "items": {
                "oneOf": [
                    {"type": "string", "minLength": 1, "maxLength": 200},
                    {"type": "object", "required": ["name"],
                     "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 200}, "at": _TIME}},
                ],
            },
        },
        "as_of": {**_TIME, "description": "The moment the lead is scored at; default: now. " + _TIME["description"]},
    },
    "additionalProperties": False,
}

_NUMBER_OR_NULL = {"type": ["number", "null"]}
_COUNT_OR_NULL = {"type": ["integer", "null"], "minimum": 0}
_BAR = {"type": "object", "additionalProperties": False, "required": ["bar", "required", "actual"],
        "properties": {"bar": {"type": "string", "enum": [bar for bar, _ in STAGE_BARS]},
                       "required": {"type": "number"}, "actual": {"type": "number"}}}
_KEY = {"type": "string", "pattern": KEY_PATTERN}
_STAGE_KEY = {"type": ["string", "null"], "description": "A lifecycle stage key."}


def _object(properties: dict) -> dict:
    return {"type": "object", "required": list(properties), "properties": properties, "additionalProperties": False}


SCORE_RESULT_SCHEMA = _object({
    "version": {"type": "string", "pattern": SEMVER_PATTERN},
    "as_of": {"type": "string", "format": "date-time",
              "description": "The moment scored at, in UTC (a moment UTC cannot hold keeps its offset)."},
    "lead_type": {"type": ["string", "null"], "description": "fields.lead_type as the rules read it."},
    "score": {"type": "number"}, "fit": {"type": "number"}, "engagement": {"type": "number"},
    "stage": _STAGE_KEY,
    "matched_rules": {"type": "array", "items": _object({
        "key": _KEY, "name": {"type": "string"},
        "kind": {"type": "string", "enum": ["fit", "engagement"]}, "points": {"type": "number"}})},
    "rules": {"type": "array", "description": "Every rule that is not deprecated, in document order.",
              "items": _object({
                  "key": _KEY, "name": {"type": "string"},
                  "kind": {"type": "string", "enum": ["fit", "engagement"]},
                  "action": {"type": "string", "enum": ["points", "set_stage"]}, "stage": _STAGE_KEY,
                  "in_scope": {"type": "boolean"}, "matched": {"type": "boolean"},
                  "events_counted": _COUNT_OR_NULL, "events_too_old": _COUNT_OR_NULL,
                  "events_after_as_of": _COUNT_OR_NULL,
                  "times": {"type": "integer", "minimum": 0}, "points": {"type": "number"},
                  "reason": {"type": "string"}})},
    "stage_reason": _object({
        "stage": _STAGE_KEY, "by": {"type": ["string", "null"], "enum": ["threshold", "override", None]},
        "rule": {"type": ["string", "null"], "description": "The key of the set_stage rule that decided."},
        "bars": {"type": "array", "items": _BAR, "description": "The stage's bars, all met."},
        "text": {"type": "string"},
        "not_reached": {"type": "array", "description": "Every stage after the one reached, and why not.",
                        "items": _object({"stage": _KEY, "unmet": {"type": "array", "items": _BAR},
                                          "reason": {"type": "string"}})}}),
})

SEMANTICS = """\
Scoring applies the lead_scoring rules of the version (the current one, or `?version=`) to one lead
at the moment `as_of` (an ISO 8601 date-time with an offset or `Z`; default: now). Deprecated rules
are skipped. Every matching rule adds its `points` (negative points subtract).

* **Events** are bare names, which happened at `as_of`, or objects `{"name", "at"}` with an ISO 8601
  date-time (with an offset or `Z`; without `at`, at `as_of`). Events after `as_of` are ignored.
  A time that is not such a date-time is refused with 422 and a JSON pointer to it.
* **fit** rules test `fields[rule.field]`. A missing or null field matches only nothing: every
  operator is false for it, `exists` included. `within_days` and `max_occurrences` do not apply.
* **engagement** rules count the events whose name equals `rule.field` (case-insensitive; the name
  `*` counts events of any name). With `within_days`, only events at most that many days (of 24
  hours) before `as_of` count. The operator compares that COUNT with the rule's value, and `exists`
  means the count is at least 1. So decay, "inactive for 90 days", is a rule on `*` with `equals 0`
  and `within_days 90`: it matches a lead with no event in the last 90 days (a lead that sends no
  events at all included).
* `max_occurrences`: when set, a matching engagement rule scores its points once per counted event,
  at most `max_occurrences` times, instead of once (so a rule matching on zero events scores 0).
* `lead_types`: a rule that lists lead types applies only to a lead whose `fields.lead_type` is one
  of those keys (case-insensitive); to any other lead, one without `lead_type` included, it is out
  of scope and scores nothing. A rule without lead types applies to every lead.
* `action: set_stage` with `stage`: when the rule matches it scores its points as any rule, and the
  lead reaches at least that lifecycle stage whatever its score (an override), provided its fit and
  engagement meet that stage's `min_fit` and `min_engagement`: an override skips the score
  threshold, not the fit a stage asks for.

Operators, with the rule's `value` on the right:

* `equals` / `not_equals`: numeric equality when both sides are numbers, otherwise
  case-insensitive text equality (booleans read as `true` / `false`); `not_equals` is its negation.
* `in`: `value` is a comma-separated list; true when the field equals one of its items.
* `contains`: case-insensitive substring of the field's text.
* `gt`, `gte`, `lt`, `lte`: numeric; false when either side is not a number.
* `exists`: the field is present, not null and not an empty string (for events: count >= 1).

`score` = `fit` + `engagement`. A lifecycle stage with a `score_threshold`, `min_fit` or
`min_engagement` is reached by scoring when the score reaches the threshold AND `fit` >= `min_fit`
AND `engagement` >= `min_engagement` (a bar left empty is no bar). `stage` is the key of the stage
with the highest position reached by scoring or by an override, or null when none is. `matched_rules`
lists the rules that matched, in document order, with the points they scored. `rules` explains
every rule that is not deprecated: in scope or not, matched or not, the events counted, too old or
after `as_of`, how many `times` it scored, its `points`, and a `reason`. `stage_reason` names how
the stage was reached (`by` threshold, with the stage's `bars`, or by the override `rule`) and, in
`not_reached`, every further stage with the bars the lead does not meet. The answer echoes `as_of`
in UTC and `lead_type` as the rules read it. A version published before these fields existed
(schema 1) has none of them, and scores exactly as it always did.
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


# --- times ------------------------------------------------------------------------------------

def parse_time(value) -> datetime | None:
    """An ISO 8601 date-time with a UTC offset, in UTC; None when it is not one (a bare date, no offset)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().upper())  # RFC 3339 allows a lower-case t and z
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:  # 0001-01-01T00:00+01:00 has no UTC time Python can hold: it keeps its offset
        return moment


def format_time(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def now() -> datetime:
    """The default as_of: this second, in UTC."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def time_errors(payload) -> list[dict]:
    """Every as_of or event time that is not an ISO 8601 date-time with an offset, with a JSON pointer."""
    if not isinstance(payload, dict):
        return []
    message = "is not an ISO 8601 date-time with a UTC offset or Z, e.g. 2026-12-01T09:30:00Z"
    times = [("/as_of", payload.get("as_of"))] if "as_of" in payload else []
    events = payload.get("events")
    if isinstance(events, list):
        times += [(f"/events/{i}/at", e["at"]) for i, e in enumerate(events) if isinstance(e, dict) and "at" in e]
    return [{"pointer": pointer, "message": f"{value!r} {message}"}
            for pointer, value in times if isinstance(value, str) and parse_time(value) is None]


def read_events(events, as_of: datetime) -> list[tuple[str, datetime]]:
    """Each event as (name casefolded, when); a bare name or an object without `at` happened at as_of."""
    read = []
    for event in events or ():
        name, at = (event.get("name"), event.get("at")) if isinstance(event, dict) else (event, None)
        when = as_of if at is None else parse_time(at)
        if when is None:
            raise ValueError(f"event time {at!r} is not an ISO 8601 date-time with an offset")
        read.append((str(name).strip().casefold(), when))
    return read


# --- rules ------------------------------------------------------------------------------------

def _plain(number: float) -> int | float:
    """A whole number as an int, so that 50 reads as 50, not 50.0."""
    return int(number) if number.is_integer() else number


def _points_text(points: float) -> str:
    return f"{points:+g}" if points else "0"


def _lead_type(fields: dict) -> str | None:
    value = fields.get(LEAD_TYPE_FIELD)
    return None if value is None or _text(value) == "" else _text(value)


def _out_of_scope(rule: dict, lead_type: str | None) -> str | None:
    """Why a rule scoped to lead types does not apply to this lead; None when it applies."""
    types = rule.get("lead_types") or []
    if not types or lead_type in {_text(t) for t in types}:
        return None
    this = f"this lead's lead_type is {lead_type}" if lead_type else "this lead has no lead_type"
    return f"Out of scope: the rule applies to lead types {', '.join(types)} only, and {this}."


def _window_counts(rule: dict, events: list[tuple[str, datetime]], as_of: datetime) -> tuple[int, int, int]:
    """(counted, too old, after as_of) of the events a rule looks at."""
    name = (rule.get("field") or "").strip().casefold()
    times = [at for event, at in events if name == ANY_EVENT or event == name]
    after = sum(at > as_of for at in times)
    days = _number(rule.get("within_days"))
    window = None if days is None else timedelta(days=min(days, MAX_WINDOW_DAYS))
    too_old = 0 if window is None else sum(at <= as_of and as_of - at > window for at in times)
    return len(times) - after - too_old, too_old, after


def _max_occurrences(rule: dict) -> int | None:
    cap = _number(rule.get("max_occurrences"))
    return None if cap is None or cap < 1 else int(cap)


def _engagement(rule: dict, events, as_of: datetime) -> dict:
    counted, too_old, after = _window_counts(rule, events, as_of)
    operator = rule.get("operator")
    matched = counted >= 1 if operator == "exists" else compare(counted, operator, rule.get("value"))
    cap = _max_occurrences(rule)
    times = (min(counted, cap) if cap is not None else 1) if matched else 0
    field = (rule.get("field") or "").strip()
    what = "events of any name" if field == ANY_EVENT else f"{field} events"
    days = _number(rule.get("within_days"))
    ignored = [f"{too_old} older" if too_old else "", f"{after} after as_of" if after else ""]
    ignored_text = f" ({' and '.join(i for i in ignored if i)} ignored)" if too_old or after else ""
    window = f" within {days:g} days before as_of" if days is not None else ""
    test = f"{operator} {rule.get('value') or ''}".strip()
    return {"matched": matched, "events_counted": counted, "events_too_old": too_old,
            "events_after_as_of": after, "times": times,
            "reason": f"{counted} {what}{window}{ignored_text}: {test} {'holds' if matched else 'does not hold'}"}


def _fit(rule: dict, fields: dict) -> dict:
    field = (rule.get("field") or "").strip()
    actual = fields.get(field)
    matched = compare(actual, rule.get("operator"), rule.get("value"))
    test = f"{rule.get('operator')} {rule.get('value') or ''}".strip()
    if actual is None:
        reason = f"The lead has no {field}: {test} does not hold"
    else:
        reason = f"{field} is {actual!r}: {test} {'holds' if matched else 'does not hold'}"
    return {"matched": matched, "events_counted": None, "events_too_old": None, "events_after_as_of": None,
            "times": 1 if matched else 0, "reason": reason}


def explain_rule(rule: dict, fields: dict, events: list[tuple[str, datetime]], as_of: datetime,
                 lead_type: str | None) -> dict:
    """One rule applied to the lead: whether it is in scope and matched, what it counted and scored, and why."""
    kind = "engagement" if rule.get("kind") == "engagement" else "fit"
    action = "set_stage" if rule.get("action") == "set_stage" else "points"
    head = {"key": rule["key"], "name": rule["name"], "kind": kind, "action": action,
            "stage": rule.get("stage") if action == "set_stage" else None}
    scope = _out_of_scope(rule, lead_type)
    if scope:
        return {**head, "in_scope": False, "matched": False, "events_counted": None, "events_too_old": None,
                "events_after_as_of": None, "times": 0, "points": 0, "reason": scope}
    outcome = _engagement(rule, events, as_of) if kind == "engagement" else _fit(rule, fields)
    points = (rule.get("points") or 0) * outcome["times"]
    reason = outcome["reason"]
    if outcome["matched"]:
        cap = _max_occurrences(rule) if kind == "engagement" else None
        each = f" ({rule.get('points') or 0:g} × {outcome['times']}, at most {cap} times)" if cap else ""
        reason += f", {_points_text(points)}{each}"
        if action == "set_stage":
            reason += (f", and the lead reaches at least the stage {head['stage']}" if head["stage"]
                       else ", but it names no stage to set")
    return {**head, "in_scope": True, **outcome, "points": points, "reason": reason + "."}


# --- stages -----------------------------------------------------------------------------------

def _unmet(stage: dict, totals: dict, bars=STAGE_BARS) -> list[dict]:
    """The stage's bars (threshold, minimum fit, minimum engagement) the lead's totals do not meet."""
    unmet = []
    for bar, total in bars:
        required = _number(stage.get(bar))
        if required is not None and totals[total] < required:
            unmet.append({"bar": bar, "required": _plain(required), "actual": totals[total]})
    return unmet


def _met(stage: dict, totals: dict) -> list[dict]:
    return [{"bar": bar, "required": _plain(_number(stage[bar])), "actual": totals[total]}
            for bar, total in STAGE_BARS if _number(stage.get(bar)) is not None]


def _bars_text(bars: list[dict], verb: str) -> str:
    names = {"score_threshold": "score", "min_fit": "fit", "min_engagement": "engagement"}
    return ", ".join(f"{names[b['bar']]} {b['actual']:g} {verb} {b['bar']} {b['required']:g}" for b in bars)


def _rank(stage: dict) -> tuple:
    return (_number(stage.get("position")) or 0, stage["key"])


def stage_for(totals: dict, stages: list[dict], overrides: list[dict]) -> dict:
    """The furthest lifecycle stage reached by scoring or by a matched set_stage rule, and why not further."""
    by_key = {s["key"]: s for s in stages}
    by_score = [s for s in stages if _met(s, totals) and not _unmet(s, totals)]
    overriding, blocked = {}, {}
    for rule in overrides:
        stage = by_key.get(rule["stage"])
        if stage is not None and not _unmet(stage, totals, STAGE_BARS[1:]):
            overriding.setdefault(stage["key"], rule)
        elif stage is not None:
            blocked.setdefault(stage["key"], rule)
    reached = by_score + [by_key[key] for key in overriding]
    best = max(reached, key=_rank) if reached else None
    not_reached = [_why_not(s, totals, blocked.get(s["key"])) for s in sorted(stages, key=_rank)
                   if best is None or _rank(s) > _rank(best)]
    if best is None:
        return {"stage": None, "by": None, "rule": None, "bars": [], "not_reached": not_reached,
                "text": "No stage is reached: no stage's bars are met and no set_stage rule applies."}
    bars = _met(best, totals)
    if best in by_score:
        return {"stage": best["key"], "by": "threshold", "rule": None, "bars": bars, "not_reached": not_reached,
                "text": f"The stage {best['key']} is reached by score: {_bars_text(bars, 'reaches')}."}
    rule = overriding[best["key"]]
    bars = [b for b in bars if b["bar"] != "score_threshold"]
    met = f"; {_bars_text(bars, 'reaches')}" if bars else ""
    return {"stage": best["key"], "by": "override", "rule": rule["key"], "bars": bars, "not_reached": not_reached,
            "text": f"The rule {rule['key']} ({rule['name']}) matched and sets the stage {best['key']} "
                    f"whatever the score{met}."}


def _why_not(stage: dict, totals: dict, blocked_rule: dict | None) -> dict:
    unmet = _unmet(stage, totals)
    if unmet:
        reason = f"{_bars_text(unmet, 'is below')}."
    elif not _met(stage, totals):
        reason = "It has no score threshold, minimum fit or minimum engagement: scoring does not decide it."
    else:
        reason = "Its bars are met, but a further stage was reached."
    if blocked_rule is not None:
        reason += f" The rule {blocked_rule['key']} matched, but its override needs the stage's minimums."
    return {"stage": stage["key"], "unmet": unmet, "reason": reason}


def score_lead(document: dict, fields: dict | None, events: list | None, as_of: datetime | None = None) -> dict:
    """Score one lead at as_of (default now) against a published document's rules, with the reasons."""
    fields, as_of = fields or {}, as_of or now()
    lead_type, read = _lead_type(fields), read_events(events, as_of)
    explained = [explain_rule(rule, fields, read, as_of, lead_type)
                 for rule in document["sections"].get("lead_scoring", []) if not rule.get("deprecated")]
    totals = {"fit": 0, "engagement": 0}
    for rule in explained:
        totals[rule["kind"]] += rule["points"]
    totals["score"] = totals["fit"] + totals["engagement"]
    overrides = [r for r in explained if r["matched"] and r["action"] == "set_stage" and r["stage"]]
    reason = stage_for(totals, document["sections"].get("lifecycle_stages", []), overrides)
    return {
        "version": document["version"],
        "as_of": format_time(as_of),
        "lead_type": lead_type,
        "score": totals["score"],
        "fit": totals["fit"],
        "engagement": totals["engagement"],
        "stage": reason["stage"],
        "matched_rules": [{key: r[key] for key in ("key", "name", "kind", "points")}
                          for r in explained if r["matched"]],
        "rules": explained,
        "stage_reason": reason,
    }
