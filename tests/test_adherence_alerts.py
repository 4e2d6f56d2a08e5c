"""Alerts: a commitment at risk or missed is announced once per period and status, by signed webhook
through the outbox, by mail to its owner and its team's approvers, and in the audit log."""
import json
import logging
from datetime import datetime

import pytest
from sqlalchemy import select

from app.adherence.alerts import evaluate_alerts
from app.extensions import db
from app.models import AdherenceAlert, AuditEvent, Webhook, WebhookDelivery
from app.notifications import notify_commitment_alerts
from tests.factories import make_published
from tests.test_adherence import at, send, sla


@pytest.fixture
def world(app, make_user):
    """The small SLA, a webhook, a sales approver; one SQL in October nobody called."""
    make_published(sla(), published_at=datetime(2026, 9, 1))
    db.session.add(Webhook(url="https://hooks.example.com/accord", secret="s3cret", active=True))
    db.session.commit()
    approver = make_user("approver", "sales", email="sales-lead@example.com")
    send(("forgotten", "stage_entered", "sql", "2026-10-12T10:00"))
    return approver


def alerts() -> set:
    return {(a.commitment, a.period, a.status) for a in db.session.scalars(select(AdherenceAlert))}


def test_a_missed_commitment_is_recorded_announced_and_audited_once(world):
    created = evaluate_alerts(at("2026-11-03T09:00"))
    db.session.commit()
    assert ("sql-follow-up", "2026-10", "missed") in alerts()
    bodies = [json.loads(d.payload) for d in db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.event == "commitment.missed"))]
    body = next(b for b in bodies if b["commitment"] == "sql-follow-up")
    assert body["commitment"] == "sql-follow-up" and body["period"] == "2026-10" and body["breaches"] == 1
    assert body["url"].endswith("/adherence/sql-follow-up")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "adherence.alert")) is not None
    assert created
    again = evaluate_alerts(at("2026-11-04T09:00"))
    db.session.commit()
    assert [a.result.commitment for a in again if a.result.period == "2026-10"] == []
    bodies = [json.loads(d.payload) for d in db.session.scalars(select(WebhookDelivery))]
    assert [(b["commitment"], b["status"]) for b in bodies if b["period"] == "2026-10"].count(
        ("sql-follow-up", "missed")) == 1


def test_at_risk_while_open_then_missed_once_closed_are_two_announcements(world):
    evaluate_alerts(at("2026-10-20T09:00"))
    db.session.commit()
    assert ("sql-follow-up", "2026-10", "at_risk") in alerts()
    evaluate_alerts(at("2026-11-02T09:00"))
    db.session.commit()
    assert {("sql-follow-up", "2026-10", "at_risk"), ("sql-follow-up", "2026-10", "missed")} <= alerts()


def test_the_owner_and_the_promising_teams_approvers_are_mailed(world, caplog):
    created = evaluate_alerts(at("2026-11-03T09:00"))
    db.session.commit()
    missed = next(a for a in created if a.result.commitment == "sql-follow-up" and a.result.status == "missed")
    assert [p.email for p in missed.recipients] == ["sales-lead@example.com"]
    with caplog.at_level(logging.INFO, logger="accord.mail"):
        notify_commitment_alerts([missed])
    assert "sales-lead@example.com" in caplog.text and "was missed in 2026-10" in caplog.text


def test_the_command_announces_and_refuses_a_time_without_offset(world, runner):
    result = runner.invoke(args=["adherence", "evaluate", "--now", "2026-11-03T09:00:00+07:00"])
    assert result.exit_code == 0, result.output
    assert "sql-follow-up 2026-10: missed" in result.output
    repeat = runner.invoke(args=["adherence", "evaluate", "--now", "2026-11-03T09:00:00+07:00"])
    assert "0 new alert(s)." in repeat.output
    bad = runner.invoke(args=["adherence", "evaluate", "--now", "2026-11-03 09:00"])
    assert bad.exit_code == 2 and "offset" in bad.output
