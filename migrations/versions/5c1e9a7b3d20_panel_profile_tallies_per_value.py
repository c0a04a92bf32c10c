"""panel: profile tallies per value

The disclosure check of published results (app.panel.disclosure) now checks a question's
groups together with its distribution, so it needs the answers counted per stored profile
and value, not per profile alone. The profile tallies are counted afresh from the answers.

Revision ID: 5c1e9a7b3d20
Revises: 861df9e77b5f
Create Date: 2026-12-08 00:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5c1e9a7b3d20'
down_revision = '861df9e77b5f'
branch_labels = None
depends_on = None

NUMERIC = "SELECT id FROM survey_questions WHERE kind IN ('scale6', 'number')"
PROFILE = "COALESCE(age_band, ''), COALESCE(area, ''), user_groups_mask"


def upgrade():
    op.execute("DELETE FROM survey_profile_tallies")  # empty, so no default is needed
    with op.batch_alter_table('survey_profile_tallies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('value_int', sa.BigInteger(), nullable=False))
        batch_op.drop_constraint('pk_survey_profile_tallies', type_='primary')
        batch_op.create_primary_key(
            'pk_survey_profile_tallies',
            ['question_id', 'age_band', 'area', 'user_groups_mask', 'value_int'],
        )
    _count(True)


def downgrade():
    op.execute("DELETE FROM survey_profile_tallies")
    with op.batch_alter_table('survey_profile_tallies', schema=None) as batch_op:
        batch_op.drop_constraint('pk_survey_profile_tallies', type_='primary')
        batch_op.drop_column('value_int')
        batch_op.create_primary_key(
            'pk_survey_profile_tallies',
            ['question_id', 'age_band', 'area', 'user_groups_mask'],
        )
    _count(False)


def _count(per_value):
    value = ", value_int" if per_value else ""
    op.get_bind().execute(sa.text(
        "INSERT INTO survey_profile_tallies "
        f"(question_id, age_band, area, user_groups_mask{value}, count) "
        f"SELECT question_id, {PROFILE}{value}, COUNT(*) FROM survey_answers "
        f"WHERE question_id IN ({NUMERIC}) AND value_int IS NOT NULL AND dont_know = :no "
        f"GROUP BY question_id, {PROFILE}{value}"
    ), {"no": False})
