"""/api/v1/surveys: the brukerpanel's published results, with exactly the web's
disclosure rule (the same functions compute both). No free text, no answers."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import abort

from app.api.common import (
    ApiBlueprint,
    PageArgs,
    documented,
    iso,
    modified,
    page_of,
    page_schema,
    public,
)
from app.core.links import absolute_url
from app.extensions import db
from app.panel import results
from app.panel.models import FollowUp, QuestionKind, Survey
from app.panel.stats import Summary

blp = ApiBlueprint(
    "api_surveys",
    __name__,
    url_prefix="/api/v1/surveys",
    description="Brukerpanel surveys whose results are public: aggregates only, and the "
    "follow-up actions («Dette gjør vi»). No figure, nor any that can be worked out from "
    "them, describes ANONYMITY_K (at least 5) answers or fewer.",
)


class SurveySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    url = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    opens_on = ma.fields.String(required=True)
    closes_on = ma.fields.String(required=True)
    previous_round_id = ma.fields.Integer(allow_none=True)


class SummarySchema(ma.Schema):
    n = ma.fields.Integer(required=True)
    mean = ma.fields.Float(allow_none=True)
    ci95_low = ma.fields.Float(allow_none=True)
    ci95_high = ma.fields.Float(allow_none=True)


class GroupSchema(SummarySchema):
    group = ma.fields.String(required=True)


class CountSchema(ma.Schema):
    value = ma.fields.String(required=True)
    count = ma.fields.Integer(required=True)


class TrendSchema(ma.Schema):
    survey = ma.fields.String(required=True)
    mean = ma.fields.Float(allow_none=True)


class QuestionResultSchema(ma.Schema):
    question_id = ma.fields.Integer(required=True)
    text = ma.fields.String(required=True)
    kind = ma.fields.String(
        required=True, validate=ma.validate.OneOf([k.value for k in QuestionKind])
    )
    dimension = ma.fields.String(allow_none=True)
    focus_area = ma.fields.Integer(allow_none=True)
    n = ma.fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "null when too few answered to show anything of the question"},
    )
    dont_know = ma.fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "null when held back (1 to ANONYMITY_K said it)"},
    )
    summary = ma.fields.Nested(SummarySchema, allow_none=True)
    distribution = ma.fields.List(ma.fields.Nested(CountSchema), required=True)
    breakdowns = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.Nested(GroupSchema)),
        required=True,
        metadata={
            "description": "age_band, area, user_groups: only groups of more than ANONYMITY_K "
            "answers, and none that would let a smaller set be worked out"
        },
    )
    hidden_groups = ma.fields.Integer(
        required=True, metadata={"description": "Groups held back so no one can be singled out"}
    )
    withheld = ma.fields.Boolean(
        required=True,
        metadata={
            "description": "Some figures of the question are held back so no one can be "
            "singled out: answers too few gave (gathered or left out of the distribution), "
            "a 'vet ikke' count (dont_know null), or a mean and distribution where all "
            "answered alike"
        },
    )
    trend = ma.fields.List(ma.fields.Nested(TrendSchema), required=True)


class FollowUpSchema(ma.Schema):
    what = ma.fields.String(required=True)
    owner = ma.fields.String(required=True)
    due_on = ma.fields.String(allow_none=True)
    status = ma.fields.String(required=True)
    updated_at = ma.fields.String(required=True)


class ResultsSchema(SurveySchema):
    answers = ma.fields.Integer(required=True)
    audience = ma.fields.Integer(required=True)
    response_rate = ma.fields.Float(allow_none=True, metadata={"description": "Percent"})
    dimensions = ma.fields.List(ma.fields.Nested(GroupSchema), required=True)
    questions = ma.fields.List(ma.fields.Nested(QuestionResultSchema), required=True)
    followups = ma.fields.List(ma.fields.Nested(FollowUpSchema), required=True)


def _survey(s: Survey) -> dict[str, Any]:
    return {
        "id": s.id,
        "url": absolute_url("panel.results_page", survey_id=s.id),
        "title": s.title,
        "opens_on": iso(s.opens_on),
        "closes_on": iso(s.closes_on),
        "previous_round_id": s.previous_round_id,
    }


def _summary(summary: Summary | None) -> dict[str, Any] | None:
    if summary is None:
        return None
    return {
        "n": summary.n,
        "mean": summary.mean,
        "ci95_low": summary.low,
        "ci95_high": summary.high,
    }


@blp.route("")
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@public
@documented(blp, page_schema(SurveySchema), 400)
def list_surveys(page: int, per_page: int) -> dict[str, Any]:
    """Surveys whose results are published, newest first."""
    return page_of(results.published_results(), {"page": page, "per_page": per_page}, _survey)


@blp.route("/<int:survey_id>/results")
@public
@documented(blp, ResultsSchema, 404)
def get_results(survey_id: int) -> dict[str, Any]:
    """One survey's results, as on its results page for a visitor."""
    survey = db.session.scalar(results.published_results().where(Survey.id == survey_id))
    if survey is None:
        abort(404)
    rows = results.question_results(survey, include_text=False)
    answered, audience = results.response_rate(survey)
    followups = db.session.scalars(
        sa.select(FollowUp).where(FollowUp.survey_id == survey.id).order_by(FollowUp.id)
    ).all()
    modified(survey.closed_at, *(f.updated_at for f in followups))
    return {
        **_survey(survey),
        "answers": answered,
        "audience": audience,
        "response_rate": round(100 * answered / audience, 1) if audience else None,
        "dimensions": [{"group": d, **_summary(s)} for d, s in results.dimension_means(rows)],
        "questions": [
            {
                "question_id": r.question.id,
                "text": r.question.text,
                "kind": r.question.kind.value,
                "dimension": r.question.dimension,
                "focus_area": r.question.focus_area,
                "n": r.n,
                "dont_know": r.dont_know,
                "summary": _summary(r.summary),
                "distribution": [{"value": v, "count": c} for v, c in r.distribution],
                "breakdowns": {
                    name: [{"group": g, **_summary(s)} for g, s in groups]
                    for name, groups in r.breakdowns.items()
                },
                "hidden_groups": r.hidden_groups,
                "withheld": r.withheld,
                "trend": [{"survey": t, "mean": m} for t, m in r.trend],
            }
            for r in rows
        ],
        "followups": [
            {"what": f.what, "owner": f.owner, "due_on": iso(f.due_on), "status": f.status.value,
             "updated_at": iso(f.updated_at)}
            for f in followups
        ],
    }  # fmt: skip
