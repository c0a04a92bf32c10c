"""compass: each measure's log indexed by (measure, day, id), so an area page's latest three
entries per measure are read in index order instead of sorting every entry of its measures;
it replaces the index on measure_id alone, which it starts with

Revision ID: 9ee371325eed
Revises: d519fc6476cb
Create Date: 2026-12-04 21:50:08.603313

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9ee371325eed'
down_revision = 'd519fc6476cb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('compass_measure_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compass_measure_updates_measure_id'))
        batch_op.create_index('ix_compass_measure_updates_log', ['measure_id', 'noted_on', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('compass_measure_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_compass_measure_updates_log')
        batch_op.create_index(batch_op.f('ix_compass_measure_updates_measure_id'), ['measure_id'], unique=False)
