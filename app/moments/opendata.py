"""Golden service moments as open data: winners (consent rule honoured), approved
nominations per unit and year, and the weekly reflections held. Never a nominator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.core.models import Unit
from app.moments import queries
from app.moments.models import Nomination, NominationState
from app.moments.public import public_moment


def open_data_tables(session: Session) -> list[dict[str, Any]]:
    """The tables for ``flask opendata export``, each with plain JSON-able rows."""
    return [
        {
            "name": "moments_winners",
            "description": "The month's golden service moment: the winning unit (and the "
            "employee's name only where they consented), the citation and the story.",
            "pk": "id",
            "fts": ["story", "citation"],
            "rows": _winners(session),
        },
        {
            "name": "moments_unit_years",
            "description": "Approved nominations for a golden service moment, per municipal "
            "unit and year.",
            "pk": "id",
            "fts": [],
            "rows": _unit_years(session),
        },
        {
            "name": "moments_reflections",
            "description": "Each week's service reflection prompt and how many municipal units "
            "held it.",
            "pk": "id",
            "fts": ["prompt"],
            "rows": _reflections(session),
        },
    ]


def _winners(session: Session) -> Iterator[dict[str, Any]]:
    for row in session.execute(queries.winners()):
        moment = public_moment(row)
        yield {
            "id": moment.winner_id,
            "month": moment.month.strftime("%Y-%m") if moment.month else None,
            "unit": moment.unit,
            "employee_name": moment.employee_name,
            "happened_on": moment.happened_on.isoformat(),
            "citation": moment.citation,
            "story": moment.story,
            "published_at": moment.published_at.isoformat() if moment.published_at else None,
        }


def _unit_years(session: Session) -> Iterator[dict[str, Any]]:
    year = sa.func.extract("year", Nomination.month)  # strftime on SQLite
    counts = (
        sa.select(Unit.id, Unit.name, year.label("year"), sa.func.count().label("n"))
        .join(Unit, Unit.id == Nomination.unit_id)
        .where(Nomination.state == NominationState.approved)
        .group_by(Unit.id, Unit.name, year)
        .order_by(year, Unit.name)
    )
    for unit_id, unit, y, n in session.execute(counts):
        yield {"id": f"{int(y)}-{unit_id}", "year": int(y), "unit": unit, "approved": n}


def _reflections(session: Session) -> Iterator[dict[str, Any]]:
    units = session.scalar(sa.select(sa.func.count()).where(Unit.active.is_(True)))
    rows = session.execute(queries.prompts(limit=None).order_by(None).order_by("week_start"))
    for prompt, n in rows:
        iso_year, week, _ = prompt.week_start.isocalendar()
        yield {"id": f"{iso_year}-W{week:02d}", "week_start": prompt.week_start.isoformat(),
               "prompt": prompt.prompt, "units_held": n, "active_units": units}  # fmt: skip
