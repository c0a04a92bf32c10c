"""Proposals: the read side."""

from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import defer, joinedload, load_only

from app.extensions import db
from app.proposals import search
from app.proposals.models import (
    Comment,
    Follow,
    Proposal,
    ProposalCount,
    ProposalState,
    Signature,
)

#: The states a public proposal can be in (for filters and the API's schema)
PUBLIC_STATES = [s for s in ProposalState if s != ProposalState.draft]
#: What anyone may read (``Proposal.public`` in SQL): opened for signatures at some point, so
#: opened_at is never NULL in a public list and the newest-first order reads an index
PUBLIC = Proposal.public
#: What lists, feeds, search, the API and open data show (``Proposal.listed`` in SQL): the
#: public proposals but those rejected by moderation, which are withdrawn from view
LISTED = Proposal.listed
#: The states a listed proposal can be in (the filters' choices)
LISTED_STATES = [s for s in PUBLIC_STATES if s != ProposalState.rejected]
SORTS = {
    "newest": (Proposal.opened_at.desc(), Proposal.id.desc()),
    "signatures": (
        (Proposal.signature_count + Proposal.paper_count).desc(),
        Proposal.id.desc(),
    ),
    "deadline": (Proposal.decision_due_on.asc().nulls_last(), Proposal.id.desc()),
}


#: What a row of the list page shows; any other column read from its rows raises, so the
#: page never loads the rest row by row
CARD = load_only(
    Proposal.id,
    Proposal.title,
    Proposal.summary,
    Proposal.topic,
    Proposal.state,
    Proposal.signature_count,
    Proposal.paper_count,
    Proposal.threshold_reached_at,
    raiseload=True,
)


def proposals(
    state: str | None = None,
    focus_area: int | None = None,
    topic: str | None = None,
    q: str | None = None,
    sort: str = "newest",
    hits: int | None = None,
    card: bool = False,
) -> sa.Select[tuple[Proposal]]:
    """Listed proposals (never drafts, never rejected ones) with the list page's filters; one
    query, without the long body text the list does not show (``card``: only the columns of
    the list page's rows, ``CARD``). ``hits``: how many proposals the filters give, when
    known (``count``), so that a search with many hits is read in the list's order
    (``search.MANY_HITS``). Without a search the statement is built once per set of filters
    (``_filtered``)."""
    sort = sort if sort in SORTS else "newest"
    if not (q and search.words(q)):
        return _filtered(state or None, focus_area or None, topic or None, sort, card)
    stmt = _listed(state, focus_area, topic, card)
    many = sort == "newest" and (hits or 0) >= search.MANY_HITS
    if (clause := search.matching(q, in_list_order=many)) is not None:
        stmt = stmt.where(clause)
    return stmt.order_by(*SORTS[sort])


@lru_cache(maxsize=64)
def _filtered(
    state: str | None, focus_area: int | None, topic: str | None, sort: str, card: bool
) -> sa.Select[tuple[Proposal]]:
    return _listed(state, focus_area, topic, card).order_by(*SORTS[sort])


def _listed(
    state: str | None, focus_area: int | None, topic: str | None, card: bool
) -> sa.Select[tuple[Proposal]]:
    columns = CARD if card else defer(Proposal.body)
    stmt = sa.select(Proposal).options(columns, defer(Proposal.answer)).where(LISTED)
    if state:
        stmt = stmt.where(Proposal.state == ProposalState(state))
    if focus_area:
        stmt = stmt.where(Proposal.focus_area == focus_area)
    if topic:
        stmt = stmt.where(Proposal.topic == topic)
    return stmt


def count(
    state: str | None = None,
    focus_area: int | None = None,
    topic: str | None = None,
    q: str | None = None,
) -> int:
    """How many listed proposals the list's filters give, without reading a proposal where
    it can: the counts kept per state and focus area (``ProposalCount``), and a search
    alone counted by the full-text index (``search.hits``)."""
    terms = search.words(q or "")
    if not terms and not topic:
        kept = sa.select(sa.func.coalesce(sa.func.sum(ProposalCount.listed), 0))
        if state:
            kept = kept.where(ProposalCount.state == ProposalState(state))
        if focus_area:
            kept = kept.where(ProposalCount.focus_area == focus_area)
        return db.session.scalar(kept) or 0
    if terms and not (state or focus_area or topic):
        return search.hits(q or "") or 0
    listed = proposals(state, focus_area, topic, q).order_by(None).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(listed)) or 0


def similar(text: str, exclude_id: int | None = None, limit: int = 5) -> sa.Select:
    """Up to five listed proposals sharing words with ``text`` (hints while writing)."""
    clause = search.matching(text, any_word=True)
    if clause is None:
        return sa.select(Proposal).where(sa.false())
    stmt = sa.select(Proposal).where(LISTED, clause)
    if exclude_id:
        stmt = stmt.where(Proposal.id != exclude_id)
    return stmt.order_by(Proposal.id.desc()).limit(limit)


def review_queue() -> sa.Select[tuple[Proposal]]:
    """Submitted proposals, earliest deadline first (those without one last)."""
    return (
        sa.select(Proposal)
        .where(Proposal.state.in_([ProposalState.submitted, ProposalState.in_review]))
        .order_by(Proposal.decision_due_on.asc().nulls_last(), Proposal.submitted_at)
    )


def signatures(proposal_id: int) -> sa.Select[tuple[Signature]]:
    return (
        sa.select(Signature)
        .where(Signature.proposal_id == proposal_id)
        .order_by(Signature.created_at, Signature.id)
    )


def own_signature(proposal_id: int, user_id: int) -> sa.Select[tuple[Signature]]:
    return sa.select(Signature).where(
        Signature.proposal_id == proposal_id, Signature.user_id == user_id
    )


_READER = sa.bindparam("reader", type_=sa.Integer)
#: The proposal page's one query, built once and run with ``proposal`` and ``reader`` (the
#: reader's user id, None for a visitor): the proposal with its initiator, when the reader
#: signed it (their signature's time, or None) and whether they follow it
PROPOSAL_PAGE = (
    sa.select(
        Proposal,
        sa.select(Signature.created_at)
        .where(Signature.proposal_id == Proposal.id, Signature.user_id == _READER)
        .scalar_subquery()
        .label("signed_at"),
        sa.exists()
        .where(Follow.proposal_id == Proposal.id, Follow.user_id == _READER)
        .label("following"),
    )
    .options(joinedload(Proposal.author))
    .where(Proposal.id == sa.bindparam("proposal"))
)
#: A proposal's comments, oldest first, with their writers; run with ``proposal``
COMMENTS = (
    sa.select(Comment).where(Comment.proposal_id == sa.bindparam("proposal")).order_by(Comment.id)
)


def reported_comments() -> sa.Select[tuple[Comment]]:
    """Comments with open reports, or hidden ones, for the moderators."""
    return (
        sa.select(Comment)
        .where(sa.or_(Comment.open_reports > 0, Comment.hidden_at.is_not(None)))
        .order_by(Comment.open_reports.desc(), Comment.id.desc())
    )
