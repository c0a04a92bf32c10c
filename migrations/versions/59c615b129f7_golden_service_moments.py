"""golden service moments: nominations (confirmed by mail, moderated with the employee's
consent to publication), one winner per month (a unique constraint on moment_winners.month),
and ukas servicerefleksjon (a prompt per ISO week, one record per unit)

Revision ID: 59c615b129f7
Revises: a7c1551c189e
Create Date: 2026-12-01 19:25:30.777986

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '59c615b129f7'
down_revision = 'a7c1551c189e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('moment_reflection_prompts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('prompt', sa.String(length=1000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_moment_reflection_prompts_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moment_reflection_prompts')),
    sa.UniqueConstraint('week_start', name=op.f('uq_moment_reflection_prompts_week_start'))
    )
    op.create_table('moment_nominations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('employee_name', sa.String(length=120), nullable=True),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('story', sa.Text(), nullable=False),
    sa.Column('nominator_name', sa.String(length=120), nullable=True),
    sa.Column('nominator_email', sa.String(length=254), nullable=True),
    sa.Column('nominator_id', sa.Integer(), nullable=True),
    sa.Column('may_contact', sa.Boolean(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('state', sa.Enum('unconfirmed', 'pending', 'approved', 'rejected', name='nominationstate', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('name_consent', sa.Boolean(), nullable=False),
    sa.Column('month', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('moderated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('moderated_by_id', sa.Integer(), nullable=True),
    sa.Column('rejection_reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['moderated_by_id'], ['users.id'], name=op.f('fk_moment_nominations_moderated_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['nominator_id'], ['users.id'], name=op.f('fk_moment_nominations_nominator_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_moment_nominations_unit_id_units'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moment_nominations'))
    )
    # The gallery's counts per unit and month read only the (state, month, unit_id) index
    with op.batch_alter_table('moment_nominations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moment_nominations_nominator_email'), ['nominator_email'], unique=False)
        batch_op.create_index(batch_op.f('ix_moment_nominations_nominator_id'), ['nominator_id'], unique=False)
        batch_op.create_index('ix_moment_nominations_state_month_unit', ['state', 'month', 'unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moment_nominations_unit_id'), ['unit_id'], unique=False)

    op.create_table('moment_reflections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('prompt_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('learning', sa.String(length=500), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['prompt_id'], ['moment_reflection_prompts.id'], name=op.f('fk_moment_reflections_prompt_id_moment_reflection_prompts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_moment_reflections_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_moment_reflections_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moment_reflections')),
    sa.UniqueConstraint('prompt_id', 'unit_id', name=op.f('uq_moment_reflections_prompt_id_unit_id'))
    )
    with op.batch_alter_table('moment_reflections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moment_reflections_recorded_by_id'), ['recorded_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moment_reflections_unit_id'), ['unit_id'], unique=False)

    op.create_table('moment_winners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('citation', sa.String(length=500), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['nomination_id'], ['moment_nominations.id'], name=op.f('fk_moment_winners_nomination_id_moment_nominations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_moment_winners_published_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moment_winners')),
    sa.UniqueConstraint('month', name=op.f('uq_moment_winners_month')),
    sa.UniqueConstraint('nomination_id', name=op.f('uq_moment_winners_nomination_id'))
    )


def downgrade():
    op.drop_table('moment_winners')
    with op.batch_alter_table('moment_reflections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moment_reflections_unit_id'))
        batch_op.drop_index(batch_op.f('ix_moment_reflections_recorded_by_id'))

    op.drop_table('moment_reflections')
    with op.batch_alter_table('moment_nominations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moment_nominations_unit_id'))
        batch_op.drop_index('ix_moment_nominations_state_month_unit')
        batch_op.drop_index(batch_op.f('ix_moment_nominations_nominator_id'))
        batch_op.drop_index(batch_op.f('ix_moment_nominations_nominator_email'))

    op.drop_table('moment_nominations')
    op.drop_table('moment_reflection_prompts')
