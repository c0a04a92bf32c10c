"""kompass: evaluations with per-area scores (an unpublished score has no row), the
target, sub-strategies with measures and their dated log, and monthly indicator snapshots
(one value per key and month)

Revision ID: 17f9e38a6b0d
Revises: c308257f2e93
Create Date: 2026-12-01 19:28:48.630687

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '17f9e38a6b0d'
down_revision = 'c308257f2e93'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('compass_evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('evaluator', sa.String(length=200), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('source_url', sa.String(length=500), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('national_average', sa.Integer(), nullable=True),
    sa.Column('group_average', sa.Integer(), nullable=True),
    sa.Column('best_municipality', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('best_municipality IS NULL OR best_municipality BETWEEN 0 AND 800', name=op.f('ck_compass_evaluations_best_municipality_range')),
    sa.CheckConstraint('group_average IS NULL OR group_average BETWEEN 0 AND 800', name=op.f('ck_compass_evaluations_group_average_range')),
    sa.CheckConstraint('national_average IS NULL OR national_average BETWEEN 0 AND 800', name=op.f('ck_compass_evaluations_national_average_range')),
    sa.CheckConstraint('total BETWEEN 0 AND 800', name=op.f('ck_compass_evaluations_total_range')),
    sa.CheckConstraint('year BETWEEN 1990 AND 2100', name=op.f('ck_compass_evaluations_year_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compass_evaluations')),
    sa.UniqueConstraint('year', name=op.f('uq_compass_evaluations_year'))
    )
    op.create_table('compass_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('focus_area', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('value', sa.Double(), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('direction', sa.String(length=20), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('focus_area BETWEEN 1 AND 8', name=op.f('ck_compass_snapshots_focus_area_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compass_snapshots')),
    sa.UniqueConstraint('key', 'month', name=op.f('uq_compass_snapshots_key_month'))
    )
    with op.batch_alter_table('compass_snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compass_snapshots_month'), ['month'], unique=False)

    op.create_table('compass_strategies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compass_strategies'))
    )
    op.create_table('compass_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score BETWEEN 0 AND 800', name=op.f('ck_compass_targets_score_range')),
    sa.CheckConstraint('year BETWEEN 1990 AND 2100', name=op.f('ck_compass_targets_year_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compass_targets'))
    )
    op.create_table('compass_area_scores',
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('area', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.CheckConstraint('area BETWEEN 1 AND 8', name=op.f('ck_compass_area_scores_area_range')),
    sa.CheckConstraint('score BETWEEN 0 AND 100', name=op.f('ck_compass_area_scores_score_range')),
    sa.ForeignKeyConstraint(['evaluation_id'], ['compass_evaluations.id'], name=op.f('fk_compass_area_scores_evaluation_id_compass_evaluations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('evaluation_id', 'area', name=op.f('pk_compass_area_scores'))
    )
    op.create_table('compass_measures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('strategy_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('focus_areas', sa.JSON(), nullable=False),
    sa.Column('owner', sa.String(length=120), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'in_progress', 'done', 'cancelled', name='measurestatus', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('progress BETWEEN 0 AND 100', name=op.f('ck_compass_measures_progress_range')),
    sa.ForeignKeyConstraint(['strategy_id'], ['compass_strategies.id'], name=op.f('fk_compass_measures_strategy_id_compass_strategies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compass_measures'))
    )
    with op.batch_alter_table('compass_measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compass_measures_strategy_id'), ['strategy_id'], unique=False)

    op.create_table('compass_measure_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('noted_on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('planned', 'in_progress', 'done', 'cancelled', name='measurestatus', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('progress BETWEEN 0 AND 100', name=op.f('ck_compass_measure_updates_progress_range')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_compass_measure_updates_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['measure_id'], ['compass_measures.id'], name=op.f('fk_compass_measure_updates_measure_id_compass_measures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compass_measure_updates'))
    )
    with op.batch_alter_table('compass_measure_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compass_measure_updates_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_compass_measure_updates_measure_id'), ['measure_id'], unique=False)



def downgrade():
    with op.batch_alter_table('compass_measure_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compass_measure_updates_measure_id'))
        batch_op.drop_index(batch_op.f('ix_compass_measure_updates_author_id'))

    op.drop_table('compass_measure_updates')
    with op.batch_alter_table('compass_measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compass_measures_strategy_id'))

    op.drop_table('compass_measures')
    op.drop_table('compass_area_scores')
    op.drop_table('compass_targets')
    op.drop_table('compass_strategies')
    with op.batch_alter_table('compass_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compass_snapshots_month'))

    op.drop_table('compass_snapshots')
    op.drop_table('compass_evaluations')
