"""proposals: an index on updated_at, for the API list's Last-Modified

/api/v1/proposals tells when a listed proposal last changed: max(updated_at) over the
listed proposals, which read every row of the table (10 ms on SQLite, 12 ms on PostgreSQL
at the oslo scale). With the index both read its last entries. Created outside a batch, so
SQLite keeps the table (and its full-text triggers) as it is.

Revision ID: b3f9d7c2e1a4
Revises: 7a1e5c3b9d20
Create Date: 2026-12-04 22:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b3f9d7c2e1a4'
down_revision = '7a1e5c3b9d20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_proposals_updated_at', 'proposals', ['updated_at'], unique=False)


def downgrade():
    op.drop_index('ix_proposals_updated_at', table_name='proposals')
