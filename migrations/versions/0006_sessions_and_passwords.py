"""sessions and passwords: a session generation and a forced reset per user; login_attempts counts
per (account, address) pair and per address

users.session_generation is part of every session's and remember-me cookie's user id, so bumping
it revokes them; users.must_change_password makes the next sign-in choose a new password.
login_attempts changes from one row per failure to one counter row per (email, address), with
email '' for the address as a whole; the old rows are live counts only and are dropped.

Revision ID: 0006
Revises: 0005

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))

    op.execute(sa.text('DELETE FROM login_attempts'))
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_email_at')
        batch_op.drop_index('ix_login_attempts_address_at')
        batch_op.add_column(sa.Column('failures', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_unique_constraint('uq_login_attempts_email_address', ['email', 'address'])
        batch_op.create_index('ix_login_attempts_at', ['at'], unique=False)


def downgrade():
    op.execute(sa.text('DELETE FROM login_attempts'))
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_at')
        batch_op.drop_constraint('uq_login_attempts_email_address', type_='unique')
        batch_op.drop_column('failures')
        batch_op.create_index('ix_login_attempts_address_at', ['address', 'at'], unique=False)
        batch_op.create_index('ix_login_attempts_email_at', ['email', 'at'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('session_generation')
