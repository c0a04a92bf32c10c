"""Golden service moments: the read side. Public rows go through public.public_moment."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import sqlalchemy as sa

from app.core.dates import add_months
from app.core.models import Unit
from app.moments.models import (
    Nomination,
    NominationState,
    Reflection,
    ReflectionPrompt,
    UnitYearCount,
    Winner,
)

#: What a public row carries: the consent rule (public.public_moment) decides the rest
NOMINATION_COLUMNS = (
    Nomination.id.label("nomination_id"),
    Unit.name.label("unit"),
    Nomination.employee_name,
    Nomination.name_consent,
    Nomination.happened_on,
    Nomination.story,
)
WINNER_COLUMNS = (
    Winner.id.label("winner_id"),
    Winner.month,
    Winner.citation,
    Winner.published_at,
)


@lru_cache(maxsize=64)
def winners(year: int | None = None, limit: int | None = None) -> sa.Select:
    """Published winners, newest month first, in one query with their nomination and unit.
    Built once per year and limit (the pages' statements are the same on every request)."""
    stmt = (
        sa.select(*WINNER_COLUMNS, *NOMINATION_COLUMNS)
        .join(Nomination, Nomination.id == Winner.nomination_id)
        .join(Unit, Unit.id == Nomination.unit_id)
        .order_by(Winner.month.desc())
    )
    if year is not None:
        stmt = stmt.where(Winner.month >= date(year, 1, 1), Winner.month < date(year + 1, 1, 1))
    return stmt.limit(limit) if limit else stmt


#: The years that have a winner, newest first, for the year links
WINNER_YEARS = (
    sa.select(sa.extract("year", Winner.month).label("year")).distinct().order_by(sa.desc("year"))
)


@lru_cache(maxsize=64)
def approved_per_unit(year: int) -> sa.Select:
    """(unit name, approved nominations) for the year, most first: read from the counts
    kept per unit and year (``UnitYearCount``), joined to the few units. Built once per
    year."""
    return (
        sa.select(Unit.name, UnitYearCount.approved)
        .join(Unit, Unit.id == UnitYearCount.unit_id)
        .where(UnitYearCount.year == year, UnitYearCount.approved > 0)
        .order_by(UnitYearCount.approved.desc(), Unit.name)
    )


def nominations_in(*states: NominationState) -> sa.Select[tuple[Nomination]]:
    """Nominations in ``states`` for the committee, oldest first (unit joined)."""
    return (
        sa.select(Nomination)
        .where(Nomination.state.in_(states))
        .order_by(Nomination.confirmed_at, Nomination.id)
    )


def eligible(month: date) -> sa.Select[tuple[Nomination]]:
    """Approved nominations that may win ``month``: received that month or the month before
    (carried over), and not already a winner."""
    return (
        sa.select(Nomination)
        .where(
            Nomination.state == NominationState.approved,
            Nomination.month.in_([month, add_months(month, -1)]),
            ~sa.exists().where(Winner.nomination_id == Nomination.id),
        )
        .order_by(Nomination.month.desc(), Nomination.confirmed_at, Nomination.id)
    )


def winners_for(months: list[date]) -> sa.Select[tuple[Winner]]:
    return sa.select(Winner).where(Winner.month.in_(months))


def approved_counts_by_month(months: list[date]) -> sa.Select:
    return (
        sa.select(Nomination.month, sa.func.count())
        .where(Nomination.state == NominationState.approved, Nomination.month.in_(months))
        .group_by(Nomination.month)
    )


def prompt_for(week_start: date) -> sa.Select[tuple[ReflectionPrompt]]:
    return sa.select(ReflectionPrompt).where(ReflectionPrompt.week_start == week_start)


def prompts(limit: int | None = 12) -> sa.Select:
    """The latest prompts (all with ``limit=None``) with how many units held each."""
    held = (
        sa.select(sa.func.count())
        .where(Reflection.prompt_id == ReflectionPrompt.id)
        .scalar_subquery()
    )
    stmt = sa.select(ReflectionPrompt, held.label("held")).order_by(
        ReflectionPrompt.week_start.desc()
    )
    return stmt.limit(limit) if limit else stmt


def reflections(prompt_id: int) -> sa.Select:
    """Units that held the prompt's reflection, with their learning points."""
    return (
        sa.select(Unit.id, Unit.name, Reflection.learning, Reflection.recorded_at)
        .join(Unit, Unit.id == Reflection.unit_id)
        .where(Reflection.prompt_id == prompt_id)
        .order_by(Unit.name)
    )


def active_units() -> sa.Select[tuple[Unit]]:
    return sa.select(Unit).where(Unit.active.is_(True)).order_by(Unit.name)


def units_of_contact(user_id: int) -> sa.Select[tuple[Unit]]:
    return (
        sa.select(Unit).where(Unit.active.is_(True), Unit.contact_id == user_id).order_by(Unit.name)
    )
