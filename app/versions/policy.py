"""The approval policy: which teams must sign, and whether approvers may sign their own edits."""
from flask_babel import gettext as _
from sqlalchemy import select

from app.audit import record_event
from app.extensions import db
from app.messages import N_
from app.models import Setting, Team
from app.versions.errors import VersionError

SELF_APPROVAL_KEY = "allow_self_approval"
SEND_BACK_REFUSAL = N_("Only approvers of a team that must sign, or admins, can send a version back.")


class SignOffForbidden(VersionError):
    """The person may not take this sign-off action at all (403), whatever the version's state."""


def required_teams() -> list[str]:
    """Slugs of the teams that must approve a version before it is published, sorted."""
    return list(db.session.scalars(
        select(Team.slug).where(Team.required_for_approval.is_(True)).order_by(Team.slug)))


def may_send_back(by) -> bool:
    """Admins, and approvers of a team that must sign: sending back drops every signature so far."""
    if by is None or not getattr(by, "is_authenticated", False):
        return False
    if by.has_role("admin"):
        return True
    return by.has_role("approver") and by.team.slug in required_teams()


def self_approval_allowed() -> bool:
    """Whether an approver may approve a version that contains their own edits (default: no)."""
    setting = db.session.get(Setting, SELF_APPROVAL_KEY)
    return bool(setting is not None and setting.value is True)


def set_policy(team_slugs: list[str], allow_self_approval: bool, by) -> None:
    """Name the teams that must sign and the self-approval rule; refuses an empty team list."""
    wanted = sorted({slug.strip() for slug in team_slugs if slug and slug.strip()})
    if not wanted:
        raise VersionError(_("At least one team must approve each version."))
    teams = {team.slug: team for team in db.session.scalars(select(Team))}
    unknown = [slug for slug in wanted if slug not in teams]
    if unknown:
        raise VersionError(_("Unknown team: %(teams)s.", teams=", ".join(unknown)))
    before = {"teams": required_teams(), "allow_self_approval": self_approval_allowed()}
    for slug, team in teams.items():
        team.required_for_approval = slug in wanted
    setting = db.session.get(Setting, SELF_APPROVAL_KEY)
    if setting is None:
        setting = Setting(key=SELF_APPROVAL_KEY)
        db.session.add(setting)
    setting.value = bool(allow_self_approval)
    after = {"teams": wanted, "allow_self_approval": bool(allow_self_approval)}
    record_event("policy.changed", user=by, before=before, after=after,
                 summary=f"Approval policy: {', '.join(wanted)} must sign; self-approval "
                         f"{'allowed' if allow_self_approval else 'not allowed'}")
    db.session.flush()
