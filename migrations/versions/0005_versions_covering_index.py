"""versions: one covering index for lookups by state, so the document blob is never walked

SQLite stores a version's document inline; sha256 and sent_back_reason come after it in the row,
so reading them walked every overflow page of the document (about 2 ms per request for a
10,000-term agreement). An index holding every light column that lookups by state read answers
those queries without touching the row. It replaces ix_versions_state (its first column).

Revision ID: 0005
Revises: 0004

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

COLUMNS = ['state', 'published_at', 'id', 'number', 'sha256', 'change', 'effective_from', 'based_on_id']


def upgrade():
    op.create_index('ix_versions_state_refs', 'versions', COLUMNS, unique=False)
    op.drop_index('ix_versions_state', table_name='versions')


def downgrade():
    op.create_index('ix_versions_state', 'versions', ['state'], unique=False)
    op.drop_index('ix_versions_state_refs', table_name='versions')
