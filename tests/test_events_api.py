"""POST /api/v1/events: lead events in batches, idempotent, with per-event errors and a write scope."""
import json

import pytest
from sqlalchemy import func, select

from app.api.tokens import EVENTS_WRITE, READ, TokenError, create_token
from app.extensions import db
from app.models import Lead, LeadEvent


@pytest.fixture
def writer(app):
    plaintext = create_token("HubSpot events", scopes=(READ, EVENTS_WRITE))[1]
    db.session.commit()
    return {"Authorization": f"Bearer {plaintext}"}


@pytest.fixture
def reader(app):
    plaintext = create_token("BI job")[1]
    db.session.commit()
    return {"Authorization": f"Bearer {plaintext}"}


def send(client, headers, events, source="hubspot", **extra):
    return client.post("/api/v1/events", headers=headers, json={"source": source, "events": events, **extra})


def batch() -> list[dict]:
    """A lead's first day: it becomes an SQL on a Friday evening in Bangkok, sales calls at once."""
    lead = {"external_id": "1001", "lead_type": "new-prospect-equipment", "owner": "somchai@example.com",
            "fields": {"industry": "Dairy", "employees": 250}}
    return [
        {"id": "e1", "lead": lead, "kind": "stage_entered", "stage": "sql", "at": "2026-11-27T17:59:00+07:00"},
        {"id": "e2", "lead": "1001", "kind": "status_changed", "status": "attempting", "at": "2026-11-27T18:05:00+07:00"},
        {"id": "e3", "lead": "1001", "kind": "connect_attempt", "channel": "call", "outcome": "no-answer",
         "at": "2026-11-27T18:05:00+07:00"},
        {"id": "e4", "lead": "1001", "kind": "engagement", "name": "pricing_page_visit", "at": "2026-11-26T09:00:00Z"},
        {"id": "e5", "lead": "1002", "kind": "deal_stage_entered", "deal_stage": "discovery",
         "at": "2026-11-28T02:00:00Z"},
    ]


def counts() -> tuple[int, int]:
    return db.session.scalar(select(func.count()).select_from(Lead)), \
        db.session.scalar(select(func.count()).select_from(LeadEvent))


def test_a_batch_is_stored_with_its_leads_and_times_in_utc(client, writer):
    response = send(client, writer, batch())
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"accepted": 5, "duplicates": 0, "rejected": 0, "errors": []}
    assert response.headers["Cache-Control"] == "no-store"
    assert counts() == (2, 5)
    lead = db.session.scalar(select(Lead).where(Lead.external_id == "1001"))
    assert (lead.source, lead.lead_type, lead.owner, lead.fields) == (
        "hubspot", "new-prospect-equipment", "somchai@example.com", {"industry": "Dairy", "employees": 250})
    entered = db.session.scalar(select(LeadEvent).where(LeadEvent.source_event_id == "e1"))
    assert (entered.kind, entered.value, entered.occurred_at.isoformat()) == ("stage_entered", "sql",
                                                                              "2026-11-27T10:59:00")
    attempt = db.session.scalar(select(LeadEvent).where(LeadEvent.source_event_id == "e3"))
    assert (attempt.channel, attempt.outcome, attempt.value) == ("call", "no-answer", "no-answer")


def test_the_same_batch_twice_changes_nothing(client, writer):
    send(client, writer, batch())
    before = counts()
    again = send(client, writer, batch())
    assert again.status_code == 200
    assert again.get_json() == {"accepted": 0, "duplicates": 5, "rejected": 0, "errors": []}
    assert counts() == before


def test_the_same_id_from_another_source_is_another_event(client, writer):
    send(client, writer, batch())
    response = send(client, writer, batch()[:1], source="salesforce")
    assert response.get_json()["accepted"] == 1
    assert counts() == (3, 6)  # a lead is known per source too


def test_an_id_repeated_inside_one_batch_counts_once(client, writer):
    events = batch()[:1] * 3
    assert send(client, writer, events).get_json() == {"accepted": 1, "duplicates": 2, "rejected": 0,
                                                       "errors": []}


@pytest.mark.parametrize("bad, pointer, words", [
    ({"kind": "stage_entered"}, "/events/1", "'stage' is a required property"),
    ({"kind": "connect_attempt", "outcome": "voicemail"}, "/events/1", "'channel' is a required property"),
    ({"kind": "teleported"}, "/events/1/kind", "is not one of"),
    ({"at": "2026-11-27 10:00"}, "/events/1/at", "not an ISO 8601 date-time"),
    ({"at": "2026-11-27T10:00:00"}, "/events/1/at", "not an ISO 8601 date-time"),
    ({"channel": "pigeon", "kind": "connect_attempt"}, "/events/1/channel", "is not one of"),
    ({"lead": ""}, "/events/1/lead", "is not valid under any of the given schemas"),
    ({"surprise": 1}, "/events/1", "Additional properties are not allowed"),
])
def test_a_bad_event_is_rejected_with_a_pointer_and_the_rest_stored(client, writer, bad, pointer, words):
    good, other = batch()[0], {"id": "x", "lead": "1001", "kind": "engagement", "name": "webinar",
                               "at": "2026-11-20T10:00:00Z"}
    response = send(client, writer, [good, {**other, **bad}])
    assert response.status_code == 200
    body = response.get_json()
    assert (body["accepted"], body["rejected"]) == (1, 1)
    assert any(e["pointer"] == pointer and words in e["message"] for e in body["errors"]), body["errors"]
    assert counts()[1] == 1


def test_a_batch_of_only_bad_events_is_a_problem_and_stores_nothing(client, writer):
    response = send(client, writer, [{"id": "x"}])
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["rejected"] == 1 and response.get_json()["errors"]
    assert counts() == (0, 0)


@pytest.mark.parametrize("body, status", [
    (b"not json", 400), (json.dumps({"events": []}).encode(), 422),
    (json.dumps({"source": "Hub Spot", "events": []}).encode(), 422),
    (json.dumps({"source": "hubspot", "events": "all"}).encode(), 422),
])
def test_a_malformed_request_is_a_problem(client, writer, body, status):
    response = client.post("/api/v1/events", headers={**writer, "Content-Type": "application/json"}, data=body)
    assert response.status_code == status and response.mimetype == "application/problem+json"


def test_a_batch_over_the_limit_is_413(client, writer):
    events = [{"id": str(i), "lead": "1", "kind": "engagement", "name": "w", "at": "2026-11-20T10:00:00Z"}
              for i in range(10_001)]
    response = send(client, writer, events)
    assert response.status_code == 413 and "at most 10,000" in response.get_json()["detail"]
    assert counts() == (0, 0)


def test_a_full_batch_of_ten_thousand_is_taken(client, writer):
    events = [{"id": str(i), "lead": str(i % 700), "kind": "engagement", "name": "webinar",
               "at": "2026-11-20T10:00:00Z"} for i in range(10_000)]
    assert send(client, writer, events).get_json()["accepted"] == 10_000
    assert counts() == (700, 10_000)


@pytest.mark.parametrize("who, status", [("reader", 403), ("anonymous", 401), ("session", 401)])
def test_only_a_token_with_the_write_scope_sends_events(client, app, reader, login_as, who, status):
    headers = {"reader": reader, "anonymous": {}, "session": {}}[who]
    sender = login_as("admin") if who == "session" else client
    response = send(sender, headers, batch())
    assert response.status_code == status and response.mimetype == "application/problem+json"
    assert counts() == (0, 0)


def test_a_token_with_the_write_scope_still_reads(client, writer, app):
    assert client.get("/api/v1/schema", headers=writer).status_code == 200


def test_an_unknown_scope_is_refused():
    with pytest.raises(TokenError, match="Unknown scope"):
        create_token("x", scopes=("read", "admin"))


def test_the_command_line_creates_a_write_token(runner, app):
    result = runner.invoke(args=["tokens", "create", "Lead sync", "--scope", "events:write"])
    assert result.exit_code == 0, result.output
    assert "(read events:write)" in result.output
    listed = runner.invoke(args=["tokens", "list"])
    assert "read events:write" in listed.output
    refused = runner.invoke(args=["tokens", "create", "x", "--scope", "admin"])
    assert refused.exit_code != 0


def _mutations():
    """Valid events and every way of breaking one a key at a time, to compare the fast check with the schema."""
    from app.leads.services import EVENT_SCHEMA
    base = batch()
    yield from base
    wrong = [None, "", 0, 1.5, True, [], {}, "x" * 65, "x" * 201, "pigeon", "2026-11-27T10:00:00Z"]
    for event in base:
        for key in list(EVENT_SCHEMA["properties"]) + ["surprise"]:
            for value in wrong:
                yield {**event, key: value}
            yield {k: v for k, v in event.items() if k != key}
        lead = event["lead"] if isinstance(event["lead"], dict) else {"external_id": event["lead"]}
        for key in ("external_id", "lead_type", "owner", "fields", "extra"):
            for value in wrong + [{"industry": [1]}, {str(i): i for i in range(101)}]:
                yield {**event, "lead": {**lead, key: value}}


def test_the_fast_check_never_accepts_what_the_schema_refuses():
    from jsonschema import Draft202012Validator

    from app.leads.services import EVENT_SCHEMA, plainly_valid
    validator, agreed, total = Draft202012Validator(EVENT_SCHEMA), 0, 0
    for event in _mutations():
        schema_ok = not list(validator.iter_errors(event))
        assert not plainly_valid(event) or schema_ok, event
        agreed, total = agreed + (schema_ok == plainly_valid(event)), total + 1
    assert total > 900 and agreed / total > 0.95  # and nearly always the two agree
