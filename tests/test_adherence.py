"""Adherence: business hours, each measure, the version in force, statuses, the pages and the API."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.adherence.calendars import OfficeCalendar
from app.adherence.engine import Evaluation, period_bounds
from app.extensions import db
from app.leads.services import ingest_events
from tests.factories import make_entry, make_published
from tests.test_api_support import auth, token  # noqa: F401

BANGKOK = ZoneInfo("Asia/Bangkok")
BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc
BANGKOK_OFFICE = {"timezone": "Asia/Bangkok", "workdays": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00",
                  "end": "18:00", "holidays": ["2026-12-07"]}
BERLIN_OFFICE = {**BANGKOK_OFFICE, "timezone": "Europe/Berlin", "start": "08:00", "holidays": []}


def at(text: str, zone=BANGKOK) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


# --- business hours ------------------------------------------------------------------------------

@pytest.mark.parametrize("start, hours, deadline", [
    ("2026-11-27T17:59", 4, "2026-11-30T12:59"),  # a Friday minute before closing: Monday noon
    ("2026-11-27T20:00", 1, "2026-11-30T10:00"),  # after hours: counted from Monday's opening
    ("2026-11-28T11:00", 4, "2026-11-30T13:00"),  # a Saturday
    ("2026-12-04T17:00", 4, "2026-12-08T12:00"),  # Friday, then Monday 7 December is a holiday
    ("2026-11-30T08:00", 9, "2026-11-30T18:00"),  # a whole working day
    ("2026-11-30T10:00", 0, "2026-11-30T10:00"),
])
def test_business_hours_skip_nights_weekends_and_holidays(start, hours, deadline):
    calendar = OfficeCalendar.from_entry(BANGKOK_OFFICE)
    assert calendar.add_business_time(at(start), timedelta(hours=hours)) == at(deadline)
    assert calendar.business_time(at(start), at(deadline)) == timedelta(hours=hours) or at(start).hour >= 18 \
        or at(start).weekday() >= 5 or at(start).hour < 9


def test_the_same_instant_counts_in_each_calendars_own_time_zone():
    moment = datetime(2026, 11, 27, 10, 59, tzinfo=UTC)  # 17:59 in Bangkok, 11:59 in Berlin
    bangkok, berlin = OfficeCalendar.from_entry(BANGKOK_OFFICE), OfficeCalendar.from_entry(BERLIN_OFFICE)
    assert bangkok.add_business_time(moment, timedelta(hours=4)).astimezone(BANGKOK) == at("2026-11-30T12:59")
    assert berlin.add_business_time(moment, timedelta(hours=4)).astimezone(BERLIN) == at("2026-11-27T15:59", BERLIN)


def test_business_time_across_the_change_to_winter_time_counts_office_hours_not_clock_hours():
    berlin = OfficeCalendar.from_entry(BERLIN_OFFICE)  # clocks go back in the night of 24–25 October 2026
    assert berlin.business_time(at("2026-10-23T17:00", BERLIN), at("2026-10-26T10:00", BERLIN)) == timedelta(hours=3)


def test_a_calendar_that_never_opens_gives_no_deadline():
    closed = OfficeCalendar.from_entry({**BANGKOK_OFFICE, "workdays": []})
    assert closed.add_business_time(at("2026-11-30T10:00"), timedelta(hours=1)) is None


@pytest.mark.parametrize("kind, name, start, end", [
    ("month", "2026-11", "2026-11-01T00:00", "2026-12-01T00:00"),
    ("week", "2026-W48", "2026-11-23T00:00", "2026-11-30T00:00"),
    ("quarter", "2026-Q4", "2026-10-01T00:00", "2027-01-01T00:00"),
    ("day", "2026-11-27", "2026-11-27T00:00", "2026-11-28T00:00"),
])
def test_periods_are_cut_in_the_calendars_time_zone(kind, name, start, end):
    found = period_bounds(kind, datetime(2026, 11, 27, 5, 0, tzinfo=UTC), BANGKOK)  # noon in Bangkok
    assert found == (name, at(start), at(end))


# --- the engine ----------------------------------------------------------------------------------

def sla(within: float = 4, share: float = 0.9, volume: int = 3) -> list:
    """A small SLA with one commitment of each measure."""
    stage = dict(owner_team="marketing", entry_criteria="Enters.")
    return [
        make_entry("calendars", "bangkok", **BANGKOK_OFFICE),
        *[make_entry("lifecycle_stages", key, position=i, **stage) for i, key in enumerate(("mql", "sql"), 1)],
        make_entry("lead_statuses", "attempting", position=1, owner_team="sales"),
        make_entry("lead_statuses", "returned", position=2, owner_team="sales", is_return=True),
        make_entry("lead_statuses", "on-hold", position=3, owner_team="sales", pauses_clock=True),
        make_entry("commitments", "sql-follow-up", team="sales", from_team="sales", to_team="marketing",
                   metric="First attempt", target=within, period="month", measure="response_time",
                   comparator="at_least", stage="sql", within=within, within_unit="business_hours", share=share,
                   calendar="bangkok"),
        make_entry("commitments", "mql-volume", from_team="marketing", to_team="sales", metric="MQLs",
                   target=volume, period="month", measure="stage_volume", comparator="at_least", stage="mql"),
        make_entry("commitments", "attempts", team="sales", from_team="sales", to_team="marketing",
                   metric="Attempts", target=3, period="month", measure="attempts", comparator="at_least",
                   stage="sql", within=14, within_unit="days"),
        make_entry("commitments", "mql-to-sql", from_team="marketing", to_team="sales", metric="Conversion",
                   target=50, period="month", measure="conversion", comparator="at_least", stage="mql",
                   to_stage="sql", within=30, within_unit="days", share=0.5),
    ]


def send(*events):
    """Events as (lead, kind, value, Bangkok time[, channel])."""
    batch = []
    for index, (lead, kind, value, when, *channel) in enumerate(events):
        event = {"id": f"{lead}-{index}-{kind}", "lead": lead, "kind": kind, "at": at(when).isoformat()}
        key = {"stage_entered": "stage", "status_changed": "status", "connect_attempt": "outcome"}[kind]
        event[key] = value
        if kind == "connect_attempt":
            event["channel"] = channel[0] if channel else "call"
        batch.append(event)
    result = ingest_events("hubspot", batch)
    db.session.commit()
    assert result.rejected == 0, result.errors


NOVEMBER = at("2026-12-01T12:00")  # just after November closed


def test_a_response_time_commitment_holds_each_lead_to_the_version_in_force_when_it_entered(app):
    make_published(sla(within=4), number="1.0.0", published_at=datetime(2026, 10, 1))
    make_published(sla(within=2), number="1.1.0", published_at=datetime(2026, 11, 16))
    send(("early", "stage_entered", "sql", "2026-11-13T17:00"),      # 1.0.0: 4 business hours
         ("early", "connect_attempt", "no-answer", "2026-11-16T11:30"),  # 3.5 business hours later: kept
         ("late", "stage_entered", "sql", "2026-11-17T09:00"),       # 1.1.0: 2 business hours
         ("late", "connect_attempt", "voicemail", "2026-11-17T12:00"),  # 3 hours: 1 hour late
         ("never", "stage_entered", "sql", "2026-11-20T09:00"))
    result = Evaluation("sql-follow-up", now=NOVEMBER).period(*period_bounds("month", at("2026-11-15T00:00"),
                                                                            BANGKOK))
    assert (result.measured, result.actual, result.target, result.status) == (3, round(1 / 3, 4), 0.9, "missed")
    assert {(b.external_id, b.reason, b.by) for b in result.breaches} == {("late", "late_attempt", 1.0),
                                                                          ("never", "no_attempt", None)}


def test_a_lead_whose_window_is_still_open_is_not_judged_yet(app):
    make_published(sla(within=4), published_at=datetime(2026, 10, 1))
    send(("new", "stage_entered", "sql", "2026-11-27T17:59"))  # due Monday 30 November 12:59
    month = period_bounds("month", at("2026-11-27T18:00"), BANGKOK)
    assert Evaluation("sql-follow-up", now=at("2026-11-30T12:00")).period(*month).measured == 0
    late = Evaluation("sql-follow-up", now=at("2026-11-30T13:00")).period(*month)
    assert (late.measured, late.breaches[0].reason) == (1, "no_attempt")


def test_time_on_hold_stops_the_clock(app):
    make_published(sla(within=4), published_at=datetime(2026, 10, 1))
    send(("held", "stage_entered", "sql", "2026-11-16T09:00"),      # due Monday 13:00
         ("held", "status_changed", "on-hold", "2026-11-16T10:00"),  # on hold 9 business hours, to Tuesday 10:00
         ("held", "status_changed", "attempting", "2026-11-17T10:00"),
         ("held", "connect_attempt", "no-answer", "2026-11-17T12:00"),  # before Tuesday 13:00: in time
         ("waiting", "stage_entered", "sql", "2026-11-16T09:00"),
         ("waiting", "status_changed", "on-hold", "2026-11-16T09:30"),   # still on hold: not judged yet
         ("late", "stage_entered", "sql", "2026-11-16T09:00"),
         ("late", "connect_attempt", "no-answer", "2026-11-17T12:00"))
    result = Evaluation("sql-follow-up", now=at("2026-11-20T12:00")).period(
        *period_bounds("month", at("2026-11-15T00:00"), BANGKOK))
    assert (result.measured, result.actual) == (2, 0.5)
    assert [(b.external_id, b.reason, b.by) for b in result.breaches] == [("late", "late_attempt", 8.0)]


@pytest.mark.parametrize("now, leads, status", [
    ("2026-12-01T12:00", 2, "missed"),     # closed with 2 of 3
    ("2026-12-01T12:00", 3, "met"),
    ("2026-11-04T00:00", 1, "on_track"),   # 1 in the first 10 % of the month: on pace for 10
    ("2026-11-28T00:00", 1, "at_risk"),    # 1 after 90 % of the month
    ("2026-11-28T00:00", 3, "met"),        # reached before the end
])
def test_volume_status_follows_the_pace_while_open_and_the_count_once_closed(app, now, leads, status):
    make_published(sla(volume=3), published_at=datetime(2026, 10, 1))
    send(*[(f"m{i}", "stage_entered", "mql", "2026-11-02T10:00") for i in range(leads)])
    result = Evaluation("mql-volume", now=at(now)).period(*period_bounds("month", at("2026-11-15T00:00"), BANGKOK))
    assert (result.actual, result.status) == (float(leads), status)


def test_a_share_below_target_in_an_open_period_is_at_risk(app):
    make_published(sla(within=4), published_at=datetime(2026, 10, 1))
    send(("a", "stage_entered", "sql", "2026-11-02T09:00"))
    result = Evaluation("sql-follow-up", now=at("2026-11-10T09:00")).period(
        *period_bounds("month", at("2026-11-15T00:00"), BANGKOK))
    assert (result.open, result.actual, result.status) == (True, 0.0, "at_risk")


def test_a_lead_returned_before_its_attempts_breaks_the_attempts_commitment(app):
    make_published(sla(), published_at=datetime(2026, 10, 1))
    send(("worked", "stage_entered", "sql", "2026-11-02T09:00"),
         *[("worked", "connect_attempt", "no-answer", f"2026-11-0{d}T10:00") for d in (2, 3, 4)],
         ("worked", "status_changed", "returned", "2026-11-05T10:00"),
         ("rushed", "stage_entered", "sql", "2026-11-02T09:00"),
         ("rushed", "connect_attempt", "no-answer", "2026-11-02T10:00"),
         ("rushed", "status_changed", "returned", "2026-11-02T11:00"),
         ("kept", "stage_entered", "sql", "2026-11-02T09:00"))  # never returned: not measured
    result = Evaluation("attempts", now=NOVEMBER).period(*period_bounds("month", at("2026-11-15T00:00"), BANGKOK))
    assert (result.measured, result.actual) == (2, 0.5)
    assert [(b.external_id, b.reason, b.by, b.made) for b in result.breaches] == [("rushed", "too_few_attempts",
                                                                                   2.0, 1)]


def test_conversion_counts_leads_that_reach_the_next_stage_within_the_window(app):
    make_published(sla(), published_at=datetime(2026, 10, 1))
    send(("fast", "stage_entered", "mql", "2026-10-02T09:00"), ("fast", "stage_entered", "sql", "2026-10-10T09:00"),
         ("slow", "stage_entered", "mql", "2026-10-02T09:00"), ("slow", "stage_entered", "sql", "2026-11-20T09:00"),
         ("stuck", "stage_entered", "mql", "2026-10-03T09:00"))
    result = Evaluation("mql-to-sql", now=NOVEMBER).period(*period_bounds("month", at("2026-10-15T00:00"), BANGKOK))
    assert (result.measured, result.actual, result.status) == (3, round(1 / 3, 4), "missed")


# --- pages and API -------------------------------------------------------------------------------

@pytest.fixture
def measured(app):
    make_published(sla(), published_at=datetime.now(UTC).replace(tzinfo=None) - timedelta(days=400))
    start = datetime.now(BANGKOK) - timedelta(days=40)
    events = [("lead-7", "stage_entered", "sql", start.strftime("%Y-%m-%dT09:00"))]
    send(*events)


def test_the_adherence_page_shows_a_card_per_commitment_with_its_chart(login_as, measured):
    page = login_as("reader").get("/adherence").get_data(as_text=True)
    for key in ("sql-follow-up", "mql-volume", "attempts", "mql-to-sql"):
        assert f'id="commitment-{key}"' in page
    assert page.count('<svg class="adherence-chart"') == 4 and "<title>" in page
    assert "Scorecard by team" in page


def test_a_commitments_page_lists_the_leads_that_broke_it_with_a_crm_link(app, login_as, measured):
    app.config["ACCORD_CRM_RECORD_URL"] = "https://app.hubspot.com/contacts/42/record/0-1/{external_id}"
    page = login_as("reader").get("/adherence/sql-follow-up").get_data(as_text=True)
    assert 'href="https://app.hubspot.com/contacts/42/record/0-1/lead-7"' in page
    assert "No connect attempt before the deadline." in page
    assert login_as("reader").get("/adherence/nothing-here").status_code == 404


def test_the_adherence_page_reads_in_thai(login_as, measured):
    client = login_as("reader")
    client.post("/language", data={"language": "th"})
    page = client.get("/adherence", headers={"Accept-Language": "th"}).get_data(as_text=True)
    assert "การปฏิบัติตามข้อตกลง" in page and "สรุปผลตามทีม" in page


def test_anonymous_visitors_sign_in_first(client):
    assert client.get("/adherence").status_code == 302


def test_the_api_answers_each_commitment_for_a_month(client, auth, measured):
    response = client.get("/api/v1/adherence", headers=auth)
    assert response.status_code == 200 and response.headers["ETag"]
    keys = {c["commitment"] for c in response.get_json()["commitments"]}
    assert keys == {"sql-follow-up", "mql-volume", "attempts", "mql-to-sql"}
    detail = client.get("/api/v1/adherence/sql-follow-up", headers=auth).get_json()
    assert any(lead["lead"] == "lead-7" for period in detail["periods"] for lead in period["leads"])


@pytest.mark.parametrize("url, status", [("/api/v1/adherence?period=2026-13", 400),
                                         ("/api/v1/adherence?period=november", 400),
                                         ("/api/v1/adherence/unknown", 404)])
def test_the_api_refuses_what_it_cannot_answer(client, auth, measured, url, status):
    response = client.get(url, headers=auth)
    assert response.status_code == status and response.mimetype == "application/problem+json"
