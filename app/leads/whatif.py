"""What-if: the draft's scoring rules and thresholds applied to the leads of the last 90 days, beside
the rules in force, so approvers see which leads would change stage before they sign."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from app.extensions import db
from app.models import Lead, LeadEvent
from app.sla.scoring import LEAD_TYPE_FIELD, score_lead

WINDOW_DAYS = 90
LISTED = 100
CHUNK = 500


@dataclass
class WhatIf:
    leads: int = 0
    stages: list = field(default_factory=list)  # (stage key or None, now, under the draft), in funnel order
    moved: list = field(default_factory=list)  # every lead that would change stage (pages show LISTED)


def recent_lead_ids(now: datetime, days: int = WINDOW_DAYS) -> list[int]:
    """Leads with any event in the window."""
    since = (now - timedelta(days=days)).astimezone(timezone.utc).replace(tzinfo=None)
    return list(db.session.scalars(select(LeadEvent.lead_id).where(LeadEvent.occurred_at >= since)
                                   .distinct().order_by(LeadEvent.lead_id)))


def leads_to_score(lead_ids: list[int]):
    """(lead, its fields with its type, its engagement events as the score API takes them), chunk by chunk."""
    for start in range(0, len(lead_ids), CHUNK):
        chunk = lead_ids[start:start + CHUNK]
        events: dict[int, list] = {}
        for row in db.session.execute(select(LeadEvent.lead_id, LeadEvent.value, LeadEvent.occurred_at).where(
                LeadEvent.lead_id.in_(chunk), LeadEvent.kind == "engagement")):
            events.setdefault(row.lead_id, []).append(
                {"name": row.value or "", "at": row.occurred_at.isoformat() + "+00:00"})
        for lead in db.session.scalars(select(Lead).where(Lead.id.in_(chunk)).order_by(Lead.id)):
            fields = dict(lead.fields or {})
            if lead.lead_type:
                fields[LEAD_TYPE_FIELD] = lead.lead_type
            yield lead, fields, events.get(lead.id, [])


class _SampleLead:
    """A lead of an uploaded sample: what a stored lead offers the what-if, without being stored."""

    def __init__(self, external_id: str):
        self.external_id, self.source, self.fields, self.lead_type = external_id, "sample", {}, None


def sample_leads(events) -> list:
    """(lead, fields, engagement events) from the events of an uploaded sample, as leads_to_score() gives."""
    leads: dict[str, tuple] = {}
    for event in events:
        lead = event["lead"]
        external_id = lead if isinstance(lead, str) else lead["external_id"]
        entry = leads.setdefault(external_id, (_SampleLead(external_id), {}, []))
        if isinstance(lead, dict):
            entry[1].update(lead.get("fields") or {})
            if lead.get("lead_type"):
                entry[1][LEAD_TYPE_FIELD] = lead["lead_type"]
        if event["kind"] == "engagement":
            entry[2].append({"name": event["name"], "at": event["at"]})
    return list(leads.values())


def what_if(current: dict, draft: dict, now: datetime | None = None, leads=None) -> WhatIf:
    """Stages now and under the draft for the recent leads (or for `leads`: (lead, fields, events) rows)."""
    now = now or datetime.now(timezone.utc)
    rows = leads if leads is not None else leads_to_score(recent_lead_ids(now))
    result, now_counts, draft_counts = WhatIf(), {}, {}
    for lead, fields, events in rows:
        before = score_lead(current, fields, events, now)
        after = score_lead(draft, fields, events, now)
        result.leads += 1
        now_counts[before["stage"]] = now_counts.get(before["stage"], 0) + 1
        draft_counts[after["stage"]] = draft_counts.get(after["stage"], 0) + 1
        if before["stage"] != after["stage"]:
            result.moved.append({"lead": lead.external_id, "source": lead.source, "from": before["stage"],
                                     "to": after["stage"], "score_now": before["score"],
                                     "score_draft": after["score"]})
    order = [s["key"] for s in sorted(draft["sections"].get("lifecycle_stages") or [],
                                      key=lambda s: (s.get("position") or 0, s["key"]))]
    keys = [None] + [k for k in order if k in now_counts or k in draft_counts]
    keys += sorted(k for k in set(now_counts) | set(draft_counts) if k not in keys)
    result.stages = [(key, now_counts.get(key, 0), draft_counts.get(key, 0)) for key in keys
                     if key is not None or now_counts.get(None) or draft_counts.get(None)]
    return result
