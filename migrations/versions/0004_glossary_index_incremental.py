"""glossary index rows no longer name their version: publishing updates only the changed terms

The index holds one version's terms, recorded in glossary_search_state; dropping version_id from
each row lets a publish delete and insert only the entries that changed instead of rewriting
every row. The rows are derived data: they are emptied here and rebuilt by the first glossary
request (app.glossary.index.ensure_search_index).

Revision ID: 0004
Revises: 0003

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

FTS_TABLE = "glossary_terms_fts"


def _empty_index():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
    op.execute("DELETE FROM glossary_terms")
    op.execute("DELETE FROM glossary_search_state")


def upgrade():
    _empty_index()
    with op.batch_alter_table('glossary_terms', schema=None) as batch_op:
        batch_op.drop_index('ix_glossary_terms_version_sort')
        batch_op.drop_constraint('uq_glossary_terms_version_id', type_='unique')
        batch_op.drop_constraint('fk_glossary_terms_version_id_versions', type_='foreignkey')
        batch_op.drop_column('version_id')
        batch_op.create_unique_constraint('uq_glossary_terms_entry_key', ['entry_key'])
        batch_op.create_index('ix_glossary_terms_letter_sort', ['letter', 'sort_name'], unique=False)


def downgrade():
    _empty_index()
    with op.batch_alter_table('glossary_terms', schema=None) as batch_op:
        batch_op.drop_index('ix_glossary_terms_letter_sort')
        batch_op.drop_constraint('uq_glossary_terms_entry_key', type_='unique')
        batch_op.add_column(sa.Column('version_id', sa.Integer(), nullable=False))
        batch_op.create_foreign_key('fk_glossary_terms_version_id_versions', 'versions', ['version_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_unique_constraint('uq_glossary_terms_version_id', ['version_id', 'entry_key'])
        batch_op.create_index('ix_glossary_terms_version_sort', ['version_id', 'sort_name'], unique=False)
