"""entries carry translations of their prose into the SLA's other language

A nullable JSON column: existing entries have none, and ALTER TABLE … ADD COLUMN changes no row,
so the immutability triggers on the entries of published versions are neither fired nor dropped.

Revision ID: 0010
Revises: 0009

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("entries", sa.Column("translations", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("entries") as batch:
        batch.drop_column("translations")
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":  # the batch copy recreated the table without its triggers
        from app.models.immutability import create_immutability
        create_immutability(bind)
