"""one signature per person: a trigger refuses a second approval by the same person on a version
in review; an index for counting a person's recent comments

Approvals that already break the rule on a version still in review are dropped (the earliest of
each person's stays), so that team shows as pending again. Signatures on published versions are
history and are left as they are.

Revision ID: 0007
Revises: 0006

"""
from alembic import op

from app.models.review import create_signature_guard, drop_signature_guard

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""
        DELETE FROM approvals WHERE id IN (
            SELECT later.id FROM approvals AS later JOIN versions ON versions.id = later.version_id
            WHERE versions.state = 'in_review' AND EXISTS (
                SELECT 1 FROM approvals AS earlier WHERE earlier.version_id = later.version_id
                AND earlier.user_id = later.user_id AND earlier.id < later.id))
    """)
    create_signature_guard(op.get_bind())
    op.create_index('ix_comments_author_created', 'comments', ['author_id', 'created_at'], unique=False)


def downgrade():
    op.drop_index('ix_comments_author_created', table_name='comments')
    drop_signature_guard(op.get_bind())
