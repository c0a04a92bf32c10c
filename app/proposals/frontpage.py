"""What the front page shows of the proposals: those collecting signatures, closest to the
threshold first, those awaiting the council's decision (the overdue counted), and for a
logged-in reader their drafts and the proposals they signed that have moved on.

Four queries for everyone and two more for a logged-in reader, however many proposals there
are: each reads an index with a LIMIT, and the counts per state are the kept ProposalCount.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import load_only

from app.core.frontpage import Section, register_section
from app.core.i18n import translated
from app.extensions import db
from app.proposals import rules, services
from app.proposals.labels import STATE_LABELS
from app.proposals.models import Proposal, ProposalCount, ProposalState, Signature
from app.proposals.queries import LISTED

#: How many proposals each list shows (the rest are a link away)
SHOWN = 5
#: The states a signer hears about: the proposal was submitted, taken up, decided
MOVED = (ProposalState.submitted, ProposalState.in_review, ProposalState.decided)

_CARD = load_only(
    Proposal.id,
    Proposal.title,
    Proposal.state,
    Proposal.signature_count,
    Proposal.paper_count,
    Proposal.threshold_reached_at,
    Proposal.campaign_ends_on,
    Proposal.obliged,
    Proposal.decision_due_on,
    Proposal.decided_on,
    Proposal.opened_at,
)
_READER = sa.bindparam("reader", type_=sa.Integer)

#: Open proposals, the most signatures first (the threshold is the same for all, so the
#: closest to it first), read in the order of ix_proposals_collecting. An open proposal is
#: listed (it was opened, and is not rejected), so LISTED would only add a row lookup
COLLECTING = (
    sa.select(Proposal)
    .options(_CARD)
    .where(Proposal.state == ProposalState.open)
    .order_by((Proposal.signature_count + Proposal.paper_count).desc(), Proposal.id.desc())
    .limit(SHOWN)
)
#: Listed proposals per state, from the kept counts (a few dozen rows)
COUNTS = sa.select(ProposalCount.state, sa.func.sum(ProposalCount.listed)).group_by(
    ProposalCount.state
)


def _earliest_deadlines(state: ProposalState) -> sa.Select[tuple[int]]:
    first = (
        sa.select(Proposal.id)
        .where(Proposal.state == state, Proposal.decision_due_on.is_not(None))
        .order_by(Proposal.decision_due_on, Proposal.id)
        .limit(SHOWN)
        .subquery()
    )
    return sa.select(first.c.id)  # a subquery: SQLite has no LIMIT in a UNION's parts


#: With the council and a deadline to keep, the earliest deadline first: per state the first
#: few in the order of ix_proposals_state_deadline, then the first of those (a proposal the
#: council need not decide has no deadline and is only counted). With the council a proposal
#: is listed, as for COLLECTING
_FIRST = sa.union_all(*(_earliest_deadlines(s) for s in services.AWAITING_DECISION)).subquery()
AWAITING = (
    sa.select(Proposal)
    .options(_CARD)
    .where(Proposal.id.in_(sa.select(_FIRST.c.id)))
    .order_by(Proposal.decision_due_on, Proposal.id)
    .limit(SHOWN)
)
#: With the council and past the deadline, from ix_proposals_state_deadline alone: only an
#: obliged proposal has a deadline (services.submit, services.decide), so this is
#: services.is_overdue in SQL
OVERDUE = sa.select(sa.func.count()).where(
    Proposal.state.in_(services.AWAITING_DECISION),
    Proposal.decision_due_on < sa.bindparam("today"),
)
#: The reader's drafts, the latest changed first
DRAFTS = (
    sa.select(Proposal)
    .options(_CARD)
    .where(Proposal.author_id == _READER, Proposal.state == ProposalState.draft)
    .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
    .limit(SHOWN)
)
#: Proposals the reader signed (not struck) that were submitted, taken up or decided
SIGNED_MOVED = (
    sa.select(Proposal)
    .options(_CARD)
    .join(Signature, Signature.proposal_id == Proposal.id)
    .where(
        Signature.user_id == _READER,
        Signature.struck_at.is_(None),
        Proposal.state.in_(MOVED),
        LISTED,
    )
    .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
    .limit(SHOWN)
)


def front_sections(reader: Any) -> list[Section]:
    today = rules.today()
    threshold = services.threshold()
    counts = {ProposalState(state): int(n or 0) for state, n in db.session.execute(COUNTS)}
    awaiting = db.session.scalars(AWAITING).all()
    labels = translated(STATE_LABELS)
    found = [
        Section(
            "proposals",
            "proposals/_front.html",
            {
                "threshold": threshold,
                "collecting": db.session.scalars(COLLECTING).all(),
                "collecting_count": counts.get(ProposalState.open, 0),
                "awaiting": awaiting,
                "awaiting_count": sum(counts.get(s, 0) for s in services.AWAITING_DECISION),
                "overdue_count": db.session.scalar(OVERDUE, {"today": today}) or 0,
                "overdue": {p.id for p in awaiting if services.is_overdue(p, today)},
                "state_labels": labels,
            },
        )
    ]
    if reader.is_authenticated:
        drafts = db.session.scalars(DRAFTS, {"reader": reader.id}).all()
        moved = db.session.scalars(SIGNED_MOVED, {"reader": reader.id}).all()
        found.append(
            Section(
                "my-proposals",
                "proposals/_front_own.html",
                {"drafts": drafts, "moved": moved, "threshold": threshold, "state_labels": labels},
                own=True,
            )
        )
    return found


register_section("proposals", front_sections, order=10)
