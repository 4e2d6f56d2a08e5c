"""Consistency checks: each rule found when broken and silent when kept, and GET /api/v1/sla/checks."""
import copy

import pytest

from app.admin.tokens import create_token
from app.extensions import db
from app.models import Version
from app.sla.checks import ERROR, WARNING, blocking, run_checks
from app.versions.errors import VersionError
from app.versions.services import open_draft, submit_version
from tests.factories import make_draft, make_entry, make_published
from tests.test_review_support import HX, client_for, current, flashes, people, text  # noqa: F401


def stage(key, name, position, threshold=None, definition="", **fields):
    return {"key": key, "name": name, "position": position, "score_threshold": threshold, "deprecated": False,
            "superseded_by": None, "definition": definition, "team": "marketing", "owner_team": "marketing",
            "entry_criteria": fields.get("entry_criteria", ""), "exit_criteria": fields.get("exit_criteria", "")}


def deal(key, probability, closed=False, won=False, definition=""):
    return {"key": key, "name": key.title(), "position": 0, "probability": probability, "is_closed": closed,
            "is_won": won, "deprecated": False, "superseded_by": None, "definition": definition, "team": "sales"}


def document(**sections):
    return {"sections": sections}


def codes(checks):
    return [(c.code, c.severity, c.entries) for c in checks]


@pytest.mark.parametrize("stage_row, code", [
    (deal("won", 1, closed=False, won=True), "deal_stage.won_not_closed"),
    (deal("won", 0.9, closed=True, won=True), "deal_stage.won_probability"),
    (deal("lost", 0.1, closed=True, won=False), "deal_stage.lost_probability"),
    (deal("proposal", 1, closed=False, won=False), "deal_stage.open_probability"),
])
def test_deal_stage_rules_are_errors(stage_row, code):
    found = run_checks(document(deal_stages=[stage_row]))
    assert (code, ERROR, (stage_row["key"],)) in codes(found)
    assert blocking(found)


def test_values_that_are_not_numbers_are_left_to_validation():
    stages = [stage("mql", "MQL", 1, "fifty"), stage("sql", "SQL", 2, 40)]
    deals = [deal("won", "certain", closed=True, won=True)]
    assert run_checks(document(lifecycle_stages=stages, deal_stages=deals), document(lifecycle_stages=stages)) == []


def test_consistent_deal_stages_pass():
    stages = [deal("discovery", 0.1), deal("proposal", 0.6), deal("won", 1, True, True), deal("lost", 0, True)]
    assert run_checks(document(deal_stages=stages)) == []


def test_thresholds_must_rise_with_the_stages():
    stages = [stage("lead", "Lead", 1), stage("mql", "MQL", 2, 60), stage("sql", "SQL", 3, 55)]
    found = run_checks(document(lifecycle_stages=stages))
    assert codes(found) == [("lifecycle_stage.threshold_order", ERROR, ("mql", "sql"))]
    assert "55" in found[0].text and "60" in found[0].text
    stages[2]["score_threshold"] = 80
    assert run_checks(document(lifecycle_stages=stages)) == []


def test_an_unresolvable_reference_is_an_error():
    statuses = [{"key": "working", "name": "Working", "lifecycle_stages": ["mql", "gone"], "deprecated": False,
                 "superseded_by": None, "definition": "", "team": "sales"}]
    stages = [stage("mql", "MQL", 1, 50)]
    found = run_checks(document(lead_statuses=statuses, lifecycle_stages=stages))
    assert codes(found) == [("reference.unresolved", ERROR, ("working",))]
    assert "gone" in found[0].text
    statuses[0]["lifecycle_stages"] = ["mql"]
    statuses[0]["superseded_by"] = "nowhere"
    assert [c.code for c in run_checks(document(lead_statuses=statuses, lifecycle_stages=stages))] == [
        "reference.unresolved"]


def test_an_icp_trait_no_fit_rule_scores_is_a_warning():
    icp = [{"key": "mid", "name": "Mid-market", "deprecated": False, "superseded_by": None, "definition": "",
            "criteria": [{"attribute": "employees", "operator": "gte", "value": "200"},
                         {"attribute": "region", "operator": "equals", "value": "EU"}]}]
    rules = [{"key": "size", "name": "Size", "kind": "fit", "field": "employees", "operator": "gte", "value": "200",
              "points": 20, "deprecated": False}]
    found = run_checks(document(icp=icp, lead_scoring=rules))
    assert codes(found) == [("icp.unscored", WARNING, ("mid",))]
    assert "region" in found[0].text and "employees" not in found[0].text
    assert not blocking(found)
    rules.append({**rules[0], "key": "eu", "field": "region"})
    assert run_checks(document(icp=icp, lead_scoring=rules)) == []


def test_prose_that_still_quotes_a_changed_threshold_is_a_warning_on_the_entry_and_where_it_is_named():
    before = document(lifecycle_stages=[
        stage("lead", "Lead", 1, exit_criteria="Reaches a lead score of 50 (becomes a Marketing Qualified Lead)."),
        stage("mql", "Marketing Qualified Lead", 2, 50, definition="A lead whose **lead score** has reached **50**."),
        stage("sql", "Sales Qualified Lead", 3, 80, definition="Has at least 50 employees and a score of 80."),
    ])
    after = copy.deepcopy(before)
    after["sections"]["lifecycle_stages"][1]["score_threshold"] = 60
    found = run_checks(after, before)
    assert codes(found) == [("prose.stale_number", WARNING, ("lead", "mql")),
                            ("prose.stale_number", WARNING, ("mql",))]
    assert "still says 50" in found[1].text and "now has 60" in found[1].text
    assert run_checks(before, before) == []  # nothing changed: nothing is stale
    assert run_checks(after) == []  # without the version it follows, no number is known to be old
    for row in after["sections"]["lifecycle_stages"]:  # the prose brought up to date
        row["definition"] = row["definition"].replace("50", "60")
        row["exit_criteria"] = row["exit_criteria"].replace("50", "60")
    assert run_checks(after, before) == []


def test_a_deal_stage_that_still_quotes_its_old_probability_is_a_warning():
    before = document(deal_stages=[deal("proposal", 0.5, definition="About 50 % of proposals close.")])
    after = copy.deepcopy(before)
    after["sections"]["deal_stages"][0]["probability"] = 0.4
    assert codes(run_checks(after, before)) == [("prose.stale_number", WARNING, ("proposal",))]


# --- the API ------------------------------------------------------------------------------------

def sample_entries(probability=1.0):
    return [make_entry("deal_stages", "won", "Won", team="sales", probability=probability, is_closed=True,
                       is_won=True),
            make_entry("lifecycle_stages", "mql", "MQL", owner_team="marketing", entry_criteria="Scored.",
                       score_threshold=50)]


@pytest.fixture
def auth(app):
    plaintext = create_token("checks tool")[1]
    db.session.commit()
    return {"Authorization": f"Bearer {plaintext}"}


def test_a_tool_reads_the_checks_of_the_current_and_a_numbered_version(client, auth):
    make_published(sample_entries(probability=0.9), number="1.0.0")
    make_published(sample_entries(), number="1.1.0")
    current = client.get("/api/v1/sla/checks", headers=auth)
    assert current.status_code == 200 and current.json["version"] == "1.1.0"
    assert current.json["errors"] == 0 and current.json["checks"] == []
    old = client.get("/api/v1/sla/checks?version=1.0.0", headers=auth)
    assert old.json["errors"] == 1
    assert old.json["checks"][0]["code"] == "deal_stage.won_probability"
    assert old.json["checks"][0]["entries"] == ["won"] and old.json["checks"][0]["severity"] == "error"


@pytest.mark.parametrize("query, status", [("?version=9.9.9", 404), ("?version=draft", 403)])
def test_unknown_versions_and_a_tokens_draft_are_problems(client, auth, query, status):
    make_published(sample_entries(), number="1.0.0")
    response = client.get("/api/v1/sla/checks" + query, headers=auth)
    assert response.status_code == status and response.mimetype == "application/problem+json"


@pytest.mark.parametrize("role, status", [("reader", 403), ("editor", 200), ("approver", 200), ("admin", 200)])
def test_the_drafts_checks_are_for_editors(login_as, role, status):
    make_draft(sample_entries(probability=0.5))
    response = login_as(role).get("/api/v1/sla/checks?version=draft")
    assert response.status_code == status
    if status == 200:
        assert response.json["version"] == "open" and response.json["errors"] == 1


def test_no_draft_is_a_404_for_an_editor(login_as):
    response = login_as("editor").get("/api/v1/sla/checks?version=draft")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


# --- submitting ---------------------------------------------------------------------------------

@pytest.mark.parametrize("htmx", [True, False])
def test_a_draft_with_an_error_cannot_be_submitted_and_says_why(app, people, current, htmx):
    version = open_draft(by=people["editor"])
    version.entries.append(make_entry("deal_stages", "won", "Won", team="sales", probability=0.9, is_closed=True,
                                      is_won=True, position=9))
    db.session.commit()
    client = client_for(app, people["editor"])
    response = client.post(f"/review/{version.id}/submit", headers=HX if htmx else {})
    message = "closed-won, so its probability must be 1"
    assert message in (text(response) if htmx else flashes(client))
    db.session.expire_all()
    assert db.session.get(Version, version.id).state == "draft"
    with pytest.raises(VersionError):
        submit_version(version, people["editor"])


# --- on the pages -------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/draft", "/review"])
@pytest.mark.parametrize("htmx", [True, False])
def test_editors_and_approvers_see_the_checks_before_submitting_and_signing(app, people, current, path, htmx):
    version = open_draft(by=people["editor"])
    version.entries.append(make_entry("deal_stages", "won", "Won", team="sales", probability=0.9, is_closed=True,
                                      is_won=True, position=9))
    db.session.commit()
    for person in ("editor", "sales"):
        page = text(client_for(app, people[person]).get(path, headers=HX if htmx else {}))
        assert "Consistency checks" in page and "1 error must be fixed" in page
        assert "Deal stage “Won” is closed-won, so its probability must be 1, not 0.9." in page


def test_the_checks_read_in_thai(app, people, current):
    version = open_draft(by=people["editor"])
    version.entries.append(make_entry("deal_stages", "won", "Won", team="sales", probability=0.9, is_closed=True,
                                      is_won=True, position=9))
    db.session.commit()
    page = text(client_for(app, people["editor"]).get("/draft", headers={"Accept-Language": "th"}))
    assert "Deal stage “Won” is closed-won" not in page
    assert "“Won”" in page and "0.9" in page


def test_a_clean_draft_says_every_check_passes(app, people, current):
    open_draft(by=people["editor"])
    assert "every consistency check passes" in text(client_for(app, people["editor"]).get("/draft"))
