"""Published documents, read from the bytes frozen at publish and parsed once per SHA-256.

A published version's bytes never change, so a parsed copy keyed by its hash is always right;
the cache is only a shortcut (every worker can rebuild it from the database).
"""
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property

from flask import g, has_app_context, has_request_context
from sqlalchemy import select

from app import signals
from app.extensions import db
from app.models import Version, VersionState
from app.models.content import FROZEN_STATES
from app.sla.document import build_document
from app.sla.sections import SECTION_KEYS, SECTIONS
from app.versions.frozen import frozen_document

CACHE_SIZE = 16
VERSION_NUMBER = re.compile(r"\d{1,6}\.\d{1,6}\.\d{1,6}", re.ASCII)


@dataclass(frozen=True)
class VersionRef:
    """The light columns of a published version (its bytes are loaded only when needed)."""
    id: int
    number: str | None
    sha256: str | None
    change: str | None
    published_at: object
    effective_from: object
    based_on_id: int | None


class PublishedDocument:
    """One parsed document with lookups by entry key."""

    def __init__(self, data: dict):
        self.data = data

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


_cache: "OrderedDict[str, PublishedDocument]" = OrderedDict()
_lock = threading.Lock()


def _remember(sha: str, document: PublishedDocument) -> PublishedDocument:
    with _lock:
        _cache[sha] = document
        _cache.move_to_end(sha)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return document


def document_for(ref) -> PublishedDocument:
    """The parsed document of a published version (a Version or a VersionRef)."""
    sha = ref.sha256
    with _lock:
        cached = _cache.get(sha) if sha else None
    if cached is not None:
        return cached
    if sha:
        return _remember(sha, PublishedDocument(frozen_document(ref)))
    # Published without frozen bytes (should not happen): built from the entries.
    return PublishedDocument(build_document(db.session.get(Version, ref.id)))


def ref_columns():
    return (Version.id, Version.number, Version.sha256, Version.change, Version.published_at,
            Version.effective_from, Version.based_on_id)


def published_versions() -> list[VersionRef]:
    """Every published version, oldest first, without their bytes."""
    rows = db.session.execute(select(*ref_columns()).where(Version.state.in_(FROZEN_STATES))
                              .order_by(Version.published_at, Version.id))
    return [VersionRef(*row) for row in rows]


CURRENT_IN_REQUEST = "accord_current_version_ref"


def current_version_ref() -> VersionRef | None:
    """The published version in force, without its bytes; None before the first publish.

    Asked once per request (the page, its glossary index check and its acknowledgement banner all
    want it); forgotten when the request ends or publishes."""
    if not has_request_context():
        return _read_current_ref()
    if CURRENT_IN_REQUEST not in g:
        setattr(g, CURRENT_IN_REQUEST, _read_current_ref())
    return g.get(CURRENT_IN_REQUEST)


def _read_current_ref() -> VersionRef | None:
    row = db.session.execute(select(*ref_columns()).where(Version.state == VersionState.PUBLISHED.value)).first()
    return VersionRef(*row) if row else None


def forget_current_ref(*_args, **_kwargs) -> None:
    """Receiver of the end of a request and of a publish: the next ask reads the database."""
    if has_app_context():
        g.pop(CURRENT_IN_REQUEST, None)


signals.version_published.connect(forget_current_ref)
signals.version_published_committed.connect(forget_current_ref)


def find_published(number: str | None) -> VersionRef | None:
    """A published (or superseded) version by its number, without its bytes."""
    if not number or not VERSION_NUMBER.fullmatch(number):
        return None
    row = db.session.execute(select(*ref_columns()).where(
        Version.state.in_(FROZEN_STATES), Version.number == number)).first()
    return VersionRef(*row) if row else None
