"""The annual report: the year's indicators per area, the measures' status, and the
evaluation if one was held that year. The page and the CSV read the same ``build``."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from app.compass import queries, services
from app.compass.live import calendar_year, live_indicators
from app.compass.models import Evaluation, MeasureUpdate
from app.core.focus_areas import FOCUS_AREAS
from app.extensions import db


def build(year: int, today: date) -> dict[str, Any]:
    start, end = calendar_year(year)
    live = live_indicators(start, min(end, date.fromordinal(today.toordinal() + 1)), f"year-{year}")
    strategies = queries.strategies()
    updates = dict(
        db.session.execute(
            sa.select(MeasureUpdate.measure_id, sa.func.count())
            .where(MeasureUpdate.noted_on >= start, MeasureUpdate.noted_on < end)
            .group_by(MeasureUpdate.measure_id)
        ).all()
    )
    return {
        "year": year,
        "so_far": year == today.year,
        "live": live,
        "by_area": live.by_area(),
        "strategies": strategies,
        "updates": updates,
        "evaluation": db.session.scalar(sa.select(Evaluation).where(Evaluation.year == year)),
        "target": services.current_target(),
    }


def csv_rows(data: dict[str, Any]) -> list[list[object]]:
    """The report as rows: one section per kind of figure, plain values (no formatting)."""
    rows: list[list[object]] = [
        ["section", "focus_area", "key", "label", "value", "unit", "status"]
    ]
    for area in FOCUS_AREAS:
        rows += [
            ["indicator", area, i.key, str(i.label), _blank(i.value), i.unit, ""]
            for i in data["by_area"].get(area, [])
        ]
    for strategy in data["strategies"]:
        rows.append(["strategy", "", f"strategy-{strategy.id}", strategy.title,
                     _blank(services.rollup(strategy.measures)), "percent", ""])  # fmt: skip
        for m in strategy.measures:
            areas = " ".join(str(a) for a in m.focus_areas)
            rows.append(["measure", areas, f"measure-{m.id}", m.title, m.progress, "percent",
                         m.status.value])  # fmt: skip
    evaluation = data["evaluation"]
    if evaluation is not None:
        rows.append(
            ["evaluation", "", "total", evaluation.evaluator, evaluation.total, "points", ""]
        )
        for area in FOCUS_AREAS:
            rows.append(["evaluation", area, f"area-{area}", str(FOCUS_AREAS[area]),
                         _blank(evaluation.score_for(area)), "points", ""])  # fmt: skip
    return rows


def _blank(value: object) -> object:
    """An unknown value is an empty cell, never 0."""
    return "" if value is None else value
