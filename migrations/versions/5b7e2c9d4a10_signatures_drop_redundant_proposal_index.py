"""signatures: drop ix_signatures_proposal_id, which the unique (proposal_id, user_id) covers

The unique constraint's index starts with proposal_id, so every lookup by proposal can use
it; the separate index on proposal_id alone only made each signature write one more B-tree
(on SQLite, inside the write lock every other signer waits for).

Revision ID: 5b7e2c9d4a10
Revises: 18e808a63cbb
Create Date: 2026-12-02 16:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5b7e2c9d4a10'
down_revision = '18e808a63cbb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.drop_index('ix_signatures_proposal_id')


def downgrade():
    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.create_index('ix_signatures_proposal_id', ['proposal_id'], unique=False)
