"""proposals: version, raised by every change of the text a signer reads

The sign form carries the version its page showed; a signature of another version is
refused (security review, issue 16, finding 11). Existing proposals start at 1. A plain
ADD COLUMN on SQLite too (no table copy), so the full-text triggers on proposals stay.

Revision ID: e4c3d9ed048c
Revises: 955451567b9a
Create Date: 2026-12-04 20:05:06.495864

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4c3d9ed048c'
down_revision = '955451567b9a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    # Not in batch mode: SQLite (3.35 and later) drops the column in place, where a batch
    # would copy the table and lose its full-text triggers
    op.drop_column('proposals', 'version')
