"""The glossary's search index: the terms of the current published version, in full-text form.

Rows are derived data kept in step with the current version's document (see app.glossary.index);
which version they hold is recorded once, in GlossarySearchState.
On PostgreSQL `search_vector` holds a weighted tsvector under a GIN index; on SQLite an FTS5
table (glossary_terms_fts, created by migration 0003) indexes the same rows.
"""
from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow

SEARCH_VECTOR_TYPE = Text().with_variant(TSVECTOR(), "postgresql")


class GlossaryTerm(db.Model):
    """One term of the indexed version, with the text that search matches and shows."""
    __tablename__ = "glossary_terms"
    __table_args__ = (
        UniqueConstraint("entry_key", name="uq_glossary_terms_entry_key"),
        Index("ix_glossary_terms_letter_sort", "letter", "sort_name"),
        Index("ix_glossary_terms_search_vector", "search_vector", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_key: Mapped[str] = mapped_column(String(64))
    section: Mapped[str] = mapped_column(String(40))
    team: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    sort_name: Mapped[str] = mapped_column(String(200))
    letter: Mapped[str] = mapped_column(String(1))
    synonyms: Mapped[str] = mapped_column(Text, default="")  # one per line, as written
    aliases: Mapped[str] = mapped_column(Text, default="")  # what search matches besides the name
    definition_text: Mapped[str] = mapped_column(Text, default="")  # the definition as plain text
    summary: Mapped[str] = mapped_column(Text, default="")  # its first sentence
    deprecated: Mapped[bool] = mapped_column(default=False)
    superseded_by: Mapped[str | None] = mapped_column(String(64))
    search_vector: Mapped[str | None] = mapped_column(SEARCH_VECTOR_TYPE, deferred=True)


class GlossarySearchState(db.Model):
    """Which version (and which bytes of it) the search index holds: a single row."""
    __tablename__ = "glossary_search_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int | None] = mapped_column()
    sha256: Mapped[str | None] = mapped_column(String(64))
    built_at: Mapped[datetime] = mapped_column(default=utcnow)
