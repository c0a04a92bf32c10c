"""What the proposals domain holds about a person, and how it lets go of it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.core.owndata import register_own_data
from app.extensions import db
from app.proposals.models import Comment, Proposal, ProposalState, Signature

#: Before submission a signature is only a campaign's; after it, part of the case record
BEFORE_SUBMISSION = (ProposalState.draft, ProposalState.open, ProposalState.expired)


def export(user: Any) -> dict[str, Any]:
    proposals = db.session.scalars(
        sa.select(Proposal).where(Proposal.author_id == user.id).order_by(Proposal.id)
    )
    signatures = db.session.execute(
        sa.select(Signature, Proposal.title)
        .join(Proposal, Proposal.id == Signature.proposal_id)
        .where(Signature.user_id == user.id)
        .order_by(Signature.id)
    )
    return {
        "proposals": [
            {"id": p.id, "title": p.title, "summary": p.summary, "body": p.body,
             "state": p.state.value, "created": p.created_at.isoformat()}
            for p in proposals
        ],
        "signatures": [
            {"proposal": title, "name": s.full_name, "postal_code": s.postal_code,
             "signed": s.created_at.isoformat(), "struck": s.struck_at is not None}
            for s, title in signatures
        ],
        "comments": [
            {"proposal": c.proposal_id, "written": c.created_at.isoformat(), "text": c.body}
            for c in db.session.scalars(
                sa.select(Comment).where(Comment.author_id == user.id).order_by(Comment.id)
            )
        ],
    }  # fmt: skip


def anonymise(user: Any) -> None:
    """Campaign signatures go; signatures on submitted proposals stay, unlinked; drafts go;
    published proposals and comments stay and show "deleted user"."""
    from app.proposals.services import count_signatures

    rows = db.session.execute(
        sa.select(Signature, Proposal)
        .join(Proposal, Proposal.id == Signature.proposal_id)
        .where(Signature.user_id == user.id)
    ).all()
    for signature, proposal in rows:
        if proposal.state in BEFORE_SUBMISSION:
            counted = signature.struck_at is None
            db.session.delete(signature)
            db.session.flush()
            if counted:
                count_signatures(proposal, signatures=-1)
        else:
            signature.user_id = None
    db.session.execute(
        sa.delete(Proposal).where(
            Proposal.author_id == user.id, Proposal.state == ProposalState.draft
        )
    )
    db.session.execute(
        sa.update(Proposal).where(Proposal.author_id == user.id).values(author_id=None)
    )
    db.session.execute(
        sa.update(Comment).where(Comment.author_id == user.id).values(author_id=None)
    )
    db.session.flush()


register_own_data("proposals", export, anonymise)
