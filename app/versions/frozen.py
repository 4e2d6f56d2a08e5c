"""Published bytes and what is derived from them, kept per worker and keyed by their SHA-256.

A published version's bytes never change, so anything keyed by their hash is always right, in
every worker and whatever the database: the caches are only shortcuts, bounded so that a worker's
memory stays flat however many versions are read.
"""
import json
from typing import Protocol

from sqlalchemy import select

from app.cache import BoundedMemo
from app.extensions import db
from app.models import Version
from app.sla.diff import compare_documents

BYTES_CACHE_ITEMS = 8
BYTES_CACHE_MAX = 64 * 1024 * 1024  # a 20,000-entry document is about 12 MB
COMPARE_CACHE_ITEMS = 16
DOCUMENTS_CACHE_ITEMS = 4  # parsed documents are large: a 20,000-entry one is about 60 MB of objects


class FrozenRef(Protocol):
    """Anything naming a published version: its row id and the SHA-256 of its bytes."""
    id: int
    sha256: str | None


_bytes = BoundedMemo(BYTES_CACHE_ITEMS, BYTES_CACHE_MAX)
_comparisons = BoundedMemo(COMPARE_CACHE_ITEMS)
_documents = BoundedMemo(DOCUMENTS_CACHE_ITEMS)


def frozen_bytes(ref: FrozenRef) -> bytes:
    """The bytes frozen at publish; read from the database (by primary key) only on a miss."""
    if not ref.sha256:
        return _load_bytes(ref.id)
    return _bytes.get(ref.sha256, lambda: _load_bytes(ref.id))


def cached_bytes(sha256: str) -> bytes | None:
    """The bytes of this hash if this worker holds them, else None (never reads the database)."""
    return _bytes.peek(sha256)


def remember_bytes(sha256: str, data: bytes) -> None:
    """Keep bytes just frozen (keyed by their own hash, so right even if their publish rolls back)."""
    _bytes.put(sha256, data)


def _load_bytes(version_id: int) -> bytes:
    data = db.session.scalar(select(Version.document).where(Version.id == version_id))
    if data is None:
        raise LookupError(f"Version {version_id} has no frozen document.")
    return data


def frozen_document(ref: FrozenRef) -> dict:
    """The frozen document, parsed once per worker and shared by every reader: never mutate it."""
    if not ref.sha256:
        return json.loads(frozen_bytes(ref))
    return _documents.get(ref.sha256, lambda: json.loads(frozen_bytes(ref)))


def compared(old: FrozenRef, new: FrozenRef) -> dict:
    """compare_documents of two published versions, memoised by their two hashes (shared: never mutate)."""
    if not old.sha256 or not new.sha256:
        return compare_documents(frozen_document(old), frozen_document(new))
    return _comparisons.get((old.sha256, new.sha256),
                            lambda: compare_documents(frozen_document(old), frozen_document(new)))


def forget_all() -> None:
    """Empty the per-worker caches (they refill from the database on demand)."""
    _bytes.clear()
    _comparisons.clear()
    _documents.clear()
