"""What the front page shows of the proposals: those collecting signatures, closest to the
threshold first, those awaiting the council's decision (the overdue counted), and for a
logged-in reader their drafts and the proposals they signed that have moved on.

Two queries for everyone and one more for a logged-in reader, however many proposals there
are: the counts per state are the kept ProposalCount (with the overdue counted from an
index), and each list reads an index in its order with a LIMIT, the lists of a section
together in one UNION ALL. Rows, not loaded proposals: the page only shows them.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.core import dates
from app.core.frontpage import Section, register_section
from app.core.i18n import translated
from app.extensions import db
from app.proposals import services
from app.proposals.labels import STATE_LABELS
from app.proposals.models import Proposal, ProposalCount, ProposalState, Signature
from app.proposals.queries import LISTED

#: How many proposals each list shows (the rest are a link away)
SHOWN = 5
#: The states a signer hears about: the proposal was submitted, taken up, decided
MOVED = (ProposalState.submitted, ProposalState.in_review, ProposalState.decided)
TOTAL = Proposal.signature_count + Proposal.paper_count

#: What a listed proposal shows (and services.is_overdue reads)
COLUMNS = (
    Proposal.id,
    Proposal.title,
    Proposal.state,
    TOTAL.label("total_signatures"),
    Proposal.threshold_reached_at,
    Proposal.obliged,
    Proposal.decision_due_on,
    Proposal.decided_on,
    Proposal.updated_at,
)
_READER = sa.bindparam("reader", type_=sa.Integer)


def _part(name: str, stmt: sa.Select[Any]) -> sa.Select[Any]:
    """One list of a UNION ALL, named: a subquery, as SQLite has no LIMIT in a UNION's parts."""
    part = stmt.add_columns(sa.literal(name).label("list")).subquery()
    return sa.select(part)


#: Open proposals, the most signatures first (the threshold is the same for all, so the
#: closest to it first), read in the order of ix_proposals_collecting. An open proposal is
#: listed (it was opened, and is not rejected), so LISTED would only add a row lookup
COLLECTING = (
    sa.select(*COLUMNS)
    .where(Proposal.state == ProposalState.open)
    .order_by(TOTAL.desc(), Proposal.id.desc())
    .limit(SHOWN)
)


def _earliest_deadlines(state: ProposalState) -> sa.Select[tuple[int]]:
    return _part(
        state.value,
        sa.select(Proposal.id)
        .where(Proposal.state == state, Proposal.decision_due_on.is_not(None))
        .order_by(Proposal.decision_due_on, Proposal.id)
        .limit(SHOWN),
    )


#: With the council and a deadline to keep, the earliest deadline first: per state the first
#: few in the order of ix_proposals_state_deadline, then the first of those (a proposal the
#: council need not decide has no deadline and is only counted). With the council a proposal
#: is listed, as for COLLECTING
_FIRST = sa.union_all(*(_earliest_deadlines(s) for s in services.AWAITING_DECISION)).subquery()
AWAITING = (
    sa.select(*COLUMNS)
    .where(Proposal.id.in_(sa.select(_FIRST.c.id)))
    .order_by(Proposal.decision_due_on, Proposal.id)
    .limit(SHOWN)
)
#: Both public lists in one query (each row says which list it is on)
PUBLIC_LISTS = sa.union_all(_part("collecting", COLLECTING), _part("awaiting", AWAITING))

#: Listed proposals per state from the kept counts (a few dozen rows), and a last row
#: "overdue": those with the council past their deadline, from ix_proposals_state_deadline
#: alone (only an obliged proposal has a deadline, see services.submit and services.decide,
#: so this is services.is_overdue in SQL)
COUNTS = sa.union_all(
    sa.select(
        sa.type_coerce(ProposalCount.state, sa.String), sa.func.sum(ProposalCount.listed)
    ).group_by(ProposalCount.state),
    sa.select(sa.literal("overdue"), sa.func.count()).where(
        Proposal.state.in_(services.AWAITING_DECISION),
        Proposal.decision_due_on < sa.bindparam("today"),
    ),
)

#: The reader's drafts, the latest changed first
DRAFTS = (
    sa.select(*COLUMNS)
    .where(Proposal.author_id == _READER, Proposal.state == ProposalState.draft)
    .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
    .limit(SHOWN)
)
#: Proposals the reader signed (not struck) that were submitted, taken up or decided
SIGNED_MOVED = (
    sa.select(*COLUMNS)
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
#: Both of the reader's lists in one query
OWN_LISTS = sa.union_all(_part("drafts", DRAFTS), _part("moved", SIGNED_MOVED))

#: How each list is ordered once its rows are in (a UNION ALL keeps no order)
_ORDER = {
    "collecting": lambda r: (-r.total_signatures, -r.id),
    "awaiting": lambda r: (r.decision_due_on, r.id),
    "drafts": lambda r: (-r.updated_at.timestamp(), -r.id),
    "moved": lambda r: (-r.updated_at.timestamp(), -r.id),
}


def _lists(stmt: sa.CompoundSelect, params: dict[str, Any], *names: str) -> list[list[Any]]:
    rows: dict[str, list[Any]] = {name: [] for name in names}
    for row in db.session.execute(stmt, params):
        rows[row.list].append(row)
    return [sorted(rows[name], key=_ORDER[name]) for name in names]


def front_sections(reader: Any) -> list[Section]:
    today = dates.today()
    threshold = services.threshold()
    counts = {state: int(n or 0) for state, n in db.session.execute(COUNTS, {"today": today})}
    collecting, awaiting = _lists(PUBLIC_LISTS, {}, "collecting", "awaiting")
    labels = translated(STATE_LABELS)
    found = [
        Section(
            "proposals",
            "proposals/_front.html",
            {
                "threshold": threshold,
                "collecting": collecting,
                "collecting_count": counts.get(ProposalState.open.value, 0),
                "awaiting": awaiting,
                "awaiting_count": sum(counts.get(s.value, 0) for s in services.AWAITING_DECISION),
                "overdue_count": counts.get("overdue", 0),
                "overdue": {p.id for p in awaiting if services.is_overdue(p, today)},
                "state_labels": labels,
            },
        )
    ]
    if reader.is_authenticated:
        drafts, moved = _lists(OWN_LISTS, {"reader": reader.id}, "drafts", "moved")
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
