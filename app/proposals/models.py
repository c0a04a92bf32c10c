"""Proposals, their signatures, paper batches and comments."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import utcnow
from app.extensions import db
from app.proposals import stems


class ProposalState(enum.StrEnum):
    draft = "draft"
    open = "open"
    submitted = "submitted"
    in_review = "in_review"
    decided = "decided"
    withdrawn = "withdrawn"
    rejected = "rejected"
    expired = "expired"


class DecisionOutcome(enum.StrEnum):
    adopted = "adopted"
    partly_adopted = "partly_adopted"
    not_adopted = "not_adopted"
    not_considered_same_content = "not_considered_same_content"
    referred_to_plan_case = "referred_to_plan_case"


#: The columns whose words are searched
SEARCHED = ("title", "summary", "body")


def _search_stems(context: sa.engine.interfaces.ExecutionContext) -> str | None:
    """``Proposal.search_stems`` of a row being inserted, by the ORM or by a Core insert
    (the benchmark's generator): on SQLite only, where the full-text index holds them."""
    if context.dialect.name != "sqlite":
        return None
    row = context.get_current_parameters()
    return stems.stems(row.get(name) for name in SEARCHED)


class Proposal(db.Model):
    __tablename__ = "proposals"
    __table_args__ = (
        sa.CheckConstraint("focus_area BETWEEN 1 AND 8", name="focus_area_range"),
        sa.CheckConstraint("signature_count >= 0", name="signature_count_positive"),
        sa.CheckConstraint("paper_count >= 0", name="paper_count_positive"),
        # The list's default order (newest opened first) read in index order, no sort; with
        # the state, the list's count of public proposals reads the index alone
        sa.Index("ix_proposals_newest", "opened_at", "id", "state"),
        # The front page's lists, read in index order with a LIMIT (app.proposals.frontpage):
        # the open ones with the most signatures first, and per state the earliest deadline
        sa.Index(
            "ix_proposals_collecting",
            "state",
            sa.text("(signature_count + paper_count)"),
            "id",
        ),
        sa.Index("ix_proposals_state_deadline", "state", "decision_due_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short public title
    title: Mapped[str] = mapped_column(sa.String(120))
    summary: Mapped[str] = mapped_column(sa.String(500))
    #: Markdown, rendered with render_markdown
    body: Mapped[str] = mapped_column(sa.Text)
    focus_area: Mapped[int]
    topic: Mapped[str | None] = mapped_column(sa.String(60), index=True)
    #: Raised by every change of the text a signer reads (services.SIGNED_TEXT); the sign
    #: form carries the version its page showed, and a signature of another is refused
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    state: Mapped[ProposalState] = mapped_column(default=ProposalState.draft, index=True)
    #: NULL once the initiator has deleted their account
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: Indexed for the API's Last-Modified (the latest change of a listed proposal); every
    #: signature updates the row anyway (PostgreSQL made no HOT update of it without one)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    opened_at: Mapped[datetime | None]
    campaign_ends_on: Mapped[date | None]
    #: Electronic signatures that count (not struck); kept in step by the services
    signature_count: Mapped[int] = mapped_column(default=0)
    #: Paper signatures registered by the committee in counted batches
    paper_count: Mapped[int] = mapped_column(default=0)
    threshold_reached_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    #: Whether the council must decide (threshold reached when submitted)
    obliged: Mapped[bool | None]
    #: Six months after submission; NULL when not obliged or referred to a plan case
    decision_due_on: Mapped[date | None] = mapped_column(index=True)
    review_started_at: Mapped[datetime | None]
    decided_on: Mapped[date | None]
    outcome: Mapped[DecisionOutcome | None]
    case_reference: Mapped[str | None] = mapped_column(sa.String(60))
    answer: Mapped[str | None] = mapped_column(sa.Text)
    #: For not_considered_same_content: the earlier proposal, or an earlier case reference
    same_as_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="SET NULL")
    )
    same_as_case: Mapped[str | None] = mapped_column(sa.String(60))
    closed_reason: Mapped[str | None] = mapped_column(sa.Text)
    closed_at: Mapped[datetime | None]
    #: SQLite only (NULL on PostgreSQL, whose tsvector column stems by itself): the distinct
    #: Norwegian stems of title, summary and body, which the full-text index holds (see
    #: app.proposals.stems); written with the text, never loaded
    search_stems: Mapped[str | None] = mapped_column(sa.Text, default=_search_stems, deferred=True)

    #: Loaded only where shown (the detail page joins it); lists never touch it
    author = relationship("User", lazy="select")

    @property
    def total_signatures(self) -> int:
        return self.signature_count + self.paper_count

    @hybrid_property
    def public(self) -> bool:
        """Anyone may read it: it was opened for signatures. A draft, or a draft withdrawn
        before it was ever opened, is its initiator's alone. ``Proposal.public`` is the same
        rule in SQL."""
        return self.state != ProposalState.draft and self.opened_at is not None

    @public.inplace.expression
    @classmethod
    def _public_expression(cls) -> sa.ColumnElement[bool]:
        return sa.and_(cls.state != ProposalState.draft, cls.opened_at.is_not(None))

    @hybrid_property
    def listed(self) -> bool:
        """Shown in lists, feeds, search, the API and open data: public and not rejected by
        moderation. A rejected proposal is withdrawn from view: its page keeps the title,
        the date and the public reason. ``Proposal.listed`` is the same rule in SQL."""
        return self.public and self.state != ProposalState.rejected

    @listed.inplace.expression
    @classmethod
    def _listed_expression(cls) -> sa.ColumnElement[bool]:
        return sa.and_(cls.public, cls.state != ProposalState.rejected)


@sa.event.listens_for(Proposal, "before_update")
def _stem_changed_text(_mapper: object, connection: sa.Connection, proposal: Proposal) -> None:
    """Write the stems again when the ORM writes a new title, summary or body."""
    if connection.dialect.name != "sqlite":
        return
    state = sa.inspect(proposal)
    if any(state.attrs[name].history.has_changes() for name in SEARCHED):
        proposal.search_stems = stems.stems(getattr(proposal, name) for name in SEARCHED)


class ProposalCount(db.Model):
    """How many listed proposals there are in a state and focus area: what the list counts
    when it is not searched or filtered by topic. Kept by triggers on ``proposals`` (see
    migration c8d2a6f4b1e7) in the transaction that changes a proposal, whichever code
    does it (a service, a job's bulk UPDATE, the benchmark's generator); a missing row is 0."""

    __tablename__ = "proposal_counts"
    __table_args__ = (sa.CheckConstraint("listed >= 0", name="listed_positive"),)

    state: Mapped[ProposalState] = mapped_column(primary_key=True)
    focus_area: Mapped[int] = mapped_column(primary_key=True)
    listed: Mapped[int] = mapped_column(default=0)


class Signature(db.Model):
    __tablename__ = "signatures"
    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "user_id"),
        # The compass's indicators for a period read only this index (signatures, signers)
        sa.Index("ix_signatures_period", "created_at", "struck_at", "user_id", "birth_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Looked up by the unique constraint's index, which starts with it
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"))
    #: NULL once a signature on a submitted proposal is unlinked from a deleted account
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    full_name: Mapped[str] = mapped_column(sa.String(120))
    postal_code: Mapped[str] = mapped_column(sa.String(4))
    #: Kept for the share of signers under 18 (any age may sign)
    birth_year: Mapped[int | None]
    notify: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    struck_at: Mapped[datetime | None]
    struck_reason: Mapped[str | None] = mapped_column(sa.String(500))


class PaperBatch(db.Model):
    __tablename__ = "paper_batches"
    __table_args__ = (sa.CheckConstraint("count > 0", name="count_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    count: Mapped[int]
    received_on: Mapped[date]
    note: Mapped[str | None] = mapped_column(sa.String(500))
    registered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Comment(db.Model):
    __tablename__ = "proposal_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    #: NULL once the writer has deleted their account (shown as "deleted user")
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Markdown, rendered with render_markdown
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(sa.String(500))
    #: Open reports not yet handled by a moderator (kept in step by the services)
    open_reports: Mapped[int] = mapped_column(default=0, index=True)

    author = relationship("User", lazy="joined")


class CommentReport(db.Model):
    __tablename__ = "comment_reports"
    __table_args__ = (sa.UniqueConstraint("comment_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposal_comments.id", ondelete="CASCADE"), index=True
    )
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Follow(db.Model):
    """A user who wants mail when the proposal is submitted and decided."""

    __tablename__ = "proposal_follows"

    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
