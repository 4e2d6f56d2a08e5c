"""Reads for the agreement's pages: the home summary and the printable document."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app.cache import BoundedMemo
from app.extensions import db
from app.models import Team
from app.sla.diff import change_reasons
from app.sla.sections import SECTION_LIST, Section
from app.versions.published import (PublishedDocument, VersionRef, compared, current_version_ref, document_for,
                                    find_published, previous_version)
from app.versions.queries import Signature

REASONS_SHOWN = 8


@dataclass
class Agreement:
    """A published version as its pages show it: document, signatures, sections and counts."""
    version: VersionRef
    document: PublishedDocument
    signatures: list[Signature]
    sections: list[tuple[Section, list[dict]]]
    team_names: dict[str, str]

    @property
    def title(self) -> str:
        return self.document.data.get("title") or "Sales & Marketing SLA"

    @property
    def term_count(self) -> int:
        return sum(len(entries) for _, entries in self.sections)


@dataclass
class LastChange:
    """What the current version changed from the one before it."""
    previous: VersionRef
    kind: str | None
    summary: dict
    reasons: list[tuple[str, str]] = field(default_factory=list)
    more: int = 0


def team_names() -> dict[str, str]:
    """Team display names by slug."""
    return dict(db.session.execute(select(Team.slug, Team.name)).all())


def _utc(value: str | None) -> datetime | None:
    """A document's '2026-11-27T09:30:00Z' as a naive UTC datetime (None when absent or malformed)."""
    try:
        return datetime.fromisoformat(value.removesuffix("Z")) if value else None
    except ValueError:
        return None


def load_agreement(ref: VersionRef) -> Agreement:
    """A published version's agreement, read from its frozen document."""
    document = document_for(ref)
    names = team_names()
    signatures = [Signature(a.get("team", ""), names.get(a.get("team", ""), a.get("team", "")),
                            a.get("by", ""), _utc(a.get("at")))
                  for a in document.data.get("approvals") or []]
    sections = [(section, document.sections.get(section.key) or []) for section in SECTION_LIST]
    return Agreement(version=ref, document=document, signatures=signatures, sections=sections, team_names=names)


def current_agreement() -> Agreement | None:
    """The agreement in force, or None before the first publish."""
    ref = current_version_ref()
    return load_agreement(ref) if ref else None


def agreement_for(number: str | None) -> Agreement | None:
    """The agreement of a published version by number (the current one when no number is given)."""
    ref = find_published(number) if number else current_version_ref()
    return load_agreement(ref) if ref else None


_changes = BoundedMemo(8)  # by (previous sha256, this sha256): the pages show a handful of versions


def last_change(agreement: Agreement) -> LastChange | None:
    """The difference between this version and the published version before it (the one it superseded)."""
    previous = previous_version(agreement.version)
    if previous is None:
        return None
    return _changes.get((previous.sha256, agreement.version.sha256),
                        lambda: _last_change(previous, agreement.version))


def _last_change(previous: VersionRef, version: VersionRef) -> LastChange:
    diff = compared(previous, version)
    reasons = change_reasons(diff)
    return LastChange(previous=previous, kind=version.change or diff["change"], summary=diff["summary"],
                      reasons=reasons[:REASONS_SHOWN], more=max(0, len(reasons) - REASONS_SHOWN))
