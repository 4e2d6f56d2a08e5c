"""Consistency checks: each rule found when broken and silent when kept, and GET /api/v1/sla/checks."""
import copy

import pytest

from app.admin.tokens import create_token
from app.extensions import db
from app.models import Version
from app.sla.checks import ERROR, WARNING, blocking, run_checks
from app.sla.sections import SECTION_LIST
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


SCHEMA_2_REFERENCES = [(section.key, f) for section in SECTION_LIST for f in section.fields
                       if f.kind in ("ref", "refs") and f.since == 2]


@pytest.mark.parametrize("section, f", SCHEMA_2_REFERENCES, ids=lambda v: getattr(v, "name", v))
def test_every_new_reference_field_must_resolve(section, f):
    target = {"key": "present", "name": "Present", "deprecated": False, "definition": ""}

    def with_reference(key):
        entry = {"key": "referrer", "name": "Referrer", "deprecated": False, "definition": "",
                 f.name: [key] if f.kind == "refs" else key}
        sections = {f.ref_section: [target]}
        sections.setdefault(section, []).append(entry)
        return document(**sections)
    assert run_checks(with_reference("present")) == []
    found = run_checks(with_reference("missing"))
    assert codes(found) == [("reference.unresolved", ERROR, ("referrer",))]
    assert "missing" in found[0].text


def test_the_schema_2_references_are_covered():
    assert {(s, f.name) for s, f in SCHEMA_2_REFERENCES} >= {
        ("commitments", "stage"), ("commitments", "to_stage"), ("commitments", "calendar"),
        ("commitments", "lead_types"), ("lifecycle_stages", "may_return_to"), ("lead_scoring", "stage"),
        ("lead_scoring", "lead_types"), ("connect_attempts", "lead_types")}


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


# --- commitments, connect sequences, scoring rules and stage minimums ---------------------------

def commitment(key="follow-up", measure=None, **fields):
    return {"key": key, "name": key.replace("-", " ").title(), "deprecated": False, "superseded_by": None,
            "definition": fields.pop("definition", ""), "team": "sales", "from_team": "sales",
            "to_team": "marketing", "metric": "Follow-up", "target": fields.pop("target", 1), "unit": "",
            "period": "month", "measure": measure, **fields}


def attempt(key, day, lead_types=()):
    return {"key": key, "name": key, "position": day, "day": day, "channel": "call", "counts_as_connect": True,
            "lead_types": list(lead_types), "deprecated": False, "superseded_by": None, "definition": ""}


def lead_type(key):
    return {"key": key, "name": key.title(), "routing": "Sales", "deprecated": False, "superseded_by": None,
            "definition": ""}


STAGES = [stage("mql", "MQL", 1, 50), stage("sql", "SQL", 2, 80)]
CALENDARS = [{"key": "office", "name": "Office hours", "timezone": "Asia/Bangkok", "workdays": ["mon"],
              "start": "09:00", "end": "18:00", "holidays": [], "deprecated": False, "definition": ""}]
COMPLETE = {
    "stage_volume": {"stage": "mql", "target": 120},
    "response_time": {"stage": "sql", "within": 4, "within_unit": "business_hours", "calendar": "office",
                      "share": 0.95},
    "attempts": {"stage": "sql", "target": 1},
    "conversion": {"stage": "mql", "to_stage": "sql", "share": 0.25, "within": 30, "within_unit": "days"},
    "prose": {},
    None: {},
}


def with_commitment(row, attempts=(attempt("call", 0),), lead_types=()):
    return document(commitments=[row], lifecycle_stages=STAGES, calendars=CALENDARS, connect_attempts=list(attempts),
                    lead_types=list(lead_types))


@pytest.mark.parametrize("measure", list(COMPLETE))
def test_a_commitment_with_what_its_measure_needs_passes(measure):
    assert run_checks(with_commitment(commitment(measure=measure, **COMPLETE[measure]))) == []


@pytest.mark.parametrize("measure, dropped, named", [
    ("stage_volume", "stage", "stage"),
    ("response_time", "stage", "stage"),
    ("response_time", "within", "within"),
    ("response_time", "within_unit", "within"),
    ("response_time", "calendar", "calendar"),
    ("attempts", "stage", "stage"),
    ("conversion", "to_stage", "to stage"),
    ("conversion", "share", "share"),
])
def test_a_commitment_missing_what_its_measure_needs_is_an_error(measure, dropped, named):
    row = commitment(measure=measure, **{k: v for k, v in COMPLETE[measure].items() if k != dropped})
    found = run_checks(with_commitment(row))
    assert codes(found) == [("commitment.incomplete", ERROR, ("follow-up",))]
    assert named in found[0].text.casefold() and blocking(found)


@pytest.mark.parametrize("measure", [None, "prose"])
def test_a_limit_needs_its_unit_even_without_a_measure(measure):
    found = run_checks(with_commitment(commitment(measure=measure, within=4)))
    assert codes(found) == [("commitment.incomplete", ERROR, ("follow-up",))]
    assert found[0].text == "Commitment “Follow Up” needs within unit."


@pytest.mark.parametrize("share, broken", [(1.5, True), (-0.1, True), (95, True), (0, False), (1, False)])
def test_a_share_is_a_fraction(share, broken):
    row = commitment(measure="conversion", **{**COMPLETE["conversion"], "share": share})
    assert [c.code for c in run_checks(with_commitment(row))] == (["commitment.share_range"] if broken else [])


SIX = [attempt(f"a{day}", day) for day in (0, 1, 3, 5, 9, 14)]


@pytest.mark.parametrize("target, within, code", [
    (6, 14, None),
    (7, 14, "commitment.attempts_exceed_sequence"),
    (6, 21, "commitment.attempts_outlast_sequence"),
    (4, 10, None),
])
def test_an_attempts_commitment_asks_no_more_than_the_sequence_has(target, within, code):
    row = commitment(measure="attempts", stage="sql", target=target, within=within, within_unit="days")
    found = run_checks(with_commitment(row, SIX))
    assert codes(found) == ([(code, ERROR, ("follow-up", *(a["key"] for a in SIX)))] if code else [])


def test_the_sequence_of_each_lead_type_the_commitment_covers_is_counted():
    attempts = [attempt("call", 0), attempt("email", 1), attempt("visit", 2, ["parts"])]
    types = [lead_type("parts"), lead_type("equipment")]
    for scope, broken in ((["parts"], False), (["equipment"], True), ([], True)):
        row = commitment(measure="attempts", stage="sql", target=3, lead_types=scope)
        found = run_checks(with_commitment(row, attempts, types))
        assert [c.code for c in found] == (["commitment.attempts_exceed_sequence"] if broken else []), scope
        if broken:
            assert "Equipment" in found[0].text and "has 2" in found[0].text


def test_attempts_asked_without_any_sequence_is_an_error():
    found = run_checks(with_commitment(commitment(measure="attempts", stage="sql", target=2), attempts=()))
    assert [c.code for c in found] == ["commitment.attempts_exceed_sequence"]


def scoring_rule(key, kind="fit", points=10, **fields):
    return {"key": key, "name": key.title(), "kind": kind, "field": key, "operator": "exists", "value": None,
            "points": points, "deprecated": False, "superseded_by": None, "definition": "", **fields}


@pytest.mark.parametrize("fields, broken", [
    ({"action": "set_stage"}, True),
    ({"action": "set_stage", "stage": "sql"}, False),
    ({"action": "points"}, False),
    ({}, False),
])
def test_a_rule_that_sets_a_stage_names_it(fields, broken):
    found = run_checks(document(lead_scoring=[scoring_rule("demo", "engagement", **fields)], lifecycle_stages=STAGES))
    assert codes(found) == ([("lead_scoring.set_stage_without_stage", ERROR, ("demo",))] if broken else [])


@pytest.mark.parametrize("min_fit, min_engagement, expected", [
    (20, 30, []),
    (25, 10, ["lifecycle_stage.min_fit_unreachable"]),
    (20, 31, ["lifecycle_stage.minimums_above_threshold"]),
    (None, None, []),
])
def test_stage_minimums_are_reachable_and_within_the_threshold(min_fit, min_engagement, expected):
    rules = [scoring_rule("size", points=15), scoring_rule("industry", points=5), scoring_rule("junk", points=-10),
             scoring_rule("webinar", "engagement", points=40)]
    stages = [{**stage("mql", "MQL", 1, 50), "min_fit": min_fit, "min_engagement": min_engagement}]
    found = run_checks(document(lead_scoring=rules, lifecycle_stages=stages))
    assert [c.code for c in found] == expected
    assert all(c.severity == WARNING for c in found)


@pytest.mark.parametrize("field, old, new, definition", [
    ("target", 120, 130, "Marketing delivers at least 120 Marketing Qualified Leads a month."),
    ("target", 1500000, 2000000, "At least EUR 1,500,000 of pipeline a quarter."),
    ("within", 4, 2, "Sales calls every new SQL within 4 business hours."),
    ("share", 0.95, 0.9, "The target is met when 95% of the SQLs were attempted in time."),
])
def test_a_commitment_that_still_quotes_its_old_number_is_a_warning(field, old, new, definition):
    unit = {"within_unit": "hours"} if field == "within" else {}
    before = document(commitments=[commitment("goal", definition=definition, **unit, **{field: old})])
    after = copy.deepcopy(before)
    after["sections"]["commitments"][0][field] = new
    found = run_checks(after, before)
    assert codes(found) == [("prose.stale_number", WARNING, ("goal",))]
    after["sections"]["commitments"][0]["definition"] = "Brought up to date."
    assert run_checks(after, before) == []


def test_another_commitments_prose_quoting_the_same_number_is_not_stale():
    before = document(commitments=[commitment("goal", target=120),
                                   commitment("other", definition="We answer 120 calls.")])
    after = copy.deepcopy(before)
    after["sections"]["commitments"][0]["target"] = 130
    assert run_checks(after, before) == []


def test_a_stage_minimum_quoted_by_another_stage_is_stale_when_it_changes():
    mql = {**stage("mql", "Marketing Qualified Lead", 2, 50), "min_fit": 20}
    sql = stage("sql", "Sales Qualified Lead", 3, 80,
                definition="A Marketing Qualified Lead that kept its 20 points of fit and asked for a demo.")
    before = document(lifecycle_stages=[mql, sql])
    after = copy.deepcopy(before)
    after["sections"]["lifecycle_stages"][0]["min_fit"] = 25
    assert codes(run_checks(after, before)) == [("prose.stale_number", WARNING, ("sql", "mql"))]


def test_connect_outcomes_include_one_that_connects():
    outcomes = [{"key": key, "name": key, "position": i, "counts_as_connect": False, "deprecated": False}
                for i, key in enumerate(("no-answer", "voicemail", "conversation"), start=1)]
    assert codes(run_checks(document(connect_outcomes=outcomes))) == [
        ("connect_outcome.none_connects", WARNING, ("no-answer", "voicemail", "conversation"))]
    outcomes[2]["counts_as_connect"] = True
    assert run_checks(document(connect_outcomes=outcomes)) == []
    assert run_checks(document(connect_outcomes=[])) == []


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


def test_a_published_versions_checks_are_judged_once_and_a_drafts_every_time(app, monkeypatch):
    from app.cache import BoundedMemo
    from app.versions import checks as version_checks_module
    monkeypatch.setattr(version_checks_module, "_published", BoundedMemo(4))  # nothing judged before
    calls = []
    judge = version_checks_module.run_checks
    monkeypatch.setattr(version_checks_module, "run_checks", lambda *args: calls.append(1) or judge(*args))
    version = make_published(sample_entries(probability=0.9), number="1.0.0")
    draft = make_draft(sample_entries(probability=0.8))
    for _ in range(3):
        assert [c.code for c in version_checks_module.version_checks(version)] == ["deal_stage.won_probability"]
    assert len(calls) == 1
    for _ in range(2):
        assert [c.code for c in version_checks_module.version_checks(draft)] == ["deal_stage.won_probability"]
    assert len(calls) == 3


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


def test_the_names_inside_a_check_read_in_thai_too(app, people, current):
    version = open_draft(by=people["editor"])
    version.entries.append(make_entry("commitments", "follow-up", "Follow-up", team="sales", from_team="sales",
                                      to_team="marketing", metric="First attempt", target=4, period="month",
                                      measure="response_time", within=4, within_unit="business_hours"))
    db.session.commit()
    client = client_for(app, people["editor"])
    english = text(client.get("/draft"))
    assert "Commitment “Follow-up” measures response time, so it needs stage and calendar." in english
    thai = text(client.get("/draft", headers={"Accept-Language": "th"}))
    assert "ข้อผูกพัน “Follow-up” วัดเวลาตอบสนอง จึงต้องระบุ ขั้น และ ปฏิทิน" in thai
