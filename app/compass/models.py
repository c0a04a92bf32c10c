"""Kompass: evaluations with per-area scores, the target, strategies with measures, and
monthly snapshots of every domain's indicators.

An area score that was not published has no row in ``compass_area_scores``: unknown stays
unknown and is never stored (or shown) as 0.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import utcnow
from app.extensions import db


class MeasureStatus(enum.StrEnum):
    planned = "planned"
    in_progress = "in_progress"
    done = "done"
    cancelled = "cancelled"


class Evaluation(db.Model):
    """One Kommunekompasset evaluation of the municipality (e.g. KS-Konsulent, 2017)."""

    __tablename__ = "compass_evaluations"
    __table_args__ = (
        sa.CheckConstraint("year BETWEEN 1990 AND 2100", name="year_range"),
        sa.CheckConstraint("total BETWEEN 0 AND 800", name="total_range"),
        sa.CheckConstraint(
            "national_average IS NULL OR national_average BETWEEN 0 AND 800",
            name="national_average_range",
        ),
        sa.CheckConstraint(
            "group_average IS NULL OR group_average BETWEEN 0 AND 800", name="group_average_range"
        ),
        sa.CheckConstraint(
            "best_municipality IS NULL OR best_municipality BETWEEN 0 AND 800",
            name="best_municipality_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    evaluator: Mapped[str] = mapped_column(sa.String(200))
    #: As published: the sum of the areas when all eight are known
    total: Mapped[int]
    source_url: Mapped[str | None] = mapped_column(sa.String(500))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    #: Reference values for the same round: all evaluated municipalities, municipalities of
    #: a similar size, and the best municipality
    national_average: Mapped[int | None]
    group_average: Mapped[int | None]
    best_municipality: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    scores: Mapped[list[AreaScore]] = relationship(
        back_populates="evaluation",
        cascade="all, delete-orphan",
        order_by="AreaScore.area",
        lazy="selectin",
    )

    def score_for(self, area: int) -> int | None:
        """The area's score, or None when it was not published."""
        return next((s.score for s in self.scores if s.area == area), None)


class AreaScore(db.Model):
    __tablename__ = "compass_area_scores"
    __table_args__ = (
        sa.CheckConstraint("area BETWEEN 1 AND 8", name="area_range"),
        sa.CheckConstraint("score BETWEEN 0 AND 100", name="score_range"),
    )

    evaluation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("compass_evaluations.id", ondelete="CASCADE"), primary_key=True
    )
    area: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    score: Mapped[int]

    evaluation: Mapped[Evaluation] = relationship(back_populates="scores")


class Target(db.Model):
    """The municipality's target ("Røros mot kompasskurs 550"); one row."""

    __tablename__ = "compass_targets"
    __table_args__ = (
        sa.CheckConstraint("score BETWEEN 0 AND 800", name="score_range"),
        sa.CheckConstraint("year BETWEEN 1990 AND 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    score: Mapped[int]
    year: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Strategy(db.Model):
    """A sub-strategy (delstrategi) of the development strategy."""

    __tablename__ = "compass_strategies"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    measures: Mapped[list[Measure]] = relationship(
        back_populates="strategy",
        cascade="all, delete-orphan",
        order_by="(Measure.position, Measure.id)",
    )


class Measure(db.Model):
    """A measure (tiltak) of a sub-strategy."""

    __tablename__ = "compass_measures"
    __table_args__ = (sa.CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(
        sa.ForeignKey("compass_strategies.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: Focus areas 1–8 the measure works on
    focus_areas: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    #: Who is responsible (a unit, a role or a committee), as text
    owner: Mapped[str] = mapped_column(sa.String(120))
    due_on: Mapped[date | None]
    status: Mapped[MeasureStatus] = mapped_column(default=MeasureStatus.planned)
    #: Percent done, 0–100
    progress: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    strategy: Mapped[Strategy] = relationship(back_populates="measures")
    updates: Mapped[list[MeasureUpdate]] = relationship(
        back_populates="measure",
        cascade="all, delete-orphan",
        order_by="(MeasureUpdate.noted_on.desc(), MeasureUpdate.id.desc())",
    )


class MeasureUpdate(db.Model):
    """A dated entry in a measure's log: what happened, and the status and progress after."""

    __tablename__ = "compass_measure_updates"
    __table_args__ = (
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        # A measure's log newest first, read from the index (the area page's latest entries)
        sa.Index("ix_compass_measure_updates_log", "measure_id", "noted_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        sa.ForeignKey("compass_measures.id", ondelete="CASCADE")
    )
    noted_on: Mapped[date]
    text: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[MeasureStatus]
    progress: Mapped[int]
    #: NULL once the writer has deleted their account
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    measure: Mapped[Measure] = relationship(back_populates="updates")


class Snapshot(db.Model):
    """One indicator's value for one calendar month, kept so trends survive later changes
    to the data it was computed from."""

    __tablename__ = "compass_snapshots"
    __table_args__ = (
        sa.UniqueConstraint("key", "month"),
        sa.CheckConstraint("focus_area BETWEEN 1 AND 8", name="focus_area_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(120))
    #: The first day of the month
    month: Mapped[date] = mapped_column(index=True)
    focus_area: Mapped[int]
    #: The label in bokmål when taken, for keys no domain reports any longer
    label: Mapped[str] = mapped_column(sa.String(300))
    #: None: nothing to measure that month (never shown as 0)
    value: Mapped[float | None]
    unit: Mapped[str] = mapped_column(sa.String(20))
    direction: Mapped[str] = mapped_column(sa.String(20))
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)
