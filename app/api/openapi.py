"""The OpenAPI 3.1 description of the API, with paths taken from the URL map so they cannot drift."""
import re

from flask import current_app

from app.api import bp
from app.api.http import IMMUTABLE_MAX_AGE, is_public
from app.api.openapi_schemas import REF, component_schemas
from app.sla.scoring import SEMANTICS
from app.sla.sections import SECTION_KEYS
from app.sla.translations import LANGUAGES
from app.urls import base_url

_PROBLEM = {"application/problem+json": {"schema": {"$ref": REF + "Problem"}}}
_CACHING_HEADERS = {
    "ETag": {"description": "Strong validator; for documents, the SHA-256 of the bytes.", "schema": {"type": "string"}},
    "Cache-Control": {"description": "no-cache for the current version; max-age a year, immutable, for a named one.",
                      "schema": {"type": "string"}},
    "Vary": {"schema": {"type": "string"}},
}
_VERSION_QUERY = {"name": "version", "in": "query", "required": False, "schema": {"type": "string"},
                  "description": "A published version number, e.g. 1.2.0. Without it: the current version; "
                                 "with it, the answer is immutable and cached for a year."}
_LANG_QUERY = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": list(LANGUAGES)},
               "description": "The entries in this language where translated, else in the document's "
                              "primary language (`untranslated` names those fields); its own ETag. "
                              "Without it: the canonical signed bytes."}
_PATH_PARAMETERS = {
    "version": {"description": "A published (or superseded) version number.", "schema": {"type": "string"}},
    "section": {"description": "A section key.", "schema": {"type": "string", "enum": list(SECTION_KEYS)}},
    "key": {"description": "An entry's key.", "schema": {"type": "string"}},
}

DESCRIPTION = f"""\
Accord serves the signed Sales & Marketing SLA as versioned JSON for tools.

**Authentication.** Send an API token (`Authorization: Bearer acc_…`; admins create them under
Admin → API tokens or with `flask tokens create NAME`) or use a signed-in browser session. Without
either the answer is 401, unless the deployment sets `ACCORD_PUBLIC_API=1`. A presented token that
is unknown or revoked is always refused with 401. Each server process remembers a token it has
checked for `ACCORD_CURRENT_TTL` seconds (default 1): a revoked token is refused within that time.

**Caching.** Every JSON answer carries a strong `ETag`; send it back in `If-None-Match` to get
`304 Not Modified` with no body. A published document's ETag is its SHA-256 and its bytes never
change: URLs that name a version (`/sla/versions/{{version}}`, `?version=`) are served with
`Cache-Control: private, max-age={IMMUTABLE_MAX_AGE}, immutable` (`public` on a public deployment),
the current version with `no-cache`, and everything varies on `Authorization, Cookie`.

**Errors** are `application/problem+json` (RFC 9457): 400 malformed request, 401, 403, 404 unknown
version / section / term, 405 method not allowed, 413 body over 1 MiB, 415 body not JSON, 422 body
against the schema (with `errors`), 503 with `Retry-After` (seconds) while the database cannot be
reached: retry then. Meanwhile `/sla` keeps answering from a server's memory for a token and version
it had confirmed within `ACCORD_CURRENT_TTL` before its last successful database read.

**Versioning.** Versions follow semantic versioning: major when an entry is removed or a field
changes type, minor when an entry is added or a structured value changes, patch for prose only.

**Scoring.** {SEMANTICS}"""


def _response(schema: str, description: str, cached: bool = True) -> dict:
    return {"description": description, "headers": _CACHING_HEADERS if cached else {},
            "content": {"application/json": {"schema": {"$ref": REF + schema}}}}


def _op(summary: str, schema: str, description: str = "", params=(), not_found: bool = True,
        errors=(), cached: bool = True) -> dict:
    responses = {"200": _response(schema, summary, cached)}
    if cached:
        responses["304"] = {"$ref": "#/components/responses/NotModified"}
    for status in (*errors, 401, 403, *((404,) if not_found else ())):
        responses[str(status)] = {"$ref": f"#/components/responses/Problem{status}"}
    return {"summary": summary, "description": description or summary, "parameters": list(params),
            "responses": dict(sorted(responses.items()))}


def _file_op(summary: str, schema: str, media: str, description: str, params=()) -> dict:
    """An operation answering a file of `media` (not JSON), cached and refused like the others."""
    operation = _op(summary, schema, description, params=params)
    operation["responses"]["200"] = {
        "description": summary, "headers": {**_CACHING_HEADERS, "Content-Disposition": {"schema": {"type": "string"}}},
        "content": {media: {"schema": {"$ref": REF + schema}}}}
    return operation


OPERATIONS = {
    "api.sla": ("get", _op("The current published document", "SlaDocument",
                           "The frozen bytes of the version in force; the ETag is their SHA-256. Each "
                           "server process remembers which version is current for a short while "
                           "(`ACCORD_CURRENT_TTL`, 1 second by default), so for that long after a publish "
                           "this URL may still answer with the previous version; URLs naming a version "
                           "never lag.", params=[_LANG_QUERY], errors=(400,))),
    "api.versions": ("get", _op("Every published version", "VersionList",
                                "Published and superseded versions, newest first.", not_found=False)),
    "api.version": ("get", _op("One published version's document", "SlaDocument",
                               "Immutable: the bytes frozen at publish.", params=[_LANG_QUERY],
                               errors=(400,))),
    "api.section": ("get", _op("One section of a version", "Section", params=[_VERSION_QUERY])),
    "api.term": ("get", _op("One entry of a version, with its section", "Term", params=[_VERSION_QUERY])),
    "api.glossary": ("get", _op("Every term, flat and A–Z", "Glossary", params=[_VERSION_QUERY])),
    "api.compare": ("get", _op(
        "The structured diff between two published versions", "Comparison",
        "Entries added, removed and changed per section, field by field, with `change` "
        "(major/minor/patch) and `breaking` (one message per breaking change).",
        params=[{"name": "from", "in": "query", "required": True, "schema": {"type": "string", "minLength": 1}},
                {"name": "to", "in": "query", "required": True, "schema": {"type": "string", "minLength": 1}}],
        errors=(400,))),
    "api.score": ("post", {**_op("Score a lead with the version's lead scoring rules", "ScoreResult",
                                 SEMANTICS, params=[{**_VERSION_QUERY, "description": _VERSION_QUERY["description"]
                                                     + " `draft`: the open draft's rules (signed-in editors only; "
                                                       "anyone else gets 403)."}],
                                 errors=(400, 403, 413, 415, 422), cached=False),
                           "requestBody": {"required": True, "content": {
                               "application/json": {"schema": {"$ref": REF + "ScoreRequest"}}}}}),
    "api.adherence": ("get", _op(
        "Whether each commitment is kept", "Adherence",
        "Every measurable commitment of the version in force in its period holding `?period=YYYY-MM` (its "
        "last moment; default now), cut in the commitment's calendar's time zone. Each lead is held to the "
        "commitment as it read in the version in force when the lead entered the stage. `status`: met, "
        "on_track (open, on pace), at_risk (open, behind), missed, no_data. `unit` is leads (a count) or "
        "share (0–1 of the leads measured).",
        params=[{"name": "period", "in": "query", "required": False, "schema": {"type": "string",
                 "pattern": "^[0-9]{4}-[0-9]{2}$"}, "description": "A month, e.g. 2026-11."}],
        errors=(400,), not_found=False)),
    "api.adherence_commitment": ("get", _op(
        "One commitment's last 12 periods, with the leads that broke it", "CommitmentAdherence",
        "Each period as in /adherence, and `leads`: the leads that broke it (the first 500 of a period), "
        "with `reason` (no_attempt, late_attempt, too_few_attempts, not_converted) and `by` (hours or days "
        "late, attempts missing).")),
    "api.post_events": ("post", {**_op(
        "Send a batch of lead events", "EventsResult",
        "Needs a token with the `events:write` scope (`flask tokens create NAME --scope events:write`); a "
        "read-only token gets 403. Up to 10,000 events per batch (more: 413). An event is known by the "
        "batch's `source` and its `id`: sending it again counts it under `duplicates` and changes nothing. "
        "Valid events are stored and invalid ones rejected, each with JSON pointers in `errors`; when no "
        "event could be stored the answer is a 422 problem with the same counts.",
        errors=(400, 413, 415, 422), not_found=False, cached=False),
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"$ref": REF + "EventsRequest"}}}}}),
    "api.export_hubspot": ("get", {**_op(
        "Deprecated: deal stages as a HubSpot pipeline, lifecycle stages and lead statuses as property options",
        "HubSpotExport", "Deprecated (`Deprecation` and `Link` headers name the successors): use "
        "/sla/exports/hubspot/pipeline and /sla/exports/hubspot/properties/{lifecyclestage,hs_lead_status}, "
        "whose option values are HubSpot's internal values. Here option values are entry keys. Probabilities "
        "are strings from 0.0 to 1.0; descriptions are plain text; deprecated entries are hidden options.",
        params=[_VERSION_QUERY]), "deprecated": True}),
    "api.export_salesforce": ("get", {**_op(
        "Deprecated: deal stages as OpportunityStage records and lead statuses as LeadStatus records",
        "SalesforceExport", "Deprecated (`Deprecation` and `Link` headers name the successor): records of "
        "read-only objects, which cannot be deployed; use /sla/exports/salesforce/package.zip. ApiName is the "
        "entry key; DefaultProbability is a percentage; Description is plain text of at most 255 characters.",
        params=[_VERSION_QUERY]), "deprecated": True}),
    "api.export_hubspot_pipeline": ("get", _op(
        "The deal stages as a HubSpot pipelines API v3 PipelineInput", "HubSpotPipelineInput",
        "The body of POST /crm/v3/pipelines/deals (or PUT to replace a pipeline): stages in position order, "
        "probability a string from 0.0 to 1.0, isClosed \"true\" or \"false\". HubSpot gives new stages "
        "their ids; a stage's crm_value is the id the drift matches.", params=[_VERSION_QUERY])),
    "api.export_hubspot_lifecyclestage": ("get", _op(
        "The lifecycle stages as options of HubSpot's lifecyclestage property", "HubSpotPropertyUpdate",
        "The body of PATCH /crm/v3/properties/contacts/lifecyclestage. Each value is the stage's crm_value, "
        "else HubSpot's internal value of the standard stage its key names (mql is marketingqualifiedlead, "
        "sql salesqualifiedlead), else the key; deprecated stages are hidden.", params=[_VERSION_QUERY])),
    "api.export_hubspot_lead_status": ("get", _op(
        "The lead statuses as options of HubSpot's hs_lead_status property", "HubSpotPropertyUpdate",
        "The body of PATCH /crm/v3/properties/contacts/hs_lead_status, in the agreed order. Each value is the "
        "status's crm_value, else HubSpot's value its key names (open-deal is OPEN_DEAL), else the key.",
        params=[_VERSION_QUERY])),
    "api.export_salesforce_package": ("get", _file_op(
        "A Salesforce Metadata API package of the deal stages and lead statuses", "SalesforcePackage",
        "application/zip", "A zip to deploy: package.xml and standardValueSets/OpportunityStage.standardValueSet "
        "and LeadStatus.standardValueSet. Each standardValue has fullName (crm_value, else the name), default, "
        "label and, for stages, closed, forecastCategory, probability (a whole percentage) and won, for statuses "
        "converted. Deprecated entries are left out, so a deploy deactivates them. The same version gives the "
        "same bytes.", params=[_VERSION_QUERY])),
    "api.drift_hubspot": ("post", {**_op(
        "What a sync would add, change, reorder or remove in HubSpot", "Drift",
        "Send what HubSpot holds now: `pipelines` as GET /crm/v3/pipelines/deals returns it (the pipeline "
        "labelled as the SLA is compared, else `default`, else the first HubSpot lists; or send one pipeline), and "
        "`lifecyclestage` and `hs_lead_status` as GET /crm/v3/properties/contacts/{name} returns them; any of "
        "the three. Stages match by id, options by value. `reorder` lists the fewest values to move.",
        params=[_VERSION_QUERY], errors=(400, 413, 415, 422), cached=False),
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"$ref": REF + "HubSpotCurrent"}}}}}),
    "api.drift_salesforce": ("post", {**_op(
        "What a deploy would add, change, reorder or remove in Salesforce", "Drift",
        "Send the StandardValueSet files a retrieve gives: multipart/form-data with parts named OpportunityStage "
        "and LeadStatus (either or both), or one file as application/xml with ?set=OpportunityStage or "
        "?set=LeadStatus. Values match by fullName.",
        params=[_VERSION_QUERY, {"name": "set", "in": "query", "required": False,
                                 "schema": {"type": "string", "enum": ["OpportunityStage", "LeadStatus"]},
                                 "description": "The value set of an application/xml body."}],
        errors=(400, 413, 415, 422), cached=False),
        "requestBody": {"required": True, "content": {
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                name: {"type": "string", "contentMediaType": "application/xml"}
                for name in ("OpportunityStage", "LeadStatus")}}},
            "application/xml": {"schema": {"type": "string"}}}}}),
    "api.checks": ("get", _op(
        "Consistency checks of a version", "Checks",
        "Errors (they block submitting a draft: a won stage that is open, probabilities that do not match "
        "closed/won, thresholds that do not rise with the stages, references to keys the version lacks) "
        "and warnings (ICP traits no fit rule scores, prose that still quotes a threshold or probability "
        "the version changed). `version` is a published number, or `draft` for the open draft (signed-in "
        "editors only).", params=[_VERSION_QUERY])),
    "api.schema": ("get", _op("The JSON Schema (2020-12) of the published document", "JsonSchema",
                              "The newest schema, or with `?version=` the schema a version was published "
                              "under: a schema version (1, 2) or a published version's number (1.0.0).",
                              params=[{"name": "version", "in": "query", "required": False,
                                       "schema": {"type": "string"},
                                       "description": "A schema version (1 or 2) or a published version number."}],
                              errors=(400,), not_found=True)),
    "api.openapi": ("get", _op("This OpenAPI description", "OpenApi", not_found=False)),
}


def _problem_responses() -> dict:
    titles = {400: "Malformed request", 401: "No valid token or session", 403: "Account deactivated",
              404: "Unknown version, section or term", 405: "Method not allowed",
              413: "Body over 1 MiB", 415: "Body is not JSON"}
    responses = {f"Problem{status}": {"description": title, "content": _PROBLEM} for status, title in titles.items()}
    responses["Problem401"]["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    responses["Problem422"] = {"description": "The body breaks the request schema; `errors` lists how.",
                               "content": {"application/problem+json": {"schema": {"$ref": REF + "ValidationProblem"}}}}
    responses["NotModified"] = {"description": "The If-None-Match validator matches: no body.",
                                "headers": _CACHING_HEADERS}
    return responses


def _paths() -> dict:
    paths: dict = {}
    for rule in current_app.url_map.iter_rules():
        if rule.endpoint not in OPERATIONS:
            continue
        method, operation = OPERATIONS[rule.endpoint]
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len(bp.url_prefix):])
        parameters = [{"name": name, "in": "path", "required": True, **_PATH_PARAMETERS[name]}
                      for name in sorted(rule.arguments)]
        operation = {**operation, "operationId": rule.endpoint.split(".", 1)[1],
                     "parameters": parameters + operation["parameters"]}
        paths.setdefault(path, {})[method] = operation
    return dict(sorted(paths.items()))


def _server_url() -> str:
    return base_url() + bp.url_prefix


def _webhooks() -> dict:
    payload = {"type": "object", "required": ["event", "version", "sha256", "url"], "properties": {
        "event": {"type": "string", "const": "sla.published"}, "version": {"type": "string"},
        "sha256": {"type": "string"}, "url": {"type": "string", "format": "uri"}}}
    headers = [{"name": name, "in": "header", "required": True, "schema": {"type": "string"}, "description": text}
               for name, text in (("X-Accord-Event", "sla.published"),
                                  ("X-Accord-Delivery", "A unique id per delivery; the same on retries."),
                                  ("X-Accord-Signature", "t=<unix seconds>,v1=<hex HMAC-SHA256, with the secret, of "
                                                         "'<t>.' followed by the raw body>; refuse a t more than "
                                                         "5 minutes away from your clock."))]
    headers.append({"name": "X-Accord-Signature-256", "in": "header", "required": True, "deprecated": True,
                    "schema": {"type": "string"},
                    "description": "sha256=<hex HMAC-SHA256 of the raw body alone>: replayable; "
                                   "until the next release only."})
    return {"slaPublished": {"post": {
        "summary": "A version was published",
        "description": "Sent to every registered URL after a publish commits; a non-2xx answer or a 5 s "
                       "timeout is retried after 1, 2, 4, 8, 16 and 32 minutes.",
        "parameters": headers,
        "requestBody": {"required": True, "content": {"application/json": {"schema": payload}}},
        "responses": {"2XX": {"description": "Received."}}}}}


def openapi_document() -> dict:
    """The whole OpenAPI 3.1 document for this deployment."""
    security = [{"bearerToken": []}, {"session": []}] + ([{}] if is_public() else [])
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {"title": "Accord SLA API", "version": "1.0.0", "description": DESCRIPTION},
        "servers": [{"url": _server_url()}],
        "security": security,
        "paths": _paths(),
        "webhooks": _webhooks(),
        "components": {
            "schemas": component_schemas(),
            "responses": _problem_responses(),
            "securitySchemes": {
                "bearerToken": {"type": "http", "scheme": "bearer", "description": "An API token (acc_…)."},
                "session": {"type": "apiKey", "in": "cookie",
                            "name": current_app.config.get("SESSION_COOKIE_NAME", "session"),
                            "description": "A signed-in browser session."},
            },
        },
    }
