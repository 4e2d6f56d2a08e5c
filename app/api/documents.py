"""Published documents as tools read them: frozen bytes from the database, and views derived from them."""
import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.api.http import not_found
from app.extensions import db
from app.models import Approval, Version, VersionState
from app.models.content import FROZEN_STATES
from app.sla.document import isoformat_z


@dataclass(frozen=True)
class Published:
    """The columns of a published version the API needs, without loading the ORM object."""
    number: str
    sha256: str
    published_at: datetime
    document: bytes


VERSION_NUMBER = re.compile(r"[0-9A-Za-z.+-]{1,20}")
_COLUMNS = (Version.number, Version.sha256, Version.published_at, Version.document)


def current_published() -> Published:
    """The version in force: one query on the indexed state column."""
    row = db.session.execute(select(*_COLUMNS).where(Version.state == VersionState.PUBLISHED.value)).first()
    if row is None:
        raise not_found("No version of the SLA has been published yet.")
    return Published(*row)


def published(number: str) -> Published:
    """A published or superseded version by its number (unique, indexed)."""
    if not VERSION_NUMBER.fullmatch(number):  # nothing else is stored; spares the database odd input
        raise not_found(f"There is no published version '{number[:40]}'.")
    row = db.session.execute(select(*_COLUMNS).where(Version.number == number,
                                                     Version.state.in_(FROZEN_STATES))).first()
    if row is None:
        raise not_found(f"There is no published version '{number}'.")
    return Published(*row)


def requested(number: str | None) -> tuple[Published, bool]:
    """The version a `?version=` names, or the current one; and whether the answer is immutable."""
    if number:
        return published(number), True
    return current_published(), False


class _DerivedCache:
    """Bounded in-process memo of JSON derived from immutable bytes, keyed by their SHA-256.

    Losing it costs only recomputation, so it is safe with many workers and hosts.
    """

    def __init__(self, size: int = 256):
        self._items: OrderedDict = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key, build):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = build()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


derived = _DerivedCache()


def parsed(version: Published) -> dict:
    """The document as a dict (shared and cached: never mutate it)."""
    return derived.get((version.sha256, "parsed"), lambda: json.loads(version.document))


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
