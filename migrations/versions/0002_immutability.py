"""immutability: published versions, their entries and the audit log cannot change

Revision ID: 0002
Revises: 0001

"""
from alembic import op

from app.models.immutability import create_immutability, drop_immutability

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    create_immutability(op.get_bind())


def downgrade():
    drop_immutability(op.get_bind())
