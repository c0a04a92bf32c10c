"""Full-text search over proposals, behind one function for SQLite and PostgreSQL.

SQLite: an FTS5 table ``proposals_fts`` (kept in step by triggers that sqlite-utils
creates in the migration), tokenised with ``unicode61 remove_diacritics 0`` so å/ø/æ stay
distinct. PostgreSQL: a stored ``search_vector`` column with the ``norwegian`` text search
configuration and a GIN index. Both match every word as a prefix ("sykkel" finds
"sykkelvei").
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.proposals.models import Proposal

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 8


def words(query: str) -> list[str]:
    """The searchable words of what the user typed (operators and punctuation dropped)."""
    return [w.lower() for w in _WORD.findall(query or "")][:MAX_WORDS]


def matching(query: str, any_word: bool = False) -> sa.ColumnElement[bool] | None:
    """A WHERE clause for proposals matching ``query`` (every word, or any with any_word)."""
    terms = words(query)
    if not terms:
        return None
    if db.engine.dialect.name == "postgresql":
        joiner = " | " if any_word else " & "
        tsquery = joiner.join(f"{t}:*" for t in terms)
        return sa.text("proposals.search_vector @@ to_tsquery('norwegian', :tsq)").bindparams(
            tsq=tsquery
        )
    joiner = " OR " if any_word else " "
    match = joiner.join(f'"{t}"*' for t in terms)
    fts = sa.text("SELECT rowid FROM proposals_fts WHERE proposals_fts MATCH :match").bindparams(
        match=match
    )
    return Proposal.id.in_(fts.columns(sa.column("rowid", sa.Integer)))
