"""Component schemas of the OpenAPI description (the document's own come from app.sla.schema)."""
from app.sla.drift import HUBSPOT_CURRENT_SCHEMA, HUBSPOT_OBJECTS, SALESFORCE_OBJECTS
from app.leads.services import EVENT_SCHEMA, EVENTS_REQUEST_SCHEMA
from app.sla.schema import SEMVER_PATTERN, TEAM, TIMESTAMP, definitions, document_body_schema
from app.sla.scoring import SCORE_REQUEST_SCHEMA, SCORE_RESULT_SCHEMA
from app.sla.sections import KEY_PATTERN, SECTION_KEYS

REF = "#/components/schemas/"
SCHEMA1 = "_schema1"  # the entry definitions of documents published under schema 1
KEY = {"type": "string", "pattern": KEY_PATTERN}
SEMVER = {"type": "string", "pattern": SEMVER_PATTERN}
CHANGE = {"type": ["string", "null"], "enum": ["major", "minor", "patch", None]}
STRING = {"type": "string"}


def _object(properties: dict, required: list | None = None, extra: bool = False, **more) -> dict:
    return {"type": "object", "required": list(properties) if required is None else required,
            "properties": properties, "additionalProperties": extra, **more}


def _ref(name: str) -> dict:
    return {"$ref": REF + name}


def _options(title: str) -> dict:
    option = _object({"label": STRING, "value": KEY, "displayOrder": {"type": "integer"},
                      "description": STRING, "hidden": {"type": "boolean"}})
    return _object({"options": {"type": "array", "items": option}}, description=title)


def _diff_schema() -> dict:
    changed = _object({"key": KEY, "name": STRING, "change": CHANGE,
                       "fields": {"type": "object", "additionalProperties": _object(
                           {"old": {}, "new": {}}, required=[])}})
    section = _object({"added": {"type": "array", "items": {"type": "object"}},
                       "removed": {"type": "array", "items": {"type": "object"}},
                       "changed": {"type": "array", "items": changed}})
    return _object({
        "from": SEMVER, "to": SEMVER, "change": CHANGE,
        "breaking": {"type": "array", "items": STRING, "description": "One message per breaking change."},
        "sections": {"type": "object", "required": list(SECTION_KEYS), "additionalProperties": section},
        "summary": {"type": "object", "additionalProperties": {"type": "integer"}},
    })


def _crm_schemas() -> dict:
    """The HubSpot v3 bodies, the Salesforce package, and the drift's request and answer."""
    option = _object({"label": STRING, "value": STRING, "displayOrder": {"type": "integer"},
                      "description": STRING, "hidden": {"type": "boolean"}})
    positioned = {"value": STRING, "label": STRING, "position": {"type": "integer", "minimum": 1}}
    changes = _object({"add": {"type": "array", "items": _object({**positioned, "fields": {"type": "object"}})},
                       "change": {"type": "array", "items": _object({"value": STRING, "label": STRING, "fields": {
                           "type": "array", "items": _object({"field": STRING, "old": {}, "new": {}})}})},
                       "reorder": {"type": "array", "items": _object({
                           "value": STRING, "label": STRING, "from": {"type": "integer", "minimum": 1},
                           "to": {"type": "integer", "minimum": 1}, "after": {"type": ["string", "null"]}})},
                       "remove": {"type": "array", "items": _object(positioned)}})
    drift_object = {**changes, "required": ["object", "title", "in_sync", *changes["required"]], "properties": {
        "object": {"type": "string", "enum": [*HUBSPOT_OBJECTS, *SALESFORCE_OBJECTS]}, "title": STRING,
        "in_sync": {"type": "boolean"}, **changes["properties"],
        "pipeline": _object({"id": {"type": ["string", "null"]}, "label": {"type": ["string", "null"]}},
                            description="The HubSpot pipeline compared.")}}
    return {
        "HubSpotPipelineInput": _object({
            "label": STRING, "displayOrder": {"type": "integer"}, "stages": {"type": "array", "items": _object({
                "label": STRING, "displayOrder": {"type": "integer"}, "metadata": _object({
                    "probability": {"type": "string", "pattern": r"^(0(\.[0-9]+)?|1(\.0+)?)$"},
                    "isClosed": {"type": "string", "enum": ["true", "false"]}})})}}),
        "HubSpotPropertyUpdate": _object({"options": {"type": "array", "items": option}}),
        "SalesforcePackage": {"type": "string", "contentMediaType": "application/zip",
                              "description": "A zip: package.xml and standardValueSets/*.standardValueSet."},
        "HubSpotCurrent": {k: v for k, v in HUBSPOT_CURRENT_SCHEMA.items() if k != "$schema"},
        "Drift": _object({"crm": {"type": "string", "enum": ["hubspot", "salesforce"]}, "version": SEMVER,
                          "in_sync": {"type": "boolean"}, "objects": {"type": "array", "items": drift_object}}),
    }


def _adherence_schemas() -> dict:
    period = _object({
        "commitment": KEY, "period": STRING, "start": TIMESTAMP, "end": TIMESTAMP, "open": {"type": "boolean"},
        "measure": {"enum": ["stage_volume", "response_time", "attempts", "conversion"]},
        "comparator": {"enum": ["at_least", "at_most"]}, "target": {"type": "number"},
        "actual": {"type": ["number", "null"]}, "unit": {"enum": ["leads", "share"]},
        "measured": {"type": "integer"}, "status": {"enum": ["met", "on_track", "at_risk", "missed", "no_data"]},
        "breaches": {"type": "integer", "description": "How many leads broke it."}})
    lead = _object({"lead": STRING, "source": STRING, "entered_at": TIMESTAMP,
                    "reason": {"enum": ["no_attempt", "late_attempt", "too_few_attempts", "not_converted"]},
                    "by": {"type": ["number", "null"]}, "attempts": {"type": ["integer", "null"]}})
    with_leads = {**period, "required": [*period["required"], "leads"],
                  "properties": {**period["properties"], "leads": {"type": "array", "items": lead}}}
    return {
        "AdherencePeriod": period,
        "Adherence": _object({"period": {"type": ["string", "null"]},
                              "commitments": {"type": "array", "items": _ref("AdherencePeriod")}}),
        "CommitmentAdherence": _object({"commitment": KEY, "periods": {"type": "array", "items": with_leads}}),
    }


def component_schemas() -> dict:
    """Every named schema the operations refer to."""
    score_request = {k: v for k, v in SCORE_REQUEST_SCHEMA.items() if k != "$schema"}
    schemas = {
        "Problem": _object({
            "type": STRING, "title": STRING, "status": {"type": "integer"}, "detail": STRING,
        }, required=["type", "title", "status", "detail"], extra=True,
            description="An RFC 9457 problem (application/problem+json)."),
        "ValidationProblem": {"allOf": [_ref("Problem"), _object({"errors": {"type": "array", "items": _object(
            {"pointer": {"type": "string", "description": "JSON pointer into the body."},
             "message": STRING})}}, required=["errors"], extra=True)]},
        "SlaDocument": {"description": "A published document: schema 2, or schema 1 for versions published "
                                       "before schema 2 existed (they keep their bytes).",
                        "anyOf": [_ref("SlaDocumentSchema2"), _ref("SlaDocumentSchema1")]},
        "SlaDocumentSchema2": document_body_schema(REF),
        "SlaDocumentSchema1": document_body_schema(REF, schema_version=1, suffix=SCHEMA1),
        **definitions(),
        **definitions(1, suffix=SCHEMA1),
        "VersionSummary": _object({
            "version": SEMVER, "published_at": TIMESTAMP,
            "effective_from": {"type": ["string", "null"], "format": "date"},
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$", "description": "Also the document's ETag."},
            "change": CHANGE, "state": {"type": "string", "enum": ["published", "superseded"]},
            "approvals": {"type": "array", "items": _ref("Approval")},
        }),
        "VersionList": _object({"versions": {"type": "array", "items": _ref("VersionSummary")}}),
        "Section": _object({"version": SEMVER, "section": {"type": "string", "enum": list(SECTION_KEYS)},
                            "title": STRING, "entries": {"type": "array", "items": {"type": "object"}}},
                           description="Entries follow the section's Entry_<section> schema."),
        "Term": _object({"version": SEMVER, "section": {"type": "string", "enum": list(SECTION_KEYS)},
                         "entry": {"anyOf": [_ref(f"Entry_{key}") for key in SECTION_KEYS]}}),
        "GlossaryTerm": _object({
            "key": KEY, "name": STRING, "section": {"type": "string", "enum": list(SECTION_KEYS)},
            "team": TEAM, "deprecated": {"type": "boolean"}, "definition": {"type": "string", "description": "Markdown."},
            "definition_html": {"type": "string", "description": "The definition rendered and sanitised."},
            "synonyms": {"type": "array", "items": STRING},
        }),
        "Glossary": _object({"version": SEMVER, "terms": {"type": "array", "items": _ref("GlossaryTerm")}}),
        "Comparison": _diff_schema(),
        "ScoreRequest": score_request,
        **_adherence_schemas(),
        "EventsRequest": {**EVENTS_REQUEST_SCHEMA, "properties": {
            **EVENTS_REQUEST_SCHEMA["properties"],
            "events": {**EVENTS_REQUEST_SCHEMA["properties"]["events"], "items": EVENT_SCHEMA}}},
        "EventsResult": _object({"accepted": {"type": "integer"}, "duplicates": {"type": "integer"},
                                 "rejected": {"type": "integer"},
                                 "errors": {"type": "array", "items": _object({"pointer": STRING, "message": STRING})}}),
        "ScoreResult": SCORE_RESULT_SCHEMA,
        "HubSpotExport": _object({
            "version": SEMVER,
            "pipeline": _object({"label": STRING, "displayOrder": {"type": "integer"}, "stages": {
                "type": "array", "items": _object({
                    "label": STRING, "displayOrder": {"type": "integer"},
                    "metadata": _object({
                        "probability": {"type": "string", "pattern": r"^(0(\.[0-9]+)?|1(\.0+)?)$"},
                        "isClosed": {"type": "string", "enum": ["true", "false"]}})})}}),
            "properties": _object({"lifecyclestage": _options("Lifecycle stages, in position order."),
                                   "hs_lead_status": _options("Lead statuses, in funnel order.")}),
        }),
        "SalesforceExport": _object({
            "version": SEMVER,
            "OpportunityStage": {"type": "array", "items": _object({
                "MasterLabel": STRING, "ApiName": KEY, "SortOrder": {"type": "integer"},
                "IsActive": {"type": "boolean"}, "IsClosed": {"type": "boolean"}, "IsWon": {"type": "boolean"},
                "DefaultProbability": {"type": "number", "minimum": 0, "maximum": 100},
                "Description": {"type": "string", "maxLength": 255}})},
            "LeadStatus": {"type": "array", "items": _object({
                "MasterLabel": STRING, "ApiName": KEY, "SortOrder": {"type": "integer"},
                "IsConverted": {"type": "boolean"}, "IsDefault": {"type": "boolean"}})},
        }),
        **_crm_schemas(),
        "Checks": _object({
            "version": {"type": "string", "description": "The version number, or `open` for the draft."},
            "errors": {"type": "integer", "minimum": 0}, "warnings": {"type": "integer", "minimum": 0},
            "checks": {"type": "array", "items": _object({
                "code": {"type": "string", "description": "e.g. deal_stage.won_not_closed, prose.stale_number"},
                "severity": {"type": "string", "enum": ["error", "warning"]},
                "message": STRING, "section": {"type": ["string", "null"]},
                "entries": {"type": "array", "items": KEY}})},
        }),
        "JsonSchema": {"type": "object", "description": "A JSON Schema (2020-12) document."},
        "OpenApi": {"type": "object", "required": ["openapi", "info", "paths"]},
    }
    return schemas
