"""Keeping the glossary's search index in step with the current published version.

Publishing updates it inside its transaction (a receiver of `version_published`), deleting and
inserting only the terms that changed; any glossary request that finds it holding another version
than the current one (after an import, a restore, or a database filled by other means) rebuilds
it whole, so search never serves stale terms.
"""
import time
from typing import Callable

from flask import current_app, has_app_context
from sqlalchemy import bindparam, delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from app import text as thai_text
from app.config import current_ttl
from app.extensions import db
from app.glossary.models import GlossarySearchState, GlossaryTerm
from app.markdown import markdown_to_text
from app.models.base import utcnow
from app.versions.published import current_version_ref, document_for
from app.sla.autolink import first_sentence

STATE_ID = 1
FTS_TABLE = "glossary_terms_fts"
# Both indexes are given the text cut into words by app.text (Thai has no spaces between words).
PG_SEARCH_VECTOR = (
    "setweight(to_tsvector('simple', :name), 'A') || "
    "setweight(to_tsvector('simple', :aliases), 'B') || "
    "setweight(to_tsvector('simple', :definition_text), 'C')"
)
LOCK_KEY = 7_240_611  # any constant: serialises concurrent rebuilds on PostgreSQL


def sort_name(name: str) -> str:
    """The name's collation key (ICU `th`): its plain order is A–Z, then Thai dictionary order."""
    return thai_text.sort_key((name or "").strip(), 200)


def initial_letter(name: str) -> str:
    """The letter a name is listed under: A–Z, a Thai consonant (ก–ฮ), or # for anything else."""
    return thai_text.letter_group(name)


def term_row(section: str, entry: dict) -> dict:
    """One index row for an entry of a published document."""
    synonyms = [s.strip() for s in entry.get("synonyms") or [] if isinstance(s, str) and s.strip()]
    key_words = entry["key"].replace("-", " ").replace("_", " ")
    plain = markdown_to_text(entry.get("definition"))
    name = entry.get("name") or entry["key"]
    # The name, synonyms and definition in the other language are found too (app/sla/translations.py).
    translations = list((entry.get("translations") or {}).values())
    translated = [text for values in translations
                  for text in [values.get("name"), *(values.get("synonyms") or [])] if isinstance(text, str)]
    searched = "\n\n".join([plain, *(markdown_to_text(values.get("definition")) for values in translations
                                       if isinstance(values.get("definition"), str))])
    return {
        "entry_key": entry["key"], "section": section,
        "team": entry.get("team") or "", "name": name,
        "sort_name": sort_name(name), "letter": initial_letter(name),
        "synonyms": "\n".join(synonyms), "aliases": "\n".join([key_words, *synonyms, *translated]),
        "definition_text": searched, "summary": first_sentence(plain),
        "deprecated": bool(entry.get("deprecated")), "superseded_by": entry.get("superseded_by"),
    }


def _entries_by_key(sections: dict) -> dict[str, tuple[str, dict]]:
    return {entry["key"]: (section, entry) for section, entries in sections.items() for entry in entries}


def rebuild_search_index(version, sections: dict | None = None) -> int:
    """Replace the index with the terms of `version` (None empties it); the caller commits.

    `sections` is the version's document sections when the caller has them (publishing does)."""
    if _dialect() == "sqlite":
        db.session.execute(text(f"DELETE FROM {FTS_TABLE}"))
    db.session.execute(delete(GlossaryTerm))
    count = 0
    if version is not None:
        if sections is None:
            sections = document_for(version).sections
        count = _insert_terms(list(_entries_by_key(sections).values()))
    _record_state(version)
    return count


def update_search_index(version, sections: dict, previous) -> int:
    """Bring the index from `previous` (the version it holds) to `version`, writing only the terms
    that differ; returns how many were written. Anything else falls back to a whole rebuild."""
    state = _state()
    if previous is None or state is None or (state.version_id, state.sha256) != (previous.id, previous.sha256):
        return rebuild_search_index(version, sections)
    old, new = _entries_by_key(document_for(previous).sections), _entries_by_key(sections)
    stale = [key for key, item in old.items() if new.get(key) != item]
    fresh = [item for key, item in new.items() if old.get(key) != item]
    _delete_terms(stale)
    count = _insert_terms(fresh)
    _record_state(version, state)
    return count


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _delete_terms(keys: list[str]) -> None:
    for chunk in _chunks(keys):
        if _dialect() == "sqlite":
            db.session.execute(text(
                f"DELETE FROM {FTS_TABLE} WHERE rowid IN (SELECT id FROM glossary_terms WHERE entry_key IN :keys)")
                .bindparams(bindparam("keys", expanding=True)), {"keys": chunk})
        db.session.execute(delete(GlossaryTerm).where(GlossaryTerm.entry_key.in_(chunk)))


def _insert_terms(items: list[tuple[str, dict]]) -> int:
    """Index rows for these (section, entry) pairs, with their full-text entries."""
    if not items:
        return 0
    dialect = _dialect()
    before = db.session.scalar(select(func.coalesce(func.max(GlossaryTerm.id), 0)))
    rows = [term_row(section, entry) for section, entry in items]
    db.session.execute(insert(GlossaryTerm), rows)
    ids = dict(db.session.execute(select(GlossaryTerm.entry_key, GlossaryTerm.id).where(GlossaryTerm.id > before)).all())
    words = [{"id": ids[row["entry_key"]], **search_words(row)} for row in rows]
    if dialect == "postgresql":
        db.session.execute(text(f"UPDATE glossary_terms SET search_vector = {PG_SEARCH_VECTOR} WHERE id = :id"), words)
    elif dialect == "sqlite":
        db.session.execute(text(f"INSERT INTO {FTS_TABLE}(rowid, name, aliases, definition_text) "
                                "VALUES (:id, :name, :aliases, :definition_text)"), words)
    return len(items)


def search_words(row: dict) -> dict:
    """What the full-text index holds of a row: each field as lowercase words joined by spaces."""
    return {column: thai_text.search_text(row[column]) for column in ("name", "aliases", "definition_text")}


def _lock_index() -> None:
    """On PostgreSQL, one transaction at a time writes the index (until it ends)."""
    if _dialect() == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


def _state() -> GlossarySearchState | None:
    return db.session.get(GlossarySearchState, STATE_ID, populate_existing=True)


def _record_state(version, state: GlossarySearchState | None = None) -> None:
    state = state or _state()
    if state is None:
        state = GlossarySearchState(id=STATE_ID)
        db.session.add(state)
    state.version_id = getattr(version, "id", None)
    state.sha256 = getattr(version, "sha256", None)
    state.built_at = utcnow()
    db.session.flush()


def _index_is_current(current) -> bool:
    state = _state()
    if current is None:
        return state is None or state.version_id is None
    return state is not None and (state.version_id, state.sha256) == (current.id, current.sha256)


VERIFIED_KEY = "accord.glossary_index_verified"


def _trusted_check() -> tuple | None:
    """(version, deadline, facts) of this worker's last check of the index, while it is trusted:
    for ACCORD_CURRENT_TTL seconds, as the current version is in the API. Only a publish changes
    what the index holds, and it does so in its own transaction, so search stays right meanwhile;
    what a trusted check may lag (by at most the TTL) is the version number shown with it, facts
    read from the index, and an import or restore done behind a running server."""
    seen = current_app.extensions.get(VERIFIED_KEY)
    return seen if seen is not None and time.monotonic() < seen[1] else None


def _remember_verified(current) -> None:
    ttl = current_ttl()
    if ttl > 0:
        current_app.extensions[VERIFIED_KEY] = (current, time.monotonic() + ttl, {})


def forget_verified(*_args, **_kwargs) -> None:
    """Receiver of version_published_committed: the worker that publishes checks again at once."""
    if has_app_context():
        current_app.extensions.pop(VERIFIED_KEY, None)

def index_fact(key, read: Callable[[], object]):
    """A fact read from the index (letter counts, owning teams), remembered only while this worker
    trusts its check of the index: read afresh after each check."""
    trusted = _trusted_check()
    if trusted is None:
        return read()
    facts = trusted[2]
    if key not in facts:
        facts[key] = read()
    return facts[key]


def ensure_search_index():
    """The current version (or None), after making sure the index holds exactly its terms."""
    trusted = _trusted_check()
    if trusted is not None:
        return trusted[0]
    current = current_version_ref()
    if _index_is_current(current):
        _remember_verified(current)
        return current
    try:
        _lock_index()
        if not _index_is_current(current):
            rebuild_search_index(current)
        db.session.commit()
        _remember_verified(current)
    except (IntegrityError, OperationalError):
        # Another worker rebuilt it at the same moment; its index is as good as ours.
        db.session.rollback()
    return current


def index_published_version(sender, sections: dict | None = None, previous=None, **_extra) -> None:
    """Index the version being published, inside its publishing transaction: only the terms that
    changed since the version it supersedes, when the index holds that one."""
    _lock_index()
    if sections is None:
        rebuild_search_index(sender)
    else:
        update_search_index(sender, sections, previous)
