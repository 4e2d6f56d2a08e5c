"""Published documents as tools read them: frozen bytes, and views derived from them.

Looking a version up never reads its bytes: they come from a per-worker cache keyed by their
SHA-256 (app.versions.frozen). Which version is current is memoised per worker for
ACCORD_CURRENT_TTL seconds and forgotten at once by the worker that publishes; other workers
may answer with the previous version for at most that long.
"""
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy import select

from app import signals
from app.api.http import not_found
from app.config import current_ttl
from app.extensions import db
from app.models import Approval, Version, VersionState
from app.models.content import FROZEN_STATES
from app.sla.document import isoformat_z
from app.cache import BoundedMemo
from app.versions.frozen import frozen_bytes, frozen_document

NUMBERS_REMEMBERED = 1_024


@dataclass(frozen=True)
class Published:
    """The light columns of a published version (never its bytes): all immutable once published."""
    id: int
    number: str
    sha256: str
    published_at: datetime


VERSION_NUMBER = re.compile(r"[0-9A-Za-z.+-]{1,20}")
_COLUMNS = (Version.id, Version.number, Version.sha256, Version.published_at)


class _WorkerMemo:
    """What one app (one worker) remembers about published versions."""

    def __init__(self):
        self.lock = threading.Lock()
        self.current: Published | None = None
        self.current_until = 0.0
        self.publishes = 0  # counts forgets, so a read that raced a publish is not remembered
        # A published number names the same bytes for ever: remembered without expiry.
        self.by_number = BoundedMemo(NUMBERS_REMEMBERED)

    def fresh_current(self, now: float) -> "Published | None":
        """The remembered current version while it is trusted, else None."""
        with self.lock:
            return self.current if self.current is not None and now < self.current_until else None


MEMO_KEY = "accord.published"


def current_memo(app) -> _WorkerMemo | None:
    """The app's memo, if a request has made one (for code running outside an app context)."""
    return app.extensions.get(MEMO_KEY)


def _memo() -> _WorkerMemo:
    memo = current_app.extensions.get(MEMO_KEY)
    return memo if memo is not None else current_app.extensions.setdefault(MEMO_KEY, _WorkerMemo())


def current_published() -> Published:
    """The version in force: memoised for a short while, else one query on the indexed state column."""
    memo, now = _memo(), time.monotonic()
    remembered = memo.fresh_current(now)
    if remembered is not None:
        return remembered
    with memo.lock:
        seen = memo.publishes
    row = db.session.execute(select(*_COLUMNS).where(Version.state == VersionState.PUBLISHED.value)).first()
    if row is None:  # not remembered: the first publish must show at once
        raise not_found("No version of the SLA has been published yet.")
    found, ttl = Published(*row), current_ttl()
    if ttl > 0:
        with memo.lock:
            if memo.publishes == seen:
                memo.current, memo.current_until = found, now + ttl
    return found


def forget_current(sender=None, **_kwargs) -> None:
    """Receiver of version_published_committed: this worker reads the new current version at once."""
    if not has_app_context():
        return
    memo = _memo()
    with memo.lock:
        memo.current, memo.current_until = None, 0.0
        memo.publishes += 1


signals.version_published_committed.connect(forget_current)


def published(number: str) -> Published:
    """A published or superseded version by its number (unique, indexed; remembered once found)."""
    if not VERSION_NUMBER.fullmatch(number):  # nothing else is stored; spares the database odd input
        raise not_found(f"There is no published version '{number[:40]}'.")
    memo = _memo()
    found = memo.by_number.peek(number)
    if found is None:
        row = db.session.execute(select(*_COLUMNS).where(Version.number == number,
                                                         Version.state.in_(FROZEN_STATES))).first()
        if row is None:
            raise not_found(f"There is no published version '{number}'.")
        found = Published(*row)
        memo.by_number.put(number, found)
    return found


def requested(number: str | None) -> tuple[Published, bool]:
    """The version a `?version=` names, or the current one; and whether the answer is immutable."""
    if number:
        return published(number), True
    return current_published(), False


def document_bytes(version: Published) -> bytes:
    """The frozen bytes, from the per-worker cache (read by primary key on a miss)."""
    return frozen_bytes(version)


# JSON derived from immutable bytes, keyed by their SHA-256: safe with many workers and hosts.
derived = BoundedMemo(256)


def parsed(version: Published) -> dict:
    """The document as a dict (shared and cached: never mutate it)."""
    return frozen_document(version)


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
