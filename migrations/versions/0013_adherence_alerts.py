"""adherence alerts: a commitment at risk or missed in a period, recorded once per status

Revision ID: 0013
Revises: 0012

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "adherence_alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("commitment", sa.String(64), nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("actual", sa.Double()),
        sa.Column("target", sa.Double(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("commitment", "period", "status", name="uq_adherence_alerts_once"),
    )


def downgrade():
    op.drop_table("adherence_alerts")
