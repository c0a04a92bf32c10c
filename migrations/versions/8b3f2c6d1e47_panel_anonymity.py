"""panel anonymity: stored profiles generalised, answers counted per stored profile, number
questions with a range

A response keeps a profile attribute (age band, area, each user group) only where at least
ANONYMITY_K of its survey's audience share the kept combination. Responses stored before
that rule are generalised here against their survey's audience as it is now (members who
have left are no longer counted, so the rule holds at least as strictly), with the app's own
rule (app.panel.disclosure.generalise), and the tallies are counted afresh from the answers,
including the new survey_profile_tallies that the disclosure check of published groups
reads. Number questions without a range get the one their answers were held to until now
(±10⁹), since results now show their answers in bins over it.

Revision ID: 8b3f2c6d1e47
Revises: e4c3d9ed048c
Create Date: 2026-12-06 10:00:00.000000

"""
import json
from collections import Counter
from datetime import date

import sqlalchemy as sa
from alembic import op
from flask import current_app

from app.panel.disclosure import MIN_K, generalise
from app.panel.stats import age_band

# revision identifiers, used by Alembic.
revision = '8b3f2c6d1e47'
down_revision = 'e4c3d9ed048c'
branch_labels = None
depends_on = None

#: Bit i of user_groups_mask, as configured when this migration was written
GROUP_KEYS = ["barnehage", "skole", "helse_omsorg", "byggesak", "kultur"]
VALUE = "COALESCE(value_int, 0)"
NUMERIC = "SELECT id FROM survey_questions WHERE kind IN ('scale6', 'number')"
AUDIENCE = {
    "panel": "m.user_id IS NOT NULL",
    "subpanel": "u.id IN (SELECT user_id FROM subpanel_members WHERE subpanel_id = :subpanel)",
    "residents": "u.id IN (SELECT user_id FROM user_roles WHERE role = 'resident')",
}


def upgrade():
    op.create_table('survey_profile_tallies',
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('age_band', sa.String(length=10), nullable=False),
    sa.Column('area', sa.String(length=80), nullable=False),
    sa.Column('user_groups_mask', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'], name=op.f('fk_survey_profile_tallies_question_id_survey_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_id', 'age_band', 'area', 'user_groups_mask', name=op.f('pk_survey_profile_tallies')),
    sqlite_with_rowid=False
    )
    op.execute("UPDATE survey_questions SET min_value = -1000000000 "
               "WHERE kind = 'number' AND min_value IS NULL")
    op.execute("UPDATE survey_questions SET max_value = 1000000000 "
               "WHERE kind = 'number' AND max_value IS NULL")
    op.execute("UPDATE survey_questions SET max_value = min_value + 1 "
               "WHERE kind = 'number' AND max_value <= min_value")
    k = max(MIN_K, int(current_app.config.get("ANONYMITY_K", MIN_K)))
    bind = op.get_bind()
    for survey_id, audience, subpanel in bind.execute(sa.text(
        "SELECT id, audience, subpanel_id FROM surveys "
        "WHERE id IN (SELECT survey_id FROM survey_responses)"
    )).all():
        _generalise(bind, survey_id, audience, subpanel, k)
    op.execute("DELETE FROM survey_tallies")
    _count("", "''")
    _count("age_band", "age_band", "age_band IS NOT NULL", ", age_band")
    _count("area", "area", "area IS NOT NULL", ", area")
    for bit, key in enumerate(GROUP_KEYS):
        _count("user_groups", f"'{key}'", f"(user_groups_mask & {1 << bit}) != 0")
    bind.execute(sa.text(
        "INSERT INTO survey_profile_tallies "
        "(question_id, age_band, area, user_groups_mask, count) "
        "SELECT question_id, COALESCE(age_band, ''), COALESCE(area, ''), user_groups_mask, "
        f"COUNT(*) FROM survey_answers WHERE question_id IN ({NUMERIC}) "
        "AND value_int IS NOT NULL AND dont_know = :no "
        "GROUP BY question_id, COALESCE(age_band, ''), COALESCE(area, ''), user_groups_mask"
    ), {"no": False})


def _generalise(bind, survey_id, audience, subpanel, k):
    members = bind.execute(sa.text(
        "SELECT u.birth_year, m.birth_year, m.area, m.user_groups FROM users u "
        "LEFT JOIN panel_members m ON m.user_id = u.id "
        f"WHERE u.active = :yes AND u.confirmed_at IS NOT NULL AND {AUDIENCE[audience]}"
    ), {"yes": True, "subpanel": subpanel}).all()
    by_year = {}
    responses = bind.execute(sa.text(
        "SELECT id, submitted_on, age_band, area, user_groups_mask FROM survey_responses "
        "WHERE survey_id = :survey"
    ), {"survey": survey_id}).all()
    for response_id, day, band, area, mask in responses:
        year = (day if isinstance(day, date) else date.fromisoformat(str(day))).year
        if year not in by_year:
            by_year[year] = Counter(_profile(member, year) for member in members)
        stored = generalise((band, area, mask or 0), by_year[year], k)
        if stored != (band, area, mask):
            values = {"band": stored[0], "area": stored[1], "mask": stored[2], "id": response_id}
            for table, key in (("survey_responses", "id"), ("survey_answers", "response_id")):
                bind.execute(sa.text(
                    f"UPDATE {table} SET age_band = :band, area = :area, "
                    f"user_groups_mask = :mask WHERE {key} = :id"
                ), values)


def _profile(member, year):
    user_year, member_year, area, groups = member
    if isinstance(groups, str):
        groups = json.loads(groups)
    mask = sum(1 << GROUP_KEYS.index(g) for g in groups or [] if g in GROUP_KEYS)
    return age_band(member_year or user_year, year), area or None, mask


def _count(breakdown, group, where="1 = 1", extra_key=""):
    op.execute(
        "INSERT INTO survey_tallies "
        "(question_id, breakdown, group_key, value_int, dont_know, count) "
        f"SELECT question_id, '{breakdown}', {group}, {VALUE}, dont_know, COUNT(*) "
        f"FROM survey_answers WHERE {where} "
        f"GROUP BY question_id, {VALUE}, dont_know{extra_key}"
    )


def downgrade():
    # The generalised profiles and the ranges stay: what was dropped is not kept anywhere
    op.drop_table('survey_profile_tallies')
