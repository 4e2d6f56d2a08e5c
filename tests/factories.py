"""Test factories for versions and entries, built straight on the models."""
import hashlib
from datetime import date

from app.extensions import db
from app.models import Approval, Entry, Version, VersionState
from app.models.base import utcnow
from app.sla.document import build_document, canonical_bytes
from app.sla.sections import SECTIONS, normalise_fields
from app.versions.services import approve_version, open_draft, submit_version


def make_entry(section: str, key: str, name: str | None = None, team: str = "marketing",
               definition: str = "", position: int = 0, **fields) -> Entry:
    """An unsaved entry; structured fields default to empty."""
    sec = SECTIONS[section]
    return Entry(section=section, key=key, name=name or key.replace("-", " ").title(), team=team,
                 definition=definition or f"The definition of {key}.", position=position,
                 fields=normalise_fields(sec, fields))


def make_draft(entries=(), by=None) -> Version:
    """An open draft holding `entries`."""
    version = Version(state=VersionState.DRAFT.value, created_by_id=getattr(by, "id", None))
    version.entries.extend(entries)
    db.session.add(version)
    db.session.commit()
    return version


def make_published(entries=(), number="1.0.0", approvers=(), effective_from=None, published_at=None) -> Version:
    """A published version with its frozen bytes, as publishing leaves it (supersedes the current one)."""
    previous = db.session.scalar(db.select(Version).where(Version.state == VersionState.PUBLISHED.value))
    version = make_draft(entries)
    if previous is not None:
        previous.state = VersionState.SUPERSEDED.value
        previous.superseded_at = utcnow()
        version.based_on = previous
    for user in approvers:
        db.session.add(Approval(version_id=version.id, team=user.team.slug, user_id=user.id,
                                content_hash="0" * 64))
    db.session.flush()
    version.number = number
    version.state = VersionState.PUBLISHED.value
    version.published_at = published_at or utcnow()
    version.effective_from = effective_from or (published_at.date() if published_at else date.today())
    version.change = "major" if previous is None else "minor"
    with db.session.no_autoflush:  # one UPDATE: the immutability trigger refuses a second one
        approvals = db.session.scalars(db.select(Approval).where(Approval.version_id == version.id)).all()
        version.document = canonical_bytes(build_document(version, approvals))
    version.sha256 = hashlib.sha256(version.document).hexdigest()
    db.session.commit()
    return version


def edit_entry(version: Version, key: str, by=None, **changes) -> Entry:
    """Change one entry of an open version as a save would: base attributes or structured fields."""
    entry = db.session.scalar(db.select(Entry).where(Entry.version_id == version.id, Entry.key == key))
    fields = dict(entry.fields or {})
    for name, value in changes.items():
        if name in ("name", "definition", "team", "position", "deprecated", "superseded_by"):
            setattr(entry, name, value)
        else:
            fields[name] = value
    entry.fields = fields
    entry.revision += 1
    entry.updated_by_id = getattr(by, "id", None)
    entry.updated_at = utcnow()
    db.session.commit()
    return entry


def sign_off(draft: Version, editor, approvers) -> Version:
    """Submit `draft` and have each approver sign it, as the review page does (the last signature
    publishes it when every required team has signed)."""
    submit_version(draft, by=editor)
    for approver in approvers:
        approve_version(draft, by=approver)
    return draft


def publish_edit(editor, approvers, key: str, **changes) -> Version:
    """The next version through the real life cycle, with one entry changed."""
    draft = open_draft(by=editor)
    edit_entry(draft, key, by=editor, **changes)
    return sign_off(draft, editor, approvers)
