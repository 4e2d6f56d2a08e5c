"""The scoring engine on hand-built documents: event times and as_of, within_days, max_occurrences,
lead-type scope, set_stage overrides, stage minimums, the explanation, and schema-1 documents."""
from datetime import datetime, timedelta, timezone

import pytest

from app.sla.scoring import parse_time, score_lead, time_errors

AS_OF = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def rule(key, kind, field, operator, value, points, **more) -> dict:
    return {"key": key, "name": key.replace("-", " ").title(), "kind": kind, "field": field,
            "operator": operator, "value": value, "points": points, **more}


def stage(key, position, threshold=None, **more) -> dict:
    return {"key": key, "name": key.upper(), "position": position, "score_threshold": threshold, **more}


STAGES = [stage("lead", 2), stage("mql", 3, 50, min_fit=20), stage("sql", 4, 80, min_fit=20),
          stage("opportunity", 5)]


def document(*rules, stages=STAGES) -> dict:
    return {"version": "2.0.0", "schema_version": 2,
            "sections": {"lead_scoring": list(rules), "lifecycle_stages": list(stages)}}


def days_ago(days: float) -> str:
    return (AS_OF - timedelta(days=days)).isoformat()


def scored(doc, fields=None, events=None, as_of=AS_OF) -> dict:
    return score_lead(doc, fields, events, as_of)


def explained(result: dict, key: str) -> dict:
    return next(r for r in result["rules"] if r["key"] == key)


# --- schema-1 documents score exactly as before ------------------------------------------------

SCHEMA_1 = {"version": "1.0.0", "sections": {
    "lead_scoring": [
        rule("industry", "fit", "industry", "in", "food,beverages", 15),
        rule("size", "fit", "employees", "gte", "200", 10),
        rule("student", "fit", "job_title", "contains", "student", -40),
        {**rule("old", "fit", "industry", "exists", "", 99), "deprecated": True},
        rule("demo", "engagement", "demo_request", "gte", "1", 40),
        rule("pricing", "engagement", "pricing_page_visit", "gte", "2", 15),
        rule("inactive", "engagement", "days_since_last_activity", "gt", "90", -15),
        rule("quiet", "engagement", "email_open", "lt", "1", -5),
    ],
    "lifecycle_stages": [stage("lead", 2), stage("mql", 3, 50), stage("sql", 4, 80)]}}


@pytest.mark.parametrize("fields, events, expected", [
    ({}, [], (-5, 0, -5, None, ["quiet"])),
    ({"industry": "Food", "employees": 250}, ["demo_request"],
     (60, 25, 35, "mql", ["industry", "size", "demo", "quiet"])),
    ({"industry": "food"}, ["demo_request", "pricing_page_visit", {"name": "Pricing_Page_Visit"}, "email_open"],
     (70, 15, 55, "mql", ["industry", "demo", "pricing"])),
    ({"job_title": "Student", "employees": "300"}, ["demo_request"] * 3 + ["days_since_last_activity"],
     (5, -30, 35, None, ["size", "student", "demo", "quiet"])),
    ({"industry": "Retail", "employees": None}, [{"name": "email_open"}], (0, 0, 0, None, [])),
    ({"industry": "beverages", "employees": 199}, ["pricing_page_visit"] * 2 + ["demo_request", "email_open"],
     (70, 15, 55, "mql", ["industry", "demo", "pricing"])),
])
def test_a_schema_1_document_scores_exactly_as_before(fields, events, expected):
    """The numbers were taken from the scoring before schema 2: counts, once per rule, no minimums."""
    result = score_lead(SCHEMA_1, fields, events)
    assert (result["score"], result["fit"], result["engagement"], result["stage"],
            [r["key"] for r in result["matched_rules"]]) == expected
    assert {r["points"] for r in result["rules"] if not r["matched"]} <= {0}


# --- event times, as_of, within_days -----------------------------------------------------------

PRICING = rule("pricing", "engagement", "pricing_page_visit", "gte", "2", 15, within_days=30)


@pytest.mark.parametrize("ages, counted, too_old, after, points", [
    ([1, 29], 2, 0, 0, 15),
    ([1, 30], 2, 0, 0, 15),           # exactly 30 days before as_of still counts
    ([1, 30.01], 1, 1, 0, 0),
    ([45, 60], 0, 2, 0, 0),
    ([1, -1], 1, 0, 1, 0),            # after as_of: ignored
    ([0, 0, 31, -3], 2, 1, 1, 15),
])
def test_within_days_counts_only_recent_events_before_as_of(ages, counted, too_old, after, points):
    events = [{"name": "pricing_page_visit", "at": days_ago(age)} for age in ages]
    result = explained(scored(document(PRICING), events=events), "pricing")
    counts = (result["events_counted"], result["events_too_old"], result["events_after_as_of"])
    assert counts == (counted, too_old, after)
    assert result["points"] == points and result["matched"] is bool(points)


def test_bare_names_and_objects_without_at_happen_at_as_of():
    result = scored(document(PRICING), events=["pricing_page_visit", {"name": "Pricing_Page_Visit"}])
    assert result["engagement"] == 15


def test_without_within_days_every_event_before_as_of_counts():
    doc = document({**PRICING, "within_days": None})
    events = [{"name": "pricing_page_visit", "at": days_ago(age)} for age in (400, 3000, -1)]
    assert explained(scored(doc, events=events), "pricing")["events_counted"] == 2


def test_as_of_moves_the_window():
    events = [{"name": "pricing_page_visit", "at": "2026-06-01T10:00:00+07:00"}] * 2
    june, december = (scored(document(PRICING), events=events, as_of=parse_time(t))["engagement"]
                      for t in ("2026-06-15T00:00:00Z", "2026-12-01T00:00:00Z"))
    before = scored(document(PRICING), events=events, as_of=parse_time("2026-05-31T00:00:00Z"))
    assert (june, december, before["engagement"]) == (15, 0, 0)
    assert explained(before, "pricing")["events_after_as_of"] == 2


def test_as_of_defaults_to_now():
    before = datetime.now(timezone.utc).replace(microsecond=0)
    result = score_lead(document(PRICING), {}, ["pricing_page_visit"])
    assert before <= parse_time(result["as_of"]) <= datetime.now(timezone.utc)
    assert result["as_of"].endswith("Z")


# --- max_occurrences ---------------------------------------------------------------------------

WEBINAR = rule("webinar", "engagement", "webinar_attended", "gte", "1", 10)


@pytest.mark.parametrize("cap, count, times, points", [
    (None, 5, 1, 10),      # no cap: once, as before
    (3, 1, 1, 10),
    (3, 2, 2, 20),
    (3, 3, 3, 30),
    (3, 7, 3, 30),
    (1, 4, 1, 10),
    (3, 0, 0, 0),
])
def test_max_occurrences_scores_once_per_event_up_to_the_cap(cap, count, times, points):
    result = explained(scored(document({**WEBINAR, "max_occurrences": cap}), events=["webinar_attended"] * count),
                       "webinar")
    assert (result["times"], result["points"]) == (times, points)


def test_max_occurrences_counts_only_events_in_the_window():
    doc = document({**WEBINAR, "max_occurrences": 3, "within_days": 180})
    events = [{"name": "webinar_attended", "at": days_ago(age)} for age in (10, 100, 200, 300)]
    assert scored(doc, events=events)["engagement"] == 20


def test_a_rule_matching_on_zero_events_with_a_cap_scores_nothing():
    doc = document(rule("none", "engagement", "webinar_attended", "equals", "0", 5, max_occurrences=2))
    result = explained(scored(doc), "none")
    assert result["matched"] and result["points"] == 0


# --- decay: a wildcard event name --------------------------------------------------------------

INACTIVE = rule("inactive", "engagement", "*", "equals", "0", -15, within_days=90)


@pytest.mark.parametrize("events, points", [
    ([], -15),
    ([{"name": "email_open", "at": days_ago(120)}], -15),
    ([{"name": "email_open", "at": days_ago(120)}, {"name": "page_view", "at": days_ago(91)}], -15),
    ([{"name": "email_open", "at": days_ago(120)}, {"name": "page_view", "at": days_ago(89)}], 0),
    (["anything"], 0),
    ([{"name": "page_view", "at": days_ago(-5)}], -15),  # after as_of: not activity yet
])
def test_inactive_for_90_days_counts_events_of_any_name(events, points):
    result = scored(document(INACTIVE), events=events)
    assert result["engagement"] == points
    assert "events of any name within 90 days" in explained(result, "inactive")["reason"]


# --- lead types --------------------------------------------------------------------------------

CONTRACT = rule("contract", "engagement", "contract_quote_request", "exists", "", 30,
                lead_types=["customer-maintenance-contract", "customer-upgrade"])


@pytest.mark.parametrize("lead_type, in_scope", [
    ("customer-maintenance-contract", True),
    ("Customer-Upgrade ", True),
    ("new-prospect", False),
    (None, False),
    ("", False),
])
def test_a_rule_scoped_to_lead_types_applies_only_to_those(lead_type, in_scope):
    fields = {} if lead_type is None else {"lead_type": lead_type}
    result = scored(document(CONTRACT, WEBINAR), fields, ["contract_quote_request", "webinar_attended"])
    contract = explained(result, "contract")
    assert (contract["in_scope"], contract["matched"], result["engagement"]) == (in_scope, in_scope,
                                                                                 40 if in_scope else 10)
    if not in_scope:
        assert contract["reason"].startswith("Out of scope") and contract["points"] == 0
        assert "customer-maintenance-contract" in contract["reason"]
    assert explained(result, "webinar")["in_scope"] is True


def test_lead_type_is_read_from_fields_and_echoed():
    assert scored(document(), {"lead_type": "New-Prospect"})["lead_type"] == "new-prospect"
    assert scored(document(), {})["lead_type"] is None


# --- stages: minimums and overrides ------------------------------------------------------------

FIT = rule("fit", "fit", "industry", "exists", "", 25)
ENGAGED = rule("engaged", "engagement", "page_view", "gte", "1", 10, max_occurrences=10)
DEMO = rule("demo", "engagement", "demo_request", "exists", "", 0, action="set_stage", stage="sql")


@pytest.mark.parametrize("fields, views, expected_stage, by", [
    ({}, 5, None, None),                       # 50 points, all engagement: fit 0 is below min_fit 20
    ({}, 9, None, None),                       # 90 points: still no fit, so no SQL either
    ({"industry": "x"}, 3, "mql", "threshold"),
    ({"industry": "x"}, 6, "sql", "threshold"),
])
def test_stages_with_a_minimum_fit_need_the_threshold_and_the_fit(fields, views, expected_stage, by):
    result = scored(document(FIT, ENGAGED), fields, ["page_view"] * views)
    assert (result["stage"], result["stage_reason"]["by"]) == (expected_stage, by)


def test_the_stage_reason_names_the_bars_met_and_those_missed():
    result = scored(document(FIT, ENGAGED), {"industry": "x"}, ["page_view"] * 3)
    reason = result["stage_reason"]
    assert reason["bars"] == [{"bar": "score_threshold", "required": 50, "actual": 55},
                              {"bar": "min_fit", "required": 20, "actual": 25}]
    assert [(r["stage"], r["unmet"]) for r in reason["not_reached"]] == [
        ("sql", [{"bar": "score_threshold", "required": 80, "actual": 55}]), ("opportunity", [])]
    assert "score 55 is below score_threshold 80" in reason["not_reached"][0]["reason"]
    assert "scoring does not decide it" in reason["not_reached"][1]["reason"]


def test_a_fit_below_the_minimum_is_named_as_the_reason():
    reason = scored(document(FIT, ENGAGED), {}, ["page_view"] * 5)["stage_reason"]
    assert reason["stage"] is None and "No stage is reached" in reason["text"]
    mql = next(r for r in reason["not_reached"] if r["stage"] == "mql")
    assert mql["unmet"] == [{"bar": "min_fit", "required": 20, "actual": 0}]
    assert mql["reason"] == "fit 0 is below min_fit 20."


def test_a_minimum_engagement_is_a_bar_too():
    stages = [stage("mql", 3, 30, min_engagement=20)]
    assert scored(document(FIT, ENGAGED, stages=stages), {"industry": "x"}, ["page_view"])["stage"] is None
    assert scored(document(FIT, ENGAGED, stages=stages), {"industry": "x"}, ["page_view"] * 2)["stage"] == "mql"


def test_a_stage_with_only_a_minimum_is_reached_by_scoring():
    stages = [stage("fits", 1, min_fit=20)]
    assert scored(document(FIT, stages=stages), {"industry": "x"})["stage"] == "fits"
    assert scored(document(FIT, stages=stages), {})["stage"] is None


def test_a_set_stage_rule_makes_the_stage_whatever_the_score():
    result = scored(document(FIT, ENGAGED, DEMO), {"industry": "x"}, ["demo_request"])
    assert (result["score"], result["stage"]) == (25, "sql")
    reason = result["stage_reason"]
    assert (reason["by"], reason["rule"]) == ("override", "demo")
    assert reason["bars"] == [{"bar": "min_fit", "required": 20, "actual": 25}]
    assert "sets the stage sql whatever the score" in reason["text"]
    assert explained(result, "demo")["reason"].endswith("the lead reaches at least the stage sql.")


def test_an_override_still_needs_the_stages_minimum_fit():
    result = scored(document(FIT, ENGAGED, DEMO), {}, ["demo_request"] + ["page_view"] * 5)
    assert result["stage"] is None
    sql = next(r for r in result["stage_reason"]["not_reached"] if r["stage"] == "sql")
    assert "The rule demo matched, but its override needs the stage's minimums" in sql["reason"]


def test_a_set_stage_rule_scores_its_points_too():
    result = scored(document(FIT, {**DEMO, "points": 40}), {"industry": "x"}, ["demo_request"])
    assert (result["score"], result["stage"]) == (65, "sql")
    assert result["matched_rules"][-1] == {"key": "demo", "name": "Demo", "kind": "engagement", "points": 40}


@pytest.mark.parametrize("override_stage, views, expected, by", [
    ("mql", 6, "sql", "threshold"),     # the score takes the lead further than the override
    ("mql", 0, "mql", "override"),
    ("opportunity", 0, "opportunity", "override"),
    ("missing", 0, None, None),         # a stage this version lacks overrides nothing
])
def test_the_furthest_of_score_and_override_wins(override_stage, views, expected, by):
    doc = document(FIT, ENGAGED, {**DEMO, "stage": override_stage})
    result = scored(doc, {"industry": "x"}, ["demo_request"] + ["page_view"] * views)
    assert (result["stage"], result["stage_reason"]["by"]) == (expected, by)


def test_a_set_stage_rule_without_a_stage_only_scores_its_points():
    result = scored(document(FIT, {**DEMO, "stage": None, "points": 5}), {"industry": "x"}, ["demo_request"])
    assert (result["score"], result["stage"]) == (30, None)
    assert explained(result, "demo")["reason"].endswith("+5, but it names no stage to set.")


def test_an_override_out_of_lead_type_scope_does_not_apply():
    doc = document(FIT, {**DEMO, "lead_types": ["customer"]})
    assert scored(doc, {"industry": "x", "lead_type": "prospect"}, ["demo_request"])["stage"] is None
    assert scored(doc, {"industry": "x", "lead_type": "customer"}, ["demo_request"])["stage"] == "sql"


# --- the explanation ---------------------------------------------------------------------------

def test_every_rule_but_the_deprecated_ones_is_explained_in_document_order():
    old = {**rule("old", "fit", "industry", "exists", "", 99), "deprecated": True}
    result = scored(document(FIT, old, ENGAGED, DEMO), {"industry": "Food"}, ["page_view"])
    assert [r["key"] for r in result["rules"]] == ["fit", "engaged", "demo"]
    fit, engaged, demo = result["rules"]
    assert fit["reason"] == "industry is 'Food': exists holds, +25."
    assert (fit["events_counted"], fit["times"]) == (None, 1)
    assert engaged["reason"] == "1 page_view events: gte 1 holds, +10 (10 × 1, at most 10 times)."
    assert demo["reason"] == "0 demo_request events: exists does not hold."
    assert (demo["matched"], demo["points"], demo["action"], demo["stage"]) == (False, 0, "set_stage", "sql")


def test_a_missing_field_is_explained():
    result = scored(document(FIT))
    assert explained(result, "fit")["reason"] == "The lead has no industry: exists does not hold."


def test_ignored_events_are_explained():
    events = [{"name": "pricing_page_visit", "at": days_ago(age)} for age in (1, 40, -2)]
    reason = explained(scored(document(PRICING), events=events), "pricing")["reason"]
    assert reason == "1 pricing_page_visit events within 30 days before as_of (1 older and 1 after as_of ignored): " \
                     "gte 2 does not hold."


# --- times -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2026-12-01T12:00:00Z", AS_OF),
    ("2026-12-01T19:00:00+07:00", AS_OF),
    ("2026-12-01T12:00Z", AS_OF),
    ("2026-12-01 12:00:00+00:00", AS_OF),
    ("2026-12-01T12:00:00.000+00:00", AS_OF),
    ("2026-12-01", None),                  # a date is not a moment
    ("2026-12-01T12:00:00", None),         # no offset: which 12 o'clock?
    ("yesterday", None),
    ("", None),
    ("2026-13-01T00:00:00Z", None),
    ("2026-12-01t12:00:00z", AS_OF),       # RFC 3339 allows lower case
    ("2026-12-01T12:99:00Z", None),
    (1733054400, None),
    (None, None),
])
def test_parse_time_takes_iso_8601_with_an_offset(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("edge, counted", [("0001-01-01T00:30:00+01:00", 1), ("9999-12-31T23:30:00-01:00", 0)])
def test_moments_at_the_edge_of_the_calendar_are_scored(edge, counted):
    """Before 0001-01-01 or after 9999-12-31 in UTC: Python cannot hold them in UTC, so they keep their offset."""
    result = scored(document(PRICING | {"within_days": None}), events=[{"name": "pricing_page_visit", "at": edge}])
    assert explained(result, "pricing")["events_counted"] == counted
    assert scored(document(), as_of=parse_time(edge))["as_of"] == edge


def test_time_errors_point_at_each_bad_time():
    payload = {"as_of": "soon", "events": ["x", {"name": "a", "at": "2026-12-01"}, {"name": "b", "at": days_ago(1)},
                                          {"name": "c"}, {"name": "d", "at": "1 Dec"}]}
    assert [e["pointer"] for e in time_errors(payload)] == ["/as_of", "/events/1/at", "/events/4/at"]
    assert time_errors({"events": "x"}) == [] and time_errors([]) == []
