"""job_runs: one row per period's run of a once-a-period job (the weekly digest)

With more than one scheduler running (a misconfigured second worker host), each would send
Monday's deadline digest; the first to insert (name, period) now does, the other finds the
row taken.

Revision ID: 3c6d1f0a9e27
Revises: 5b7e2c9d4a10
Create Date: 2026-12-04 20:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c6d1f0a9e27'
down_revision = '5b7e2c9d4a10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_runs',
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('period', sa.String(length=20), nullable=False),
        sa.Column('ran_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', 'period', name=op.f('pk_job_runs')),
    )


def downgrade():
    op.drop_table('job_runs')
