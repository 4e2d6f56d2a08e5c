"""POST /api/v1/score: the version's lead scoring rules applied to a lead, and every refusal."""
from datetime import datetime, timezone

import pytest

from app.sla.scoring import compare
from tests.factories import make_entry, make_published
from tests.hostile_strings import HOSTILE_STRINGS
from tests.test_api_support import auth, published, sla_entries, token  # noqa: F401

AS_OF = "2026-12-01T12:00:00Z"
HOT_LEAD = {
    "fields": {"industry": "manufacturing", "employees": 250, "title": "Head of Operations"},
    "events": ["demo_request", {"name": "pricing_page_view"}, "pricing_page_view",
               {"name": "Pricing_Page_View", "at": "2026-11-30T09:00:00+07:00"}],
    "as_of": AS_OF,
}


def score(client, auth, body, query=""):
    return client.post(f"/api/v1/score{query}", json=body, headers=auth)


def test_a_hot_lead_scores_fit_and_engagement_and_reaches_sql(client, published, auth):
    response = score(client, auth, HOT_LEAD)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    result = response.json
    assert (result["fit"], result["engagement"], result["score"]) == (45, 40, 85)
    assert result["stage"] == "sql"
    assert result["version"] == "1.0.0"
    assert result["matched_rules"] == [
        {"key": "engaged-demo", "name": "Asked for a demo", "kind": "engagement", "points": 30},
        {"key": "fit-size", "name": "Company size", "kind": "fit", "points": 15},
        {"key": "engaged-pricing", "name": "Pricing page visits", "kind": "engagement", "points": 10},
        {"key": "fit-title", "name": "Senior title", "kind": "fit", "points": 10},
        {"key": "fit-industry", "name": "Target industry", "kind": "fit", "points": 20},
    ]


@pytest.mark.parametrize("body, expected_score, stage", [
    ({}, 0, None),
    ({"fields": {"industry": "Logistics"}}, 20, "lead"),
    ({"fields": {"industry": "Logistics", "employees": "199"}}, 20, "lead"),
    ({"fields": {"industry": "Retail", "employees": 200.0, "segment": "Student"}}, -10, None),
    ({"events": ["pricing_page_view", "pricing_page_view"]}, 0, None),
    ({"fields": {"industry": "Manufacturing"}, "events": ["demo_request"]}, 50, "mql"),
])
def test_scores_and_stages(client, published, auth, body, expected_score, stage):
    result = score(client, auth, body).json
    assert (result["score"], result["stage"]) == (expected_score, stage)


def test_the_same_lead_scores_the_same_every_time(client, published, auth):
    assert len({str(score(client, auth, HOT_LEAD).json) for _ in range(3)}) == 1


def test_another_version_applies_its_own_rules(client, published, auth):
    make_published(sla_entries(mql_threshold=90, **{"fit-industry": {"points": 40}}), number="1.1.0")
    body = {"fields": {"industry": "Manufacturing"}, "events": ["demo_request"]}
    now, then = score(client, auth, body).json, score(client, auth, body, "?version=1.0.0").json
    assert (now["version"], now["score"], now["stage"]) == ("1.1.0", 70, "lead")
    assert (then["version"], then["score"], then["stage"]) == ("1.0.0", 50, "mql")
    assert score(client, auth, body, "?version=7.7.7").status_code == 404


def test_events_after_as_of_do_not_count(client, published, auth):
    views = [{"name": "pricing_page_view", "at": at} for at in
             ("2026-11-01T00:00:00Z", "2026-12-01T18:59:59+07:00", "2026-12-01T19:00:01+07:00")]
    assert score(client, auth, {"events": views, "as_of": AS_OF}).json["engagement"] == 0
    later = score(client, auth, {"events": views, "as_of": "2026-12-02T00:00:00Z"}).json
    assert later["engagement"] == 10 and later["as_of"] == "2026-12-02T00:00:00Z"
    pricing = next(r for r in later["rules"] if r["key"] == "engaged-pricing")
    assert (pricing["events_counted"], pricing["events_after_as_of"], pricing["points"]) == (3, 0, 10)


def test_as_of_is_echoed_in_utc_and_defaults_to_now(client, published, auth):
    assert score(client, auth, {"as_of": "2026-12-01T19:00:00+07:00"}).json["as_of"] == AS_OF
    before = datetime.now(timezone.utc).replace(microsecond=0)
    echoed = datetime.fromisoformat(score(client, auth, {}).json["as_of"])
    assert before <= echoed <= datetime.now(timezone.utc)


def test_the_answer_explains_every_rule_and_the_stage(client, published, auth):
    result = score(client, auth, {"fields": {"industry": "Logistics"}, "events": ["demo_request"], "as_of": AS_OF}).json
    assert [r["key"] for r in result["rules"]] == [
        "engaged-demo", "fit-size", "engaged-pricing", "fit-title", "fit-student", "fit-industry"]
    demo = result["rules"][0]
    assert demo == {"key": "engaged-demo", "name": "Asked for a demo", "kind": "engagement", "action": "points",
                    "stage": None, "in_scope": True, "matched": True, "events_counted": 1, "events_too_old": 0,
                    "events_after_as_of": 0, "times": 1, "points": 30,
                    "reason": "1 demo_request events: exists holds, +30."}
    assert result["rules"][1]["reason"] == "The lead has no employees: gte 200 does not hold."
    reason = result["stage_reason"]
    assert (reason["stage"], reason["by"], reason["rule"]) == ("mql", "threshold", None)
    assert reason["bars"] == [{"bar": "score_threshold", "required": 50, "actual": 50}]
    assert [r["stage"] for r in reason["not_reached"]] == ["sql", "opportunity", "customer"]
    assert reason["not_reached"][0]["unmet"] == [{"bar": "score_threshold", "required": 80, "actual": 50}]


SCHEMA_2 = {"engaged-pricing": {"within_days": 30, "max_occurrences": 2}, "mql": {"min_fit": 40},
            "engaged-demo": {"action": "set_stage", "stage": "sql", "lead_types": ["new-prospect"]}}
VIEWS = [{"name": "pricing_page_view", "at": at} for at in
         ("2026-11-30T00:00:00Z", "2026-11-20T00:00:00Z", "2026-11-10T00:00:00Z", "2026-11-05T00:00:00Z",
          "2026-10-01T00:00:00Z")]


@pytest.mark.parametrize("fields, events, expected", [
    ({"lead_type": "new-prospect"}, ["demo_request"], (0, 30, "sql", "override")),
    ({"lead_type": "New-Prospect"}, ["demo_request"], (0, 30, "sql", "override")),
    ({}, ["demo_request"], (0, 0, None, None)),                                  # out of the rule's lead types
    ({"lead_type": "customer"}, ["demo_request"], (0, 0, None, None)),
    ({}, VIEWS, (0, 20, "lead", "threshold")),                                    # 4 recent views, scored twice
    ({}, VIEWS[3:], (0, 0, None, None)),                                          # 1 recent view: below gte 3
    ({"industry": "Logistics", "title": "Head of IT"}, VIEWS, (30, 20, "lead", "threshold")),  # fit below 40
    ({"industry": "Logistics", "title": "Head of IT", "employees": 500}, VIEWS, (45, 20, "mql", "threshold")),
])
def test_a_version_with_schema_2_rules_scores_with_them(client, auth, fields, events, expected):
    make_published(sla_entries(**SCHEMA_2))
    result = score(client, auth, {"fields": fields, "events": events, "as_of": AS_OF}).json
    assert (result["fit"], result["engagement"], result["stage"], result["stage_reason"]["by"]) == expected


def test_a_stage_missed_for_its_minimum_fit_says_so(client, auth):
    make_published(sla_entries(**SCHEMA_2))
    body = {"fields": {"industry": "Logistics", "title": "Head of IT"}, "events": VIEWS, "as_of": AS_OF}
    mql = next(r for r in score(client, auth, body).json["stage_reason"]["not_reached"] if r["stage"] == "mql")
    assert mql["unmet"] == [{"bar": "min_fit", "required": 40, "actual": 30}]


def test_deprecated_rules_do_not_count(client, auth):
    rule = make_entry("lead_scoring", "old-rule", "Old rule", kind="fit", field="industry", operator="exists",
                      value="", points=99)
    rule.deprecated, rule.superseded_by = True, "new-rule"
    make_published([rule, make_entry("lead_scoring", "new-rule", "New rule", kind="fit", field="industry",
                                     operator="exists", value="", points=5)])
    result = score(client, auth, {"fields": {"industry": "Any"}}).json
    assert result["score"] == 5 and [r["key"] for r in result["matched_rules"]] == ["new-rule"]


def test_stage_is_the_furthest_reached_threshold_by_position(client, auth):
    stages = [make_entry("lifecycle_stages", key, position=pos, owner_team="marketing", entry_criteria="x",
                         score_threshold=threshold)
              for key, pos, threshold in (("late", 9, 10), ("early", 1, 30), ("none", 5, None))]
    rule = make_entry("lead_scoring", "any", kind="fit", field="f", operator="exists", points=40)
    make_published([*stages, rule])
    assert score(client, auth, {"fields": {"f": 1}}).json["stage"] == "late"


@pytest.mark.parametrize("actual, operator, expected, result", [
    ("Manufacturing", "equals", "manufacturing", True),
    ("Manufacturing", "equals", "Retail", False),
    (200, "equals", "200.0", True),
    (True, "equals", "true", True),
    ("Retail", "not_equals", "manufacturing", True),
    ("Manufacturing", "not_equals", "MANUFACTURING", False),
    (None, "not_equals", "x", False),
    ("logistics", "in", "Manufacturing, Logistics", True),
    (3, "in", "1,2,3", True),
    ("Retail", "in", "Manufacturing,Logistics", False),
    ("VP, Head of Sales", "contains", "HEAD", True),
    ("Analyst", "contains", "head", False),
    (250, "gt", "200", True),
    ("250", "gt", "250", False),
    (250, "gte", "250", True),
    (199, "lt", "200", True),
    (200, "lte", "199.5", False),
    ("many", "gt", "1", False),
    (True, "gt", "0", False),
    ("x", "exists", "", True),
    ("", "exists", "", False),
    (None, "exists", "", False),
    (0, "exists", "", True),
    (None, "equals", "", False),
    ("x", "unknown", "x", False),
])
def test_operators(actual, operator, expected, result):
    assert compare(actual, operator, expected) is result


@pytest.mark.parametrize("operator, value, count, matches", [
    ("exists", "", 0, False), ("exists", "", 1, True), ("equals", "2", 2, True), ("equals", "2", 3, False),
    ("gte", "3", 3, True), ("lt", "1", 0, True), ("in", "1,3", 3, True), ("not_equals", "0", 0, False),
])
def test_engagement_rules_compare_the_count_of_events(client, auth, operator, value, count, matches):
    make_published([make_entry("lead_scoring", "webinars", kind="engagement", field="webinar_attended",
                                operator=operator, value=value, points=7)])
    events = ["webinar_attended"] * count + ["other_event"]
    assert score(client, auth, {"events": events}).json["engagement"] == (7 if matches else 0)


@pytest.mark.parametrize("body, pointer", [
    ({"fields": [1, 2]}, "/fields"),
    ({"fields": {"industry": {"nested": True}}}, "/fields/industry"),
    ({"events": "demo_request"}, "/events"),
    ({"events": [{"at": "2026-01-01"}]}, "/events/0"),
    ({"events": [""]}, "/events/0"),
    ({"events": [42]}, "/events/0"),
    ({"events": [{"name": "demo_request", "at": 1733054400}]}, "/events/0"),
    ({"events": ["demo_request", {"name": "demo_request", "at": "x"}]}, "/events/1/at"),
    ({"events": [{"name": "demo_request", "at": "2026-12-01"}]}, "/events/0/at"),
    ({"events": [{"name": "demo_request", "at": "2026-12-01T09:00:00"}]}, "/events/0/at"),
    ({"as_of": "2026-12-01"}, "/as_of"),
    ({"as_of": "now"}, "/as_of"),
    ({"as_of": 0}, "/as_of"),
    ({"as_of": "x" * 65}, "/as_of"),
    ({"lead": {}}, "/"),
    ([], "/"),
    ("just a string", "/"),
])
def test_a_payload_that_breaks_the_schema_is_422_with_the_errors(client, published, auth, body, pointer):
    response = score(client, auth, body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.json
    assert problem["status"] == 422 and problem["title"] == "Unprocessable Content"
    assert pointer in [e["pointer"] for e in problem["errors"]]
    assert all(e["message"] for e in problem["errors"])


@pytest.mark.parametrize("data", [b"{", b"", b"{'single': 'quotes'}", b"\xff\xfe", b"[" * 100_000])
def test_malformed_json_is_400(client, published, auth, data):
    response = client.post("/api/v1/score", data=data, content_type="application/json", headers=auth)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["detail"].startswith("The body is not valid JSON")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None])
def test_a_body_that_is_not_json_is_415(client, published, auth, content_type):
    kwargs = {"content_type": content_type} if content_type else {}
    response = client.post("/api/v1/score", data=b'{"fields": {}}', headers=auth, **kwargs)
    assert response.status_code == 415
    assert response.mimetype == "application/problem+json"


def test_json_with_a_charset_is_accepted(client, published, auth):
    response = client.post("/api/v1/score", data=b'{"fields": {}}', headers=auth,
                           content_type="application/json; charset=utf-8")
    assert response.status_code == 200


def test_a_body_over_one_mib_is_413(client, published, auth):
    body = b'{"fields": {"x": "' + b"a" * (1024 * 1024) + b'"}}'
    response = client.post("/api/v1/score", data=body, content_type="application/json", headers=auth)
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 413


def test_scoring_before_any_publish_is_404(client, auth):
    response = score(client, auth, {"fields": {}})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


# --- numbers beyond a double ------------------------------------------------------------------

@pytest.mark.parametrize("number", [b"9" * 310, b"-" + b"9" * 310, b"1" + b"0" * 5000, b"1e400", b"-1e400",
                                    str(2**1024).encode()])  # 309 digits, just beyond the largest double
@pytest.mark.parametrize("where,pointer", [("fields", "/fields/employees"), ("event", "/events/0/weight")])
def test_a_number_too_large_for_a_double_is_422(client, published, auth, number, where, pointer):
    body = (b'{"fields": {"employees": ' + number + b'}}' if where == "fields"
            else b'{"events": [{"name": "demo_request", "weight": ' + number + b'}]}')
    response = client.post("/api/v1/score", data=body, content_type="application/json", headers=auth)
    assert response.status_code == 422, response.data[:300]
    assert response.mimetype == "application/problem+json"
    errors = response.json["errors"]
    assert [e["pointer"] for e in errors] == [pointer] and "too large" in errors[0]["message"]


@pytest.mark.parametrize("number", [b"1" + b"0" * 300, b"1.7e308", b"-250", b"250.0"])
def test_large_numbers_a_double_holds_are_scored(client, published, auth, number):
    response = client.post("/api/v1/score", data=b'{"fields": {"employees": ' + number + b'}}',
                           content_type="application/json", headers=auth)
    assert response.status_code == 200, response.data[:300]


@pytest.mark.parametrize("actual", [10**400, -(10**400), "1" * 400, float("inf"), float("nan")])
def test_comparing_a_number_beyond_a_double_is_false_not_an_error(actual):
    assert compare(actual, "gt", "1") is False
    assert compare(actual, "equals", "1") is False


@pytest.mark.parametrize("time", [
    *HOSTILE_STRINGS[::7], "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "2026-12-01T12:00:00+24:00",
    "2026-02-30T00:00:00Z", "2026-12-01T12:00:00\u00a0Z", "\u0e52\u0e50\u0e52\u0e56-12-01T12:00:00Z",
])
def test_any_time_string_is_scored_or_refused_with_a_pointer_never_a_500(client, published, auth, time):
    for body, pointer in (({"as_of": time}, "/as_of"), ({"events": [{"name": "demo_request", "at": time}]},
                                                         "/events/0/at")):
        response = score(client, auth, body)
        assert response.status_code in (200, 422), response.data[:300]
        if response.status_code == 422:
            assert response.mimetype == "application/problem+json"
            assert pointer in [e["pointer"] for e in response.json["errors"]]
