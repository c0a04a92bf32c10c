"""What the front page shows of the compass: the latest Kommunekompasset total (with the one
before it) against the target, in two small queries."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.compass.models import Evaluation, Target
from app.core.frontpage import Section, register_section
from app.extensions import db

#: The latest two evaluations' year and total (columns only: no area scores are loaded)
LATEST = sa.select(Evaluation.year, Evaluation.total).order_by(Evaluation.year.desc()).limit(2)
#: The target, as services.current_target reads it
TARGET = sa.select(Target.score, Target.year).order_by(Target.id).limit(1)
#: The most points Kommunekompasset gives (eight areas of 100)
MAX_SCORE = 800


def front_sections(reader: Any) -> Section:
    latest = db.session.execute(LATEST).all()
    target = db.session.execute(TARGET).first()
    return Section(
        "compass",
        "compass/_front.html",
        {
            "latest": latest[0] if latest else None,
            "previous": latest[1] if len(latest) > 1 else None,
            "target": target,
            "max_score": MAX_SCORE,
        },
    )


register_section("compass", front_sections, order=40)
