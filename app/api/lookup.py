"""Which published version an API request names, read through app.versions.published; 404 otherwise."""
from sqlalchemy import select

from app.api.http import not_found
from app.extensions import db
from app.models import Approval, Version
from app.models.content import FROZEN_STATES
from app.sla.document import isoformat_z
from app.versions.published import VersionRef, current_version_ref, find_published


def current_or_404() -> VersionRef:
    """The version in force, or a 404 problem before the first publish."""
    version = current_version_ref()
    if version is None:
        raise not_found("No version of the SLA has been published yet.")
    return version


def published_or_404(number: str) -> VersionRef:
    """A published or superseded version by its number, or a 404 problem."""
    version = find_published(number)
    if version is None:
        raise not_found(f"There is no published version '{number[:40]}'.")
    return version


def requested(number: str | None) -> tuple[VersionRef, bool]:
    """The version a `?version=` names, or the current one; and whether the answer is immutable."""
    if number:
        return published_or_404(number), True
    return current_or_404(), False


def version_list() -> list[dict]:
    """Every published and superseded version, newest first, with its approvals."""
    rows = db.session.execute(
        select(Version.id, Version.number, Version.published_at, Version.sha256, Version.change,
               Version.effective_from, Version.state)
        .where(Version.state.in_(FROZEN_STATES))
        .order_by(Version.published_at.desc(), Version.id.desc())).all()
    approvals: dict[int, list[dict]] = {}
    if rows:
        query = select(Approval).where(Approval.version_id.in_([r.id for r in rows])).order_by(Approval.team)
        for approval in db.session.scalars(query):
            approvals.setdefault(approval.version_id, []).append(
                {"team": approval.team, "by": approval.user.name, "at": isoformat_z(approval.at)})
    return [{
        "version": r.number,
        "published_at": isoformat_z(r.published_at),
        "effective_from": r.effective_from.isoformat() if r.effective_from else None,
        "sha256": r.sha256,
        "change": r.change,
        "state": r.state,
        "approvals": approvals.get(r.id, []),
    } for r in rows]
