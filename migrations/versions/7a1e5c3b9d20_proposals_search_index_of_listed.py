"""proposals: the SQLite full-text index holds the listed proposals only

Search only ever shows listed proposals (opened for signatures, not rejected by
moderation). With drafts and rejected proposals in the index, a search's count had to look
up every hit in the proposals table to leave those out: at the oslo scale, 9,865 lookups
for "sykkelvei". The triggers now index a proposal while it is listed, so the index counts
a search's hits by itself. PostgreSQL needs nothing: its tsvector column is matched
together with the listed condition in the same query.

Revision ID: 7a1e5c3b9d20
Revises: 9ee371325eed
Create Date: 2026-12-04 22:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7a1e5c3b9d20'
down_revision = '9ee371325eed'
branch_labels = None
depends_on = None

COLUMNS = '"title", "summary", "body"'


def _listed(row: str) -> str:
    """Proposal.listed in SQL, for the trigger's ``new`` or ``old`` row."""
    return f"{row}.state NOT IN ('draft', 'rejected') AND {row}.opened_at IS NOT NULL"


def _values(row: str) -> str:
    return f'{row}.rowid, {row}."title", {row}."summary", {row}."body"'


_INSERT = (
    f'INSERT INTO "proposals_fts" (rowid, {COLUMNS}) '
    f'SELECT {_values("new")} WHERE {_listed("new")};'
)
_DELETE = (
    f'INSERT INTO "proposals_fts" ("proposals_fts", rowid, {COLUMNS}) '
    f"SELECT 'delete', {_values('old')} WHERE {_listed('old')};"
)

LISTED_TRIGGERS = {
    "proposals_ai": f"AFTER INSERT ON \"proposals\" BEGIN {_INSERT} END",
    "proposals_ad": f"AFTER DELETE ON \"proposals\" BEGIN {_DELETE} END",
    # Signing (signature_count, updated_at) leaves the index alone, as before
    "proposals_au": (
        'AFTER UPDATE OF "title", "summary", "body", "state", "opened_at" ON "proposals" '
        f"BEGIN {_DELETE} {_INSERT} END"
    ),
}

#: sqlite-utils' triggers (enable_fts with create_triggers=True), as 18e808a63cbb left them
ALL_TRIGGERS = {
    "proposals_ai": (
        'AFTER INSERT ON "proposals" BEGIN INSERT INTO "proposals_fts" '
        f'(rowid, {COLUMNS}) VALUES ({_values("new")}); END'
    ),
    "proposals_ad": (
        'AFTER DELETE ON "proposals" BEGIN INSERT INTO "proposals_fts" '
        f"(\"proposals_fts\", rowid, {COLUMNS}) VALUES('delete', {_values('old')}); END"
    ),
    "proposals_au": (
        'AFTER UPDATE OF "title", "summary", "body" ON "proposals" BEGIN '
        f"INSERT INTO \"proposals_fts\" (\"proposals_fts\", rowid, {COLUMNS}) "
        f"VALUES('delete', {_values('old')}); "
        f'INSERT INTO "proposals_fts" (rowid, {COLUMNS}) VALUES ({_values("new")}); END'
    ),
}


def _replace(triggers: dict[str, str], where: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, body in triggers.items():
        op.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        op.execute(f'CREATE TRIGGER "{name}" {body}')
    # Index afresh what the triggers now keep
    op.execute("""INSERT INTO "proposals_fts" ("proposals_fts") VALUES ('delete-all')""")
    op.execute(
        f'INSERT INTO "proposals_fts" (rowid, {COLUMNS}) '
        f'SELECT rowid, {COLUMNS} FROM "proposals" WHERE {where}'
    )


def upgrade():
    _replace(LISTED_TRIGGERS, _listed("proposals"))


def downgrade():
    _replace(ALL_TRIGGERS, "1")
