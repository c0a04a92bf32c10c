"""Kompass, the write side: evaluations, the target, strategies, measures and snapshots.

Every function takes the acting user, enforces the rule, flushes and writes the audit
entry; the view commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from app.compass.live import month_bounds, months_after
from app.compass.models import (
    AreaScore,
    Evaluation,
    Measure,
    MeasureStatus,
    MeasureUpdate,
    Snapshot,
    Strategy,
    Target,
)
from app.compass.registry import collect_indicators
from app.core.audit import audit
from app.core.dates import first_of_month
from app.core.focus_areas import AREA_MAX, FOCUS_AREAS
from app.core.permissions import Role
from app.extensions import db


class CompassError(Exception):
    """A broken rule, with a message for the user."""


# --- evaluations and the target ------------------------------------------------------------


def check_scores(total: int, scores: dict[int, int | None]) -> None:
    """The total must be the sum of the areas when all eight are known; otherwise the known
    areas cannot add up to more than the total, nor leave more than 100 per unknown area."""
    known = {area: score for area, score in scores.items() if score is not None}
    if any(area not in FOCUS_AREAS for area in known):
        raise CompassError(_("Fokusområdene er nummerert fra 1 til 8."))
    if any(not 0 <= score <= AREA_MAX for score in known.values()):
        raise CompassError(_("Hvert fokusområde har mellom 0 og 100 poeng."))
    summed = sum(known.values())
    unknown = len(FOCUS_AREAS) - len(known)
    if unknown == 0 and summed != total:
        raise CompassError(
            _("Alle åtte områdene er oppgitt, så totalen må være summen av dem: %(sum)s.",
              sum=summed)
        )  # fmt: skip
    if summed > total:
        raise CompassError(
            _("De oppgitte områdene gir %(sum)s poeng, mer enn totalen %(total)s.",
              sum=summed, total=total)
        )  # fmt: skip
    if total - summed > unknown * AREA_MAX:
        raise CompassError(
            _("Totalen er for høy: områdene som ikke er oppgitt, kan til sammen gi høyst "
              "%(max)s poeng.", max=unknown * AREA_MAX)
        )  # fmt: skip


def save_evaluation(
    actor: Any,
    evaluation: Evaluation | None,
    *,
    year: int,
    evaluator: str,
    total: int,
    scores: dict[int, int | None],
    source_url: str | None = None,
    notes: str = "",
    national_average: int | None = None,
    group_average: int | None = None,
    best_municipality: int | None = None,
) -> Evaluation:
    """Create an evaluation (``evaluation`` None) or change one."""
    check_scores(total, scores)
    clash = db.session.scalar(sa.select(Evaluation.id).where(Evaluation.year == year))
    if clash is not None and (evaluation is None or clash != evaluation.id):
        raise CompassError(_("Det finnes allerede en evaluering for %(year)s.", year=year))
    new = evaluation is None
    if evaluation is None:
        evaluation = Evaluation()
        db.session.add(evaluation)
    evaluation.year, evaluation.evaluator, evaluation.total = year, evaluator, total
    evaluation.source_url, evaluation.notes = source_url or None, notes or ""
    evaluation.national_average = national_average
    evaluation.group_average = group_average
    evaluation.best_municipality = best_municipality
    evaluation.scores = [
        AreaScore(area=area, score=score)
        for area, score in sorted(scores.items())
        if score is not None
    ]
    db.session.flush()
    audit(actor, "compass.evaluation_created" if new else "compass.evaluation_changed",
          evaluation, {"year": year, "total": total})  # fmt: skip
    return evaluation


def delete_evaluation(actor: Any, evaluation: Evaluation) -> None:
    audit(actor, "compass.evaluation_deleted", evaluation, {"year": evaluation.year})
    db.session.delete(evaluation)
    db.session.flush()


def current_target() -> Target | None:
    return db.session.scalar(sa.select(Target).order_by(Target.id).limit(1))


def set_target(actor: Any, score: int, year: int) -> Target:
    target = current_target()
    if target is None:
        target = Target(score=score, year=year)
        db.session.add(target)
    target.score, target.year = score, year
    db.session.flush()
    audit(actor, "compass.target_set", target, {"score": score, "year": year})
    return target


# --- strategies and measures ---------------------------------------------------------------


def save_strategy(
    actor: Any, strategy: Strategy | None, *, title: str, description: str, position: int
) -> Strategy:
    new = strategy is None
    if strategy is None:
        strategy = Strategy()
        db.session.add(strategy)
    strategy.title, strategy.description, strategy.position = title, description or "", position
    db.session.flush()
    audit(actor, "compass.strategy_created" if new else "compass.strategy_changed", strategy,
          {"title": title})  # fmt: skip
    return strategy


def delete_strategy(actor: Any, strategy: Strategy) -> None:
    """Delete a sub-strategy with its measures and their logs (after a confirmation page)."""
    audit(actor, "compass.strategy_deleted", strategy,
          {"title": strategy.title, "measures": len(strategy.measures)})  # fmt: skip
    db.session.delete(strategy)
    db.session.flush()


def _areas(focus_areas: Iterable[int]) -> list[int]:
    areas = sorted({int(a) for a in focus_areas})
    if any(a not in FOCUS_AREAS for a in areas):
        raise CompassError(_("Fokusområdene er nummerert fra 1 til 8."))
    return areas


def save_measure(
    actor: Any,
    measure: Measure | None,
    *,
    strategy: Strategy,
    title: str,
    description: str,
    focus_areas: Iterable[int],
    owner: str,
    due_on: date | None,
    position: int = 0,
) -> Measure:
    """Create a measure in ``strategy`` or change one (status and progress change through
    ``record_update``, so every change is in the log)."""
    new = measure is None
    if measure is None:
        measure = Measure(status=MeasureStatus.planned, progress=0)
        db.session.add(measure)
    measure.strategy = strategy
    measure.title, measure.description = title, description or ""
    measure.focus_areas = _areas(focus_areas)
    measure.owner, measure.due_on, measure.position = owner, due_on, position
    db.session.flush()
    audit(actor, "compass.measure_created" if new else "compass.measure_changed", measure,
          {"title": title})  # fmt: skip
    return measure


def delete_measure(actor: Any, measure: Measure) -> None:
    audit(actor, "compass.measure_deleted", measure, {"title": measure.title})
    db.session.delete(measure)
    db.session.flush()


def record_update(
    actor: Any,
    measure: Measure,
    *,
    noted_on: date,
    text: str,
    status: MeasureStatus,
    progress: int,
    today: date,
) -> MeasureUpdate:
    """Log what happened and set the measure's status and progress (done means 100 %)."""
    if noted_on > today:
        raise CompassError(_("Datoen kan ikke være senere enn i dag."))
    if not 0 <= progress <= 100:
        raise CompassError(_("Fremdriften er et tall fra 0 til 100."))
    if status == MeasureStatus.done:
        progress = 100
    update = MeasureUpdate(
        measure=measure,
        noted_on=noted_on,
        text=text,
        status=status,
        progress=progress,
        author_id=getattr(actor, "id", None),
    )
    db.session.add(update)
    measure.status, measure.progress = status, progress
    db.session.flush()
    audit(actor, "compass.measure_updated", measure,
          {"status": status.value, "progress": progress})  # fmt: skip
    return update


def rollup(measures: Iterable[Measure]) -> float | None:
    """A strategy's progress: the mean progress of its measures, cancelled ones left out;
    None when nothing is left to count."""
    counted = [m.progress for m in measures if m.status != MeasureStatus.cancelled]
    return rollup_of(sum(counted), len(counted))


def rollup_of(total: int, counted: int) -> float | None:
    """The mean of ``counted`` measures' progress that sums to ``total``; None for none."""
    return round(total / counted, 1) if counted else None


# --- snapshots -----------------------------------------------------------------------------


def take_snapshot(month: date, replace: bool = False) -> int:
    """Store every indicator's value for ``month`` (any day in it). A month that already has
    a value for a key keeps it unless ``replace``; returns the rows written."""
    start, end = month_bounds(month)
    existing = {
        s.key: s for s in db.session.scalars(sa.select(Snapshot).where(Snapshot.month == start))
    }
    written = 0
    with force_locale("nb"):
        for indicator in collect_indicators(db.session, start, end):
            snapshot = existing.get(indicator.key)
            if snapshot is not None and not replace:
                continue
            if snapshot is None:
                snapshot = Snapshot(key=indicator.key, month=start)
                db.session.add(snapshot)
            snapshot.focus_area = indicator.focus_area
            snapshot.label = str(indicator.label)[:300]
            snapshot.value = None if indicator.value is None else float(indicator.value)
            snapshot.unit, snapshot.direction = indicator.unit, indicator.direction.value
            written += 1
    db.session.flush()
    return written


def snapshot_months(today: date, months: int, replace: bool = False) -> dict[date, int]:
    """Snapshots for each of the ``months`` whole months before the current one."""
    current = first_of_month(today)
    return {
        months_after(current, -n): take_snapshot(months_after(current, -n), replace)
        for n in range(months, 0, -1)
    }


def can_manage_compass(user: Any) -> bool:
    """Administrators record evaluations, the target, strategies and measures."""
    return bool(user.is_authenticated and user.has_role(Role.admin))
