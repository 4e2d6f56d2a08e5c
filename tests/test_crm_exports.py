"""CRM-loadable exports: HubSpot pipelines and properties API v3 bodies, checked with HubSpot's own client
models, and the Salesforce Metadata API package, checked against the Metadata API's element names and types."""
import copy
import io
import json
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hubspot.crm import pipelines as hubspot_pipelines
from hubspot.crm import properties as hubspot_properties

from app.sla.exports import hubspot_pipeline, hubspot_property, hubspot_value, salesforce_export
from app.sla.salesforce import SALESFORCE_FORECAST_CATEGORIES, package_zip, value_set_xml
from tests.factories import make_entry, make_published
from tests.test_api_support import auth, published, sla_entries, token  # noqa: F401

FIXTURES = Path(__file__).parent / "fixtures" / "crm"
MD = "{http://soap.sforce.com/2006/04/metadata}"
PRIMITIVES = {"str": str, "int": int, "bool": bool, "datetime": str}


def crm_entries(drop=(), **changes) -> list:
    """The complete SLA with the schema-2 CRM fields: some stages spelled for HubSpot, statuses ordered."""
    crm = {
        "discovery": {"crm_value": "appointmentscheduled", "forecast_category": "pipeline"},
        "quote-presented": {"crm_value": "presentationscheduled", "forecast_category": "best_case"},
        "closed-won": {"forecast_category": "closed"},
        "new": {"position": 1},
        "attempting": {"position": 2, "crm_value": "ATTEMPTED_TO_CONTACT"},
        "returned-not-ready": {"position": 3, "crm_value": "BAD_TIMING", "is_return": True},
        "converted": {"position": 4, "crm_value": "OPEN_DEAL"},
    }
    for key, change in changes.items():
        crm[key] = {**crm.get(key, {}), **change}
    return sla_entries(drop=drop, **crm)


@pytest.fixture
def crm_published(app):
    return make_published(crm_entries(), number="1.0.0")


def fixture_json(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def hubspot_model(module, name: str, data):
    """Build one of HubSpot's client models from JSON, refusing any key the model does not have (the
    client itself drops them silently) and any value of the wrong type; the client's own validation
    refuses a missing required field."""
    if name.startswith("list["):
        assert isinstance(data, list), (name, data)
        return [hubspot_model(module, name[5:-1], item) for item in data]
    if name.startswith("dict"):
        assert isinstance(data, dict) and all(isinstance(v, str) for v in data.values()), (name, data)
        return data
    if name in PRIMITIVES:
        assert isinstance(data, PRIMITIVES[name]) and (name == "bool" or not isinstance(data, bool)), (name, data)
        return data
    klass = getattr(module, name)
    validating = module.Configuration()
    validating.client_side_validation = True  # the client's default is off
    attributes = {json_key: attribute for attribute, json_key in klass.attribute_map.items()}
    unknown = set(data) - set(attributes)
    assert not unknown, f"{name} has no {sorted(unknown)}"
    return klass(local_vars_configuration=validating,
                 **{attributes[key]: hubspot_model(module, klass.openapi_types[attributes[key]], value)
                    for key, value in data.items()})


def assert_hubspot_body(module, name: str, body: dict):
    """The body builds the client's model, and the client would send exactly it."""
    model = hubspot_model(module, name, body)
    assert module.ApiClient().sanitize_for_serialization(model) == body


def test_the_pipeline_is_a_pipeline_input(client, crm_published, auth):
    body = client.get("/api/v1/sla/exports/hubspot/pipeline", headers=auth).json
    assert_hubspot_body(hubspot_pipelines, "PipelineInput", body)
    assert body["label"] == "Sales & Marketing SLA" and body["displayOrder"] == 0
    assert [(s["label"], s["displayOrder"], s["metadata"]) for s in body["stages"]] == [
        ("Discovery", 0, {"probability": "0.1", "isClosed": "false"}),
        ("Quote presented", 1, {"probability": "0.6", "isClosed": "false"}),
        ("Closed won", 2, {"probability": "1.0", "isClosed": "true"}),
        ("Closed lost", 3, {"probability": "0.0", "isClosed": "true"})]


@pytest.mark.parametrize("name, model", [("label", "PipelineInput"), ("displayOrder", "PipelineInput"),
                                         ("stages", "PipelineInput")])
def test_the_client_refuses_a_pipeline_missing_a_required_field(client, crm_published, auth, name, model):
    body = client.get("/api/v1/sla/exports/hubspot/pipeline", headers=auth).json
    del body[name]
    with pytest.raises(ValueError):
        hubspot_model(hubspot_pipelines, model, body)


def test_the_model_check_refuses_an_unknown_key():
    with pytest.raises(AssertionError, match="no"):
        hubspot_model(hubspot_properties, "OptionInput", {"label": "A", "value": "a", "displayOrder": 0,
                                                          "hidden": False, "colour": "red"})


def test_lifecycle_stage_options_carry_hubspot_internal_values(client, crm_published, auth):
    body = client.get("/api/v1/sla/exports/hubspot/properties/lifecyclestage", headers=auth).json
    assert_hubspot_body(hubspot_properties, "PropertyUpdate", body)
    options = body["options"]
    assert [o["value"] for o in options] == [
        "subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer"]
    assert [o["displayOrder"] for o in options] == list(range(6))
    assert options[2] == {"label": "Marketing Qualified Lead", "value": "marketingqualifiedlead", "displayOrder": 2,
                          "description": "A lead marketing has nurtured until it is sales-ready.", "hidden": False}
    for option in options:
        assert_hubspot_body(hubspot_properties, "OptionInput", option)


def test_lead_status_options_are_in_the_agreed_order_with_crm_spellings(client, crm_published, auth):
    body = client.get("/api/v1/sla/exports/hubspot/properties/hs_lead_status", headers=auth).json
    assert_hubspot_body(hubspot_properties, "PropertyUpdate", body)
    assert [(o["label"], o["value"], o["displayOrder"]) for o in body["options"]] == [
        ("New", "NEW", 0), ("Attempting", "ATTEMPTED_TO_CONTACT", 1), ("Returned – not ready", "BAD_TIMING", 2),
        ("Converted", "OPEN_DEAL", 3)]


@pytest.mark.parametrize("section, key, crm_value, expected", [
    ("lifecycle_stages", "mql", None, "marketingqualifiedlead"),
    ("lifecycle_stages", "sql", None, "salesqualifiedlead"),
    ("lifecycle_stages", "marketing-qualified-lead", None, "marketingqualifiedlead"),
    ("lifecycle_stages", "customer", None, "customer"),
    ("lifecycle_stages", "nurture", None, "nurture"),
    ("lifecycle_stages", "mql", "custom_mql", "custom_mql"),
    ("deal_stages", "closed-won", None, "closedwon"),
    ("deal_stages", "closed_lost", None, "closedlost"),
    ("deal_stages", "appointment-scheduled", None, "appointmentscheduled"),
    ("deal_stages", "discovery", None, "discovery"),
    ("deal_stages", "closed-won", "12345678", "12345678"),
    ("lead_statuses", "open-deal", None, "OPEN_DEAL"),
    ("lead_statuses", "attempted-to-contact", None, "ATTEMPTED_TO_CONTACT"),
    ("lead_statuses", "returned", None, "returned"),
])
def test_the_hubspot_value_of_an_entry(section, key, crm_value, expected):
    assert hubspot_value(section, {"key": key, "crm_value": crm_value}) == expected


def schema_1(document: dict) -> dict:
    """The same document as schema 1 published it: no schema_version, no CRM fields, statuses unordered."""
    old = copy.deepcopy(document)
    old.pop("schema_version", None)
    for section in ("lifecycle_stages", "deal_stages", "lead_statuses"):
        for entry in old["sections"][section]:
            for name in ("crm_value", "forecast_category", "entry_criteria", "exit_criteria", "is_return"):
                if section != "lifecycle_stages" or name != "entry_criteria":
                    entry.pop(name, None)
    for entry in old["sections"]["lead_statuses"]:
        entry.pop("position", None)
    return old


def test_a_schema_1_document_still_exports(crm_published):
    old = schema_1(json.loads(crm_published.document))
    assert [o["value"] for o in hubspot_property(old, "lifecyclestage")["options"]][2:4] == [
        "marketingqualifiedlead", "salesqualifiedlead"]
    # Without positions, statuses keep the funnel order: by their earliest lifecycle stage, then name.
    assert [o["value"] for o in hubspot_property(old, "hs_lead_status")["options"]] == [
        "attempting", "NEW", "returned-not-ready", "converted"]
    assert_hubspot_body(hubspot_pipelines, "PipelineInput", hubspot_pipeline(old))
    assert salesforce_export(old)["LeadStatus"][0]["ApiName"] == "attempting"
    stages = ElementTree.fromstring(value_set_xml(old, "OpportunityStage")).findall(f"{MD}standardValue")
    assert [s.findtext(f"{MD}forecastCategory") for s in stages] == ["Pipeline", "Pipeline", "Closed", "Omitted"]
    assert zipfile.ZipFile(io.BytesIO(package_zip(old))).testzip() is None


# --- Salesforce ------------------------------------------------------------------------------------

def package(client, auth, url="/api/v1/sla/exports/salesforce/package.zip"):
    response = client.get(url, headers=auth)
    assert response.status_code == 200, response.data
    return response, zipfile.ZipFile(io.BytesIO(response.data))


def test_the_package_is_a_deterministic_zip(client, crm_published, auth):
    response, archive = package(client, auth)
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == 'attachment; filename="accord-salesforce-1.0.0.zip"'
    assert archive.namelist() == ["package.xml", "standardValueSets/OpportunityStage.standardValueSet",
                                  "standardValueSets/LeadStatus.standardValueSet"]
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert response.data == package_zip(json.loads(crm_published.document)), "the same document, the same bytes"
    etag = response.headers["ETag"]
    again = client.get("/api/v1/sla/exports/salesforce/package.zip", headers={**auth, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_package_xml_lists_the_two_standard_value_sets(client, crm_published, auth):
    root = ElementTree.fromstring(package(client, auth)[1].read("package.xml"))
    assert root.tag == f"{MD}Package"
    types = root.findall(f"{MD}types")
    assert len(types) == 1
    assert [m.text for m in types[0].findall(f"{MD}members")] == ["OpportunityStage", "LeadStatus"]
    assert types[0].findtext(f"{MD}name") == "StandardValueSet"
    assert re.fullmatch(r"[0-9]{2}\.0", root.findtext(f"{MD}version"))


def standard_values(archive, name: str) -> list[ElementTree.Element]:
    root = ElementTree.fromstring(archive.read(f"standardValueSets/{name}.standardValueSet"))
    assert root.tag == f"{MD}StandardValueSet"
    assert root.findtext(f"{MD}sorted") == "false"
    return root.findall(f"{MD}standardValue")


def children(element) -> list[tuple[str, str]]:
    return [(child.tag.removeprefix(MD), child.text) for child in element]


def test_opportunity_stages_are_standard_values_with_the_documented_types(client, crm_published, auth):
    values = standard_values(package(client, auth)[1], "OpportunityStage")
    assert [children(v) for v in values] == [
        [("fullName", "appointmentscheduled"), ("default", "false"), ("label", "Discovery"), ("closed", "false"),
         ("forecastCategory", "Pipeline"), ("probability", "10"), ("won", "false")],
        [("fullName", "presentationscheduled"), ("default", "false"), ("label", "Quote presented"),
         ("closed", "false"), ("forecastCategory", "BestCase"), ("probability", "60"), ("won", "false")],
        [("fullName", "Closed won"), ("default", "false"), ("label", "Closed won"), ("closed", "true"),
         ("forecastCategory", "Closed"), ("probability", "100"), ("won", "true")],
        [("fullName", "Closed lost"), ("default", "false"), ("label", "Closed lost"), ("closed", "true"),
         ("forecastCategory", "Omitted"), ("probability", "0"), ("won", "false")]]
    for value in values:
        fields = dict(children(value))
        assert all(fields[name] in ("true", "false") for name in ("default", "closed", "won"))
        assert 0 <= int(fields["probability"]) <= 100
        assert fields["forecastCategory"] in SALESFORCE_FORECAST_CATEGORIES


def test_lead_statuses_are_standard_values_in_order_with_one_default(client, crm_published, auth):
    values = standard_values(package(client, auth)[1], "LeadStatus")
    assert [children(v) for v in values] == [
        [("fullName", "New"), ("default", "true"), ("label", "New"), ("converted", "false")],
        [("fullName", "ATTEMPTED_TO_CONTACT"), ("default", "false"), ("label", "Attempting"), ("converted", "false")],
        [("fullName", "BAD_TIMING"), ("default", "false"), ("label", "Returned – not ready"),
         ("converted", "false")],
        [("fullName", "OPEN_DEAL"), ("default", "false"), ("label", "Converted"), ("converted", "true")]]


@pytest.mark.parametrize("category, closed, won, expected", [
    ("commit", False, False, "Forecast"), ("best_case", False, False, "BestCase"),
    ("omitted", False, False, "Omitted"), (None, False, False, "Pipeline"), (None, True, True, "Closed"),
    (None, True, False, "Omitted")])
def test_forecast_categories_in_salesforce_words(app, client, auth, category, closed, won, expected):
    make_published([make_entry("deal_stages", "stage", "Stage", position=1, probability=1 if won else 0.5,
                               is_closed=closed, is_won=won, forecast_category=category)])
    values = standard_values(package(client, auth)[1], "OpportunityStage")
    assert values[0].findtext(f"{MD}forecastCategory") == expected


def test_deprecated_entries_are_left_out_of_the_package_and_hidden_in_hubspot(client, auth):
    old = make_entry("deal_stages", "legacy", "Legacy", position=1, probability=0.25)
    old.deprecated = True
    status = make_entry("lead_statuses", "gone", "Gone", position=1, owner_team="sales")
    status.deprecated = True
    make_published([old, make_entry("deal_stages", "kept", "Kept", position=2, probability=0.5), status])
    archive = package(client, auth)[1]
    assert [v.findtext(f"{MD}label") for v in standard_values(archive, "OpportunityStage")] == ["Kept"]
    assert standard_values(archive, "LeadStatus") == []
    options = client.get("/api/v1/sla/exports/hubspot/properties/hs_lead_status", headers=auth).json["options"]
    assert [(o["value"], o["hidden"]) for o in options] == [("gone", True)]


@pytest.mark.parametrize("url", ["/api/v1/sla/exports/hubspot/pipeline",
                                 "/api/v1/sla/exports/hubspot/properties/lifecyclestage",
                                 "/api/v1/sla/exports/hubspot/properties/hs_lead_status",
                                 "/api/v1/sla/exports/salesforce/package.zip"])
def test_the_exports_of_a_named_version_are_immutable(client, crm_published, auth, url):
    make_published(crm_entries(drop=("closed-lost", "converted", "customer")), number="2.0.0")
    now = client.get(url, headers=auth)
    then = client.get(f"{url}?version=1.0.0", headers=auth)
    assert now.data != then.data
    assert then.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert client.get(f"{url}?version=9.9.9", headers=auth).status_code == 404


@pytest.mark.parametrize("url, successors", [
    ("/api/v1/sla/exports/hubspot", ["/api/v1/sla/exports/hubspot/pipeline",
                                     "/api/v1/sla/exports/hubspot/properties/lifecyclestage",
                                     "/api/v1/sla/exports/hubspot/properties/hs_lead_status"]),
    ("/api/v1/sla/exports/salesforce", ["/api/v1/sla/exports/salesforce/package.zip"]),
])
def test_the_legacy_exports_still_answer_and_say_they_are_deprecated(client, crm_published, auth, url, successors):
    response = client.get(url, headers=auth)
    assert response.status_code == 200 and response.json["version"] == "1.0.0"
    assert response.headers["Deprecation"] == "@1796083200"
    assert re.findall(r"<([^>]+)>; rel=\"successor-version\"", response.headers["Link"]) == successors
    spec = client.get("/api/v1/openapi.json", headers=auth).json
    assert spec["paths"][url.removeprefix("/api/v1")]["get"]["deprecated"] is True


@pytest.mark.parametrize("name, model", [("hubspot_pipelines_deals.json", "CollectionResponsePipelineNoPaging")])
def test_the_hubspot_pipeline_fixture_is_what_the_client_reads(name, model):
    hubspot_model(hubspot_pipelines, model, fixture_json(name))


@pytest.mark.parametrize("name", ["hubspot_property_lifecyclestage.json", "hubspot_property_hs_lead_status.json"])
def test_the_hubspot_property_fixtures_are_what_the_client_reads(name):
    hubspot_model(hubspot_properties, "ModelProperty", fixture_json(name))
