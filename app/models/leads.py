"""Lead data: the leads a CRM holds and what happened to them, the raw material of adherence.

Every row names the source system it came from and that system's own id, unique per source, so
that sending or importing the same data twice changes nothing.
"""
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow

# A 64-bit id on PostgreSQL (events grow past 2^31 in a long life); SQLite's rowid is 64-bit already
# and only INTEGER PRIMARY KEY autoincrements.
BIG_ID = BigInteger().with_variant(Integer, "sqlite")
SOURCE_MAX = 40
EXTERNAL_ID_MAX = 200
VALUE_MAX = 64


class Lead(db.Model):
    __tablename__ = "leads"
    __table_args__ = (UniqueConstraint("source", "external_id", name="uq_leads_source_external_id"),)

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    source: Mapped[str] = mapped_column(String(SOURCE_MAX))
    external_id: Mapped[str] = mapped_column(String(EXTERNAL_ID_MAX))
    lead_type: Mapped[str | None] = mapped_column(String(VALUE_MAX))  # a lead_types key of the SLA
    owner: Mapped[str | None] = mapped_column(String(254))  # the owner's email address in the CRM
    # The firmographic fields fit rules test (industry, employees, country …), as the source sent them.
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LeadEvent(db.Model):
    """One thing that happened to a lead, at `occurred_at` (naive UTC).

    kind: stage_entered (value: a lifecycle stage key), status_changed (a lead status key),
    connect_attempt (channel, outcome: a connect outcome key), engagement (value: the event name),
    deal_stage_entered (a deal stage key)."""
    __tablename__ = "lead_events"
    __table_args__ = (
        UniqueConstraint("source", "source_event_id", name="uq_lead_events_source_event"),
        # Adherence counts the leads that entered a stage in a period, then follows each lead.
        Index("ix_lead_events_kind_value_occurred", "kind", "value", "occurred_at"),
        Index("ix_lead_events_lead_occurred", "lead_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    lead_id: Mapped[int] = mapped_column(BIG_ID, ForeignKey("leads.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(SOURCE_MAX))
    source_event_id: Mapped[str] = mapped_column(String(EXTERNAL_ID_MAX))
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str | None] = mapped_column(String(VALUE_MAX))
    channel: Mapped[str | None] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(VALUE_MAX))
    occurred_at: Mapped[datetime] = mapped_column()
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class AdherenceAlert(db.Model):
    """A commitment found at risk or missed in a period: recorded once, so it is announced once."""
    __tablename__ = "adherence_alerts"
    __table_args__ = (UniqueConstraint("commitment", "period", "status", name="uq_adherence_alerts_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment: Mapped[str] = mapped_column(String(VALUE_MAX))
    period: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))  # at_risk, missed
    actual: Mapped[float | None] = mapped_column()
    target: Mapped[float] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LeadImport(db.Model):
    """A file uploaded on /data, imported in the background: its progress and outcome."""
    __tablename__ = "lead_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    format: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(SOURCE_MAX))
    dry_run: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued, running, done, failed
    size: Mapped[int] = mapped_column(BIG_ID, default=0)  # bytes
    done_bytes: Mapped[int] = mapped_column(BIG_ID, default=0)
    rows: Mapped[int] = mapped_column(default=0)
    accepted: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list | None] = mapped_column(JSON)  # the first errors: {"row", "column", "message"}
    problem: Mapped[str | None] = mapped_column(String(500))  # why the whole file failed
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()

    @property
    def percent(self) -> int:
        return 100 if self.status in ("done", "failed") else int(100 * self.done_bytes / self.size) if self.size else 0
