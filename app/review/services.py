"""Review: the discussion (a write), and what the review page reads (signatures, the diff)."""
import math
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _, ngettext
from sqlalchemy import select

from app.audit import record_event
from app.extensions import db
from app.models import Approval, Comment, Entry, Team, Version, VersionState
from app.models.base import utcnow
from app.sla.diff import change_reasons, compare_documents
from app.sla.document import build_document, content_hash
from app.sla.sections import SECTION_KEYS
from app.versions.policy import may_send_back, required_teams
from app.versions.queries import Signature, sections_of
from app.versions.errors import VersionError
from app.versions.services import (approval_refusal, approve_version, document_of, get_current_version,
                                   next_number)

COMMENT_MAX = 5_000
COMMENTS_PER_MINUTE = 10  # per person, over every version: enough to discuss, too few to flood
COMMENTS_PER_PAGE = 50


class ReviewError(ValueError):
    """A comment the rules refuse, with a readable message."""


class TooManyComments(ReviewError):
    """The author posted COMMENTS_PER_MINUTE comments in the last minute (429)."""

    def __init__(self, retry_after: int):
        super().__init__(ngettext(
            "You have posted %(count)d comments in the last minute: wait %(num)d second, then post this one again.",
            "You have posted %(count)d comments in the last minute: wait %(num)d seconds, then post this one again.",
            retry_after, count=COMMENTS_PER_MINUTE))
        self.retry_after = retry_after


def refuse_if_too_many_comments(by) -> None:
    """Count the author's comments of the last minute in the database, so the limit holds across workers."""
    since = utcnow() - timedelta(minutes=1)
    recent = list(db.session.scalars(
        select(Comment.created_at).where(Comment.author_id == by.id, Comment.created_at > since)
        .order_by(Comment.created_at.desc()).limit(COMMENTS_PER_MINUTE)))
    if len(recent) >= COMMENTS_PER_MINUTE:
        oldest = recent[-1]
        raise TooManyComments(max(1, math.ceil((oldest - since).total_seconds())))


def add_comment(version: Version, by, body: str, entry_key: str | None = None) -> Comment:
    """Add a comment to a version's discussion, optionally pointing at one of its entries."""
    body = (body or "").replace("\x00", "").strip()
    entry_key = (entry_key or "").strip() or None
    if by is None or not by.has_role("editor"):
        raise ReviewError(_("Only editors, approvers and admins may comment."))
    if version.is_frozen:
        raise ReviewError(_("Version %(number)s is published: its discussion is closed.", number=version.number))
    if not body:
        raise ReviewError(_("Write a comment first."))
    if len(body) > COMMENT_MAX:
        raise ReviewError(_("A comment has at most %(max)s characters; this one has %(length)s.",
                            max=format(COMMENT_MAX, ","), length=format(len(body), ",")))
    if entry_key and entry_key not in entry_keys(version):
        raise ReviewError(_("There is no entry '%(key)s' in this version.", key=entry_key[:64]))
    refuse_if_too_many_comments(by)
    comment = Comment(version_id=version.id, entry_key=entry_key, author_id=by.id, body=body)
    db.session.add(comment)
    db.session.flush()
    about = f" on {entry_key}" if entry_key else ""
    record_event("comment.added", user=by, version=version, entry_key=entry_key,
                 summary=f"Commented{about}: {body[:120]}", after={"comment": comment.id, "body": body[:500]})
    db.session.flush()
    return comment


def approve_as_seen(version: Version, by, seen_hash: str) -> Version:
    """Approve the version, unless its content changed since the approver's page showed it."""
    if version.state == VersionState.IN_REVIEW.value and seen_hash != content_hash(version, sections_of(version)):
        raise VersionError(_("The version changed since you opened it: review the changes again, then approve."))
    return approve_version(version, by)


# --- reads -------------------------------------------------------------------------------

def entry_keys(version: Version) -> set[str]:
    return set(db.session.scalars(select(Entry.key).where(Entry.version_id == version.id)))


@dataclass
class DiscussionPage:
    """Up to COMMENTS_PER_PAGE comments, oldest first, and whether older ones exist."""
    comments: list[Comment]
    has_older: bool

    @property
    def oldest_id(self) -> int | None:
        return self.comments[0].id if self.comments else None


def discussion_page(version: Version, before: int | None = None) -> DiscussionPage:
    """The newest page of the discussion, or the page just older than comment `before`."""
    query = select(Comment).where(Comment.version_id == version.id)
    if before is not None:
        query = query.where(Comment.id < before)
    newest_first = list(db.session.scalars(query.order_by(Comment.id.desc()).limit(COMMENTS_PER_PAGE + 1)))
    page = newest_first[:COMMENTS_PER_PAGE]
    return DiscussionPage(list(reversed(page)), len(newest_first) > COMMENTS_PER_PAGE)


def comments_by_entry(comments: list[Comment]) -> dict[str, list[Comment]]:
    grouped: dict[str, list[Comment]] = {}
    for comment in comments:
        if comment.entry_key:
            grouped.setdefault(comment.entry_key, []).append(comment)
    return grouped


def signatures(version: Version) -> list[Signature]:
    """Every required team with its approval or pending, then approvals by other teams."""
    required = required_teams()
    approvals = {a.team: a for a in db.session.scalars(
        select(Approval).where(Approval.version_id == version.id))}
    names = dict(db.session.execute(select(Team.slug, Team.name)).all())
    def row(slug: str, approval: Approval | None, is_required: bool) -> Signature:
        return Signature(slug, names.get(slug, slug), approval.user.name if approval else None,
                         approval.at if approval else None, is_required)
    rows = [row(slug, approvals.get(slug), True) for slug in required]
    rows += [row(slug, approval, False) for slug, approval in sorted(approvals.items()) if slug not in required]
    return rows


def may_sign(version: Version, user, rows: list[Signature]) -> dict:
    """What the user can do on the panel: approve for their team (or why not), send back."""
    in_review = version.state == VersionState.IN_REVIEW.value
    slug = user.team.slug if user.is_authenticated else None
    required = {row.team: row for row in rows if row.required}
    is_approver = in_review and user.is_authenticated and user.has_role("approver") and slug in required
    pending = is_approver and not required[slug].signed
    refusal = approval_refusal(version, user) if pending else None
    return {"approve_team": required[slug] if pending and not refusal else None,
            "approve_refusal": refusal, "send_back": in_review and may_send_back(user)}


def empty_document() -> dict:
    return {"version": None, "sections": {key: [] for key in SECTION_KEYS}}


def review_diff(version: Version) -> dict:
    """The open version against the current published one (or an empty one before any)."""
    current = get_current_version()
    old = document_of(current) if current is not None else empty_document()
    return compare_documents(old, build_document(version, sections=sections_of(version)))


def numbering(version: Version, diff: dict) -> dict | None:
    """The number the version will get, its kind of change, its breaking changes and other reasons."""
    try:
        number, change, breaking = next_number(version)
    except VersionError:
        return None
    if change is None:
        return None
    reasons = [(kind, sentence) for kind, sentence in change_reasons(diff) if kind != "major"]
    return {"number": number, "change": change, "breaking": list(breaking), "reasons": reasons}
