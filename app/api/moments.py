"""/api/v1/moments: the monthly winners of the golden service moment. Every row goes
through the consent rule (app.moments.public): a name only with the employee's consent."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

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
from app.moments import queries
from app.moments.models import Winner
from app.moments.public import public_moment

blp = ApiBlueprint(
    "api_moments",
    __name__,
    url_prefix="/api/v1/moments",
    description="Månedens gylne serviceøyeblikk: the month's winner, the unit (and the "
    "employee's name only if they agreed to its publication), the citation and the story.",
)


class WinnerArgs(PageArgs):
    year = ma.fields.Integer(validate=ma.validate.Range(2000, 2100))


class WinnerSchema(ma.Schema):
    month = ma.fields.String(required=True)
    unit = ma.fields.String(required=True)
    employee_name = ma.fields.String(allow_none=True, metadata={"description": "Only with consent"})
    citation = ma.fields.String(allow_none=True)
    story = ma.fields.String(required=True, metadata={"description": "Markdown"})
    happened_on = ma.fields.String(required=True)
    published_at = ma.fields.String(allow_none=True)


def _winner(row: Any) -> dict[str, Any]:
    m = public_moment(row)
    return {"month": iso(m.month), "unit": m.unit, "employee_name": m.employee_name,
            "citation": m.citation, "story": m.story, "happened_on": iso(m.happened_on),
            "published_at": iso(m.published_at)}  # fmt: skip


@blp.route("/winners")
@blp.arguments(WinnerArgs, location="query", as_kwargs=True)
@public
@documented(blp, page_schema(WinnerSchema), 400)
def list_winners(page: int, per_page: int, year: int | None = None) -> dict[str, Any]:
    """Winners, newest month first (optionally one year's)."""
    modified(latest(Winner.published_at))
    return page_of(queries.winners(year=year), {"page": page, "per_page": per_page}, _winner,
                   rows=True)  # fmt: skip
