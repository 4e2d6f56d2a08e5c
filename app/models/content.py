"""Versions of the SLA and their entries."""
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow


class VersionState(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


OPEN_STATES = (VersionState.DRAFT.value, VersionState.IN_REVIEW.value)
FROZEN_STATES = (VersionState.PUBLISHED.value, VersionState.SUPERSEDED.value)


class Version(db.Model):
    __tablename__ = "versions"
    __table_args__ = (
        # Covers every lookup of versions by state with the light columns (current version, version
        # lists): SQLite stores the document inline and reads sha256, which follows it in the row,
        # only by walking the megabytes of its overflow pages; with this index it never reads the row.
        Index("ix_versions_state_refs", "state", "published_at", "id", "number", "sha256", "change",
              "effective_from", "based_on_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Semantic version number, given at publish; unique by constraint.
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    state: Mapped[str] = mapped_column(String(20), default=VersionState.DRAFT.value)
    title: Mapped[str] = mapped_column(String(200), default="Sales & Marketing SLA")
    effective_from: Mapped[date | None] = mapped_column(Date)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column()
    published_at: Mapped[datetime | None] = mapped_column()
    superseded_at: Mapped[datetime | None] = mapped_column()
    change: Mapped[str | None] = mapped_column(String(10))  # major / minor / patch
    # The canonical JSON bytes frozen at publish, and their SHA-256 (the ETag). Deferred: listing or
    # looking up versions never needs the megabytes; readers go through app.versions.published.
    document: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str | None] = mapped_column(String(64))
    sent_back_reason: Mapped[str | None] = mapped_column(Text)

    entries: Mapped[list["Entry"]] = relationship(
        back_populates="version", order_by="Entry.section, Entry.position, Entry.key",
        cascade="all, delete-orphan")
    based_on: Mapped["Version | None"] = relationship(remote_side=[id])
    created_by = relationship("User", foreign_keys=[created_by_id])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_frozen(self) -> bool:
        return self.state in FROZEN_STATES

    @property
    def label(self) -> str:
        return self.number or ("draft" if self.state == VersionState.DRAFT.value else "in review")

    def __repr__(self) -> str:
        return f"<Version {self.id} {self.number or self.state}>"


class Entry(db.Model):
    """One definition in one section of one version; also a glossary term."""
    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("version_id", "key", name="uq_entries_version_key"),
        Index("ix_entries_version_section_position", "version_id", "section", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"))
    section: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text, default="")
    team: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)
    deprecated: Mapped[bool] = mapped_column(default=False)
    superseded_by: Mapped[str | None] = mapped_column(String(64))
    # The section's structured fields, as the section registry defines them.
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    # The name, definition and prose fields in the SLA's other language: {"th": {"name": …}} (None: none).
    translations: Mapped[dict | None] = mapped_column(JSON)
    # Optimistic concurrency: a save must name the revision it was made from.
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    version: Mapped[Version] = relationship(back_populates="entries")
    updated_by = relationship("User", foreign_keys=[updated_by_id])

    def __repr__(self) -> str:
        return f"<Entry {self.section}/{self.key} v{self.version_id}>"
