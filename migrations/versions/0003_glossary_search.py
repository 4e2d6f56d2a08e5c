"""glossary search index: terms of the current version, with a full-text index

On PostgreSQL a weighted tsvector column under a GIN index; on SQLite an FTS5 table over the
same rows (external content). The rows are filled when a version is published, or on the first
glossary request that finds the index behind the current version.

Revision ID: 0003
Revises: 0002

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

FTS_TABLE = "glossary_terms_fts"


def upgrade():
    op.create_table(
        'glossary_terms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('entry_key', sa.String(length=64), nullable=False),
        sa.Column('section', sa.String(length=40), nullable=False),
        sa.Column('team', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('sort_name', sa.String(length=200), nullable=False),
        sa.Column('letter', sa.String(length=1), nullable=False),
        sa.Column('synonyms', sa.Text(), nullable=False),
        sa.Column('aliases', sa.Text(), nullable=False),
        sa.Column('definition_text', sa.Text(), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('deprecated', sa.Boolean(), nullable=False),
        sa.Column('superseded_by', sa.String(length=64), nullable=True),
        sa.Column('search_vector', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'),
                  nullable=True),
        sa.ForeignKeyConstraint(['version_id'], ['versions.id'],
                                name=op.f('fk_glossary_terms_version_id_versions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_glossary_terms')),
        sa.UniqueConstraint('version_id', 'entry_key', name='uq_glossary_terms_version_id'),
    )
    with op.batch_alter_table('glossary_terms', schema=None) as batch_op:
        batch_op.create_index('ix_glossary_terms_version_sort', ['version_id', 'sort_name'], unique=False)
        batch_op.create_index('ix_glossary_terms_search_vector', ['search_vector'], unique=False,
                              postgresql_using='gin')

    op.create_table(
        'glossary_search_state',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('built_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_glossary_search_state')),
    )

    if op.get_bind().dialect.name == 'sqlite':
        # Column names must match the content table's: FTS5 reads them from it on 'rebuild'.
        op.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
            "name, aliases, definition_text, content='glossary_terms', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
        )


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    op.drop_table('glossary_search_state')
    with op.batch_alter_table('glossary_terms', schema=None) as batch_op:
        batch_op.drop_index('ix_glossary_terms_search_vector', postgresql_using='gin')
        batch_op.drop_index('ix_glossary_terms_version_sort')
    op.drop_table('glossary_terms')
