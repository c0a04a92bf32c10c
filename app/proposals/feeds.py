"""Atom feeds: proposals opened for signatures, and proposals the council has decided; never
one rejected by moderation."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import defer

from app.core.cache import cached_page
from app.core.feeds import Entry, atom_feed
from app.core.links import absolute_url
from app.extensions import db
from app.proposals import bp
from app.proposals.labels import OUTCOME_LABELS
from app.proposals.models import Proposal, ProposalState
from app.proposals.queries import LISTED

FEED_LENGTH = 30


def _entry(p: Proposal, when, summary: str) -> Entry:  # type: ignore[no-untyped-def]
    link = absolute_url("proposals.detail", proposal_id=p.id)
    return Entry(id=link, title=p.title, link=link, updated=when, summary=summary)


@bp.get("/feed.atom")
@cached_page()
def feed_new():  # type: ignore[no-untyped-def]
    """The newest proposals opened for signatures."""
    rows = db.session.scalars(
        sa.select(Proposal)
        .options(defer(Proposal.body), defer(Proposal.answer))
        .where(LISTED)
        .order_by(Proposal.opened_at.desc(), Proposal.id.desc())
        .limit(FEED_LENGTH)
    ).all()
    return atom_feed(
        _("Nye innbyggerforslag"),
        absolute_url("proposals.feed_new"),
        absolute_url("proposals.feed_new"),
        absolute_url("proposals.index"),
        [_entry(p, p.opened_at, p.summary) for p in rows],
    )


@bp.get("/decided.atom")
@cached_page()
def feed_decided():  # type: ignore[no-untyped-def]
    """The proposals the council decided most recently, with the outcome."""
    rows = db.session.scalars(
        sa.select(Proposal)
        .options(defer(Proposal.body))
        .where(Proposal.state == ProposalState.decided)
        .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
        .limit(FEED_LENGTH)
    ).all()
    return atom_feed(
        _("Innbyggerforslag med vedtak"),
        absolute_url("proposals.feed_decided"),
        absolute_url("proposals.feed_decided"),
        absolute_url("proposals.index", state="decided"),
        [
            _entry(p, p.updated_at, f"{OUTCOME_LABELS[p.outcome]}. {p.answer or ''}".strip())
            for p in rows
            if p.outcome is not None
        ],
    )
