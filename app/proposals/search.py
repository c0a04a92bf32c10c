"""Full-text search over proposals, behind one function for SQLite and PostgreSQL.

Both find Norwegian word forms alike: "sykkelveier", "sykkelveien" and "sykkelvei" find each
other, as do "skulen", "skular" and "skulane" (Nynorsk), and both leave the same stop words
out of a query. PostgreSQL: a stored ``search_vector`` column with the ``norwegian`` text
search configuration and a GIN index. SQLite: an FTS5 table ``proposals_fts`` over the
*listed* proposals only (kept in step by triggers, see migrations 7a1e5c3b9d20 and
0be0b51ef4bf) that indexes ``Proposal.search_stems``, the proposal's distinct stems made by
the same Snowball stemmer and stop words (``app.proposals.stems``), with the query's words
stemmed the same way; it counts a search's hits by itself. Both match every word's stem as
a prefix ("sykkel" finds "sykkelvei").
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.proposals import stems
from app.proposals.models import SEARCHED, Proposal

MAX_WORDS = 8
#: From this many hits on, a search in the list's default order (newest first) reads the
#: list's index in that order, keeping the hits, and stops after a page; below it, SQLite
#: looks up each hit and sorts them, which is cheaper for a few (see ``matching``)
MANY_HITS = 500

_FTS_IDS = "SELECT rowid FROM proposals_fts WHERE proposals_fts MATCH :match"
_FTS_COUNT = "SELECT count(*) FROM proposals_fts WHERE proposals_fts MATCH :match"


def words(query: str) -> list[str]:
    """The searchable words of what the user typed (operators, punctuation and stop words
    dropped), lowercased."""
    return stems.words(query or "")[:MAX_WORDS]


def _postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def _fts_match(terms: list[str], any_word: bool) -> str:
    """The FTS5 query: each word's stem as a prefix (a stem is letters and digits only)."""
    return (" OR " if any_word else " ").join(f'"{stems.stem(t)}"*' for t in terms)


def _tsquery(terms: list[str], any_word: bool) -> sa.TextClause:
    tsquery = (" | " if any_word else " & ").join(f"{t}:*" for t in terms)
    return sa.text("proposals.search_vector @@ to_tsquery('norwegian', :tsq)").bindparams(
        tsq=tsquery
    )


def matching(
    query: str, any_word: bool = False, in_list_order: bool = False
) -> sa.ColumnElement[bool] | None:
    """A WHERE clause for proposals matching ``query`` (every word, or any with any_word).

    ``in_list_order``: the caller sorts newest first and expects many hits (``MANY_HITS``).
    On SQLite the clause then compares ``id + 0``, which no index serves, so the query runs
    along the list's index (ix_proposals_newest) and checks each proposal against the hits
    instead of looking every hit up and sorting them all for one page."""
    terms = words(query)
    if not terms:
        return None
    if _postgresql():
        return _tsquery(terms, any_word)
    ids = sa.text(_FTS_IDS).bindparams(match=_fts_match(terms, any_word))
    column = Proposal.id + 0 if in_list_order else Proposal.id
    return column.in_(ids.columns(sa.column("rowid", sa.Integer)))


def hits(query: str) -> int | None:
    """How many listed proposals match every word of ``query`` (None: nothing to search
    for). On SQLite the full-text index holds the listed proposals only and counts them by
    itself, without reading the proposals."""
    terms = words(query)
    if not terms:
        return None
    if _postgresql():
        counted = sa.select(sa.func.count()).select_from(Proposal)
        return db.session.scalar(counted.where(Proposal.listed, _tsquery(terms, False)))
    return db.session.scalar(sa.text(_FTS_COUNT), {"match": _fts_match(terms, False)})


def restem(batch: int = 1000) -> int:
    """Write every proposal's stems again where they differ from its text's (after a write
    that bypassed the app, such as an UPDATE in the sqlite3 shell, or a change of the
    stemming rules); the triggers reindex the rows written. Returns how many were. Nothing
    to do on PostgreSQL, whose tsvector column is computed from the text."""
    if _postgresql():
        return 0
    table = Proposal.__table__
    columns = [table.c[name] for name in SEARCHED]
    written, after = 0, 0
    while rows := db.session.execute(
        sa.select(table.c.id, table.c.search_stems, *columns)
        .where(table.c.id > after)
        .order_by(table.c.id)
        .limit(batch)
    ).all():
        changed = [
            {"row": row.id, "stems": fresh}
            for row in rows
            if (fresh := stems.stems(row[2:])) != row.search_stems
        ]
        if changed:
            db.session.execute(
                sa.update(table)
                .where(table.c.id == sa.bindparam("row"))
                .values(search_stems=sa.bindparam("stems")),
                changed,
            )
        written += len(changed)
        after = rows[-1].id
    return written
