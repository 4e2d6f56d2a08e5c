"""Drift: what a sync of the agreed export would add, change, reorder or remove in a CRM, from what the CRM
holds now (HubSpot's v3 API responses; Salesforce's retrieved StandardValueSet files). Values are matched
by what the CRM stores: HubSpot's stage id or option value, Salesforce's fullName."""
import math
from dataclasses import dataclass, field

from jsonschema import Draft202012Validator

from app.messages import N_
from app.sla.exports import HUBSPOT_PROPERTIES, hubspot_pipeline, hubspot_property, hubspot_value, ordered_entries
from app.sla.salesforce import STANDARD_VALUE_FIELDS, ValueSetError, read_value_set, value_set

OBJECT_TITLES = {
    "deal_stages": N_("Deal pipeline stages"),
    "lifecyclestage": N_("Lifecycle stage options"),
    "hs_lead_status": N_("Lead status options"),
    "OpportunityStage": N_("Opportunity stages"),
    "LeadStatus": N_("Lead statuses"),
}
HUBSPOT_OBJECTS = ("deal_stages", *HUBSPOT_PROPERTIES)
SALESFORCE_OBJECTS = tuple(STANDARD_VALUE_FIELDS)

_SCALAR = {"type": ["string", "number", "boolean", "null"]}
_STAGE = {"type": "object", "required": ["id", "label"], "properties": {
    "id": {"type": "string", "minLength": 1}, "label": {"type": "string"}, "displayOrder": {"type": "integer"},
    "metadata": {"type": "object", "additionalProperties": _SCALAR}, "archived": {"type": "boolean"}}}
_PIPELINE = {"type": "object", "required": ["stages"], "properties": {
    "id": {"type": "string"}, "label": {"type": "string"}, "archived": {"type": "boolean"},
    "stages": {"type": "array", "items": _STAGE}}}
_OPTION = {"type": "object", "required": ["label", "value"], "properties": {
    "label": {"type": "string"}, "value": {"type": "string", "minLength": 1}, "displayOrder": {"type": "integer"},
    "description": {"type": ["string", "null"]}, "hidden": {"type": "boolean"}}}
_PROPERTY = {"type": "object", "required": ["options"], "properties": {
    "name": {"type": "string"}, "options": {"type": "array", "items": _OPTION}}}
# The drift request: any of GET /crm/v3/pipelines/deals (or one pipeline of it) and
# GET /crm/v3/properties/contacts/{lifecyclestage,hs_lead_status}, as HubSpot returns them.
HUBSPOT_CURRENT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object", "minProperties": 1, "additionalProperties": False,
    "properties": {
        "pipelines": {"if": {"type": "object", "required": ["results"]},
                      "then": {"type": "object", "properties": {"results": {"type": "array", "items": _PIPELINE}}},
                      "else": _PIPELINE},
        **{name: _PROPERTY for name in HUBSPOT_PROPERTIES},
    },
}
_validator = Draft202012Validator(HUBSPOT_CURRENT_SCHEMA)


class DriftInputError(ValueError):
    """What the CRM's state as sent cannot be read as: a detail, and each error with a JSON pointer."""

    def __init__(self, detail: str, errors: list[dict] | None = None):
        super().__init__(detail)
        self.detail, self.errors = detail, errors or []


@dataclass
class Value:
    """One stage or option: the value the CRM stores, its label, and the fields a sync sets."""
    value: str
    label: str
    fields: dict = field(default_factory=dict)


def _same(old, new) -> bool:
    """Equal, numbers within rounding (HubSpot's "0.10" is 0.1); true is not 1."""
    numbers = [isinstance(v, (int, float)) and not isinstance(v, bool) for v in (old, new)]
    if all(numbers):
        return math.isclose(old, new, abs_tol=1e-9)
    return old == new and isinstance(old, bool) == isinstance(new, bool)


def _kept(moves: list[int]) -> set[int]:
    """The indexes of `moves` in its longest increasing run (patience sorting): what stays in place."""
    tails, links, ends = [], [None] * len(moves), []
    for index, item in enumerate(moves):
        low, high = 0, len(tails)
        while low < high:
            middle = (low + high) // 2
            if tails[middle] < item:
                low = middle + 1
            else:
                high = middle
        links[index] = ends[low - 1] if low else None
        tails[low:low + 1], ends[low:low + 1] = [item], [index]
    kept, index = set(), ends[-1] if ends else None
    while index is not None:
        kept.add(index)
        index = links[index]
    return kept


def compare(wanted: list[Value], current: list[Value]) -> dict:
    """What turns `current` into `wanted`: values to add, fields to change (old → new), the fewest values
    to move (from their place in the CRM to theirs in the export, after the value they follow), and values
    to remove. Positions count from 1."""
    now: dict[str, tuple[int, Value]] = {}
    for index, item in enumerate(current):
        now.setdefault(item.value, (index, item))
    agreed = {item.value for item in wanted}
    add, change, common = [], [], []
    for index, item in enumerate(wanted):
        if item.value not in now:
            add.append({"value": item.value, "label": item.label, "position": index + 1, "fields": item.fields})
            continue
        old_index, old = now[item.value]
        common.append((index, old_index, item))
        before = {"label": old.label, **old.fields}
        fields = [{"field": name, "old": before.get(name), "new": new}
                  for name, new in {"label": item.label, **item.fields}.items() if not _same(before.get(name), new)]
        if fields:
            change.append({"value": item.value, "label": item.label, "fields": fields})
    kept = _kept([old_index for _, old_index, _ in common])
    reorder = [{"value": item.value, "label": item.label, "from": old_index + 1, "to": index + 1,
                "after": wanted[index - 1].value if index else None}
               for number, (index, old_index, item) in enumerate(common) if number not in kept]
    remove = [{"value": item.value, "label": item.label, "position": index + 1}
              for index, item in enumerate(current) if item.value not in agreed and now[item.value][0] == index]
    return {"add": add, "change": change, "reorder": reorder, "remove": remove,
            "in_sync": not (add or change or reorder or remove)}


def _result(crm: str, document: dict, objects: list[dict]) -> dict:
    return {"crm": crm, "version": document["version"], "in_sync": all(o["in_sync"] for o in objects),
            "objects": objects}


def _object(name: str, wanted: list[Value], current: list[Value], **extra) -> dict:
    return {"object": name, "title": OBJECT_TITLES[name], **extra, **compare(wanted, current)}


# --- HubSpot ------------------------------------------------------------------------------------------

def _pointer(path) -> str:
    return "/" + "/".join(str(p) for p in path)


def _hubspot_order(items: list[dict]) -> list[dict]:
    """As HubSpot lists them: by displayOrder, then label; archived ones are gone."""
    live = [i for i in items if not i.get("archived")]
    return sorted(live, key=lambda i: (i.get("displayOrder", 0), i.get("label", "")))


def _probability(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _stage_value(stage_id: str, label: str, metadata: dict) -> Value:
    return Value(stage_id, label, {"probability": _probability(metadata.get("probability")),
                                   "isClosed": str(metadata.get("isClosed", "false")).lower() == "true"})


def _choose_pipeline(sent: dict, title: str) -> dict | None:
    """The pipeline to compare: the one sent; of a list, the one labelled as the SLA, else `default`, else
    the first HubSpot lists; None when the list has none (a sync would create it)."""
    if "results" not in sent:
        return sent
    pipelines = _hubspot_order(sent["results"])
    for test in (lambda p: p.get("label") == title, lambda p: p.get("id") == "default"):
        chosen = [p for p in pipelines if test(p)]
        if chosen:
            return chosen[0]
    return pipelines[0] if pipelines else None


def hubspot_drift(document: dict, sent) -> dict:
    """The drift of the HubSpot objects in `sent` (see HUBSPOT_CURRENT_SCHEMA) from the agreed export."""
    errors = sorted(_validator.iter_errors(sent), key=lambda e: list(e.absolute_path))
    if errors:
        raise DriftInputError("The body is not what HubSpot's pipelines and properties APIs return.",
                              [{"pointer": _pointer(e.absolute_path), "message": e.message} for e in errors])
    objects = []
    if "pipelines" in sent:
        pipeline = _choose_pipeline(sent["pipelines"], document["title"])
        wanted = [_stage_value(hubspot_value("deal_stages", entry), stage["label"], stage["metadata"])
                  for entry, stage in zip(ordered_entries(document, "deal_stages"),
                                          hubspot_pipeline(document)["stages"])]
        pipeline = pipeline or {"stages": []}
        current = [_stage_value(s["id"], s["label"], s.get("metadata") or {})
                   for s in _hubspot_order(pipeline["stages"])]
        objects.append(_object("deal_stages", wanted, current,
                               pipeline={"id": pipeline.get("id"), "label": pipeline.get("label")}))
    for name in HUBSPOT_PROPERTIES:
        if name in sent:
            wanted = [Value(o["value"], o["label"], {"description": o["description"], "hidden": o["hidden"]})
                      for o in hubspot_property(document, name)["options"]]
            current = [Value(o["value"], o["label"], {"description": o.get("description") or "",
                                                      "hidden": bool(o.get("hidden"))})
                       for o in _hubspot_order(sent[name]["options"])]
            objects.append(_object(name, wanted, current))
    return _result("hubspot", document, objects)


# --- Salesforce ---------------------------------------------------------------------------------------

def salesforce_drift(document: dict, files: dict[str, bytes]) -> dict:
    """The drift of the retrieved StandardValueSet files (by value set name) from the agreed package."""
    if not files:
        raise DriftInputError("Send at least one retrieved StandardValueSet: OpportunityStage or LeadStatus.")
    unknown = sorted(set(files) - set(SALESFORCE_OBJECTS))
    if unknown:
        raise DriftInputError(f"Unknown value sets: {', '.join(u[:40] for u in unknown)}. "
                              f"Value sets: {', '.join(SALESFORCE_OBJECTS)}.")
    objects = []
    for name in SALESFORCE_OBJECTS:
        if name not in files:
            continue
        try:
            current = read_value_set(name, files[name])
        except ValueSetError as error:
            raise DriftInputError(str(error), [{"pointer": f"/{name}", "message": str(error)}]) from None
        wanted = value_set(document, name)
        objects.append(_object(name, [_sf_value(v) for v in wanted], [_sf_value(v) for v in current]))
    return _result("salesforce", document, objects)


def _sf_value(value: dict) -> Value:
    return Value(value["fullName"], value.get("label", value["fullName"]),
                 {k: v for k, v in value.items() if k not in ("fullName", "label")})
