"""proposals: Norwegian stems in the SQLite full-text index

SQLite's search matched the words as written, so "sykkelveier" missed a proposal about a
"sykkelvei", which PostgreSQL's norwegian configuration finds. proposals.search_stems now
holds the distinct Snowball Norwegian stems of title, summary and body (stop words left out,
as PostgreSQL does), written by the app with the text (app.proposals.stems), and the FTS5
table indexes that column alone instead of the three texts. The stems are made in Python
and stored, rather than by a function the triggers call, so that every connection (the
sqlite3 shell, sqlite-utils, a backup script) can still write a proposal. The existing rows
are stemmed here with a copy of the app's rules, so the script imports no app code.

PostgreSQL gets the column too (the model has it) and leaves it NULL: its tsvector column
stems by itself.

Revision ID: 0be0b51ef4bf
Revises: e2b7c4d9a613
Create Date: 2026-12-08 00:19:44.285468

"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0be0b51ef4bf'
down_revision = 'e2b7c4d9a613'
branch_labels = None
depends_on = None

#: app.proposals.stems.WORD and STOP_WORDS as of this revision (_fill_stems does what
#: its stems() does)
WORD = re.compile(r"[^\W_]+")
STOP_WORDS = frozenset(
    """
    og i jeg det at en et den til er som på de med han av ikke ikkje der så var meg seg men
    ett har om vi min mitt ha hadde hun nå over da ved fra du ut sin dem oss opp man kan
    hans hvor eller hva skal selv sjøl her alle vil bli ble blei blitt kunne inn når være kom
    noen noe ville dere deres kun ja etter ned skulle denne for deg si sine sitt mot å meget
    hvorfor dette disse uten hvordan ingen din ditt blir samme hvilken hvilke sånn inni
    mellom vår hver hvem vors hvis både bare enn fordi før mange også slik vært båe begge
    siden dykk dykkar dei deira deires deim di då eg ein eit eitt elles honom hjå ho hoe
    henne hennar hennes hoss hossen ingi inkje korleis korso kva kvar kvarhelst kven kvi
    kvifor me medan mi mine mykje no nokon noka nokor noko nokre sia sidan so somt somme um
    upp vere vore verte vort varte vart
    """.split()
)

TEXTS = '"title", "summary", "body"'


def _listed(row: str) -> str:
    """Proposal.listed in SQL, for the trigger's ``new`` or ``old`` row."""
    return f"{row}.state NOT IN ('draft', 'rejected') AND {row}.opened_at IS NOT NULL"


def _triggers(columns: str, watched: str) -> dict[str, str]:
    """The FTS5 triggers of 7a1e5c3b9d20 (index a proposal while it is listed), over
    ``columns``; the update trigger runs for UPDATE OF ``watched``."""
    new = ", ".join(f"new.{c}" for c in columns.split(", "))
    old = ", ".join(f"old.{c}" for c in columns.split(", "))
    insert = (
        f'INSERT INTO "proposals_fts" (rowid, {columns}) '
        f'SELECT new.rowid, {new} WHERE {_listed("new")};'
    )
    delete = (
        f'INSERT INTO "proposals_fts" ("proposals_fts", rowid, {columns}) '
        f"SELECT 'delete', old.rowid, {old} WHERE {_listed('old')};"
    )
    return {
        "proposals_ai": f'AFTER INSERT ON "proposals" BEGIN {insert} END',
        "proposals_ad": f'AFTER DELETE ON "proposals" BEGIN {delete} END',
        # Signing (signature_count, updated_at) leaves the index alone
        "proposals_au": f'AFTER UPDATE OF {watched} ON "proposals" BEGIN {delete} {insert} END',
    }


def _index(columns: str, watched: str) -> None:
    """(Re)create proposals_fts over ``columns`` of the listed proposals, with its triggers."""
    for name in ("proposals_ai", "proposals_ad", "proposals_au"):
        op.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    op.execute('DROP TABLE IF EXISTS "proposals_fts"')
    op.execute(
        f'CREATE VIRTUAL TABLE "proposals_fts" USING FTS5 ({columns}, '
        "content=\"proposals\", tokenize='unicode61 remove_diacritics 0')"
    )
    for name, body in _triggers(columns, watched).items():
        op.execute(f'CREATE TRIGGER "{name}" {body}')
    op.execute(
        f'INSERT INTO "proposals_fts" (rowid, {columns}) '
        f'SELECT rowid, {columns} FROM "proposals" WHERE {_listed("proposals")}'
    )


def _fill_stems() -> None:
    import Stemmer

    stemmer = Stemmer.Stemmer("norwegian")
    bind = op.get_bind()
    rows = bind.execute(sa.text('SELECT id, "title", "summary", "body" FROM "proposals"'))
    update = sa.text('UPDATE "proposals" SET "search_stems" = :stems WHERE id = :id')
    batch = []
    for row in rows.all():
        text = unicodedata.normalize("NFC", " ".join(t for t in row[1:] if t).lower())
        found = stemmer.stemWords([w for w in WORD.findall(text) if w not in STOP_WORDS])
        batch.append({"id": row[0], "stems": " ".join(dict.fromkeys(found))})
        if len(batch) == 5000:
            bind.execute(update, batch)
            batch = []
    if batch:
        bind.execute(update, batch)


def upgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_stems', sa.Text(), nullable=True))
    if op.get_bind().dialect.name != "sqlite":
        return
    # The old triggers go first, so that filling the column does not reindex every row
    for name in ("proposals_ai", "proposals_ad", "proposals_au"):
        op.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    _fill_stems()
    _index('"search_stems"', f'{TEXTS}, "search_stems", "state", "opened_at"')


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _index(TEXTS, f'{TEXTS}, "state", "opened_at"')
    # Not in batch mode: recreating the table would drop its triggers (the full-text
    # index's and proposal_counts'); SQLite has dropped columns in place since 3.35
    op.execute('ALTER TABLE "proposals" DROP COLUMN "search_stems"')
