"""The brukerpanel as open data: only surveys whose results the public may see, with the
aggregates exactly as the results page shows them (held back by the same disclosure rule).

Read by the compass's open-data export (app.compass.registry.OPEN_DATA_SOURCES).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from flask_login import AnonymousUserMixin
from sqlalchemy.orm import Session

from app.panel import results
from app.panel.models import FollowUp, Survey
from app.panel.services import status

NUMERIC = ("n", "mean", "ci95_low", "ci95_high", "dont_know", "count_or_mean")


def public_surveys(session: Session) -> list[Survey]:
    """Surveys a visitor who is not logged in may read the results of."""
    visitor = AnonymousUserMixin()
    found = session.scalars(
        sa.select(Survey).where(Survey.published_at.is_not(None)).order_by(Survey.id)
    )
    return [s for s in found if results.may_see_results(visitor, s, status(s))]


def _surveys(session: Session, surveys: list[Survey]) -> Iterator[dict[str, Any]]:
    rates = results.response_rates(session, surveys)
    for s in surveys:
        answered, audience = rates[s.id]
        yield {
            "id": s.id, "title": s.title, "intro": s.intro, "audience": s.audience,
            "opens_on": s.opens_on, "closes_on": s.closes_on, "answers": answered,
            "audience_size": audience,
            "response_rate": round(100 * answered / audience, 1) if audience else None,
            "previous_round_id": s.previous_round_id,
        }  # fmt: skip


def _results(surveys: list[Survey]) -> Iterator[dict[str, Any]]:
    """The rows of each survey's public results CSV (results.aggregate_rows)."""
    n = 0
    for s in surveys:
        header, *rows = results.aggregate_rows(results.question_results(s, include_text=False))
        for row in rows:
            n += 1
            values = dict(zip(header, row, strict=True))
            for key in NUMERIC:  # the CSV writes an unknown number as ""
                values[key] = None if values[key] == "" else values[key]
            yield {"id": n, "survey_id": s.id, **values}


def _followups(session: Session, surveys: list[Survey]) -> Iterator[dict[str, Any]]:
    ids = [s.id for s in surveys]
    rows = session.execute(
        sa.select(FollowUp.id, FollowUp.survey_id, FollowUp.what, FollowUp.owner,
                  FollowUp.due_on, FollowUp.status)
        .where(FollowUp.survey_id.in_(ids))
        .order_by(FollowUp.id)
    )  # fmt: skip
    for row in rows:
        yield dict(row._mapping)


def open_data_tables(session: Session) -> list[dict[str, Any]]:
    surveys = public_surveys(session)
    return [
        {
            "name": "surveys",
            "description": "Brukerpanel surveys whose results are public, with their dates, "
            "number of answers and response rate.",
            "pk": "id",
            "fts": ["title", "intro"],
            "rows": _surveys(session, surveys),
            "columns": {"response_rate": float},
        },
        {
            "name": "survey_results",
            "description": "Aggregated survey results per question (n, mean, 95 % confidence "
            "interval, distribution, breakdowns); no figure, nor any that can be worked out "
            "from them, describes five answers or fewer (ANONYMITY_K), as on the website.",
            "pk": "id",
            "fts": ["question"],
            "rows": _results(surveys),
            "columns": {
                "mean": float,
                "ci95_low": float,
                "ci95_high": float,
                "count_or_mean": float,
            },
        },  # fmt: skip
        {
            "name": "survey_followups",
            "description": "What the municipality does because of each survey (Dette gjør vi), "
            "with owner, due date and status.",
            "pk": "id",
            "fts": ["what"],
            "rows": _followups(session, surveys),
        },
    ]
