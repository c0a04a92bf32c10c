"""proposal follows: users who want mail when a proposal is submitted and decided

Revision ID: 06a16a8ca68e
Revises: ce30e0d2c593
Create Date: 2026-11-23 18:40:27.262947

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '06a16a8ca68e'
down_revision = 'ce30e0d2c593'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('proposal_follows',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_follows_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_proposal_follows_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', 'user_id', name=op.f('pk_proposal_follows'))
    )
    with op.batch_alter_table('proposal_follows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_follows_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('proposal_follows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_follows_user_id'))

    op.drop_table('proposal_follows')
