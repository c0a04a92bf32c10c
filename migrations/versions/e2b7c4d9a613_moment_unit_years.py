"""moment unit years: approved nominations per unit and year, kept by triggers

The gallery and the year pages showed "golden moments for the unit" by counting the year's
approved nominations on every request (about 10,000 index entries for a full year at the
oslo scale). moment_unit_years keeps that count per unit and year (of the month the
nomination competes in), changed by triggers on moment_nominations in the same transaction,
whatever writes it (approval, rejection, a deleted account's unconfirmed nominations, the
benchmark's generator). The triggers fire on INSERT, DELETE and UPDATE OF state, month and
unit_id. A missing row counts 0.

Revision ID: e2b7c4d9a613
Revises: c8d2a6f4b1e7
Create Date: 2026-12-04 23:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2b7c4d9a613'
down_revision = 'c8d2a6f4b1e7'
branch_labels = None
depends_on = None

#: A trigger's row (``new``, ``old``) counts: approved, in a month
APPROVED = "{row}.state = 'approved' AND {row}.month IS NOT NULL"
#: The year of the row's month, per dialect (SQLite keeps a date as 'YYYY-MM-DD')
YEAR = {
    "sqlite": "CAST(strftime('%Y', {row}.month) AS INTEGER)",
    "postgresql": "CAST(EXTRACT(YEAR FROM {row}.month) AS INTEGER)",
}
ADD = (
    "INSERT INTO moment_unit_years (unit_id, year, approved) "
    "SELECT {row}.unit_id, {year}, 1 WHERE " + APPROVED + " "
    "ON CONFLICT (unit_id, year) DO UPDATE SET approved = moment_unit_years.approved + 1;"
)
TAKE = (
    "UPDATE moment_unit_years SET approved = approved - 1 "
    "WHERE unit_id = {row}.unit_id AND year = {year} AND " + APPROVED + ";"
)
WATCHED = "state, month, unit_id"


def _statement(template: str, dialect: str, row: str) -> str:
    return template.format(row=row, year=YEAR[dialect].format(row=row))


def _sqlite_triggers() -> dict[str, str]:
    add, take = (_statement(t, "sqlite", r) for t, r in ((ADD, "new"), (TAKE, "old")))
    on = "ON moment_nominations"
    return {
        "moment_unit_years_ai": f"AFTER INSERT {on} BEGIN {add} END",
        "moment_unit_years_ad": f"AFTER DELETE {on} BEGIN {take} END",
        "moment_unit_years_au": f"AFTER UPDATE OF {WATCHED} {on} BEGIN {take} {add} END",
    }


def _postgresql_function() -> str:
    take = _statement(TAKE, "postgresql", "OLD")
    add = _statement(ADD, "postgresql", "NEW")
    return f"""
CREATE FUNCTION moment_unit_years_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        {take}
    END IF;
    IF TG_OP <> 'DELETE' THEN
        {add}
    END IF;
    RETURN NULL;
END $$
"""


def upgrade():
    op.create_table('moment_unit_years',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('approved', sa.Integer(), nullable=False),
    sa.CheckConstraint('approved >= 0', name=op.f('ck_moment_unit_years_approved_positive')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_moment_unit_years_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('unit_id', 'year', name=op.f('pk_moment_unit_years'))
    )
    dialect = op.get_bind().dialect.name
    year = YEAR[dialect].format(row="moment_nominations")
    op.execute(
        f"INSERT INTO moment_unit_years (unit_id, year, approved) "
        f"SELECT unit_id, {year}, count(*) FROM moment_nominations "
        f"WHERE {APPROVED.format(row='moment_nominations')} GROUP BY unit_id, {year}"
    )
    if dialect == "postgresql":
        op.execute(_postgresql_function())
        op.execute(
            f"CREATE TRIGGER moment_unit_years_keep AFTER INSERT OR DELETE OR UPDATE OF "
            f"{WATCHED} ON moment_nominations FOR EACH ROW EXECUTE FUNCTION "
            "moment_unit_years_keep()"
        )
    else:
        for name, body in _sqlite_triggers().items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS moment_unit_years_keep ON moment_nominations")
        op.execute("DROP FUNCTION IF EXISTS moment_unit_years_keep()")
    else:
        for name in _sqlite_triggers():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('moment_unit_years')
