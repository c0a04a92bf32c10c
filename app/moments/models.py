"""Golden service moments: nominations, the monthly winners and the weekly reflections."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import utcnow
from app.extensions import db


class NominationState(enum.StrEnum):
    #: Waiting for the nominator to open the link in the confirmation mail
    unconfirmed = "unconfirmed"
    #: Confirmed, waiting for the committee
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class Nomination(db.Model):
    __tablename__ = "moment_nominations"
    __table_args__ = (
        # The gallery's and the compass' counts per unit and month read only this index
        sa.Index("ix_moment_nominations_state_month_unit", "state", "month", "unit_id"),
        # The compass's indicators for a period: nominations confirmed, and decided by state
        sa.Index("ix_moment_nominations_confirmed_at", "confirmed_at"),
        sa.Index("ix_moment_nominations_moderated", "moderated_at", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    #: The employee's name, published only with their recorded consent (see public.py)
    employee_name: Mapped[str | None] = mapped_column(sa.String(120))
    happened_on: Mapped[date]
    #: Markdown, at most 3,000 characters; the committee may edit it for anonymisation
    story: Mapped[str] = mapped_column(sa.Text)
    #: NULL once the nominator has deleted their account (the story stays)
    nominator_name: Mapped[str | None] = mapped_column(sa.String(120))
    nominator_email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    nominator_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: The nominator agrees that the committee may contact them about the nomination
    may_contact: Mapped[bool] = mapped_column(default=False)
    #: The nominator's language, for the mails they get
    language: Mapped[str] = mapped_column(sa.String(8), default="nb")
    state: Mapped[NominationState] = mapped_column(default=NominationState.unconfirmed)
    #: The named employee agreed to have their name published
    name_consent: Mapped[bool] = mapped_column(default=False)
    #: First day of the month (Oslo) the nomination was confirmed: the month it competes in
    month: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    moderated_at: Mapped[datetime | None]
    moderated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    rejection_reason: Mapped[str | None] = mapped_column(sa.String(500))

    unit = relationship("Unit", lazy="joined", innerjoin=True)


class UnitYearCount(db.Model):
    """Approved nominations per unit and year (of the month they compete in): the gallery's
    and the year pages' "golden moments for the unit". Kept by triggers on
    ``moment_nominations`` (see migration e2b7c4d9a613) in the transaction that approves,
    rejects or removes a nomination, whichever code does it; a missing row is 0."""

    __tablename__ = "moment_unit_years"
    __table_args__ = (sa.CheckConstraint("approved >= 0", name="approved_positive"),)

    unit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("units.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(primary_key=True)
    approved: Mapped[int] = mapped_column(default=0)


class Winner(db.Model):
    """The month's golden service moment: at most one per month, a database rule."""

    __tablename__ = "moment_winners"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: First day of the month the nomination won
    month: Mapped[date] = mapped_column(unique=True)
    nomination_id: Mapped[int] = mapped_column(
        sa.ForeignKey("moment_nominations.id", ondelete="RESTRICT"), unique=True
    )
    citation: Mapped[str] = mapped_column(sa.String(500))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    nomination: Mapped[Nomination] = relationship(lazy="joined", innerjoin=True)


class ReflectionPrompt(db.Model):
    """Ukas servicerefleksjon: one prompt per ISO week."""

    __tablename__ = "moment_reflection_prompts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The Monday of the ISO week
    week_start: Mapped[date] = mapped_column(unique=True)
    prompt: Mapped[str] = mapped_column(sa.String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )


class Reflection(db.Model):
    """A unit held the week's reflection."""

    __tablename__ = "moment_reflections"
    __table_args__ = (sa.UniqueConstraint("prompt_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Indexed by the unique constraint (prompt_id, unit_id)
    prompt_id: Mapped[int] = mapped_column(
        sa.ForeignKey("moment_reflection_prompts.id", ondelete="CASCADE")
    )
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    #: An optional short learning point, shown on the public page
    learning: Mapped[str | None] = mapped_column(sa.String(500))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
