"""The one reader of published versions: which is current, their numbers and hashes, their bytes
and parsed documents, for pages, API, glossary and exports alike.

Memo policy, in one place:
- which version is current: read at most once per request (kept in its WSGI environ, which no
  other request shares, so nothing has to forget it when the request ends), and trusted by a
  worker for ACCORD_CURRENT_TTL seconds (0: never); the worker that publishes forgets at once,
  others may answer with the previous version for at most the TTL;
- a published number names the same row for ever, so lookups by number are remembered without expiry;
- bytes, parsed documents and comparisons are keyed by SHA-256 of immutable bytes: right in every
  worker whatever the database, bounded so a worker's memory stays flat.
While the database is unreachable, a worker keeps answering with the current version it had
confirmed (see app.outage for the rule).
"""
import json
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from flask import current_app, has_app_context, has_request_context, request
from sqlalchemy import select

from app import outage
from app.cache import BoundedMemo
from app.config import current_ttl
from app.extensions import db
from app.models import Version, VersionState
from app.models.content import FROZEN_STATES
from app.sla.diff import compare_documents
from app.sla.sections import SECTION_KEYS, SECTIONS
from app.versions.semver import is_version_number

BYTES_CACHE_ITEMS = 8
BYTES_CACHE_MAX = 64 * 1024 * 1024  # a 20,000-entry document is about 12 MB
DOCUMENTS_CACHE_ITEMS = 16
DOCUMENTS_CACHE_MAX = 24 * 1024 * 1024  # of source bytes: parsed, a document takes about five times more
COMPARE_CACHE_ITEMS = 16
NUMBERS_REMEMBERED = 1_024


@dataclass(frozen=True)
class VersionRef:
    """The light columns of a published version, all immutable once published (never its bytes)."""
    id: int
    number: str | None
    sha256: str | None
    change: str | None
    published_at: datetime | None
    effective_from: date | None
    based_on_id: int | None


def ref_columns() -> tuple:
    """The columns a VersionRef is built from, in order (for queries of other modules)."""
    return (Version.id, Version.number, Version.sha256, Version.change, Version.published_at,
            Version.effective_from, Version.based_on_id)


class PublishedDocument:
    """One parsed published document (shared by every reader: never mutate it), with lookups by key."""

    def __init__(self, data: dict, size: int = 0):
        self.data, self.size = data, size

    @property
    def sections(self) -> dict:
        return self.data.get("sections") or {}

    @cached_property
    def entries(self) -> dict[str, tuple[str, dict]]:
        """Every entry by key, with the section it is in."""
        return {entry["key"]: (section, entry)
                for section in SECTION_KEYS for entry in self.sections.get(section, [])}

    def entry(self, key: str) -> tuple[str | None, dict | None]:
        return self.entries.get(key, (None, None))

    @cached_property
    def referrers(self) -> dict[str, list[tuple[str, dict, str]]]:
        """For each key, the entries pointing at it: (section, entry, field name)."""
        found: dict[str, list] = {}
        for key, (section_key, entry) in self.entries.items():
            section = SECTIONS.get(section_key)
            ref_fields = [f.name for f in section.fields if f.kind in ("ref", "refs")] if section else []
            for name in ref_fields + ["superseded_by"]:
                value = entry.get(name)
                targets = value if isinstance(value, list) else [value]
                for target in dict.fromkeys(t for t in targets if isinstance(t, str) and t != key):
                    found.setdefault(target, []).append((section_key, entry, name))
        return found


# ---- bytes, documents and comparisons, keyed by SHA-256 (per worker, shared by every app) ----

_bytes = BoundedMemo(BYTES_CACHE_ITEMS, BYTES_CACHE_MAX)
_documents = BoundedMemo(DOCUMENTS_CACHE_ITEMS, DOCUMENTS_CACHE_MAX, size_of=lambda document: document.size)
_comparisons = BoundedMemo(COMPARE_CACHE_ITEMS)


def published_bytes(ref) -> bytes:
    """The bytes frozen at publish (a VersionRef or a Version); read by primary key only on a miss."""
    if not ref.sha256:
        return _load_bytes(ref.id)
    return _bytes.get(ref.sha256, lambda: _load_bytes(ref.id))


def remember_bytes(sha256: str, data: bytes) -> None:
    """Keep bytes just frozen (keyed by their own hash, so right even if their publish rolls back)."""
    _bytes.put(sha256, data)


def _load_bytes(version_id: int) -> bytes:
    data = db.session.scalar(select(Version.document).where(Version.id == version_id))
    if data is None:
        raise LookupError(f"Version {version_id} has no frozen document.")
    return data


def _parse(ref) -> PublishedDocument:
    data = published_bytes(ref)
    return PublishedDocument(json.loads(data), len(data))


def document_for(ref) -> PublishedDocument:
    """The parsed document of a published version (a VersionRef or a Version), once per worker."""
    if not ref.sha256:
        return _parse(ref)
    return _documents.get(ref.sha256, lambda: _parse(ref))


def compared(old, new) -> dict:
    """compare_documents of two published versions, memoised by their two hashes (shared: never mutate)."""
    def build():
        return compare_documents(document_for(old).data, document_for(new).data)
    if not old.sha256 or not new.sha256:
        return build()
    return _comparisons.get((old.sha256, new.sha256), build)


def forget_all() -> None:
    """Empty the per-worker caches of bytes, documents and comparisons (they refill on demand)."""
    _bytes.clear()
    _documents.clear()
    _comparisons.clear()


# ---- which version is current (per request, and per worker for ACCORD_CURRENT_TTL) ----

class _WorkerMemo:
    """What one app (one worker) remembers about published versions."""

    def __init__(self):
        self.lock = threading.Lock()
        self.current: VersionRef | None = None
        self.current_until = 0.0
        self.confirmed_at = 0.0
        self.publishes = 0  # counts forgets, so a read that raced a publish is not remembered
        self.by_number = BoundedMemo(NUMBERS_REMEMBERED)


MEMO_KEY = "accord.published"
IN_REQUEST = "accord.current_version"
_MISSING = object()


def _memo() -> _WorkerMemo:
    memo = current_app.extensions.get(MEMO_KEY)
    return memo if memo is not None else current_app.extensions.setdefault(MEMO_KEY, _WorkerMemo())


def current_version_ref() -> VersionRef | None:
    """The published version in force, without its bytes; None before the first publish."""
    if has_request_context():
        environ = request.environ
        found = environ.get(IN_REQUEST, _MISSING)
        if found is _MISSING:
            found = environ[IN_REQUEST] = _current_for_worker()
        return found
    return _current_for_worker()


def _current_for_worker() -> VersionRef | None:
    memo, now = _memo(), time.monotonic()
    with memo.lock:
        if memo.current is not None and now < memo.current_until:
            return memo.current
        seen, remembered, confirmed_at = memo.publishes, memo.current, memo.confirmed_at
    try:
        row = db.session.execute(select(*ref_columns()).where(Version.state == VersionState.PUBLISHED.value)).first()
    except outage.DATABASE_ERRORS:
        if remembered is not None and outage.honours(confirmed_at):
            return remembered
        raise
    outage.reached_database()
    found, ttl = (VersionRef(*row) if row else None), current_ttl()
    if found is not None and ttl > 0:  # before the first publish nothing is remembered: it must show at once
        with memo.lock:
            if memo.publishes == seen:
                memo.current, memo.current_until, memo.confirmed_at = found, now + ttl, now
    return found


def forget_current(*_args, **_kwargs) -> None:
    """Receiver of version_published and version_published_committed: this worker and this
    request read the current version afresh."""
    if not has_app_context():
        return
    memo = _memo()
    with memo.lock:
        memo.current, memo.current_until = None, 0.0
        memo.publishes += 1
    if has_request_context():
        request.environ.pop(IN_REQUEST, None)


# ---- published versions by number, and in order ----

def find_published(number: str | None) -> VersionRef | None:
    """A published (or superseded) version by its number, without its bytes; None when there is none."""
    if not number or not is_version_number(number):  # nothing else is stored; spares the database odd input
        return None
    memo = _memo()
    found = memo.by_number.peek(number)
    if found is None:
        row = db.session.execute(select(*ref_columns()).where(
            Version.state.in_(FROZEN_STATES), Version.number == number)).first()
        if row is None:
            return None
        found = VersionRef(*row)
        memo.by_number.put(number, found)
    return found


def published_versions() -> list[VersionRef]:
    """Every published version, oldest first, without their bytes."""
    rows = db.session.execute(select(*ref_columns()).where(Version.state.in_(FROZEN_STATES))
                              .order_by(Version.published_at, Version.id))
    return [VersionRef(*row) for row in rows]


def previous_version(version: VersionRef) -> VersionRef | None:
    """The published version this one was based on (publishing sets it to the one it supersedes)."""
    if version.based_on_id is None:
        return None
    row = db.session.execute(select(*ref_columns()).where(
        Version.id == version.based_on_id, Version.state.in_(FROZEN_STATES))).first()
    return VersionRef(*row) if row else None
