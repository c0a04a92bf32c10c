"""/api/v1/proposals: innbyggerforslag with counts, state, deadline and decision. Never a
signer's name, postal code or account; never a draft; never a proposal rejected by
moderation (withdrawn from view: its web page keeps only the title, date and reason)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import abort

from app.api.common import (
    ApiBlueprint,
    PageArgs,
    documented,
    iso,
    latest,
    modified,
    page_of,
    page_schema,
    public,
)
from app.core.links import absolute_url
from app.extensions import db
from app.proposals import queries, services
from app.proposals.models import DecisionOutcome, Proposal

blp = ApiBlueprint(
    "api_proposals", __name__, url_prefix="/api/v1/proposals",
    description="Innbyggerforslag (kommuneloven § 12-1): public proposals, their signature "
    "counts and the council's decisions.",
)  # fmt: skip

LISTED_STATES = [s.value for s in queries.LISTED_STATES]


class ProposalArgs(PageArgs):
    state = ma.fields.String(validate=ma.validate.OneOf(LISTED_STATES))
    focus_area = ma.fields.Integer(validate=ma.validate.Range(1, 8))
    topic = ma.fields.String(validate=ma.validate.Length(max=60))
    q = ma.fields.String(
        validate=ma.validate.Length(max=200), metadata={"description": "Full-text search"}
    )
    sort = ma.fields.String(load_default="newest", validate=ma.validate.OneOf(list(queries.SORTS)))


class ProposalSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    url = ma.fields.String(required=True, metadata={"description": "The proposal's web page"})
    title = ma.fields.String(required=True)
    summary = ma.fields.String(required=True)
    focus_area = ma.fields.Integer(required=True, metadata={"description": "Kommunekompasset 1–8"})
    topic = ma.fields.String(allow_none=True)
    state = ma.fields.String(required=True, validate=ma.validate.OneOf(LISTED_STATES))
    signatures = ma.fields.Integer(
        required=True, metadata={"description": "Counted: online, not struck, plus paper"}
    )
    online_signatures = ma.fields.Integer(required=True)
    paper_signatures = ma.fields.Integer(required=True)
    threshold = ma.fields.Integer(
        required=True, metadata={"description": "min(ceil(2 % of the population), 300 or 500)"}
    )
    threshold_reached_at = ma.fields.String(allow_none=True)
    opened_at = ma.fields.String(allow_none=True)
    campaign_ends_on = ma.fields.String(allow_none=True)
    submitted_at = ma.fields.String(allow_none=True)
    obliged = ma.fields.Boolean(
        allow_none=True, metadata={"description": "The council must decide"}
    )
    decision_due_on = ma.fields.String(
        allow_none=True, metadata={"description": "Six months after submission"}
    )
    overdue = ma.fields.Boolean(required=True)
    decided_on = ma.fields.String(allow_none=True)
    outcome = ma.fields.String(
        allow_none=True, validate=ma.validate.OneOf([o.value for o in DecisionOutcome])
    )
    updated_at = ma.fields.String(required=True)


class ProposalDetailSchema(ProposalSchema):
    body = ma.fields.String(required=True, metadata={"description": "Markdown"})
    version = ma.fields.Integer(
        required=True,
        metadata={
            "description": "The version of the text (title, summary, body, focus area, "
            "topic), raised by every change the initiator makes. A signature, given on the "
            "web page only, is refused when the text changed after the page was shown."
        },
    )
    case_reference = ma.fields.String(allow_none=True)
    answer = ma.fields.String(
        allow_none=True, metadata={"description": "The council's public answer, Markdown"}
    )
    same_as_id = ma.fields.Integer(allow_none=True)
    same_as_case = ma.fields.String(allow_none=True)
    closed_reason = ma.fields.String(allow_none=True)
    closed_at = ma.fields.String(allow_none=True)


def _summary(p: Proposal, threshold: int) -> dict[str, Any]:
    return {
        "id": p.id,
        "url": absolute_url("proposals.detail", proposal_id=p.id),
        "title": p.title,
        "summary": p.summary,
        "focus_area": p.focus_area,
        "topic": p.topic,
        "state": p.state.value,
        "signatures": p.total_signatures,
        "online_signatures": p.signature_count,
        "paper_signatures": p.paper_count,
        "threshold": threshold,
        "threshold_reached_at": iso(p.threshold_reached_at),
        "opened_at": iso(p.opened_at),
        "campaign_ends_on": iso(p.campaign_ends_on),
        "submitted_at": iso(p.submitted_at),
        "obliged": p.obliged,
        "decision_due_on": iso(p.decision_due_on),
        "overdue": services.is_overdue(p),
        "decided_on": iso(p.decided_on),
        "outcome": p.outcome.value if p.outcome else None,
        "updated_at": iso(p.updated_at),
    }


@blp.route("")
@blp.arguments(ProposalArgs, location="query", as_kwargs=True)
@public
@documented(blp, page_schema(ProposalSchema), 400)
def list_proposals(page: int, per_page: int, sort: str, **filters: Any) -> dict[str, Any]:
    """Listed proposals (none rejected), with the web list's filters, search and sorting."""
    chosen = [filters.get(name) for name in ("state", "focus_area", "topic", "q")]
    total = queries.count(*chosen)
    stmt = queries.proposals(*chosen, sort=sort, hits=total)
    threshold = services.threshold()
    modified(latest(Proposal.updated_at, queries.LISTED))
    args = {"page": page, "per_page": per_page}
    return page_of(stmt, args, lambda p: _summary(p, threshold), total=total)


@blp.route("/<int:proposal_id>")
@public
@documented(blp, ProposalDetailSchema, 404)
def get_proposal(proposal_id: int) -> dict[str, Any]:
    """One proposal: counts, state, deadline and decision, and its text.

    A proposal rejected by moderation is withdrawn from view and answers 404, as a draft
    does: the API has no reduced form of it, and its web page (``url``) shows the title,
    the date and the public reason alone."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not proposal.listed:
        abort(404)
    modified(proposal.updated_at)
    return {
        **_summary(proposal, services.threshold()),
        "body": proposal.body,
        "version": proposal.version,
        "case_reference": proposal.case_reference,
        "answer": proposal.answer,
        "same_as_id": proposal.same_as_id,
        "same_as_case": proposal.same_as_case,
        "closed_reason": proposal.closed_reason,
        "closed_at": iso(proposal.closed_at),
    }
