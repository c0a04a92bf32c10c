"""brukerpanel: members, sub-panels, surveys, questions, anonymous responses and answers,
follow-up; population shares in the settings for the lottery

The response, answer and participation tables have no link between them and (on SQLite) no
rowid: see app/panel/models.py. The new settings columns get "{}" for the existing row.

Revision ID: d1242ae2d3fe
Revises: 06a16a8ca68e
Create Date: 2026-11-23 19:13:02.570375

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1242ae2d3fe'
down_revision = '06a16a8ca68e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('subpanels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subpanels'))
    )
    op.create_table('panel_members',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('area', sa.String(length=80), nullable=True),
    sa.Column('user_groups', sa.JSON(), nullable=False),
    sa.CheckConstraint('birth_year IS NULL OR (birth_year >= 1900 AND birth_year <= 2100)', name=op.f('ck_panel_members_birth_year_range')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_panel_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_panel_members'))
    )
    op.create_table('subpanel_members',
    sa.Column('subpanel_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['subpanel_id'], ['subpanels.id'], name=op.f('fk_subpanel_members_subpanel_id_subpanels'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_subpanel_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('subpanel_id', 'user_id', name=op.f('pk_subpanel_members'))
    )
    with op.batch_alter_table('subpanel_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subpanel_members_user_id'), ['user_id'], unique=False)

    op.create_table('surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('intro', sa.Text(), nullable=False),
    sa.Column('audience', sa.Enum('panel', 'subpanel', 'residents', name='audience', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('subpanel_id', sa.Integer(), nullable=True),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('results_public', sa.Boolean(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('previous_round_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('closes_on >= opens_on', name=op.f('ck_surveys_dates_in_order')),
    sa.ForeignKeyConstraint(['previous_round_id'], ['surveys.id'], name=op.f('fk_surveys_previous_round_id_surveys'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subpanel_id'], ['subpanels.id'], name=op.f('fk_surveys_subpanel_id_subpanels'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys'))
    )
    op.create_table('survey_followups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.String(length=500), nullable=False),
    sa.Column('owner', sa.String(length=120), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'in_progress', 'done', name='followupstatus', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_followups_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_followups'))
    )
    with op.batch_alter_table('survey_followups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_followups_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_participations',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_participations_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_survey_participations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'user_id', name=op.f('pk_survey_participations')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('survey_participations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_participations_user_id'), ['user_id'], unique=False)

    op.create_table('survey_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('lineage', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.Enum('scale6', 'single', 'multi', 'text', 'number', name='questionkind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('low_label', sa.String(length=80), nullable=True),
    sa.Column('high_label', sa.String(length=80), nullable=True),
    sa.Column('min_value', sa.Integer(), nullable=True),
    sa.Column('max_value', sa.Integer(), nullable=True),
    sa.Column('dimension', sa.String(length=80), nullable=True),
    sa.Column('focus_area', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_questions_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_questions'))
    )
    with op.batch_alter_table('survey_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_questions_lineage'), ['lineage'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_questions_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_responses',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('age_band', sa.String(length=10), nullable=True),
    sa.Column('area', sa.String(length=80), nullable=True),
    sa.Column('user_groups_mask', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_responses_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_responses_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_answers',
    sa.Column('response_id', sa.String(length=32), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value_int', sa.BigInteger(), nullable=True),
    sa.Column('value_text', sa.Text(), nullable=True),
    sa.Column('dont_know', sa.Boolean(), nullable=False),
    sa.Column('age_band', sa.String(length=10), nullable=True),
    sa.Column('area', sa.String(length=80), nullable=True),
    sa.Column('user_groups_mask', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'], name=op.f('fk_survey_answers_question_id_survey_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'], name=op.f('fk_survey_answers_response_id_survey_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'question_id', name=op.f('pk_survey_answers')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.create_index('ix_survey_answers_question', ['question_id', 'value_int', 'dont_know'], unique=False)
        batch_op.create_index('ix_survey_answers_age', ['question_id', 'age_band', 'value_int'], unique=False)
        batch_op.create_index('ix_survey_answers_area', ['question_id', 'area', 'value_int'], unique=False)
        batch_op.create_index('ix_survey_answers_groups', ['question_id', 'user_groups_mask', 'value_int'], unique=False)

    op.create_table('survey_result_cache',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('participations', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_result_cache_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', name=op.f('pk_survey_result_cache'))
    )
    with op.batch_alter_table('municipality_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('age_shares', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.add_column(sa.Column('area_shares', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))



def downgrade():
    op.drop_table('survey_result_cache')
    with op.batch_alter_table('municipality_settings', schema=None) as batch_op:
        batch_op.drop_column('area_shares')
        batch_op.drop_column('age_shares')

    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_answers_groups')
        batch_op.drop_index('ix_survey_answers_area')
        batch_op.drop_index('ix_survey_answers_age')
        batch_op.drop_index('ix_survey_answers_question')

    op.drop_table('survey_answers')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_responses_survey_id'))

    op.drop_table('survey_responses')
    with op.batch_alter_table('survey_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_questions_survey_id'))
        batch_op.drop_index(batch_op.f('ix_survey_questions_lineage'))

    op.drop_table('survey_questions')
    with op.batch_alter_table('survey_participations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_participations_user_id'))

    op.drop_table('survey_participations')
    with op.batch_alter_table('survey_followups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_followups_survey_id'))

    op.drop_table('survey_followups')
    op.drop_table('surveys')
    with op.batch_alter_table('subpanel_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subpanel_members_user_id'))

    op.drop_table('subpanel_members')
    op.drop_table('panel_members')
    op.drop_table('subpanels')
