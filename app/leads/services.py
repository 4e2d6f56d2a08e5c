"""Taking lead events in: validate each, then store the valid ones of a batch in one transaction.

An event is known by its source and its id in that source, so a batch sent twice (a retry after a
timeout, a re-run import) stores nothing the second time: those events are counted as duplicates.
"""
from dataclasses import dataclass, field
from datetime import datetime

from jsonschema import Draft202012Validator
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models import Lead, LeadEvent
from app.models.base import utcnow
from app.models.leads import EXTERNAL_ID_MAX, SOURCE_MAX, VALUE_MAX
from app.sla.scoring import parse_time
from app.sla.sections import CHANNELS

BATCH_MAX = 10_000
# The event kinds, and which property of an event names its value (a stage, a status, an event name).
VALUE_PROPERTY = {"stage_entered": "stage", "status_changed": "status", "connect_attempt": "outcome",
                  "engagement": "name", "deal_stage_entered": "deal_stage"}
KINDS = tuple(VALUE_PROPERTY)
_TEXT = {"type": "string", "minLength": 1}
_VALUE = {**_TEXT, "maxLength": VALUE_MAX}
LEAD_SCHEMA = {
    "type": "object", "required": ["external_id"], "additionalProperties": False,
    "properties": {
        "external_id": {**_TEXT, "maxLength": EXTERNAL_ID_MAX, "description": "The lead's id in the source."},
        "lead_type": {**_VALUE, "description": "A lead_types key of the SLA."},
        "owner": {"type": "string", "maxLength": 254, "description": "The owner's email address."},
        "fields": {"type": "object", "maxProperties": 100, "description": "What fit rules test, e.g. industry.",
                   "additionalProperties": {"type": ["string", "number", "boolean", "null"]}},
    },
}
EVENT_SCHEMA = {
    "type": "object", "required": ["id", "lead", "kind", "at"], "additionalProperties": False,
    "properties": {
        "id": {**_TEXT, "maxLength": EXTERNAL_ID_MAX, "description": "The event's id in the source: "
               "the same id again is a duplicate."},
        "lead": {"oneOf": [{**_TEXT, "maxLength": EXTERNAL_ID_MAX}, LEAD_SCHEMA],
                 "description": "The lead's external id, or the lead with its type, owner and fields."},
        "kind": {"enum": list(KINDS)},
        "at": {"type": "string", "format": "date-time", "maxLength": 64,
               "description": "When it happened: ISO 8601 with a UTC offset or Z."},
        "stage": {**_VALUE, "description": "stage_entered: the lifecycle stage key."},
        "status": {**_VALUE, "description": "status_changed: the lead status key."},
        "deal_stage": {**_VALUE, "description": "deal_stage_entered: the deal stage key."},
        "name": {**_VALUE, "description": "engagement: the event name scoring rules count."},
        "channel": {"enum": list(CHANNELS), "description": "connect_attempt: how sales tried."},
        "outcome": {**_VALUE, "description": "connect_attempt: a connect outcome key."},
    },
    # Each kind names its value: a stage_entered event its stage, a connect attempt its channel …
    "allOf": [{"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
               "then": {"required": ["channel" if kind == "connect_attempt" else value]}}
              for kind, value in VALUE_PROPERTY.items()],
}
EVENTS_REQUEST_SCHEMA = {
    "type": "object", "required": ["source", "events"], "additionalProperties": False,
    "properties": {
        "source": {**_TEXT, "maxLength": SOURCE_MAX, "pattern": "^[a-z0-9][a-z0-9_.-]*$",
                   "description": "The system the events come from, e.g. hubspot: ids are unique within it."},
        "events": {"type": "array", "maxItems": BATCH_MAX, "items": {"type": "object"}},
    },
}
_event_validator = Draft202012Validator(EVENT_SCHEMA)


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    errors: list = field(default_factory=list)  # {"pointer", "message"}, one or more per rejected event
    rejected: int = 0

    def as_dict(self) -> dict:
        return {"accepted": self.accepted, "duplicates": self.duplicates, "rejected": self.rejected,
                "errors": self.errors}


_VALUE_KEYS = ("stage", "status", "deal_stage", "name", "outcome")
_EVENT_KEYS = frozenset(EVENT_SCHEMA["properties"])
_LEAD_KEYS = frozenset(LEAD_SCHEMA["properties"])
_CHANNELS = frozenset(CHANNELS)
_SCALARS = (str, int, float, bool, type(None))


def _text_ok(value, limit: int) -> bool:
    return type(value) is str and 0 < len(value) <= limit


def _lead_ok(lead) -> bool:
    if type(lead) is str:
        return 0 < len(lead) <= EXTERNAL_ID_MAX
    if type(lead) is not dict or not lead.keys() <= _LEAD_KEYS or not _text_ok(lead.get("external_id"),
                                                                                   EXTERNAL_ID_MAX):
        return False
    fields = lead.get("fields", {})
    return (("lead_type" not in lead or _text_ok(lead["lead_type"], VALUE_MAX))
            and ("owner" not in lead or (type(lead["owner"]) is str and len(lead["owner"]) <= 254))
            and type(fields) is dict and len(fields) <= 100
            and all(isinstance(v, _SCALARS) for v in fields.values()))


def plainly_valid(event) -> bool:
    """The schema's checks written out for the common case (a valid event), about twenty times faster
    than the validator; anything it doubts goes to the validator, which words the errors."""
    if type(event) is not dict or not event.keys() <= _EVENT_KEYS:
        return False
    kind = event.get("kind")
    if type(kind) is not str:
        return False
    needed = "channel" if kind == "connect_attempt" else VALUE_PROPERTY.get(kind)
    return (needed in event and _text_ok(event.get("id"), EXTERNAL_ID_MAX) and _lead_ok(event.get("lead"))
            and type(event.get("at")) is str and len(event["at"]) <= 64
            and all(_text_ok(event[key], VALUE_MAX) for key in _VALUE_KEYS if key in event)
            and ("channel" not in event or (type(event["channel"]) is str and event["channel"] in _CHANNELS)))


def event_problems(event, index: int) -> list[dict]:
    """Why one event cannot be stored (schema, its kind's value, its time), with JSON pointers."""
    if plainly_valid(event):
        if parse_time(event["at"]) is not None:
            return []
    pointer = f"/events/{index}"
    problems = [{"pointer": pointer + "".join(f"/{p}" for p in error.absolute_path), "message": error.message}
                for error in sorted(_event_validator.iter_errors(event), key=lambda e: list(e.absolute_path))]
    if not problems and parse_time(event["at"]) is None:
        problems.append({"pointer": pointer + "/at", "message": f"{event['at']!r} is not an ISO 8601 date-time "
                                                                 "with a UTC offset or Z"})
    return problems


def _insert(model):
    """INSERT … ON CONFLICT DO NOTHING on either database."""
    dialect = db.session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(model)


def _naive_utc(moment: datetime) -> datetime:
    """How times are stored: UTC without a zone."""
    return moment.replace(tzinfo=None)


def ingest_events(source: str, events: list) -> IngestResult:
    """Store the valid events of a batch (and their leads) in the caller's transaction."""
    result, valid = IngestResult(), []
    for index, event in enumerate(events):
        problems = event_problems(event, index)
        if problems:
            result.rejected += 1
            result.errors.extend(problems)
        else:
            valid.append(event)
    if not valid:
        return result
    lead_ids = _lead_ids(source, valid)
    now, seen, rows = utcnow(), set(), []
    for event in valid:
        if event["id"] in seen:  # the same id twice in one batch: the first one counts
            result.duplicates += 1
            continue
        seen.add(event["id"])
        rows.append({"lead_id": lead_ids[_external_id(event)], "source": source, "source_event_id": event["id"],
                     "kind": event["kind"], "value": event.get(VALUE_PROPERTY[event["kind"]]),
                     "channel": event.get("channel"), "outcome": event.get("outcome"),
                     "occurred_at": _naive_utc(parse_time(event["at"])), "received_at": now})
    table = LeadEvent.__table__  # Core: the ORM's bulk path splices RETURNING rows in quadratic time
    inserted = db.session.execute(
        _insert(table).on_conflict_do_nothing(index_elements=["source", "source_event_id"])
        .returning(table.c.id), rows).all() if rows else []
    result.accepted = len(inserted)
    result.duplicates += len(rows) - len(inserted)
    return result


def _external_id(event: dict) -> str:
    lead = event["lead"]
    return lead if isinstance(lead, str) else lead["external_id"]


def _lead_ids(source: str, events: list[dict]) -> dict[str, int]:
    """The id of every lead the events name, creating the new ones; a lead sent with details (type,
    owner, fields) takes the latest details sent."""
    details: dict[str, dict] = {}
    for event in events:
        lead = event["lead"]
        external_id = _external_id(event)
        if isinstance(lead, dict):
            details[external_id] = {**details.get(external_id, {}), **{k: v for k, v in lead.items()
                                                                       if k != "external_id"}}
        else:
            details.setdefault(external_id, {})
    now = utcnow()
    db.session.execute(
        _insert(Lead).on_conflict_do_nothing(index_elements=["source", "external_id"]),
        [{"source": source, "external_id": external_id, "lead_type": values.get("lead_type"),
          "owner": values.get("owner"), "fields": values.get("fields") or {}, "created_at": now, "updated_at": now}
         for external_id, values in details.items()])
    ids = {}
    keys = list(details)
    for start in range(0, len(keys), 500):  # bounded IN lists
        chunk = keys[start:start + 500]
        for lead in db.session.scalars(select(Lead).where(Lead.source == source, Lead.external_id.in_(chunk))):
            ids[lead.external_id] = lead.id
            changed = {k: v for k, v in details[lead.external_id].items() if getattr(lead, k) != v}
            if changed:
                for name, value in changed.items():
                    setattr(lead, name, value)
                lead.updated_at = now
    db.session.flush()
    return ids
