"""Keeping the glossary's search index in step with the current published version.

The index is rebuilt inside the publishing transaction (a receiver of `version_published`), and
by any glossary request that finds it holding another version than the current one (after an
import, a restore, or a database filled by other means), so search never serves stale terms.
"""
import unicodedata

from sqlalchemy import delete, insert, text
from sqlalchemy.exc import IntegrityError, OperationalError

from app.extensions import db
from app.glossary.models import GlossarySearchState, GlossaryTerm
from app.models.base import utcnow
from app.reading.documents import current_version_ref, document_for
from app.signals import version_published
from app.sla.autolink import first_sentence, markdown_to_text

STATE_ID = 1
FTS_TABLE = "glossary_terms_fts"
PG_SEARCH_VECTOR = (
    "setweight(to_tsvector('simple', name), 'A') || "
    "setweight(to_tsvector('simple', aliases), 'B') || "
    "setweight(to_tsvector('simple', definition_text), 'C')"
)
LOCK_KEY = 7_240_611  # any constant: serialises concurrent rebuilds on PostgreSQL


def sort_name(name: str) -> str:
    """The name folded for A–Z order: accents stripped, case folded."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()[:200]


def initial_letter(folded_name: str) -> str:
    """The letter a name is listed under: A–Z, or # for anything else."""
    first = folded_name[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def term_row(version_id: int, section: str, entry: dict) -> dict:
    """One index row for an entry of a published document."""
    synonyms = [s.strip() for s in entry.get("synonyms") or [] if isinstance(s, str) and s.strip()]
    key_words = entry["key"].replace("-", " ").replace("_", " ")
    plain = markdown_to_text(entry.get("definition"))
    folded = sort_name(entry.get("name") or entry["key"])
    return {
        "version_id": version_id, "entry_key": entry["key"], "section": section,
        "team": entry.get("team") or "", "name": entry.get("name") or entry["key"],
        "sort_name": folded, "letter": initial_letter(folded),
        "synonyms": "\n".join(synonyms), "aliases": "\n".join([key_words, *synonyms]),
        "definition_text": plain, "summary": first_sentence(plain),
        "deprecated": bool(entry.get("deprecated")), "superseded_by": entry.get("superseded_by"),
    }


def rebuild_search_index(version) -> int:
    """Replace the index with the terms of `version` (None empties it); the caller commits."""
    db.session.execute(delete(GlossaryTerm))
    rows = []
    if version is not None:
        document = document_for(version)
        rows = [term_row(version.id, section, entry) for section, entry in document.entries.values()]
    if rows:
        db.session.execute(insert(GlossaryTerm), rows)
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        db.session.execute(text(f"UPDATE glossary_terms SET search_vector = {PG_SEARCH_VECTOR}"))
    elif dialect == "sqlite":
        db.session.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))
    state = db.session.get(GlossarySearchState, STATE_ID)
    if state is None:
        state = GlossarySearchState(id=STATE_ID)
        db.session.add(state)
    state.version_id = getattr(version, "id", None)
    state.sha256 = getattr(version, "sha256", None)
    state.built_at = utcnow()
    db.session.flush()
    return len(rows)


def _index_is_current(current) -> bool:
    state = db.session.get(GlossarySearchState, STATE_ID, populate_existing=True)
    if current is None:
        return state is None or state.version_id is None
    return state is not None and (state.version_id, state.sha256) == (current.id, current.sha256)


def ensure_search_index():
    """The current version (or None), after making sure the index holds exactly its terms."""
    current = current_version_ref()
    if _index_is_current(current):
        return current
    try:
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        if not _index_is_current(current):
            rebuild_search_index(current)
        db.session.commit()
    except (IntegrityError, OperationalError):
        # Another worker rebuilt it at the same moment; its index is as good as ours.
        db.session.rollback()
    return current


@version_published.connect
def index_published_version(sender, **_extra) -> None:
    """Index the version being published, inside its publishing transaction."""
    rebuild_search_index(sender)
