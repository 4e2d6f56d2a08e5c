"""lead data: leads and their events, unique per source; API tokens get scopes

Events are not partitioned on PostgreSQL. A month partition would need `occurred_at` in every
unique key, and the idempotency key is (source, source_event_id) alone: a re-sent event with a
corrected time must still be recognised. At the volumes a sales team produces (a million events a
year) the two indexes below keep adherence queries on index range scans; partitioning is the step
to take past about a hundred million rows, with the uniqueness moved to a side table.

Revision ID: 0012
Revises: 0011

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "leads",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("lead_type", sa.String(64)),
        sa.Column("owner", sa.String(254)),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("source", "external_id", name="uq_leads_source_external_id"),
    )
    op.create_table(
        "lead_events",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("lead_id", BIG_ID, sa.ForeignKey("leads.id", ondelete="CASCADE"), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("source_event_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("value", sa.String(64)),
        sa.Column("channel", sa.String(20)),
        sa.Column("outcome", sa.String(64)),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("source", "source_event_id", name="uq_lead_events_source_event"),
    )
    op.create_index("ix_lead_events_kind_value_occurred", "lead_events", ["kind", "value", "occurred_at"])
    op.create_index("ix_lead_events_lead_occurred", "lead_events", ["lead_id", "occurred_at"])
    op.add_column("api_tokens", sa.Column("scopes", sa.String(100), nullable=False, server_default="read"))


def downgrade():
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("scopes")
    op.drop_index("ix_lead_events_lead_occurred", table_name="lead_events")
    op.drop_index("ix_lead_events_kind_value_occurred", table_name="lead_events")
    op.drop_table("lead_events")
    op.drop_table("leads")
