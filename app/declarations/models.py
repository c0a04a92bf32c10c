"""Services, their versioned declarations and promises, feedback and broken-promise reports."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.dates import oslo_date
from app.core.db import utcnow
from app.extensions import db

#: Languages a declaration can be written in; sma (South Sami) is content only
CONTENT_LANGUAGES = ("nb", "nn", "en", "sma")


class VersionStatus(enum.StrEnum):
    draft = "draft"
    #: A service owner asked an administrator to publish it
    submitted = "submitted"
    published = "published"
    superseded = "superseded"


class TargetUnit(enum.StrEnum):
    working_days = "working_days"
    hours = "hours"


class ReportStatus(enum.StrEnum):
    new = "new"
    acknowledged = "acknowledged"
    answered = "answered"
    closed = "closed"


service_owners = sa.Table(
    "service_owners",
    db.metadata,
    sa.Column("service_id", sa.ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class Service(db.Model):
    __tablename__ = "services"
    __table_args__ = (
        sa.CheckConstraint("feedback_kept >= 0", name="feedback_kept_positive"),
        sa.CheckConstraint("feedback_not_kept >= 0", name="feedback_not_kept_positive"),
        sa.CheckConstraint(
            "0 <= reports_answered_in_time AND reports_answered_in_time <= reports_answered "
            "AND reports_answered <= reports_count",
            name="report_counts_consistent",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: In the address: /declarations/<slug>
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    #: Markdown, a short public description
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: Kommunekompasset focus areas (1–8) the service serves
    focus_areas: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Feedback answers on all the service's promises, moved in the feedback's transaction
    feedback_kept: Mapped[int] = mapped_column(default=0, server_default="0")
    feedback_not_kept: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Broken-promise reports, those answered and those answered in time, and the median
    #: working days to an answer: kept in the transaction that adds or answers a report
    #: (services.recount_report_figures counts them afresh from the reports)
    reports_count: Mapped[int] = mapped_column(default=0, server_default="0")
    reports_answered: Mapped[int] = mapped_column(default=0, server_default="0")
    reports_answered_in_time: Mapped[int] = mapped_column(default=0, server_default="0")
    answer_days_median: Mapped[float | None]

    unit = relationship("Unit", lazy="joined")
    owners = relationship("User", secondary=service_owners, lazy="select", order_by="User.name")


class DeclarationVersion(db.Model):
    """One version of a service's declaration in one language."""

    __tablename__ = "declaration_versions"
    __table_args__ = (
        sa.UniqueConstraint("service_id", "language", "number"),
        sa.CheckConstraint("language IN ('nb', 'nn', 'en', 'sma')", name="language_known"),
        sa.Index("ix_declaration_versions_current", "service_id", "status", "language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(3))
    #: 1, 2, 3 … per service and language
    number: Mapped[int]
    status: Mapped[VersionStatus] = mapped_column(default=VersionStatus.draft)
    #: The sections, Markdown: the service, who it is for, what we expect of you, price,
    #: complaint rights (klageadgang), contact
    about: Mapped[str] = mapped_column(sa.Text, default="")
    audience: Mapped[str] = mapped_column(sa.Text, default="")
    expectations: Mapped[str] = mapped_column(sa.Text, default="")
    price: Mapped[str] = mapped_column(sa.Text, default="")
    complaints: Mapped[str] = mapped_column(sa.Text, default="")
    contact: Mapped[str] = mapped_column(sa.Text, default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    effective_from: Mapped[date | None]
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: When an administrator last confirmed the text is still right (set on publishing)
    reviewed_on: Mapped[date | None]
    superseded_at: Mapped[datetime | None]

    service: Mapped[Service] = relationship(lazy="select")
    promises: Mapped[list[Promise]] = relationship(
        back_populates="version",
        order_by="Promise.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class Promise(db.Model):
    """One item of "what you can expect", optionally measurable."""

    __tablename__ = "declaration_promises"
    __table_args__ = (
        sa.CheckConstraint("target_value IS NULL OR target_value > 0", name="target_positive"),
        sa.CheckConstraint(
            "(target_value IS NULL) = (target_unit IS NULL)", name="target_value_and_unit"
        ),
        sa.CheckConstraint("kept_count >= 0 AND not_kept_count >= 0", name="counts_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("declaration_versions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    text: Mapped[str] = mapped_column(sa.String(500))
    target_value: Mapped[int | None]
    target_unit: Mapped[TargetUnit | None]
    #: Feedback on this promise, moved in the feedback's transaction
    kept_count: Mapped[int] = mapped_column(default=0, server_default="0")
    not_kept_count: Mapped[int] = mapped_column(default=0, server_default="0")

    version: Mapped[DeclarationVersion] = relationship(back_populates="promises")


class Feedback(db.Model):
    """Whether a promise was kept for someone; no account needed, no IP address kept."""

    __tablename__ = "declaration_feedback"
    __table_args__ = (
        sa.Index("ix_declaration_feedback_service_day", "service_id", "created_on"),
        # The compass's share of promises kept in a period reads only this index
        sa.Index("ix_declaration_feedback_day", "created_on", "kept"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id", ondelete="CASCADE"))
    promise_id: Mapped[int] = mapped_column(
        sa.ForeignKey("declaration_promises.id", ondelete="CASCADE"), index=True
    )
    kept: Mapped[bool]
    comment: Mapped[str | None] = mapped_column(sa.String(2000))
    #: Only the day, like the panel's answers
    created_on: Mapped[date]
    #: Set when given by a logged-in user; NULL when anonymous or after the account is deleted
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )


class Report(db.Model):
    """A broken promise (avvik), answered by the service's owners within a deadline."""

    __tablename__ = "declaration_reports"
    __table_args__ = (
        # Covering indexes: the public figures read them and never the table (a service's
        # reports waiting past their deadline and its breakdown; its answer times)
        sa.Index("ix_declaration_reports_figures", "service_id", "status", "due_on",
                 "answer_working_days"),
        sa.Index("ix_declaration_reports_answer_days", "service_id", "answer_working_days"),
        sa.CheckConstraint("answer_working_days IS NULL OR answer_working_days >= 0",
                           name="answer_days_positive"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id", ondelete="CASCADE"))
    promise_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("declaration_promises.id", ondelete="SET NULL"), index=True
    )
    #: What happened (kept when the person is deleted)
    description: Mapped[str] = mapped_column(sa.Text)
    happened_on: Mapped[date]
    #: Contact details, erased when the report is closed or the account is deleted
    reporter_name: Mapped[str | None] = mapped_column(sa.String(120))
    reporter_email: Mapped[str | None] = mapped_column(sa.String(254))
    reporter_language: Mapped[str] = mapped_column(sa.String(8), default="nb")
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[ReportStatus] = mapped_column(default=ReportStatus.new)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The last day for an answer, in working days from the day it came in
    due_on: Mapped[date] = mapped_column(index=True)
    acknowledged_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: Working days from the day it came in to the day it was answered
    answer_working_days: Mapped[int | None]
    answered_in_time: Mapped[bool | None]
    closed_at: Mapped[datetime | None]

    service: Mapped[Service] = relationship(lazy="joined")
    promise: Mapped[Promise | None] = relationship(lazy="joined")

    @property
    def reference(self) -> str:
        """The reporter's reference, e.g. "AVVIK-2026-00042"."""
        return format_reference(oslo_date(self.created_at).year, self.id)


def format_reference(year: int, report_id: int) -> str:
    return f"AVVIK-{year}-{report_id:05d}"
