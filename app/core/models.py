"""Platform-wide models: the municipality's settings and the mail outbox."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import utcnow
from app.extensions import db


class MunicipalityKind(enum.StrEnum):
    kommune = "kommune"
    fylkeskommune = "fylkeskommune"


class MunicipalitySettings(db.Model):
    """The one row of settings that makes Medvirke Røros (or any other municipality)."""

    __tablename__ = "municipality_settings"
    __table_args__ = (
        sa.CheckConstraint("population > 0", name="population_positive"),
        sa.CheckConstraint(
            "electoral_period_end > electoral_period_start", name="electoral_period_order"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    #: Official municipality number (kommunenummer), e.g. "5025" for Røros
    number: Mapped[str] = mapped_column(sa.String(4))
    kind: Mapped[MunicipalityKind] = mapped_column(default=MunicipalityKind.kommune)
    population: Mapped[int]
    #: Postal codes inside the municipality; signing a proposal needs one of these
    postal_codes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: Areas (grender) residents choose from in their panel profile
    areas: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: Population shares (percent) by age band and by area, for the panel's lottery
    age_shares: Mapped[dict[str, float]] = mapped_column(sa.JSON, default=dict)
    area_shares: Mapped[dict[str, float]] = mapped_column(sa.JSON, default=dict)
    electoral_period_start: Mapped[date]
    electoral_period_end: Mapped[date]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MailStatus(enum.StrEnum):
    pending = "pending"
    #: Claimed by a worker; a row left here by a crashed worker is released after a while
    sending = "sending"
    sent = "sent"
    failed = "failed"


class OutboxMail(db.Model):
    """A mail written in the same transaction as the event that caused it."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(255))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(8))
    #: Template name, kept so operators can see what kind of mail a row is
    template: Mapped[str] = mapped_column(sa.String(80))
    status: Mapped[MailStatus] = mapped_column(default=MailStatus.pending, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]


class AuditEntry(db.Model):
    """One privileged action, written by ``app.core.audit.audit`` in the action's transaction."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Who acted, as shown at the time (kept when the account is later deleted, then scrubbed)
    actor_label: Mapped[str] = mapped_column(sa.String(254))
    #: Stable dotted key, e.g. "user.role_granted"
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    target_type: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    target_id: Mapped[str | None] = mapped_column(sa.String(40))
    details: Mapped[dict[str, object]] = mapped_column(sa.JSON, default=dict)


class JobRun(db.Model):
    """One period's run of a scheduled job that must happen once per period (a weekly
    digest): the first worker to insert the row does the work, any other finds it taken."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    #: The period the run is for, e.g. "2026-W49"
    period: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(default=utcnow)


class Unit(db.Model):
    """A municipal unit (enhet), e.g. "Hjemmetjenesten": services belong to one, golden
    service moments recognise one, and its contact records the weekly reflection."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    #: The unit's contact person (a service owner), told when the unit wins a month
    contact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Inactive units stay on old records but are not offered for new ones
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
