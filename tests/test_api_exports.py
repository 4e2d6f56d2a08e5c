"""The legacy (deprecated) CRM exports: a HubSpot pipeline and property options valued by entry key, Salesforce
OpportunityStage and LeadStatus records. They answer as they did for the tools that read them; the loadable
bodies are tested in test_crm_exports.py."""
import re

import pytest

from app.markdown import markdown_to_text
from tests.factories import make_entry, make_published
from tests.test_api_support import auth, published, sla_entries, token  # noqa: F401

MARKUP = re.compile(r"[*_`<>\[\]]|\]\(")


def test_hubspot_pipeline_has_the_deal_stages_in_order(client, published, auth):
    export = client.get("/api/v1/sla/exports/hubspot", headers=auth).json
    pipeline = export["pipeline"]
    assert export["version"] == "1.0.0"
    assert pipeline["label"] == "Sales & Marketing SLA"
    assert [(s["label"], s["displayOrder"]) for s in pipeline["stages"]] == [
        ("Discovery", 0), ("Quote presented", 1), ("Closed won", 2), ("Closed lost", 3)]
    assert [s["metadata"] for s in pipeline["stages"]] == [
        {"probability": "0.1", "isClosed": "false"}, {"probability": "0.6", "isClosed": "false"},
        {"probability": "1.0", "isClosed": "true"}, {"probability": "0.0", "isClosed": "true"}]


def test_hubspot_properties_list_lifecycle_stages_and_lead_statuses(client, published, auth):
    properties = client.get("/api/v1/sla/exports/hubspot", headers=auth).json["properties"]
    lifecycle = properties["lifecyclestage"]["options"]
    assert [o["value"] for o in lifecycle] == ["subscriber", "lead", "mql", "sql", "opportunity", "customer"]
    assert [o["displayOrder"] for o in lifecycle] == list(range(6))
    mql = lifecycle[2]
    assert mql["label"] == "Marketing Qualified Lead"
    assert mql["description"] == "A lead marketing has nurtured until it is sales-ready."
    assert mql["hidden"] is False
    statuses = properties["hs_lead_status"]["options"]
    # The agreed order (positions); documents without them keep the funnel order (test_crm_exports.py).
    assert [o["value"] for o in statuses] == ["new", "attempting", "returned-not-ready", "converted"]
    assert {"label", "value", "displayOrder", "description", "hidden"} == set(statuses[0])


def test_salesforce_records(client, published, auth):
    export = client.get("/api/v1/sla/exports/salesforce", headers=auth).json
    stages = export["OpportunityStage"]
    assert stages[1] == {
        "MasterLabel": "Quote presented", "ApiName": "quote-presented", "SortOrder": 2, "IsActive": True,
        "IsClosed": False, "IsWon": False, "DefaultProbability": 60,
        "Description": "The quote is with the buyer & awaiting an answer."}
    assert [(s["ApiName"], s["IsClosed"], s["IsWon"], s["DefaultProbability"]) for s in stages] == [
        ("discovery", False, False, 10), ("quote-presented", False, False, 60), ("closed-won", True, True, 100),
        ("closed-lost", True, False, 0)]
    statuses = {s["ApiName"]: s for s in export["LeadStatus"]}
    assert [s["SortOrder"] for s in export["LeadStatus"]] == [1, 2, 3, 4]
    assert [k for k, s in statuses.items() if s["IsDefault"]] == ["new"]
    assert [k for k, s in statuses.items() if s["IsConverted"]] == ["converted"]
    assert statuses["returned-not-ready"]["MasterLabel"] == "Returned – not ready"


def test_deprecated_entries_are_hidden_or_inactive(client, auth):
    old = make_entry("deal_stages", "legacy", "Legacy", position=1, probability=0.25)
    old.deprecated = True
    stage = make_entry("lifecycle_stages", "gone", "Gone", position=1, owner_team="marketing", entry_criteria="x")
    stage.deprecated = True
    make_published([old, stage])
    hubspot = client.get("/api/v1/sla/exports/hubspot", headers=auth).json
    salesforce = client.get("/api/v1/sla/exports/salesforce", headers=auth).json
    assert hubspot["properties"]["lifecyclestage"]["options"][0]["hidden"] is True
    assert salesforce["OpportunityStage"][0]["IsActive"] is False
    assert salesforce["OpportunityStage"][0]["DefaultProbability"] == 25
    assert salesforce["LeadStatus"] == []


def test_descriptions_are_plain_text_and_salesforce_ones_fit_255_characters(client, auth):
    long_definition = "**Bold** start. " + "word " * 200 + "[a link](https://example.com) `code` <em>html</em>"
    make_published([make_entry("deal_stages", "long", "Long", position=1, probability=0.5, definition=long_definition)])
    hubspot = client.get("/api/v1/sla/exports/hubspot", headers=auth).json
    salesforce = client.get("/api/v1/sla/exports/salesforce", headers=auth).json
    description = salesforce["OpportunityStage"][0]["Description"]
    assert len(description) == 255 and description.startswith("Bold start. word") and description.endswith("…")
    assert not MARKUP.search(description)
    assert hubspot["pipeline"]["stages"][0]["metadata"]["probability"] == "0.5"


@pytest.mark.parametrize("markdown, text", [
    ("**Bold** and _italic_", "Bold and italic"),
    ("A [link](https://example.com) here", "A link here"),
    ("- one\n- two", "one two"),
    ("Fish &amp; chips <script>x()</script>", "Fish & chips"),
    ("", ""),
    (None, ""),
])
def test_plain_text(markdown, text):
    assert markdown_to_text(markdown) == text


@pytest.mark.parametrize("export", ["hubspot", "salesforce"])
def test_exports_of_another_version(client, published, auth, export):
    make_published(sla_entries(drop=("closed-lost",)), number="2.0.0")
    now = client.get(f"/api/v1/sla/exports/{export}", headers=auth)
    then = client.get(f"/api/v1/sla/exports/{export}?version=1.0.0", headers=auth)
    assert now.json["version"] == "2.0.0" and then.json["version"] == "1.0.0"
    assert now.data.count(b"Closed lost") == 0 and then.data.count(b"Closed lost") == 1
    assert then.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert now.headers["Cache-Control"] == "private, no-cache"


def test_the_legacy_exports_keep_entry_keys_when_crm_values_are_set(client, auth):
    make_published(sla_entries(mql={"crm_value": "marketingqualifiedlead"}, attempting={"crm_value": "ATTEMPTED"},
                               discovery={"crm_value": "appointmentscheduled"}))
    hubspot = client.get("/api/v1/sla/exports/hubspot", headers=auth).json["properties"]
    salesforce = client.get("/api/v1/sla/exports/salesforce", headers=auth).json
    assert "mql" in [o["value"] for o in hubspot["lifecyclestage"]["options"]]
    assert "attempting" in [o["value"] for o in hubspot["hs_lead_status"]["options"]]
    assert salesforce["OpportunityStage"][0]["ApiName"] == "discovery"
