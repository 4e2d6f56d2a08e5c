"""Acknowledgements: a reader confirms they have read a version; new major or minor versions ask again.

A patch changes only wording, so someone who acknowledged any version since the last major or
minor one is up to date. Everyone else is asked, and shown what changed since the version they
last acknowledged.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.messages import N_
from app.models import Acknowledgement, User, Version
from app.models.content import FROZEN_STATES
from app.transactions import savepoint
from app.versions.published import VersionRef, current_version_ref, find_published, ref_columns


class AcknowledgementError(ValueError):
    """An acknowledgement that cannot be recorded, with a readable reason (a msgid: the page translates it)."""


@dataclass(frozen=True)
class AcknowledgementStatus:
    """Where one person stands with the current version."""
    current: VersionRef
    last: VersionRef | None  # the latest version they acknowledged
    last_at: datetime | None
    baseline: VersionRef  # the latest major or minor version: acknowledging it or later is enough

    @property
    def acknowledged_current(self) -> bool:
        return self.last is not None and self.last.id == self.current.id

    @property
    def up_to_date(self) -> bool:
        return self.last is not None and _order(self.last) >= _order(self.baseline)


def _order(ref: VersionRef) -> tuple:
    return (ref.published_at, ref.id)


def significant_baseline(current: VersionRef) -> VersionRef:
    """The latest published version that was not a patch (the current one when it is not)."""
    if current.change != "patch":
        return current  # the current version is the latest published one
    row = db.session.execute(
        select(*ref_columns()).where(Version.state.in_(FROZEN_STATES),
                                      or_(Version.change.is_(None), Version.change != "patch"))
        .order_by(Version.published_at.desc(), Version.id.desc()).limit(1)).first()
    baseline = VersionRef(*row) if row else current
    return baseline if _order(baseline) <= _order(current) else current


def last_acknowledged(user_id: int) -> tuple[VersionRef | None, datetime | None]:
    """The latest version (by publication) this user acknowledged, and when."""
    row = db.session.execute(
        select(*ref_columns(), Acknowledgement.at).join(Acknowledgement, Acknowledgement.version_id == Version.id)
        .where(Acknowledgement.user_id == user_id)
        .order_by(Version.published_at.desc(), Version.id.desc()).limit(1)).first()
    return (VersionRef(*row[:-1]), row[-1]) if row else (None, None)


def acknowledgement_status(user) -> AcknowledgementStatus | None:
    """Where a signed-in user stands with the current version (None before the first publish)."""
    current = current_version_ref()
    if current is None or user is None or not getattr(user, "is_authenticated", False):
        return None
    last, last_at = last_acknowledged(user.id)
    return AcknowledgementStatus(current=current, last=last, last_at=last_at,
                                 baseline=significant_baseline(current))


def acknowledge_version(user: User, number: str | None) -> tuple[Acknowledgement, bool]:
    """Record that `user` has read the published version `number`, once; True when newly recorded."""
    version = find_published(number)
    if version is None:
        raise AcknowledgementError(N_("There is no published version with that number."))
    version_id = version.id
    existing = _find(user.id, version_id)
    if existing is not None:
        return existing, False
    acknowledgement = Acknowledgement(user_id=user.id, version_id=version_id)
    try:
        with savepoint():
            db.session.add(acknowledgement)
            db.session.flush()
    except IntegrityError:  # the same person, twice at once: the first one counts
        return _find(user.id, version_id), False
    return acknowledgement, True


def _find(user_id: int, version_id: int) -> Acknowledgement | None:
    return db.session.scalar(select(Acknowledgement).where(
        Acknowledgement.user_id == user_id, Acknowledgement.version_id == version_id))


@dataclass(frozen=True)
class ReportRow:
    """One active user in the acknowledgements report."""
    user: User
    last: VersionRef | None
    last_at: datetime | None
    acknowledged_current: bool
    up_to_date: bool


def acknowledgement_report() -> tuple[VersionRef | None, dict[str, list[ReportRow]]]:
    """The current version, and every active user by team name with where they stand with it."""
    current = current_version_ref()
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)).all()
    groups: dict[str, list[ReportRow]] = {}
    if current is None:
        return None, groups
    baseline = significant_baseline(current)
    latest: dict[int, tuple[VersionRef, datetime]] = {}
    rows = db.session.execute(
        select(Acknowledgement.user_id, Acknowledgement.at, *ref_columns())
        .join(Version, Acknowledgement.version_id == Version.id)
        .order_by(Version.published_at, Version.id))
    for user_id, at, *columns in rows:
        latest[user_id] = (VersionRef(*columns), at)
    for user in sorted(users, key=lambda u: (u.team.name.casefold(), u.name.casefold())):
        last, last_at = latest.get(user.id, (None, None))
        groups.setdefault(user.team.name, []).append(ReportRow(
            user=user, last=last, last_at=last_at,
            acknowledged_current=last is not None and last.id == current.id,
            up_to_date=last is not None and _order(last) >= _order(baseline)))
    return current, groups
