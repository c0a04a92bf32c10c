"""proposals: indexes for the front page's lists

The front page lists the open proposals with the most signatures (electronic and paper)
first and, per state, those with the council with the earliest deadline; both read in index
order with a LIMIT, and the overdue are counted from the deadline index alone. Without them
each list sorted every open or submitted proposal (some 7 ms at the oslo scale).

ix_proposals_collecting is on an expression; autogenerate cannot compare it on SQLite, and
a batch migration that recreates ``proposals`` on SQLite must create it again
(tests/core/test_migrations.py checks that it exists at head).

Revision ID: 861df9e77b5f
Revises: 0be0b51ef4bf
Create Date: 2026-12-08 00:26:22.617737

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '861df9e77b5f'
down_revision = '0be0b51ef4bf'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_proposals_collecting',
        'proposals',
        ['state', sa.text('(signature_count + paper_count)'), 'id'],
        unique=False,
    )
    op.create_index(
        'ix_proposals_state_deadline', 'proposals', ['state', 'decision_due_on', 'id'], unique=False
    )


def downgrade():
    op.drop_index('ix_proposals_state_deadline', table_name='proposals')
    op.drop_index('ix_proposals_collecting', table_name='proposals')
