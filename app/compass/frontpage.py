"""What the front page shows of the compass: the latest Kommunekompasset total (with the one
before it) against the target, in one small query."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.compass.models import Evaluation, Target
from app.core.frontpage import Section, register_section
from app.extensions import db

#: The target, as services.current_target reads it
_TARGET = sa.select(Target).order_by(Target.id).limit(1).subquery()
#: The latest two evaluations' year and total (columns only: no area scores are loaded),
#: each with the target's score and year (NULL when none is set), in one query
LATEST = (
    sa.select(
        Evaluation.year,
        Evaluation.total,
        sa.select(_TARGET.c.score).scalar_subquery().label("target_score"),
        sa.select(_TARGET.c.year).scalar_subquery().label("target_year"),
    )
    .order_by(Evaluation.year.desc())
    .limit(2)
)
#: The most points Kommunekompasset gives (eight areas of 100)
MAX_SCORE = 800


def front_sections(reader: Any) -> Section:
    latest = db.session.execute(LATEST).all()
    first = latest[0] if latest else None
    return Section(
        "compass",
        "compass/_front.html",
        {
            "latest": first,
            "previous": latest[1] if len(latest) > 1 else None,
            # shown only beside an evaluation, so read with it
            "target": {"score": first.target_score, "year": first.target_year}
            if first is not None and first.target_score is not None
            else None,
            "max_score": MAX_SCORE,
        },
    )


register_section("compass", front_sections, order=40)
