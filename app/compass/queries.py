"""Kompass, the read side: evaluations, strategies with their measures, snapshot series,
and the indicator cards that combine live values with their monthly history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.compass.live import LiveSet
from app.compass.models import (
    Evaluation,
    Measure,
    MeasureStatus,
    MeasureUpdate,
    Snapshot,
    Strategy,
    Target,
)
from app.compass.services import rollup_of
from app.core.indicators import Direction
from app.core.settings import get_settings
from app.core.templating import NAVIGATION
from app.extensions import db
from app.panel.models import Question, Survey
from app.panel.results import published_results
from app.proposals.models import Proposal
from app.proposals.queries import LISTED

Series = list[tuple[date, float | None]]


def evaluations() -> list[Evaluation]:
    """Every evaluation, oldest first, with its area scores (one extra query)."""
    return list(db.session.scalars(sa.select(Evaluation).order_by(Evaluation.year)))


def latest_scored(found: list[Evaluation]) -> Evaluation | None:
    """The latest evaluation that published any area scores."""
    return next((e for e in reversed(found) if e.scores), None)


def strategies() -> list[Strategy]:
    """Sub-strategies in order, each with its measures (two queries)."""
    return list(
        db.session.scalars(
            sa.select(Strategy)
            .options(selectinload(Strategy.measures))
            .order_by(Strategy.position, Strategy.id)
        )
    )


@dataclass(frozen=True)
class StrategyProgress:
    title: str
    measures: int
    done: int
    #: services.rollup of its measures
    progress: float | None


def strategy_progress() -> list[StrategyProgress]:
    """Sub-strategies in order with how many measures they have, how many are done and
    their rolled-up progress, counted in one query (the dashboard shows no measure)."""
    counted = Measure.status != MeasureStatus.cancelled
    rows = db.session.execute(
        sa.select(
            Strategy.title,
            sa.func.count(Measure.id),
            sa.func.count(Measure.id).filter(Measure.status == MeasureStatus.done),
            sa.func.sum(Measure.progress).filter(counted),
            sa.func.count(Measure.id).filter(counted),
        )
        .outerjoin(Measure, Measure.strategy_id == Strategy.id)
        .group_by(Strategy.id, Strategy.title, Strategy.position)
        .order_by(Strategy.position, Strategy.id)
    )
    return [
        StrategyProgress(title, n, done, rollup_of(int(total or 0), counted_n))
        for title, n, done, total, counted_n in rows
    ]


class AreaMeasure(NamedTuple):
    id: int
    title: str
    strategy: str
    status: MeasureStatus
    progress: int
    owner: str
    due_on: date | None
    description: str


def measures_for_area(area: int) -> list[AreaMeasure]:
    """Measures tied to ``area``, with their strategy's title, in one query. Focus areas
    are a short JSON list per measure, so the measures are picked in Python."""
    rows = db.session.execute(
        sa.select(
            Measure.focus_areas,
            Measure.id,
            Measure.title,
            Strategy.title,
            Measure.status,
            Measure.progress,
            Measure.owner,
            Measure.due_on,
            Measure.description,
        )
        .join(Strategy, Strategy.id == Measure.strategy_id)
        .order_by(Measure.strategy_id, Measure.position, Measure.id)
    )
    return [AreaMeasure(*fields) for areas, *fields in rows if area in (areas or [])]


class LogEntry(NamedTuple):
    noted_on: date
    text: str
    status: MeasureStatus
    progress: int


@dataclass
class Log:
    #: The latest entries, newest first
    recent: list[LogEntry]
    total: int


def recent_updates(measures: list[AreaMeasure], keep: int = 3) -> dict[int, Log]:
    """measure id -> its ``keep`` latest log entries and how many it has, in one query."""
    rank = (
        sa.func.row_number()
        .over(
            partition_by=MeasureUpdate.measure_id,
            order_by=(MeasureUpdate.noted_on.desc(), MeasureUpdate.id.desc()),
        )
        .label("rank")
    )
    total = sa.func.count().over(partition_by=MeasureUpdate.measure_id).label("total")
    ranked = (
        sa.select(MeasureUpdate.id, rank, total)
        .where(MeasureUpdate.measure_id.in_([m.id for m in measures]))
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            MeasureUpdate.measure_id,
            ranked.c.total,
            MeasureUpdate.noted_on,
            MeasureUpdate.text,
            MeasureUpdate.status,
            MeasureUpdate.progress,
        )
        .join(ranked, ranked.c.id == MeasureUpdate.id)
        .where(ranked.c.rank <= keep)
        .order_by(MeasureUpdate.noted_on.desc(), MeasureUpdate.id.desc())
    )
    out: dict[int, Log] = {}
    for measure_id, count, *entry in rows:
        out.setdefault(measure_id, Log([], count)).recent.append(LogEntry(*entry))
    return out


def series(start: date | None, end: date | None, area: int | None = None) -> dict[str, Series]:
    """key -> [(month, value)] from the snapshots in [start, end), oldest first."""
    stmt = sa.select(Snapshot.key, Snapshot.month, Snapshot.value).order_by(
        Snapshot.key, Snapshot.month
    )
    if start is not None:
        stmt = stmt.where(Snapshot.month >= start)
    if end is not None:
        stmt = stmt.where(Snapshot.month < end)
    if area is not None:
        stmt = stmt.where(Snapshot.focus_area == area)
    out: dict[str, Series] = {}
    for key, month, value in db.session.execute(stmt):
        out.setdefault(key, []).append((month, value))
    return out


def snapshot_labels(area: int) -> dict[str, Snapshot]:
    """The latest snapshot per key in ``area`` (its label, unit and direction)."""
    latest = (
        sa.select(Snapshot.key, sa.func.max(Snapshot.month).label("month"))
        .where(Snapshot.focus_area == area)
        .group_by(Snapshot.key)
        .subquery()
    )
    rows = db.session.scalars(
        sa.select(Snapshot).join(
            latest, sa.and_(Snapshot.key == latest.c.key, Snapshot.month == latest.c.month)
        )
    )
    return {s.key: s for s in rows}


@dataclass
class Card:
    key: str
    focus_area: int
    label: object
    value: float | None
    unit: str
    direction: Direction
    series: Series = field(default_factory=list)
    #: Only snapshots still hold it: no domain reports it any longer
    retired: bool = False

    @property
    def has_values(self) -> bool:
        return any(v is not None for _m, v in self.series)

    @property
    def change(self) -> str | None:
        """better, worse or same: the last two months with a value, read with the
        indicator's direction; None with fewer than two."""
        known = [v for _m, v in self.series if v is not None]
        if len(known) < 2 or known[-1] == known[-2]:
            return "same" if len(known) >= 2 else None
        rising = known[-1] > known[-2]
        return "better" if rising == (self.direction == Direction.higher_is_better) else "worse"


def cards(live: LiveSet, history: dict[str, Series]) -> dict[int, list[Card]]:
    """focus area -> cards, in the registry's order."""
    out: dict[int, list[Card]] = {}
    for i in live.indicators:
        card = Card(i.key, i.focus_area, str(i.label), i.value, i.unit, i.direction,
                    history.get(i.key, []))  # fmt: skip
        out.setdefault(i.focus_area, []).append(card)
    return out


def area_cards(area: int, live: LiveSet, history: dict[str, Series]) -> list[Card]:
    """The area's live cards with their full history, then keys that only snapshots still
    hold (an indicator a domain no longer reports), with the label stored with them."""
    found = cards(live, history).get(area, [])
    live_keys = {c.key for c in found}
    for key, snap in sorted(snapshot_labels(area).items()):
        if key not in live_keys and key in history:
            found.append(
                Card(
                    key,
                    area,
                    snap.label,
                    None,
                    snap.unit,
                    Direction(snap.direction),
                    history[key],
                    retired=True,
                )  # fmt: skip
            )
    return found


def indicator_series(key: str, bounds: tuple[date, date] | None) -> Series:
    """One key's snapshots, oldest first, in [start, end) or all of them."""
    stmt = sa.select(Snapshot.month, Snapshot.value).where(Snapshot.key == key)
    if bounds is not None:
        stmt = stmt.where(Snapshot.month >= bounds[0], Snapshot.month < bounds[1])
    return [(m, v) for m, v in db.session.execute(stmt.order_by(Snapshot.month))]


def indicator_label(key: str, live: LiveSet) -> object | None:
    """The translated label of a live indicator, else the label stored with its latest
    snapshot; None for a key nobody knows."""
    for indicator in live.indicators:
        if indicator.key == key:
            return indicator.label
    return db.session.scalar(
        sa.select(Snapshot.label).where(Snapshot.key == key).order_by(Snapshot.month.desc())
    )


def history_series(
    found: list[Evaluation], target: Target | None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The history chart's years and series: the municipality's totals, the reference
    values and the target line (the same numbers as the table beside it)."""
    series: list[tuple[Any, ...]] = [
        (get_settings().name, [e.total for e in found]),
        (str(_l("Landsgjennomsnitt")), [e.national_average for e in found]),
        (str(_l("Kommuner av samme størrelse")), [e.group_average for e in found]),
        (str(_l("Beste kommune")), [e.best_municipality for e in found]),
    ]
    series = [(name, values) for name, values in series if any(v is not None for v in values)]
    if target is not None:
        series.append(
            (str(_l("Mål: %(score)s innen %(year)s", score=target.score, year=target.year)),
             [target.score for _e in found], "dashed")
        )  # fmt: skip
    return [str(e.year) for e in found], series


@dataclass
class AreaLinks:
    #: (id, title) of the newest listed proposals on the area (none rejected)
    proposals: list[sa.Row[tuple[int, str]]]
    surveys: list[Survey]
    #: (url, label) of the domains whose indicators feed the area
    domains: list[tuple[str, object]]


def area_links(area: int, live: LiveSet) -> AreaLinks:
    """What feeds an area: its proposals, surveys with questions on it, and the domains
    whose indicators it shows (a domain merged later appears by its indicators alone)."""
    # The newest ten by id: SQLite walks the primary key backwards and stops at ten
    proposals = db.session.execute(
        sa.select(Proposal.id, Proposal.title)
        .where(Proposal.focus_area == area, LISTED)
        .order_by(Proposal.id.desc())
        .limit(10)
    ).all()
    on_area = sa.select(Question.survey_id).where(Question.focus_area == area)
    surveys = list(db.session.scalars(published_results().where(Survey.id.in_(on_area)).limit(10)))
    labels = dict(NAVIGATION)
    domains: list[tuple[str, object]] = []
    for prefix in dict.fromkeys(
        i.key.split(".")[0] for i in live.indicators if i.focus_area == area
    ):
        endpoint = f"{prefix}.index"
        if endpoint in current_app.view_functions:
            args = {"focus_area": area} if prefix == "proposals" else {}
            domains.append((url_for(endpoint, **args), labels.get(endpoint, prefix)))
    return AreaLinks(proposals, surveys, domains)
