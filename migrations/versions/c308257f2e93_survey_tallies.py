"""survey tallies: results are counted from survey_tallies (per question: the answers per
value overall and within each group of each breakdown), kept in the same transaction as the
answers, instead of aggregating every answer on each view; the per-survey result cache and the
answers' breakdown indexes are no longer needed

Existing answers are counted into the tallies here, with the service user groups as they were
configured when this migration was written (bit i of user_groups_mask: GROUP_KEYS[i]).

Revision ID: c308257f2e93
Revises: 5c12dbf52f43
Create Date: 2026-12-01 19:25:11.590276

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c308257f2e93'
down_revision = '5c12dbf52f43'
branch_labels = None
depends_on = None

GROUP_KEYS = ["barnehage", "skole", "helse_omsorg", "byggesak", "kultur"]
VALUE = "COALESCE(value_int, 0)"


def _count(breakdown, group, where="1 = 1", extra_key=""):
    op.execute(
        "INSERT INTO survey_tallies "
        "(question_id, breakdown, group_key, value_int, dont_know, count) "
        f"SELECT question_id, '{breakdown}', {group}, {VALUE}, dont_know, COUNT(*) "
        f"FROM survey_answers WHERE {where} "
        f"GROUP BY question_id, {VALUE}, dont_know{extra_key}"
    )


def upgrade():
    op.create_table('survey_tallies',
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('breakdown', sa.String(length=12), nullable=False),
    sa.Column('group_key', sa.String(length=80), nullable=False),
    sa.Column('value_int', sa.BigInteger(), nullable=False),
    sa.Column('dont_know', sa.Boolean(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'], name=op.f('fk_survey_tallies_question_id_survey_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_id', 'breakdown', 'group_key', 'value_int', 'dont_know', name=op.f('pk_survey_tallies')),
    sqlite_with_rowid=False
    )
    _count("", "''")
    _count("age_band", "age_band", "age_band IS NOT NULL", ", age_band")
    _count("area", "area", "area IS NOT NULL", ", area")
    for bit, key in enumerate(GROUP_KEYS):
        _count("user_groups", f"'{key}'", f"(user_groups_mask & {1 << bit}) != 0")
    op.drop_table('survey_result_cache')
    op.drop_index('ix_survey_answers_age', table_name='survey_answers')
    op.drop_index('ix_survey_answers_area', table_name='survey_answers')
    op.drop_index('ix_survey_answers_groups', table_name='survey_answers')


def downgrade():
    op.create_index('ix_survey_answers_groups', 'survey_answers', ['question_id', 'user_groups_mask', 'value_int'], unique=False)
    op.create_index('ix_survey_answers_area', 'survey_answers', ['question_id', 'area', 'value_int'], unique=False)
    op.create_index('ix_survey_answers_age', 'survey_answers', ['question_id', 'age_band', 'value_int'], unique=False)
    op.create_table('survey_result_cache',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('participations', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_result_cache_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', name=op.f('pk_survey_result_cache'))
    )
    op.drop_table('survey_tallies')
