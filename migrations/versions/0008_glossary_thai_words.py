"""glossary search index holds text cut into words: Thai is searchable by word

The FTS5 table (SQLite) now stores its own text, already cut into words by app.text and joined by
spaces, and keeps Thai vowel and tone marks inside words (unicode61 treated them as separators,
cutting ผู้ซื้อ into ผ, ซ, อ). On PostgreSQL the tsvector is built from the same words. The rows
are derived data: they are emptied here and rebuilt by the first glossary request
(app.glossary.index.ensure_search_index).

Revision ID: 0008
Revises: 0007

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

FTS_TABLE = "glossary_terms_fts"
# Thai vowel and tone marks (as app.text.THAI_MARKS), written out: a migration never changes.
THAI_MARKS = "\u0E31\u0E34\u0E35\u0E36\u0E37\u0E38\u0E39\u0E3A\u0E47\u0E48\u0E49\u0E4A\u0E4B\u0E4C\u0E4D\u0E4E"


def _empty_index():
    op.execute("DELETE FROM glossary_terms")
    op.execute("DELETE FROM glossary_search_state")


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        op.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
            "name, aliases, definition_text, "
            f"tokenize=\"unicode61 remove_diacritics 2 tokenchars '{THAI_MARKS}'\", prefix='2 3')"
        )
    _empty_index()


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        op.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
            "name, aliases, definition_text, content='glossary_terms', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
        )
    _empty_index()
