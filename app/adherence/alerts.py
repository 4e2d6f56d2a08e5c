"""Alerts: a commitment that becomes at risk or missed is announced once per period and status, by a
signed webhook (commitment.at_risk / commitment.missed, through the publishing outbox) and by mail to
its owner and the approvers of the team that made it; the audit log records it."""
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select

from app.adherence.engine import Evaluation, History, measurable
from app.audit import record_event
from app.extensions import db
from app.models import AdherenceAlert
from app.urls import external_url
from app.webhooks.services import enqueue_event

ALERTED = ("at_risk", "missed")


@dataclass
class Announcement:
    """A new alert, with what the mail says and to whom (mailed after the alert is committed)."""
    alert: AdherenceAlert
    result: object  # engine.PeriodResult
    commitment: dict
    recipients: list


def evaluate_alerts(now: datetime | None = None) -> list[Announcement]:
    """Record and announce every new at-risk or missed state of the current and the last closed period."""
    now = now or datetime.now(timezone.utc)
    history = History()
    document = history.current()
    created = []
    for commitment in (document or {}).get("sections", {}).get("commitments") or []:
        if not measurable(commitment):
            continue
        for result in Evaluation(commitment["key"], history, now).periods(2):
            if result.status in ALERTED and not _known(result):
                created.append(_announce(result, commitment))
    db.session.flush()
    return created


def _known(result) -> bool:
    return db.session.scalar(select(AdherenceAlert.id).where(
        AdherenceAlert.commitment == result.commitment, AdherenceAlert.period == result.period,
        AdherenceAlert.status == result.status)) is not None


def _announce(result, commitment: dict) -> Announcement:
    alert = AdherenceAlert(commitment=result.commitment, period=result.period, status=result.status,
                           actual=result.actual, target=result.target)
    db.session.add(alert)
    enqueue_event(f"commitment.{result.status}", {
        "commitment": result.commitment, "period": result.period, "status": result.status,
        "actual": result.actual, "target": result.target, "unit": result.unit, "breaches": result.breach_count,
        "url": external_url("adherence.commitment", key=result.commitment)})
    record_event("adherence.alert", summary=f"Commitment {result.commitment} is {result.status.replace('_', ' ')} "
                 f"in {result.period}", after={"commitment": result.commitment, "period": result.period,
                                               "status": result.status, "actual": result.actual,
                                               "target": result.target})
    return Announcement(alert, result, commitment, commitment_recipients(commitment))


def commitment_recipients(commitment: dict) -> list:
    """The owner (a user when one has that address) and the active approvers of the promising team."""
    from app.models import Team, User
    people = db.session.scalars(select(User).join(Team).where(
        Team.slug == commitment.get("from_team"), User.role == "approver", User.active.is_(True))).all()
    owner = (commitment.get("owner") or "").strip().lower()
    if owner and owner not in {p.email.lower() for p in people}:
        user = db.session.scalar(select(User).where(User.email == owner))
        people.insert(0, user if user is not None else _Address(owner))
    return people


class _Address:
    """An owner who is not a user of the portal: mailed in the portal's language and time zone."""

    def __init__(self, email: str):
        self.email, self.name, self.locale, self.timezone, self.id = email, email, None, None, None
