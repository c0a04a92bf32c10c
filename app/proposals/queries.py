"""Proposals: the read side."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import defer, joinedload

from app.proposals import search
from app.proposals.models import Comment, Proposal, ProposalState, Signature

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


def proposals(
    state: str | None = None,
    focus_area: int | None = None,
    topic: str | None = None,
    q: str | None = None,
    sort: str = "newest",
) -> sa.Select[tuple[Proposal]]:
    """Listed proposals (never drafts, never rejected ones) with the list page's filters; one
    query, without the long body text the list does not show."""
    stmt = sa.select(Proposal).options(defer(Proposal.body), defer(Proposal.answer)).where(LISTED)
    if state:
        stmt = stmt.where(Proposal.state == ProposalState(state))
    if focus_area:
        stmt = stmt.where(Proposal.focus_area == focus_area)
    if topic:
        stmt = stmt.where(Proposal.topic == topic)
    if q and (clause := search.matching(q)) is not None:
        stmt = stmt.where(clause)
    return stmt.order_by(*SORTS.get(sort, SORTS["newest"]))


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


def proposal_with_author(proposal_id: int) -> sa.Select[tuple[Proposal]]:
    return (
        sa.select(Proposal).options(joinedload(Proposal.author)).where(Proposal.id == proposal_id)
    )


def comments(proposal_id: int) -> sa.Select[tuple[Comment]]:
    return sa.select(Comment).where(Comment.proposal_id == proposal_id).order_by(Comment.id)


def reported_comments() -> sa.Select[tuple[Comment]]:
    """Comments with open reports, or hidden ones, for the moderators."""
    return (
        sa.select(Comment)
        .where(sa.or_(Comment.open_reports > 0, Comment.hidden_at.is_not(None)))
        .order_by(Comment.open_reports.desc(), Comment.id.desc())
    )
