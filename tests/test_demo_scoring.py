"""The demo's scoring prose, sentence by sentence, against the demo's own rules and stages: each sentence
that says how a lead scores is a lead scored with the demo document."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from app.demo import create_demo_users
from app.demo.content import PUBLISHED
from app.demo.loader import load_demo_content
from app.extensions import db
from app.sla.scoring import score_lead
from tests.test_api_support import auth, token  # noqa: F401
from tests.test_demo_content import by_key, published_sections

AS_OF = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
DOCUMENT = {"version": "1.0.0", "schema_version": 2, "sections": published_sections(PUBLISHED)}
PROSE = "\n".join([*(e["definition"] for section in ("lead_scoring", "lifecycle_stages", "terms")
                     for e in PUBLISHED[section]),
                   *(e[f] for e in PUBLISHED["lifecycle_stages"] for f in ("entry_criteria", "exit_criteria")),
                   *(e["journey_notes"] for e in PUBLISHED["lead_types"])])

ICP = {"industry": "Dairy", "employees": 250}                                  # fit 25
FIT_35 = {**ICP, "job_level": "Plant manager", "country": "DE"}                # fit 35: the level is not "manager"
FIT_45 = {**ICP, "job_level": "Manager", "country": "DE"}                      # every fit rule: 45
CONTRACT_CUSTOMER = {**ICP, "lead_type": "customer-maintenance-contract"}
EVERYTHING = ["demo_request", "line_audit_request", "pricing_page_visit", "pricing_page_visit",
              *["webinar_attended"] * 3, "roi_calculator_completed"]


def ago(name: str, days: float) -> dict:
    return {"name": name, "at": (AS_OF - timedelta(days=days)).isoformat()}


# (sentence, fields, events, expected): `expected` holds stage, by (how it was reached), score, fit,
# engagement, and the points of any rule by its key.
CASES = [
    ("A fit rule: the company is in one of the industries of our ideal customer profiles.",
     {"industry": "Dairy"}, [], {"score-target-industry": 15}),
    ("A fit rule: the company is in one of the industries of our ideal customer profiles.",
     {"industry": "Automotive"}, [], {"score-target-industry": 0}),
    ("A fit rule: companies of 200 or more employees usually run enough lines to justify automation and a "
     "maintenance contract.", {"employees": 200}, [], {"score-company-size": 10}),
    ("A fit rule: companies of 200 or more employees usually run enough lines to justify automation and a "
     "maintenance contract.", {"employees": "199"}, [], {"score-company-size": 0}),
    ("Co-packers are smaller but still fit through the industry rule.",
     {"industry": "Contract packaging", "employees": 40}, [], {"fit": 15}),
    ("A fit rule: the contact's job level, derived from the job title, is manager or above.",
     {"job_level": "Director"}, [], {"score-decision-maker": 10}),
    ("A fit rule: the contact's job level, derived from the job title, is manager or above.",
     {"job_level": "Specialist"}, [], {"score-decision-maker": 0}),
    ("These are the people our buyer personas describe, who start or sign equipment projects, like Petra, the plant "
     "manager.", {"job_level": "manager"}, [], {"score-decision-maker": 10}),
    ("A fit rule: the company is in a country where we have sales engineers and service technicians to meet a Sales "
     "Qualified Lead in person.", {"country": "NL"}, [], {"score-core-country": 10}),
    ("Elsewhere we sell through distributors, which marketing handles apart.",
     {"country": "US"}, [], {"score-core-country": 0}),
    ("A negative fit rule: students and trainees download a lot of our content for their studies.",
     {"job_title": "Engineering student"}, [], {"fit": -40}),
    ("A negative fit rule: students and trainees download a lot of our content for their studies.",
     {"job_title": "Trainee"}, [], {"fit": -40}),
    ("They may stay a Subscriber, but they should never reach sales.",
     {**FIT_45, "job_title": "Student"}, EVERYTHING, {"fit": 5, "score": 185, "stage": None}),
    ("A negative fit rule, next to Student or trainee: a job title that contains “trainee”, such as a management "
     "trainee or a trainee engineer, loses as many points as a student's, so trainees never reach sales either.",
     {**FIT_45, "job_title": "Management Trainee"}, EVERYTHING, {"score-trainee": -40, "stage": None}),
    ("An engagement rule: asking for a demo, a trial or a quote is the clearest sign that a buyer is ready for sales.",
     {}, ["demo_request"], {"score-demo-request": 60}),
    ("Such a request from a contact at an ICP company (at least 20 points from fit rules) makes the contact a Sales "
     "Qualified Lead at once; the points make sure the lead score agrees.",
     {"employees": 250, "country": "DE"}, ["demo_request"], {"fit": 20, "score": 80, "stage": "sql"}),
    ("Such a request from a contact at an ICP company (at least 20 points from fit rules) makes the contact a Sales "
     "Qualified Lead at once; the points make sure the lead score agrees.",
     ICP, ["email_unsubscribe", "demo_request"], {"score": 65, "stage": "sql", "by": "override"}),
    ("Such a request from a contact at an ICP company (at least 20 points from fit rules) makes the contact a Sales "
     "Qualified Lead at once; the points make sure the lead score agrees.",
     {"industry": "Dairy"}, ["demo_request"], {"score": 75, "stage": None}),
    ("An engagement rule: asking for a line audit, or accepting the free line audit we offer a Marketing Qualified "
     "Lead, means the buyer wants our engineers on site.", {}, ["line_audit_request"],
     {"score-line-audit-request": 60}),
    ("Like a demo or quote request, it makes a contact with at least 20 points from fit rules a Sales Qualified Lead "
     "at once.", ICP, ["email_unsubscribe", "line_audit_request"], {"stage": "sql", "by": "override"}),
    ("Like a demo or quote request, it makes a contact with at least 20 points from fit rules a Sales Qualified Lead "
     "at once.", {"country": "DE"}, ["line_audit_request"], {"stage": None}),
    ("An engagement rule for the lead type Existing customer – maintenance contract only: a request for a contract "
     "quote goes straight to sales as a Sales Qualified Lead, without waiting for the MQL threshold.",
     CONTRACT_CUSTOMER, ["contract_quote_request"], {"score": 25, "stage": "sql", "by": "override"}),
    ("An engagement rule for the lead type Existing customer – maintenance contract only: a request for a contract "
     "quote goes straight to sales as a Sales Qualified Lead, without waiting for the MQL threshold.",
     {**ICP, "lead_type": "new-prospect-equipment"}, ["contract_quote_request"], {"stage": None}),
    ("An engagement rule for the lead type Existing customer – maintenance contract only: a request for a contract "
     "quote goes straight to sales as a Sales Qualified Lead, without waiting for the MQL threshold.",
     ICP, ["contract_quote_request"], {"stage": None}),
    ("It adds no points, and like every Sales Qualified Lead the contact needs at least 20 points from fit rules.",
     {"industry": "Dairy", "lead_type": "customer-maintenance-contract"}, ["contract_quote_request"],
     {"score-contract-quote-request": 0, "stage": None}),
    ("A contract quote request goes straight to sales without waiting for the MQL threshold.",
     CONTRACT_CUSTOMER, ["contract_quote_request"], {"stage": "sql", "by": "override"}),
    ("Parts orders come through the customer portal and are never scored.",
     {**ICP, "lead_type": "customer-spare-parts-upgrade"}, ["parts_order"] * 3, {"engagement": 0}),
    ("An engagement rule: two or more visits to the pricing and financing pages in 30 days show a buyer moving from "
     "consideration towards decision.", {}, [ago("pricing_page_visit", 5), ago("pricing_page_visit", 25)],
     {"score-pricing-page": 15}),
    ("An engagement rule: two or more visits to the pricing and financing pages in 30 days show a buyer moving from "
     "consideration towards decision.", {}, [ago("pricing_page_visit", 5), ago("pricing_page_visit", 40)],
     {"score-pricing-page": 0}),
    ("An engagement rule: two or more visits to the pricing and financing pages in 30 days show a buyer moving from "
     "consideration towards decision.", {}, ["pricing_page_visit"], {"score-pricing-page": 0}),
    ("An engagement rule: each webinar attended live, or watched as a recording for more than half its length, adds "
     "points, for up to three webinars.", {}, ["webinar_attended"] * 2, {"score-webinar": 20}),
    ("An engagement rule: each webinar attended live, or watched as a recording for more than half its length, adds "
     "points, for up to three webinars.", {}, ["webinar_attended"] * 5, {"score-webinar": 30}),
    ("Registering without attending adds nothing to the engagement score.",
     {}, ["webinar_registered"] * 3, {"engagement": 0}),
    ("An engagement rule: the contact filled in the ROI and TCO calculator with their own line data.",
     {}, ["roi_calculator_completed"], {"score-roi-calculator": 15}),
    ("A negative engagement rule: unsubscribing from our emails lowers the lead score.",
     ICP, ["email_unsubscribe"], {"score": 5}),
    ("The contact may still read the website and raise a hand later, so the lead is not disqualified.",
     ICP, [ago("email_unsubscribe", 60), "demo_request"], {"score": 65, "stage": "sql"}),
    ("A negative engagement rule: no visit, open, click or other activity for 90 days.",
     ICP, [ago("email_open", 120)], {"score-inactive": -15}),
    ("A negative engagement rule: no visit, open, click or other activity for 90 days.",
     ICP, [ago("email_open", 120), ago("page_view", 80)], {"score-inactive": 0}),
    ("It lets old interest fade, so the lead score reflects what a buyer is doing now.",
     ICP, [ago(name, 120) for name in ("pricing_page_visit", "pricing_page_visit", "webinar_attended")],
     {"engagement": -5, "stage": None}),
    ("It lets old interest fade, so the lead score reflects what a buyer is doing now.",
     ICP, [ago(name, 7) for name in ("pricing_page_visit", "pricing_page_visit", "webinar_attended")],
     {"engagement": 25, "stage": "mql"}),
    # The lifecycle stages
    ("Lead score of 50 or more, with at least 20 points from fit rules, at a company that is not a competitor, "
     "supplier or school.", {}, ["pricing_page_visit"] * 2 + ["webinar_attended"] * 3 + ["roi_calculator_completed"],
     {"fit": 0, "score": 60, "stage": None}),
    ("Lead score of 50 or more, with at least 20 points from fit rules, at a company that is not a competitor, "
     "supplier or school.", ICP, ["pricing_page_visit"] * 2 + ["webinar_attended"],
     {"score": 50, "stage": "mql", "by": "threshold"}),
    ("Lead score reaches 80, or the contact asks for a demo, a quote or a line audit, and becomes a Sales Qualified "
     "Lead.", ICP, ["pricing_page_visit"] * 2 + ["webinar_attended"] * 3 + ["roi_calculator_completed"],
     {"score": 85, "stage": "sql", "by": "threshold"}),
    ("Lead score of 80 or more, or a demo, quote or line-audit request from a contact at an ICP company; either way "
     "with at least 20 points from fit rules.", {"industry": "Dairy"}, EVERYTHING, {"fit": 15, "stage": None}),
    ("Lead score of 80 or more, or a demo, quote or line-audit request from a contact at an ICP company; either way "
     "with at least 20 points from fit rules.", FIT_35, ["email_unsubscribe", "demo_request"],
     {"score": 75, "stage": "sql", "by": "override"}),
    # The glossary
    ("It is the sum of the fit score (who they are) and the engagement score (what they do).",
     FIT_45, ["demo_request"], {"fit": 45, "engagement": 60, "score": 105}),
    ("At 50 a Lead becomes a Marketing Qualified Lead; at 80 an MQL becomes a Sales Qualified Lead and is handed over.",
     ICP, ["pricing_page_visit"] * 2 + ["webinar_attended"], {"score": 50, "stage": "mql"}),
    ("At 50 a Lead becomes a Marketing Qualified Lead; at 80 an MQL becomes a Sales Qualified Lead and is handed over.",
     ICP, ["pricing_page_visit"] * 2 + ["webinar_attended"] * 3 + ["roi_calculator_completed"],
     {"score": 85, "stage": "sql"}),
    ("It rises with interest and falls with unsubscribes and inactivity.",
     {}, [ago("email_unsubscribe", 100)], {"engagement": -35}),
]

# Sentences of the scoring rules that say where data comes from or why a rule exists, not how a lead scores.
NOT_ABOUT_SCORES = {
    "Industry is taken from the company record, enriched from the VAT register where the form did not ask.",
    "Visits are counted per contact, not per company.",
    "That is a sign that a project is being sized in the consideration stage.",
}


def sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+(?=[A-Z])", text.strip())


def outcome(result: dict) -> dict:
    """What a case can expect: the totals, the stage and how it was reached, and each rule's points."""
    return {"stage": result["stage"], "by": result["stage_reason"]["by"], "score": result["score"],
            "fit": result["fit"], "engagement": result["engagement"],
            **{rule["key"]: rule["points"] for rule in result["rules"]}}


@pytest.mark.parametrize("sentence, fields, events, expected", CASES,
                         ids=[f"{i:02}-{case[0][:40]}" for i, case in enumerate(CASES)])
def test_the_demo_scores_as_its_prose_says(sentence, fields, events, expected):
    assert sentence in PROSE
    result = outcome(score_lead(DOCUMENT, fields, events, AS_OF))
    assert {key: result[key] for key in expected} == expected


@pytest.mark.parametrize("rule", PUBLISHED["lead_scoring"], ids=lambda rule: rule["key"])
def test_every_sentence_of_every_scoring_rule_is_tested(rule):
    tested = {case[0] for case in CASES}
    assert [s for s in sentences(rule["definition"]) if s not in tested | NOT_ABOUT_SCORES] == []


def test_every_rule_fires_for_some_lead_of_the_cases():
    fired = {key for _, fields, events, _ in CASES
             for key, points in outcome(score_lead(DOCUMENT, fields, events, AS_OF)).items()
             if key.startswith("score-") and points}
    overriding = {case[0] for case in CASES if case[3].get("by") == "override"}
    assert fired | {"score-contract-quote-request"} == {rule["key"] for rule in PUBLISHED["lead_scoring"]}
    assert overriding  # the contract rule scores no points: it fires as an override


@pytest.mark.parametrize("stage, sentence, returns_to", [
    ("mql", "An MQL whose score stays below 40 for 30 days goes back to Lead.", ["lead"]),
    ("sql", "the lead goes back to marketing with the status Returned – not ready (or Disqualified)", ["mql", "lead"]),
    ("opportunity", "Closed – lost (the contact goes back to Lead for nurturing)", ["lead"]),
    ("customer", "the contact goes back to Lead for win-back campaigns", ["lead"]),
    ("lead", "", []),
    ("subscriber", "", []),
])
def test_stages_return_where_their_prose_says(stage, sentence, returns_to):
    entry = by_key("lifecycle_stages")[stage]
    assert sentence in " ".join((entry["definition"], entry["exit_criteria"]))
    assert entry["may_return_to"] == returns_to


def test_stages_carry_hubspots_internal_lifecycle_values():
    assert {s["key"]: s["crm_value"] for s in PUBLISHED["lifecycle_stages"]} == {
        "subscriber": "subscriber", "lead": "lead", "mql": "marketingqualifiedlead", "sql": "salesqualifiedlead",
        "opportunity": "opportunity", "customer": "customer"}


def test_the_published_demo_scores_through_the_api(app, client, auth):
    create_demo_users()
    content = {section: PUBLISHED[section] for section in ("lifecycle_stages", "lead_types", "lead_scoring")}
    assert load_demo_content(content, [], {}) is True
    db.session.commit()
    body = {"fields": CONTRACT_CUSTOMER, "events": [{"name": "contract_quote_request", "at": "2026-11-30T09:00:00Z"}],
            "as_of": "2026-12-01T12:00:00Z"}
    result = client.post("/api/v1/score", json=body, headers=auth).json
    assert (result["score"], result["stage"], result["lead_type"]) == (25, "sql", "customer-maintenance-contract")
    assert result["stage_reason"]["rule"] == "score-contract-quote-request"
    skipped = next(r for r in result["stage_reason"]["not_reached"] if r["stage"] == "opportunity")
    assert skipped["unmet"] == []
