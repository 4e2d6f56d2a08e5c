"""The version life cycle: open a draft, submit, send back, approve, publish.

Each verb is one transaction that records an audit event. The version row is locked first
(SELECT … FOR UPDATE on PostgreSQL, the single write lock on SQLite), so that two people
acting on the same version at once are served one after the other.
"""
from contextlib import contextmanager
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from app import signals
from app.audit import record_event
from app.extensions import db
from app.messages import N_
from app.models import Approval, Entry, Version, VersionState
from app.models.base import utcnow
from app.sla.checks import blocking
from app.sla.diff import change_reasons, compare_documents
from app.sla.document import (
    build_document, canonical_bytes, content_hash, document_bytes, sha256_hex, stated_language,
)
from app.versions import semver
from app.versions.checks import version_checks
from app.versions.errors import VersionError
from app.versions.language import primary_language
from app.versions.published import remember_bytes
from app.versions.policy import (SEND_BACK_REFUSAL, SignOffForbidden, may_send_back, required_teams,
                                 self_approval_allowed)
from app.versions.queries import (  # noqa: F401  (part of this module's interface)
    approvals_of, document_of, editor_ids, find_version, get_current_version, get_open_version,
    get_version_by_number, list_versions, sections_of)

DRAFT, IN_REVIEW = VersionState.DRAFT.value, VersionState.IN_REVIEW.value
PUBLISHED, SUPERSEDED = VersionState.PUBLISHED.value, VersionState.SUPERSEDED.value
REASON_MAX = 2_000
# How a state reads after "this version is": translated where a refusal names it.
STATE_NAMES = {DRAFT: N_("a draft"), IN_REVIEW: N_("under review"), PUBLISHED: N_("published"),
               SUPERSEDED: N_("superseded")}


def state_name(version: Version) -> str:
    """The version's state as a refusal names it ("this one is …"), in the reader's language."""
    return _(STATE_NAMES[version.state])


@contextmanager
def _one_transaction():
    """Commit on success; roll back on any error (a clash on a constraint reads as a refusal)."""
    try:
        yield
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise VersionError(
            _("Someone else changed this version at the same moment: reload and try again.")) from error
    except BaseException:
        db.session.rollback()
        raise


def lock_version(version: Version) -> Version:
    """Lock the version's row until the transaction ends, and re-read it."""
    if db.session.get_bind().dialect.name == "sqlite":
        # One writer at a time: taking the write lock now serialises the rest of the transaction.
        db.session.execute(update(Version).where(Version.id == version.id).values(state=Version.state)
                           .execution_options(synchronize_session=False))
        db.session.refresh(version)
        return version
    return db.session.scalars(select(Version).where(Version.id == version.id).with_for_update()
                              .execution_options(populate_existing=True)).one()


def _require_role(by, minimum: str, message: str) -> None:
    if by is None or not by.has_role(minimum):
        raise VersionError(message)


def open_draft(by=None) -> Version:
    """Start the next version as a draft, copying the current published version's entries."""
    if by is not None:
        _require_role(by, "editor", _("Only editors can open a draft."))
    with _one_transaction():
        current = get_current_version()
        if current is not None:
            current = lock_version(current)
        if get_open_version() is not None:
            raise VersionError(_("A version is already open: finish or send back that one first."))
        draft = add_draft(current, by)
    return draft


def add_draft(current: Version | None, by=None) -> Version:
    """A new draft holding a copy of `current`'s entries, inside the caller's transaction."""
    draft = Version(state=DRAFT, based_on=current, created_by_id=getattr(by, "id", None),
                    title=current.title if current else "Sales & Marketing SLA")
    db.session.add(draft)
    db.session.flush()
    if current is not None:
        _copy_entries(current, draft)
    record_event("version.draft_opened", user=by, version=draft,
                 summary=f"Opened a draft from {current.number if current else 'nothing'}")
    return draft


def _copy_entries(source: Version, draft: Version) -> None:
    """Copy every entry of `source` into `draft` with one INSERT … SELECT, each at revision 1."""
    copied = ("section", "key", "name", "definition", "team", "position", "deprecated", "superseded_by", "fields",
              "translations")
    rows = select(literal(draft.id), *(getattr(Entry, name) for name in copied), literal(1), literal(utcnow())
                  ).where(Entry.version_id == source.id).order_by(Entry.id)
    db.session.execute(insert(Entry).from_select(["version_id", *copied, "revision", "updated_at"], rows))
    db.session.expire(draft, ["entries"])  # loaded afresh from the rows just written


def pending_diff(version: Version, sections: dict | None = None, current: Version | None = None) -> dict | None:
    """The diff from the current published version (read unless given) to this one; None before the
    first publish."""
    current = current or get_current_version()
    if current is None or current.id == version.id:
        return None
    sections = sections if sections is not None else sections_of(version)
    return compare_documents(document_of(current), build_document(version, sections=sections))


def next_number(version: Version, sections: dict | None = None) -> tuple[str, str | None, list[str]]:
    """(number it will get, change kind, breaking messages); kind None and the current number if unchanged."""
    if version.is_frozen:
        return version.number, version.change, []
    return _numbering(pending_diff(version, sections))


def _numbering(diff: dict | None) -> tuple[str, str | None, list[str]]:
    if diff is None:
        return semver.FIRST, "major", []
    current = diff["from"]  # the number of the version the diff starts from: the current one
    if diff["change"] is None:
        return current, None, []
    return semver.bump(current, diff["change"]), diff["change"], diff["breaking"]


def draft_outlook(version: Version) -> dict:
    """What the open version will become: number, change kind, why, and its diff with the current one."""
    diff = pending_diff(version)
    number, change, breaking = _numbering(diff)
    reasons = [text for kind, text in change_reasons(diff) if kind == change] if diff else []
    return {"number": number, "change": change, "breaking": breaking, "reasons": reasons, "diff": diff,
            "current": get_current_version()}


def _refuse_if_unchanged(version: Version) -> None:
    number, change = next_number(version)[:2]
    if not version.entries:
        raise VersionError(_("This draft is empty: add at least one entry first."))
    if change is None:
        raise VersionError(_("This draft changes nothing: it is the same as version %(number)s. "
                             "Edit at least one entry before submitting it.", number=number))


def _refuse_if_inconsistent(version: Version) -> None:
    """A draft with an error of the consistency checks cannot go to the approvers."""
    problems = blocking(version_checks(version))
    if problems:
        raise VersionError(ngettext("Fix this problem before submitting: %(problems)s",
                                    "Fix these %(num)d problems before submitting: %(problems)s", len(problems),
                                    problems=" ".join(_(c.message, **c.params) for c in problems)))


def submit_version(version: Version, by) -> Version:
    """Send the draft for review by the teams that must sign it."""
    _require_role(by, "editor", _("Only editors can submit a version for review."))
    with _one_transaction():
        version = lock_version(version)
        mark_submitted(version, by)
    send_after_commit(signals.version_submitted, version, by=by)
    return version


def mark_submitted(version: Version, by) -> None:
    """Move a draft that changes something to review, inside the caller's transaction."""
    if version.state != DRAFT:
        raise VersionError(_("Only a draft can be submitted; this version is %(state)s.",
                             state=state_name(version)))
    _refuse_if_unchanged(version)
    _refuse_if_inconsistent(version)
    number, change = next_number(version)[:2]
    version.state, version.submitted_at, version.sent_back_reason = IN_REVIEW, utcnow(), None
    record_event("version.submitted", user=by, version=version,
                 summary=f"Submitted the draft for review (it will be {number}, a {change} change)")


def send_back_version(version: Version, by, reason: str) -> Version:
    """Return the version under review to draft with a reason; approvals given so far are dropped."""
    if not may_send_back(by):
        raise SignOffForbidden(_(SEND_BACK_REFUSAL))
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise VersionError(_("Say why the version goes back: a reason is required."))
    if len(reason) > REASON_MAX:
        raise VersionError(_("A reason has at most %(max)s characters; this one has %(length)s.",
                             max=format(REASON_MAX, ","), length=format(len(reason), ",")))
    with _one_transaction():
        version = lock_version(version)
        if version.state != IN_REVIEW:
            raise VersionError(_("Only a version under review can be sent back; this one is %(state)s.",
                                 state=state_name(version)))
        dropped = approvals_of(version)
        for approval in dropped:
            db.session.delete(approval)
        version.state, version.sent_back_reason, version.submitted_at = DRAFT, reason, None
        record_event("version.sent_back", user=by, version=version, summary=f"Sent back to draft: {reason}",
                     before={"approvals": [a.team for a in dropped]}, after={"reason": reason})
    send_after_commit(signals.version_sent_back, version, by=by, reason=reason)
    return version


def missing_teams(version: Version) -> list[str]:
    """Required teams that have not approved the version yet."""
    signed = {approval.team for approval in approvals_of(version)}
    return [team for team in required_teams() if team not in signed]


def approval_refusal(version: Version, by) -> str | None:
    """Why `by` may not approve this version now, or None when they may."""
    if by is None or not by.has_role("approver"):
        return _("Only approvers can approve a version.")
    if version.state != IN_REVIEW:
        return _("Only a version under review can be approved; this one is %(state)s.", state=state_name(version))
    team, required = by.team.slug, required_teams()
    if team not in required:
        return _("The %(team)s team does not sign versions: the approval policy asks for %(teams)s.",
                 team=team, teams=", ".join(required) or _("no team"))
    for approval in approvals_of(version):
        if approval.user_id == by.id:
            if approval.team == team:
                return _("You have already approved this version.")
            # One person, one signature: the teams' approvals must come from different people.
            return _("You already signed this version for the %(signed)s team: another approver "
                     "of the %(team)s team must sign it.", signed=approval.team, team=team)
        if approval.team == team:
            return _("The %(team)s team has already approved this version (%(name)s).",
                     team=team, name=approval.user.name)
    if by.id in editor_ids(version) and not self_approval_allowed():
        return _("You edited this version, so another approver of the %(team)s team must sign it: "
                 "the approval policy does not allow approving your own edits.", team=team)
    return None


def approve_version(version: Version, by) -> Version:
    """Sign the version for the approver's team; the last required signature publishes it."""
    with _one_transaction():
        version = lock_version(version)
        published = add_approval(version, by)
    if published:
        send_after_commit(signals.version_published_committed, version, by=by)
    return version


def add_approval(version: Version, by, at: datetime | None = None) -> bool:
    """Record `by`'s signature inside the caller's transaction; True when it published the version.
    `at` (the demo's history only) dates the signature and the publication; people sign now."""
    refusal = approval_refusal(version, by)
    if refusal:
        raise VersionError(refusal)
    sections = sections_of(version)
    db.session.add(Approval(version_id=version.id, team=by.team.slug, user_id=by.id,
                            content_hash=content_hash(version, sections), at=at or utcnow()))
    db.session.flush()
    record_event("version.approved", user=by, version=version,
                 summary=f"Approved for {by.team.slug}", after={"team": by.team.slug})
    if missing_teams(version):
        return False
    freeze_and_publish(version, by, sections, at)
    return True


def publish_version(version: Version, by=None) -> Version:
    """Publish a version under review that every required team has approved."""
    with _one_transaction():
        version = lock_version(version)
        if version.state != IN_REVIEW:
            raise VersionError(_("Only a version under review can be published; this one is %(state)s.",
                                 state=state_name(version)))
        missing = missing_teams(version)
        if missing:
            raise VersionError(_("Still waiting for the approval of: %(teams)s.", teams=", ".join(missing)))
        freeze_and_publish(version, by)
    send_after_commit(signals.version_published_committed, version, by=by)
    return version


def freeze_and_publish(version: Version, by=None, sections: dict | None = None, at: datetime | None = None) -> None:
    """Number, freeze and supersede a fully approved version, inside the caller's transaction.

    The entries are turned into the document's sections once, for the hash, the number and the bytes."""
    sections = sections if sections is not None else sections_of(version)
    sections_bytes = canonical_bytes(sections)
    approvals, digest = approvals_of(version), sha256_hex(sections_bytes)  # content_hash, serialised once
    stale = [a.team for a in approvals if a.content_hash != digest]
    if stale:
        raise VersionError(_("The content changed after %(teams)s approved it: send it back.",
                             teams=", ".join(stale)))
    previous = get_current_version()
    language = stated_language(primary_language(), sections)  # read before the version row changes
    number, change, breaking = _numbering(pending_diff(version, sections, previous))
    if change is None:
        raise VersionError(_("This version changes nothing: it is the same as version %(number)s.", number=number))
    now = at or utcnow()
    if previous is not None:
        previous.state, previous.superseded_at = SUPERSEDED, now
        db.session.flush()  # supersede first: there is never more than one published version
        version.based_on = previous
    version.number, version.state, version.change = number, PUBLISHED, change
    version.published_at = now
    version.effective_from = version.effective_from or now.date()
    version.document = document_bytes(version, approvals, sections_bytes, language)
    version.sha256 = sha256_hex(version.document)
    remember_bytes(version.sha256, version.document)
    db.session.flush()
    record_event("version.published", user=by, version=version,
                 summary=f"Published {number} ({change})" + (f"; breaking: {' '.join(breaking)}" if breaking else ""),
                 after={"number": number, "change": change, "sha256": version.sha256,
                        "supersedes": previous.number if previous else None})
    signals.version_published.send(version, by=by, sections=sections, previous=previous)


def send_after_commit(signal, version: Version, **kwargs) -> None:
    """Tell receivers about a committed action; their failure must not undo or hide it."""
    try:
        signal.send(version, **kwargs)
    except Exception:
        current_app.logger.exception("A receiver of %s failed", signal.name)
        db.session.rollback()
