"""lead statuses are ordered (document schema 2): number those of open versions

Schema 2 of the document adds sections and fields, all stored in the entries' JSON columns, so no
column changes. Lead statuses become an ordered section: the statuses of drafts and versions in
review get positions 1, 2, 3 … in the order readers saw them (by name), so an editor can move them.
Published versions are untouched: their frozen bytes are what tools read, and their entries are
protected by the immutability triggers.

Revision ID: 0011
Revises: 0010

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

OPEN_STATES = ("draft", "in_review")


def upgrade():
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT e.id, e.version_id FROM entries e JOIN versions v ON v.id = e.version_id "
        "WHERE e.section = 'lead_statuses' AND v.state IN ('draft', 'in_review') "
        "ORDER BY e.version_id, lower(e.name), e.key")).all()
    positions: dict[int, int] = {}
    for entry_id, version_id in rows:
        positions[version_id] = positions.get(version_id, 0) + 1
        bind.execute(sa.text("UPDATE entries SET position = :position WHERE id = :id"),
                     {"position": positions[version_id], "id": entry_id})


def downgrade():
    pass  # positions of an unordered section are ignored by schema 1
