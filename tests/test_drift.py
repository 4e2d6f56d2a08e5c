"""Drift: what a sync would add, change, reorder or remove in HubSpot or Salesforce, from what the CRM holds
now (HubSpot's v3 responses, Salesforce's retrieved StandardValueSet files, as stored in tests/fixtures/crm)."""
import io
import json
import zipfile

import pytest

from app.sla.drift import Value, compare
from app.sla.salesforce import package_zip
from tests.factories import make_published
from tests.test_api_support import auth, published, sla_entries, token  # noqa: F401
from tests.test_crm_exports import FIXTURES, crm_entries, crm_published, fixture_json  # noqa: F401

HUBSPOT = "/api/v1/sla/exports/hubspot/drift"
SALESFORCE = "/api/v1/sla/exports/salesforce/drift"


def hubspot_now() -> dict:
    return {"pipelines": fixture_json("hubspot_pipelines_deals.json"),
            "lifecyclestage": fixture_json("hubspot_property_lifecyclestage.json"),
            "hs_lead_status": fixture_json("hubspot_property_hs_lead_status.json")}


def objects(response) -> dict:
    assert response.status_code == 200, response.json
    assert response.headers["Cache-Control"] == "no-store"
    return {o["object"]: o for o in response.json["objects"]}


def test_hubspot_drift_of_a_standard_portal(client, crm_published, auth):
    response = client.post(HUBSPOT, json=hubspot_now(), headers=auth)
    drift = objects(response)
    assert response.json["crm"] == "hubspot" and response.json["version"] == "1.0.0"
    assert response.json["in_sync"] is False
    stages = drift["deal_stages"]
    assert stages["pipeline"] == {"id": "default", "label": "Sales Pipeline"}
    assert stages["add"] == [] and stages["reorder"] == []
    assert [s["value"] for s in stages["remove"]] == ["qualifiedtobuy", "decisionmakerboughtin", "contractsent"]
    assert stages["change"][0] == {"value": "appointmentscheduled", "label": "Discovery", "fields": [
        {"field": "label", "old": "Appointment Scheduled", "new": "Discovery"},
        {"field": "probability", "old": 0.2, "new": 0.1}]}
    assert [c["value"] for c in stages["change"]] == [
        "appointmentscheduled", "presentationscheduled", "closedwon", "closedlost"]
    lifecycle = drift["lifecyclestage"]
    # HubSpot's internal values match: no duplicate stages would be added.
    assert lifecycle["add"] == [] and lifecycle["reorder"] == []
    assert [o["value"] for o in lifecycle["remove"]] == ["evangelist", "other"]
    assert {f["field"] for c in lifecycle["change"] for f in c["fields"]} == {"description"}
    statuses = drift["hs_lead_status"]
    assert statuses["add"] == []
    assert [o["value"] for o in statuses["remove"]] == ["OPEN", "IN_PROGRESS", "UNQUALIFIED", "CONNECTED"]
    assert statuses["reorder"] == [{"value": "OPEN_DEAL", "label": "Converted", "from": 4, "to": 4,
                                    "after": "BAD_TIMING"}]
    assert {"field": "label", "old": "Open Deal", "new": "Converted"} in statuses["change"][-1]["fields"]


def as_hubspot_returns(client, auth) -> dict:
    """The export as HubSpot would return it once synced: stages with their ids, options as sent."""
    pipeline = client.get("/api/v1/sla/exports/hubspot/pipeline", headers=auth).json
    values = ["appointmentscheduled", "presentationscheduled", "closedwon", "closedlost"]
    for stage, value in zip(pipeline["stages"], values):
        stage.update(id=value, archived=False, createdAt="2024-03-12T09:41:27.512Z")
    return {"pipelines": {"results": [{**pipeline, "id": "7315", "archived": False}]},
            **{name: {"name": name, **client.get(f"/api/v1/sla/exports/hubspot/properties/{name}", headers=auth).json}
               for name in ("lifecyclestage", "hs_lead_status")}}


def test_hubspot_after_a_sync_is_in_sync(client, crm_published, auth):
    response = client.post(HUBSPOT, json=as_hubspot_returns(client, auth), headers=auth)
    assert response.json["in_sync"] is True
    assert all(o["in_sync"] and not (o["add"] or o["change"] or o["reorder"] or o["remove"])
               for o in objects(response).values())


def test_only_the_objects_sent_are_compared(client, crm_published, auth):
    response = client.post(HUBSPOT, json={"lifecyclestage": fixture_json("hubspot_property_lifecyclestage.json")},
                           headers=auth)
    assert list(objects(response)) == ["lifecyclestage"]


@pytest.mark.parametrize("pipelines, chosen", [
    ([("default", "Sales Pipeline"), ("7315", "Sales & Marketing SLA")], "7315"),
    ([("9", "Renewals"), ("default", "Sales Pipeline")], "default"),
    ([("9", "Renewals"), ("12", "Partners")], "12"),  # same displayOrder: by label, as HubSpot lists them
    ([("9", "Renewals"), ("12", "Partners"), ("14", "Alpha")], "14"),
    ([], None),
])
def test_the_pipeline_compared_is_the_slas_then_the_default_then_the_first(client, crm_published, auth,
                                                                             pipelines, chosen):
    sent = {"results": [{"id": i, "label": label, "displayOrder": 0 if label == "Alpha" else 1, "stages": []}
                        for i, label in pipelines]}
    response = client.post(HUBSPOT, json={"pipelines": sent}, headers=auth)
    stages = objects(response)["deal_stages"]
    assert stages["pipeline"]["id"] == chosen
    assert len(stages["add"]) == 4, "a sync would create every stage"


def test_one_pipeline_as_get_by_id_returns_it(client, crm_published, auth):
    one = fixture_json("hubspot_pipelines_deals.json")["results"][0]
    response = client.post(HUBSPOT, json={"pipelines": one}, headers=auth)
    assert len(objects(response)["deal_stages"]["remove"]) == 3


def test_archived_stages_are_gone(client, crm_published, auth):
    sent = fixture_json("hubspot_pipelines_deals.json")
    for stage in sent["results"][0]["stages"]:
        stage["archived"] = stage["id"] in ("qualifiedtobuy", "decisionmakerboughtin", "contractsent")
    assert objects(client.post(HUBSPOT, json={"pipelines": sent}, headers=auth))["deal_stages"]["remove"] == []


def sf_files(**names) -> dict:
    return {name: (io.BytesIO(data if isinstance(data, bytes) else (FIXTURES / data).read_bytes()),
                   f"{name}.standardValueSet-meta.xml") for name, data in names.items()}


SF_ALIGNED = {"discovery": {"crm_value": "Prospecting"}, "closed-won": {"crm_value": "Closed Won"},
              "closed-lost": {"crm_value": "Closed Lost"}}


def test_salesforce_drift_of_a_standard_org(client, auth):
    make_published(crm_entries(**SF_ALIGNED))
    response = client.post(SALESFORCE, headers=auth, content_type="multipart/form-data", data=sf_files(
        OpportunityStage="OpportunityStage.standardValueSet", LeadStatus="LeadStatus.standardValueSet"))
    drift = objects(response)
    stages = drift["OpportunityStage"]
    assert [(a["value"], a["position"]) for a in stages["add"]] == [("presentationscheduled", 2)]
    assert stages["add"][0]["fields"] == {"default": False, "closed": False, "forecastCategory": "BestCase",
                                          "probability": 60, "won": False}
    assert stages["change"] == [
        {"value": "Prospecting", "label": "Discovery",
         "fields": [{"field": "label", "old": "Prospecting", "new": "Discovery"}]},
        {"value": "Closed Won", "label": "Closed won",
         "fields": [{"field": "label", "old": "Closed Won", "new": "Closed won"}]},
        {"value": "Closed Lost", "label": "Closed lost",
         "fields": [{"field": "label", "old": "Closed Lost", "new": "Closed lost"}]}]
    assert [r["value"] for r in stages["remove"]] == [
        "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review"]
    statuses = drift["LeadStatus"]
    assert [a["value"] for a in statuses["add"]] == ["New", "ATTEMPTED_TO_CONTACT", "BAD_TIMING", "OPEN_DEAL"]
    assert len(statuses["remove"]) == 4


def test_salesforce_after_a_deploy_is_in_sync(client, crm_published, auth):
    archive = zipfile.ZipFile(io.BytesIO(package_zip(json.loads(crm_published.document))))
    files = {name: archive.read(f"standardValueSets/{name}.standardValueSet") for name in ("OpportunityStage",
                                                                                         "LeadStatus")}
    response = client.post(SALESFORCE, headers=auth, content_type="multipart/form-data", data=sf_files(**files))
    assert response.json["in_sync"] is True
    # One value set as an XML body, named by ?set=.
    one = client.post(f"{SALESFORCE}?set=LeadStatus", headers=auth, data=files["LeadStatus"],
                      content_type="application/xml")
    assert list(objects(one)) == ["LeadStatus"] and one.json["in_sync"] is True


def test_a_changed_probability_and_order_in_salesforce(client, crm_published, auth):
    archive = zipfile.ZipFile(io.BytesIO(package_zip(json.loads(crm_published.document))))
    xml = archive.read("standardValueSets/OpportunityStage.standardValueSet").decode()
    first, second = xml.index("<standardValue>"), xml.index("<standardValue>", xml.index("</standardValue>"))
    end = xml.index("</standardValue>", second) + len("</standardValue>")
    swapped = xml[:first] + xml[second:end] + "\n    " + xml[first:second].rstrip() + xml[end:]
    swapped = swapped.replace("<probability>60</probability>", "<probability>55</probability>")
    response = client.post(f"{SALESFORCE}?set=OpportunityStage", headers=auth, data=swapped.encode(),
                           content_type="text/xml")
    drift = objects(response)["OpportunityStage"]
    assert drift["change"] == [{"value": "presentationscheduled", "label": "Quote presented",
                                "fields": [{"field": "probability", "old": 55, "new": 60}]}]
    assert len(drift["reorder"]) == 1 and drift["add"] == drift["remove"] == []


@pytest.mark.parametrize("wanted, current, moved", [
    ("abcd", "abcd", []),
    ("abcd", "dabc", ["d"]),
    ("abcd", "bcda", ["a"]),
    ("abcd", "badc", ["a", "c"]),
    ("abc", "xcyab", ["c"]),
])
def test_reorder_lists_the_fewest_moves(wanted, current, moved):
    result = compare([Value(v, v.upper()) for v in wanted], [Value(v, v.upper()) for v in current])
    assert sorted(r["value"] for r in result["reorder"]) == moved
    assert [r["value"] for r in result["remove"]] == [v for v in current if v not in wanted]


HUBSPOT_BAD = [
    ([], "/", "is not of type 'object'"),
    ({}, "/", "should be non-empty"),
    ({"deals": {}}, "/", "Additional properties"),
    ({"pipelines": {"results": [{"stages": [{"label": "No id"}]}]}}, "/pipelines/results/0/stages/0",
     "'id' is a required property"),
    ({"lifecyclestage": {"options": [{"label": "A", "value": 5}]}}, "/lifecyclestage/options/0/value",
     "is not of type 'string'"),
    ({"hs_lead_status": {"results": []}}, "/hs_lead_status", "'options' is a required property"),
]


@pytest.mark.parametrize("body, pointer, message", HUBSPOT_BAD)
def test_a_body_hubspot_did_not_return_is_refused_with_422(client, crm_published, auth, body, pointer, message):
    response = client.post(HUBSPOT, json=body, headers=auth)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["detail"]
    assert any(e["pointer"] == pointer and message in e["message"] for e in response.json["errors"]), response.json


XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
SF_BAD = [
    (b"not xml at all", "not well-formed XML"),
    (b"\xff\xfe<x/>", "not UTF-8"),
    ((XML_HEAD + '<!DOCTYPE x [<!ENTITY a "aaaa">]><StandardValueSet xmlns="http://soap.sforce.com/2006/04/metadata">'
      '</StandardValueSet>').encode(), "DOCTYPE"),
    ((XML_HEAD + '<GlobalValueSet xmlns="http://soap.sforce.com/2006/04/metadata"/>').encode(),
     "not a StandardValueSet"),
    ((XML_HEAD + '<StandardValueSet><standardValue><fullName>A</fullName></standardValue></StandardValueSet>').encode(),
     "not a StandardValueSet"),
    ((XML_HEAD + '<StandardValueSet xmlns="http://soap.sforce.com/2006/04/metadata"><standardValue>'
      '<label>No name</label></standardValue></StandardValueSet>').encode(), "has no <fullName>"),
    ((XML_HEAD + '<StandardValueSet xmlns="http://soap.sforce.com/2006/04/metadata"><standardValue>'
      '<fullName>A</fullName><converted>yes</converted></standardValue></StandardValueSet>').encode(),
     "not true or false"),
]


@pytest.mark.parametrize("data, message", SF_BAD)
def test_a_file_that_is_not_a_retrieved_value_set_is_refused_with_422(client, crm_published, auth, data, message):
    response = client.post(SALESFORCE, headers=auth, content_type="multipart/form-data",
                           data=sf_files(LeadStatus=data))
    assert response.status_code == 422, response.data
    assert response.mimetype == "application/problem+json"
    assert message in response.json["detail"]
    assert response.json["errors"][0]["pointer"] == "/LeadStatus"


def test_a_probability_that_is_not_a_number_is_refused(client, crm_published, auth):
    data = (FIXTURES / "OpportunityStage.standardValueSet").read_bytes().replace(b">10<", b">ten<", 1)
    response = client.post(SALESFORCE, headers=auth, content_type="multipart/form-data",
                           data=sf_files(OpportunityStage=data))
    assert response.status_code == 422 and "not a number" in response.json["detail"]


@pytest.mark.parametrize("url, kwargs, status, detail", [
    (SALESFORCE, {"content_type": "multipart/form-data", "data": {}}, 422, "at least one"),
    (SALESFORCE, {"content_type": "multipart/form-data",
                  "data": {"Industry": (io.BytesIO(b"<x/>"), "Industry.standardValueSet")}}, 422, "Unknown value sets"),
    (SALESFORCE, {"content_type": "application/xml", "data": b"<x/>"}, 422, "?set="),
    (SALESFORCE + "?set=Industry", {"content_type": "application/xml", "data": b"<x/>"}, 422, "Unknown value sets"),
    (SALESFORCE, {"json": {"OpportunityStage": "<x/>"}}, 415, "multipart/form-data"),
    (HUBSPOT, {"data": b"<x/>", "content_type": "application/xml"}, 415, "JSON"),
    (HUBSPOT, {"data": b"{not json", "content_type": "application/json"}, 400, "not valid JSON"),
])
def test_requests_the_drift_cannot_read(client, crm_published, auth, url, kwargs, status, detail):
    response = client.post(url, headers=auth, **kwargs)
    assert response.status_code == status, response.data
    assert response.mimetype == "application/problem+json"
    assert detail in response.json["detail"]


@pytest.mark.parametrize("url", [HUBSPOT, SALESFORCE + "?set=LeadStatus"])
def test_a_body_over_the_limit_is_413(client, crm_published, auth, url):
    big = b" " * (1024 * 1024 + 1)
    response = client.post(url, headers=auth, data=big, content_type="application/json" if url == HUBSPOT else
                           "application/xml")
    assert response.status_code == 413 and response.mimetype == "application/problem+json"


@pytest.mark.parametrize("url", [HUBSPOT, SALESFORCE])
def test_the_drift_needs_a_token_or_session(client, crm_published, url):
    response = client.post(url, json={})
    assert response.status_code == 401


def test_the_drift_compares_with_a_named_version(client, crm_published, auth):
    make_published(crm_entries(drop=("customer",)), number="2.0.0")
    sent = {"lifecyclestage": fixture_json("hubspot_property_lifecyclestage.json")}
    now = objects(client.post(HUBSPOT, json=sent, headers=auth))["lifecyclestage"]
    then = objects(client.post(f"{HUBSPOT}?version=1.0.0", json=sent, headers=auth))["lifecyclestage"]
    assert "customer" in [r["value"] for r in now["remove"]]
    assert "customer" not in [r["value"] for r in then["remove"]]


def test_the_answers_match_their_openapi_description(client, crm_published, auth):
    from tests.test_api_schema import response_validator
    spec = client.get("/api/v1/openapi.json", headers=auth).json
    calls = [("/sla/exports/hubspot/pipeline", client.get("/api/v1/sla/exports/hubspot/pipeline", headers=auth)),
             ("/sla/exports/hubspot/properties/hs_lead_status",
              client.get("/api/v1/sla/exports/hubspot/properties/hs_lead_status", headers=auth)),
             ("/sla/exports/hubspot/drift", client.post(HUBSPOT, json=hubspot_now(), headers=auth)),
             ("/sla/exports/salesforce/drift", client.post(SALESFORCE, headers=auth, content_type="multipart/form-data",
                                                           data=sf_files(LeadStatus="LeadStatus.standardValueSet")))]
    for path, response in calls:
        operation = spec["paths"][path]["post" if path.endswith("drift") else "get"]
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert [e.message for e in response_validator(spec, ref).iter_errors(response.json)] == [], path
    request = spec["paths"]["/sla/exports/hubspot/drift"]["post"]["requestBody"]["content"]["application/json"]
    assert list(response_validator(spec, request["schema"]["$ref"]).iter_errors(hubspot_now())) == []
    package = spec["paths"]["/sla/exports/salesforce/package.zip"]["get"]["responses"]["200"]
    assert list(package["content"]) == ["application/zip"]


@pytest.mark.parametrize("old, new, changed", [(0.1, 0.1000000001, False), (60, 60.0, False), (1, True, True),
                                               (True, 1, True), ("0.1", 0.1, True), (None, False, True)])
def test_fields_compare_numbers_within_rounding_and_nothing_else_loosely(old, new, changed):
    result = compare([Value("a", "A", {"f": new})], [Value("a", "A", {"f": old})])
    assert bool(result["change"]) is changed
