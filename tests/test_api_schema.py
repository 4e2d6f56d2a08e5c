"""The JSON Schema of the document and the OpenAPI description, checked against real answers."""
import copy
import json

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from app.sla.schema import document_schema
from app.sla.sections import SECTION_LIST, SECTION_KEYS
from tests.factories import make_entry, make_published
from tests.test_api_support import auth, published, sla_entries, token  # noqa: F401


def schema_errors(document: dict) -> list[str]:
    validator = Draft202012Validator(document_schema(), format_checker=FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_the_schema_is_valid_2020_12(client, auth):
    served = client.get("/api/v1/schema", headers=auth).json
    Draft202012Validator.check_schema(served)
    assert served["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert served == document_schema()


def test_every_section_is_required_and_nothing_else_is_allowed():
    schema = document_schema()
    assert schema["properties"]["sections"]["required"] == list(SECTION_KEYS)
    assert schema["properties"]["sections"]["additionalProperties"] is False
    assert schema["additionalProperties"] is False
    for section in SECTION_LIST:
        entry = schema["$defs"][f"Entry_{section.key}"]
        assert entry["additionalProperties"] is False
        assert set(entry["required"]) == set(entry["properties"]) - {"translations", "untranslated"}
        assert ("position" in entry["properties"]) == section.ordered


def test_field_types_come_from_the_registry():
    defs = document_schema()["$defs"]
    probability = defs["Entry_deal_stages"]["properties"]["probability"]
    assert (probability["type"], probability["minimum"], probability["maximum"]) == ("number", 0, 1)
    assert defs["Entry_connect_attempts"]["properties"]["channel"]["enum"] == ["call", "email", "social", "sms", "meeting"]
    assert defs["Entry_lead_scoring"]["properties"]["points"]["type"] == "integer"
    threshold = defs["Entry_lifecycle_stages"]["properties"]["score_threshold"]
    assert threshold["type"] == ["number", "null"], "optional fields are nullable"
    assert defs["Entry_lead_statuses"]["properties"]["returns_to"]["type"] == ["string", "null"]


def test_every_published_document_validates(client, published, auth, make_user):
    newer = make_published(sla_entries(mql_threshold=None, drop=("fit-student",)), number="2.0.0")
    for version in (published, newer):
        assert schema_errors(json.loads(version.document)) == []
    minimal = make_published([make_entry("terms", "lone", "Lone term")], number="3.0.0")
    assert schema_errors(json.loads(minimal.document)) == []


@pytest.mark.parametrize("path, value, message", [
    (("sections", "deal_stages", 0, "probability"), 1.5, "greater than the maximum"),
    (("sections", "connect_attempts", 0, "channel"), "pigeon", "is not one of"),
    (("sections", "lead_scoring", 0, "points"), 2.5, "is not of type 'integer'"),
    (("sections", "lifecycle_stages", 0, "owner_team"), None, "is not of type 'string'"),
    (("sections", "lifecycle_stages", 0, "position"), "first", "is not of type 'integer'"),
    (("sections", "terms", 0, "key"), "Not A Slug", "does not match"),
    (("sections", "terms", 0, "surprise"), 1, "Additional properties"),
    (("version",), "1.0", "does not match"),
])
def test_the_schema_refuses_broken_documents(published, path, value, message):
    document = copy.deepcopy(json.loads(published.document))
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    errors = schema_errors(document)
    assert errors and any(message in e for e in errors), errors


def test_a_document_missing_a_section_is_refused(published):
    document = json.loads(published.document)
    del document["sections"]["terms"]
    assert any("'terms' is a required property" in e for e in schema_errors(document))


# --- OpenAPI -----------------------------------------------------------------------------------

@pytest.fixture
def spec(client, auth):
    return client.get("/api/v1/openapi.json", headers=auth).json


def response_validator(spec: dict, ref: str) -> Draft202012Validator:
    """A validator for one component schema, resolving $refs inside the OpenAPI document."""
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:openapi", resource)
    return Draft202012Validator({"$ref": "urn:openapi" + ref}, registry=registry, format_checker=FormatChecker())


def test_openapi_document_is_valid_3_1(spec):
    validate_openapi(spec)
    assert spec["openapi"].startswith("3.1")
    assert spec["servers"][0]["url"] == "http://localhost/api/v1"
    assert set(spec["components"]["securitySchemes"]) == {"bearerToken", "session"}
    assert "COUNT" in spec["paths"]["/score"]["post"]["description"], "scoring semantics are written down"
    assert "slaPublished" in spec["webhooks"]


def test_openapi_describes_every_api_endpoint(app, spec):
    described = {op["operationId"] for item in spec["paths"].values() for op in item.values()}
    routed = {rule.endpoint.split(".", 1)[1] for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert routed == described
    assert set(spec["paths"]) == {
        "/sla", "/sla/versions", "/sla/versions/{version}", "/sla/sections/{section}", "/sla/terms/{key}",
        "/glossary", "/sla/compare", "/score", "/schema", "/openapi.json", "/sla/exports/hubspot",
        "/sla/exports/salesforce", "/sla/checks", "/events", "/adherence", "/adherence/{key}", "/sla/exports/hubspot/pipeline",
        "/sla/exports/hubspot/properties/lifecyclestage", "/sla/exports/hubspot/properties/hs_lead_status",
        "/sla/exports/salesforce/package.zip", "/sla/exports/hubspot/drift", "/sla/exports/salesforce/drift"}


CALLS = [
    ("get", "/sla", "/api/v1/sla", None, 200),
    ("get", "/sla/versions", "/api/v1/sla/versions", None, 200),
    ("get", "/sla/versions/{version}", "/api/v1/sla/versions/1.0.0", None, 200),
    ("get", "/sla/versions/{version}", "/api/v1/sla/versions/9.0.0", None, 404),
    ("get", "/sla/sections/{section}", "/api/v1/sla/sections/deal_stages", None, 200),
    ("get", "/sla/terms/{key}", "/api/v1/sla/terms/closed-won", None, 200),
    ("get", "/sla/terms/{key}", "/api/v1/sla/terms/missing", None, 404),
    ("get", "/glossary", "/api/v1/glossary", None, 200),
    ("get", "/sla/compare", "/api/v1/sla/compare?from=1.0.0&to=1.0.0", None, 200),
    ("get", "/sla/compare", "/api/v1/sla/compare?from=1.0.0", None, 400),
    ("post", "/score", "/api/v1/score", {"fields": {"industry": "Logistics"}, "events": ["demo_request"]}, 200),
    ("post", "/score", "/api/v1/score", {"fields": []}, 422),
    ("get", "/sla/exports/hubspot", "/api/v1/sla/exports/hubspot", None, 200),
    ("get", "/sla/exports/salesforce", "/api/v1/sla/exports/salesforce", None, 200),
    ("get", "/sla/checks", "/api/v1/sla/checks", None, 200),
    ("get", "/sla/checks", "/api/v1/sla/checks?version=draft", None, 403),
    ("get", "/schema", "/api/v1/schema", None, 200),
    ("get", "/schema", "/api/v1/schema?version=1", None, 200),
    ("get", "/schema", "/api/v1/schema?version=one", None, 400),
    ("get", "/openapi.json", "/api/v1/openapi.json", None, 200),
    ("post", "/events", "/api/v1/events", {"source": "hubspot", "events": []}, 403),
    ("get", "/adherence", "/api/v1/adherence", None, 200),
    ("get", "/adherence", "/api/v1/adherence?period=2026-11", None, 200),
    ("get", "/adherence", "/api/v1/adherence?period=11-2026", None, 400),
    ("get", "/adherence/{key}", "/api/v1/adherence/mql-delivery", None, 200),
    ("get", "/adherence/{key}", "/api/v1/adherence/no-such-commitment", None, 404),
]


@pytest.mark.parametrize("method, template, url, body, status", CALLS)
def test_actual_answers_match_the_described_responses(client, published, auth, spec, method, template, url, body,
                                                      status):
    response = getattr(client, method)(url, headers=auth, **({"json": body} if body is not None else {}))
    assert response.status_code == status, response.data
    described = spec["paths"][template][method]["responses"][str(status)]
    if "$ref" in described:
        described = spec["components"]["responses"][described["$ref"].rsplit("/", 1)[1]]
    media = "application/json" if status < 400 else "application/problem+json"
    assert response.mimetype == media
    ref = described["content"][media]["schema"]["$ref"].removeprefix("#")
    errors = [e.message for e in response_validator(spec, "#" + ref).iter_errors(response.json)]
    assert errors == []


def test_anonymous_401_matches_the_problem_schema(client, published, spec):
    response = client.get("/api/v1/sla")
    assert response.status_code == 401
    assert "401" in spec["paths"]["/sla"]["get"]["responses"]
    assert list(response_validator(spec, "#/components/schemas/Problem").iter_errors(response.json)) == []
