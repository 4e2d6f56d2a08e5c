"""The version life cycle: open a draft, submit, send back, approve, publish."""
from sqlalchemy import select

from app.audit import record_event
from app.extensions import db
from app.models import Entry, Version, VersionState
from app.models.content import OPEN_STATES


class VersionError(ValueError):
    """An action the version's state or the approval policy refuses, with a readable message."""


def get_current_version() -> Version | None:
    """The published version in force, or None before the first publish."""
    return db.session.scalar(select(Version).where(Version.state == VersionState.PUBLISHED.value))


def get_open_version() -> Version | None:
    """The draft or the version under review, if there is one."""
    return db.session.scalar(select(Version).where(Version.state.in_(OPEN_STATES)))


def get_version_by_number(number: str) -> Version | None:
    return db.session.scalar(select(Version).where(Version.number == number))


def open_draft(by=None) -> Version:
    """Start the next version as a draft, copying the current published version's entries."""
    if get_open_version() is not None:
        raise VersionError("A version is already open: finish or send back that one first.")
    current = get_current_version()
    draft = Version(state=VersionState.DRAFT.value, based_on=current, created_by_id=getattr(by, "id", None),
                    title=current.title if current else "Sales & Marketing SLA",
                    effective_from=None)
    db.session.add(draft)
    if current is not None:
        for entry in current.entries:
            draft.entries.append(Entry(
                section=entry.section, key=entry.key, name=entry.name, definition=entry.definition,
                team=entry.team, position=entry.position, deprecated=entry.deprecated,
                superseded_by=entry.superseded_by, fields=dict(entry.fields or {}), revision=1))
    db.session.flush()
    record_event("version.draft_opened", user=by, version=draft,
                 summary=f"Opened a draft from {current.number if current else 'nothing'}")
    db.session.commit()
    return draft
