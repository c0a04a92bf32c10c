"""proposals: the SQLite full-text index is rewritten only when the text changes

sqlite-utils' update trigger runs on every UPDATE of a proposal, so each signature (which
raises signature_count) deleted and re-inserted the proposal's title, summary and body in
the FTS5 index, tokenising up to 20,000 characters twice inside the signing transaction.
The trigger now runs for UPDATE OF title, summary, body only. PostgreSQL needs nothing: a
stored generated column is recomputed only when a column it is made from is updated.

Revision ID: 18e808a63cbb
Revises: 3f6d2b8a9c41
Create Date: 2026-12-02 06:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '18e808a63cbb'
down_revision = '3f6d2b8a9c41'
branch_labels = None
depends_on = None

#: The body of sqlite-utils' proposals_au trigger (enable_fts with create_triggers=True)
_REINDEX = """
  INSERT INTO "proposals_fts" ("proposals_fts", rowid, "title", "summary", "body")
    VALUES('delete', old.rowid, old."title", old."summary", old."body");
  INSERT INTO "proposals_fts" (rowid, "title", "summary", "body")
    VALUES (new.rowid, new."title", new."summary", new."body");
"""


def _replace_update_trigger(when: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute('DROP TRIGGER IF EXISTS "proposals_au"')
    op.execute(f'CREATE TRIGGER "proposals_au" {when} ON "proposals" BEGIN{_REINDEX}END')


def upgrade():
    _replace_update_trigger('AFTER UPDATE OF "title", "summary", "body"')


def downgrade():
    _replace_update_trigger("AFTER UPDATE")
