"""Innbyggerforslag as open data: what the public lists show, never drafts, never proposals
rejected by moderation (withdrawn from view), never who signed.

Read by the compass's open-data export (app.compass.registry.OPEN_DATA_SOURCES).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.proposals.models import Proposal
from app.proposals.queries import LISTED

#: The columns published; names and postal codes of signers live in another table, and
#: the initiator's account is not published either
COLUMNS = (
    Proposal.id, Proposal.title, Proposal.summary, Proposal.body, Proposal.focus_area,
    Proposal.topic, Proposal.state, Proposal.opened_at, Proposal.campaign_ends_on,
    Proposal.signature_count.label("electronic_signatures"),
    Proposal.paper_count.label("paper_signatures"),
    (Proposal.signature_count + Proposal.paper_count).label("total_signatures"),
    Proposal.threshold_reached_at, Proposal.submitted_at, Proposal.obliged,
    Proposal.decision_due_on, Proposal.decided_on, Proposal.outcome, Proposal.case_reference,
    Proposal.answer, Proposal.closed_reason, Proposal.closed_at,
)  # fmt: skip


def _rows(session: Session) -> Iterator[dict[str, Any]]:
    result = session.execute(
        sa.select(*COLUMNS).where(LISTED).order_by(Proposal.id).execution_options(yield_per=1000)
    )
    for row in result:
        yield dict(row._mapping)


def open_data_tables(session: Session) -> list[dict[str, Any]]:
    return [
        {
            "name": "proposals",
            "description": "Citizen proposals (innbyggerforslag, kommuneloven section 12-1) "
            "with their signature counts, dates and council decisions; drafts, proposals "
            "rejected by moderation and the names of signers are never included.",
            "pk": "id",
            "fts": ["title", "summary", "body", "answer"],
            "rows": _rows(session),
        }
    ]
