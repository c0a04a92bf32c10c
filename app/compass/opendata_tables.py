"""The compass's open-data tables: focus areas, evaluations, the target, strategies,
measures with their dated log (without who wrote it), and the monthly indicator snapshots."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.orm import Session, selectinload

from app.compass.export import iter_dicts
from app.compass.models import Evaluation, Measure, MeasureUpdate, Snapshot, Strategy, Target
from app.compass.services import rollup
from app.core.focus_areas import FOCUS_AREA_DESCRIPTIONS, FOCUS_AREAS


def open_data_tables(session: Session) -> list[dict[str, Any]]:
    return [
        {"name": "focus_areas", "pk": "id", "fts": [], "rows": _areas(),
         "description": "Kommunekompasset's eight focus areas (1-8), with their Norwegian "
                        "names and descriptions."},
        {"name": "compass_evaluations", "pk": "id", "fts": ["evaluator", "notes"],
         "rows": _evaluations(session), "columns": {f"area_{n}": int for n in FOCUS_AREAS},
         "description": "Kommunekompasset evaluations of the municipality: total points out "
                        "of 800, points per focus area (empty where not published) and "
                        "reference values."},
        {"name": "compass_targets", "pk": "id", "fts": [],
         "rows": iter_dicts(session.execute(sa.select(Target.id, Target.score, Target.year))),
         "description": "The municipality's Kommunekompasset target: points to reach and by "
                        "which year."},
        {"name": "compass_strategies", "pk": "id", "fts": ["title", "description"],
         "rows": _strategies(session), "columns": {"progress": float},
         "description": "Sub-strategies of the development strategy, with progress rolled "
                        "up from their measures (cancelled measures left out)."},
        {"name": "compass_measures", "pk": "id", "fts": ["title", "description", "owner"],
         "rows": _measures(session),
         "description": "Measures of the sub-strategies: focus areas, owner, due date, "
                        "status and progress in percent."},
        {"name": "compass_measure_updates", "pk": "id", "fts": ["text"],
         "rows": iter_dicts(session.execute(
             sa.select(MeasureUpdate.id, MeasureUpdate.measure_id, MeasureUpdate.noted_on,
                       MeasureUpdate.text, MeasureUpdate.status, MeasureUpdate.progress)
             .order_by(MeasureUpdate.id))),
         "description": "The dated log of each measure: what happened, with the status and "
                        "progress after it."},
        {"name": "compass_indicator_snapshots", "pk": "id", "fts": ["label"],
         "rows": iter_dicts(session.execute(
             sa.select(Snapshot.id, Snapshot.key, Snapshot.month, Snapshot.focus_area,
                       Snapshot.label, Snapshot.value, Snapshot.unit, Snapshot.direction)
             .order_by(Snapshot.id).execution_options(yield_per=1000))),
         "columns": {"value": float},
         "description": "Each indicator's value per calendar month, as stored at the end of "
                        "the month (empty where there was nothing to measure)."},
    ]  # fmt: skip


def _areas() -> Iterator[dict[str, Any]]:
    with force_locale("nb"):
        for n, name in FOCUS_AREAS.items():
            yield {"id": n, "name": str(name), "description": str(FOCUS_AREA_DESCRIPTIONS[n])}


def _evaluations(session: Session) -> Iterator[dict[str, Any]]:
    for e in session.scalars(sa.select(Evaluation).order_by(Evaluation.year)):
        yield {
            "id": e.id, "year": e.year, "evaluator": e.evaluator, "total": e.total,
            **{f"area_{n}": e.score_for(n) for n in FOCUS_AREAS},
            "national_average": e.national_average, "group_average": e.group_average,
            "best_municipality": e.best_municipality, "source_url": e.source_url,
            "notes": e.notes,
        }  # fmt: skip


def _strategies(session: Session) -> Iterator[dict[str, Any]]:
    found = session.scalars(
        sa.select(Strategy).options(selectinload(Strategy.measures)).order_by(Strategy.position)
    )
    for s in found:
        yield {"id": s.id, "position": s.position, "title": s.title,
               "description": s.description, "progress": rollup(s.measures)}  # fmt: skip


def _measures(session: Session) -> Iterator[dict[str, Any]]:
    for m in session.scalars(sa.select(Measure).order_by(Measure.strategy_id, Measure.position)):
        yield {
            "id": m.id, "strategy_id": m.strategy_id, "title": m.title,
            "description": m.description, "focus_areas": " ".join(map(str, m.focus_areas)),
            "owner": m.owner, "due_on": m.due_on, "status": m.status, "progress": m.progress,
        }  # fmt: skip
