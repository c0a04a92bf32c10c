"""/api/v1/compass: the focus areas, evaluations (an unpublished score is null, never 0),
the target, sub-strategies with their measures, live indicators and monthly snapshots."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import force_locale

from app.api.common import (
    ApiBlueprint,
    PageArgs,
    documented,
    iso,
    latest,
    modified,
    page_of,
    page_schema,
    public,
)
from app.compass import queries, services
from app.compass.live import dashboard_indicators
from app.compass.models import Evaluation, Measure, MeasureStatus, Snapshot
from app.core.dates import today
from app.core.focus_areas import FOCUS_AREA_DESCRIPTIONS, FOCUS_AREAS

blp = ApiBlueprint(
    "api_compass",
    __name__,
    url_prefix="/api/v1/compass",
    description="Kommunekompasset: the eight focus areas, evaluations, the target, the "
    "development strategy's measures and the indicators every part of Medvirke feeds in.",
)

LANGUAGES = ("nb", "nn", "en")
Translated = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True)


def _translated(text: Any) -> dict[str, str]:
    """A lazy text in every language of the site (the API answers everyone alike)."""
    out = {}
    for language in LANGUAGES:
        with force_locale(language):
            out[language] = str(text)
    return out


class AreaSchema(ma.Schema):
    key = ma.fields.Integer(required=True)
    name = Translated
    description = Translated


class ScoreSchema(ma.Schema):
    area = ma.fields.Integer(required=True)
    score = ma.fields.Integer(allow_none=True, metadata={"description": "null: not published"})


class EvaluationSchema(ma.Schema):
    year = ma.fields.Integer(required=True)
    evaluator = ma.fields.String(required=True)
    total = ma.fields.Integer(required=True, metadata={"description": "Out of 800"})
    scores = ma.fields.List(ma.fields.Nested(ScoreSchema), required=True)
    national_average = ma.fields.Integer(allow_none=True)
    group_average = ma.fields.Integer(allow_none=True)
    best_municipality = ma.fields.Integer(allow_none=True)
    source_url = ma.fields.String(allow_none=True)


class TargetSchema(ma.Schema):
    score = ma.fields.Integer(required=True)
    year = ma.fields.Integer(required=True)


class EvaluationsSchema(ma.Schema):
    evaluations = ma.fields.List(ma.fields.Nested(EvaluationSchema), required=True)
    target = ma.fields.Nested(TargetSchema, allow_none=True)


class MeasureSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    focus_areas = ma.fields.List(ma.fields.Integer(), required=True)
    owner = ma.fields.String(required=True)
    due_on = ma.fields.String(allow_none=True)
    status = ma.fields.String(
        required=True, validate=ma.validate.OneOf([s.value for s in MeasureStatus])
    )
    progress = ma.fields.Integer(required=True)
    updated_at = ma.fields.String(required=True)


class StrategySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    progress = ma.fields.Float(
        allow_none=True, metadata={"description": "Mean of the measures, cancelled left out"}
    )
    measures = ma.fields.List(ma.fields.Nested(MeasureSchema), required=True)


class StrategiesSchema(ma.Schema):
    strategies = ma.fields.List(ma.fields.Nested(StrategySchema), required=True)


class IndicatorSchema(ma.Schema):
    key = ma.fields.String(required=True)
    focus_area = ma.fields.Integer(required=True)
    label = Translated
    value = ma.fields.Float(allow_none=True, metadata={"description": "null: nothing to measure"})
    unit = ma.fields.String(required=True)
    direction = ma.fields.String(required=True)


class IndicatorsSchema(ma.Schema):
    start = ma.fields.String(required=True)
    end = ma.fields.String(required=True, metadata={"description": "Exclusive"})
    computed_at = ma.fields.String(required=True)
    indicators = ma.fields.List(ma.fields.Nested(IndicatorSchema), required=True)


class SnapshotArgs(PageArgs):
    key = ma.fields.String(validate=ma.validate.Length(max=120))
    focus_area = ma.fields.Integer(validate=ma.validate.Range(1, 8))


class SnapshotSchema(ma.Schema):
    key = ma.fields.String(required=True)
    month = ma.fields.String(required=True)
    focus_area = ma.fields.Integer(required=True)
    label = ma.fields.String(required=True)
    value = ma.fields.Float(allow_none=True)
    unit = ma.fields.String(required=True)
    direction = ma.fields.String(required=True)


@blp.route("/areas")
@public
@documented(blp, AreaSchema(many=True))
def list_areas() -> list[dict[str, Any]]:
    """The eight focus areas, with names and descriptions in nb, nn and en."""
    return [
        {
            "key": k,
            "name": _translated(name),
            "description": _translated(FOCUS_AREA_DESCRIPTIONS[k]),
        }
        for k, name in FOCUS_AREAS.items()
    ]


@blp.route("/evaluations")
@public
@documented(blp, EvaluationsSchema)
def list_evaluations() -> dict[str, Any]:
    """Every evaluation, oldest first, and the target."""
    found = queries.evaluations()
    target = services.current_target()
    modified(latest(Evaluation.updated_at), target.updated_at if target else None)
    return {
        "evaluations": [
            {
                "year": e.year, "evaluator": e.evaluator, "total": e.total,
                "scores": [{"area": a, "score": {s.area: s.score for s in e.scores}.get(a)}
                           for a in FOCUS_AREAS],
                "national_average": e.national_average, "group_average": e.group_average,
                "best_municipality": e.best_municipality, "source_url": e.source_url,
            }
            for e in found
        ],
        "target": {"score": target.score, "year": target.year} if target else None,
    }  # fmt: skip


@blp.route("/strategies")
@public
@documented(blp, StrategiesSchema)
def list_strategies() -> dict[str, Any]:
    """The sub-strategies with their measures and the rolled-up progress."""
    found = queries.strategies()
    modified(latest(Measure.updated_at))
    return {
        "strategies": [
            {
                "id": s.id, "title": s.title, "description": s.description,
                "progress": services.rollup(s.measures),
                "measures": [
                    {"id": m.id, "title": m.title, "description": m.description,
                     "focus_areas": list(m.focus_areas), "owner": m.owner, "due_on": iso(m.due_on),
                     "status": m.status.value, "progress": m.progress,
                     "updated_at": iso(m.updated_at)}
                    for m in s.measures
                ],
            }
            for s in found
        ]
    }  # fmt: skip


@blp.route("/indicators")
@public
@documented(blp, IndicatorsSchema)
def list_indicators() -> dict[str, Any]:
    """Every domain's indicators over the last 365 days, as on the dashboard."""
    live = dashboard_indicators(today())
    return {
        "start": iso(live.start),
        "end": iso(live.end),
        "computed_at": iso(live.computed_at),
        "indicators": [
            {"key": i.key, "focus_area": i.focus_area, "label": _translated(i.label),
             "value": i.value, "unit": i.unit, "direction": str(i.direction)}
            for i in live.indicators
        ],
    }  # fmt: skip


@blp.route("/snapshots")
@blp.arguments(SnapshotArgs, location="query", as_kwargs=True)
@public
@documented(blp, page_schema(SnapshotSchema), 400)
def list_snapshots(page: int, per_page: int, **filters: Any) -> dict[str, Any]:
    """Monthly snapshots of every indicator, newest month first."""
    stmt = sa.select(Snapshot).order_by(Snapshot.month.desc(), Snapshot.key)
    if filters.get("key"):
        stmt = stmt.where(Snapshot.key == filters["key"])
    if filters.get("focus_area"):
        stmt = stmt.where(Snapshot.focus_area == filters["focus_area"])
    modified(latest(Snapshot.taken_at))
    return page_of(
        stmt,
        {"page": page, "per_page": per_page},
        lambda s: {"key": s.key, "month": iso(s.month), "focus_area": s.focus_area,
                   "label": s.label, "value": s.value, "unit": s.unit, "direction": s.direction},
    )  # fmt: skip
