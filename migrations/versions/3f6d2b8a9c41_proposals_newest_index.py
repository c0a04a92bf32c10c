"""proposals: an index for the list's default order (newest opened first), so a page of the
list reads twenty rows in index order instead of sorting every public proposal, and the
count of public proposals reads the index alone

Revision ID: 3f6d2b8a9c41
Revises: 59c615b129f7
Create Date: 2026-12-02 01:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3f6d2b8a9c41'
down_revision = '59c615b129f7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index('ix_proposals_newest', ['opened_at', 'id', 'state'], unique=False)


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index('ix_proposals_newest')
