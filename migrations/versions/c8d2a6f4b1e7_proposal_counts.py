"""proposal counts: listed proposals per state and focus area, kept by triggers

The proposal list and /api/v1/proposals showed the number of listed proposals by counting
them on every request (10,000 index entries at the oslo scale; on PostgreSQL a scan of the
table until it is vacuumed). proposal_counts keeps that number per state and focus area,
changed by triggers on proposals in the same transaction as the proposal, whatever writes
it (services, the expiry job's bulk UPDATE, account deletion, the benchmark's generator).
The triggers fire on INSERT, DELETE and UPDATE OF state, opened_at and focus_area, so a
signature (signature_count, updated_at) does not touch them. A missing row counts 0.

Revision ID: c8d2a6f4b1e7
Revises: b3f9d7c2e1a4
Create Date: 2026-12-04 23:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c8d2a6f4b1e7'
down_revision = 'b3f9d7c2e1a4'
branch_labels = None
depends_on = None

#: Proposal.listed for a trigger's row (``new``, ``old``; ``NEW``, ``OLD`` on PostgreSQL)
LISTED = "{row}.state NOT IN ('draft', 'rejected') AND {row}.opened_at IS NOT NULL"
ADD = (
    "INSERT INTO proposal_counts (state, focus_area, listed) "
    "SELECT {row}.state, {row}.focus_area, 1 WHERE " + LISTED + " "
    "ON CONFLICT (state, focus_area) DO UPDATE SET listed = proposal_counts.listed + 1;"
)
TAKE = (
    "UPDATE proposal_counts SET listed = listed - 1 "
    "WHERE state = {row}.state AND focus_area = {row}.focus_area AND " + LISTED + ";"
)
WATCHED = "state, opened_at, focus_area"

SQLITE_TRIGGERS = {
    "proposal_counts_ai": "AFTER INSERT ON proposals BEGIN " + ADD.format(row="new") + " END",
    "proposal_counts_ad": "AFTER DELETE ON proposals BEGIN " + TAKE.format(row="old") + " END",
    "proposal_counts_au": (
        f"AFTER UPDATE OF {WATCHED} ON proposals BEGIN "
        + TAKE.format(row="old") + " " + ADD.format(row="new") + " END"
    ),
}

POSTGRESQL_FUNCTION = f"""
CREATE FUNCTION proposal_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        {TAKE.format(row="OLD")}
    END IF;
    IF TG_OP <> 'DELETE' THEN
        {ADD.format(row="NEW")}
    END IF;
    RETURN NULL;
END $$
"""


def upgrade():
    op.create_table('proposal_counts',
    sa.Column('state', sa.Enum('draft', 'open', 'submitted', 'in_review', 'decided', 'withdrawn', 'rejected', 'expired', name='proposalstate', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('focus_area', sa.Integer(), nullable=False),
    sa.Column('listed', sa.Integer(), nullable=False),
    sa.CheckConstraint('listed >= 0', name=op.f('ck_proposal_counts_listed_positive')),
    sa.PrimaryKeyConstraint('state', 'focus_area', name=op.f('pk_proposal_counts'))
    )
    op.execute(
        "INSERT INTO proposal_counts (state, focus_area, listed) "
        "SELECT state, focus_area, count(*) FROM proposals WHERE "
        + LISTED.format(row="proposals") + " GROUP BY state, focus_area"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        op.execute(
            f"CREATE TRIGGER proposal_counts_keep AFTER INSERT OR DELETE OR UPDATE OF {WATCHED} "
            "ON proposals FOR EACH ROW EXECUTE FUNCTION proposal_counts_keep()"
        )
    else:
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS proposal_counts_keep ON proposals")
        op.execute("DROP FUNCTION IF EXISTS proposal_counts_keep()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('proposal_counts')
