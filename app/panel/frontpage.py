"""What the front page shows of the brukerpanel: the surveys open now, and for a logged-in
reader those waiting for their answer.

One query for everyone (the open surveys, at most ``CANDIDATES``) and, for a logged-in
reader, the three of ``services.answerable`` however many surveys there are.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import load_only

from app.core.dates import today
from app.core.frontpage import Section, register_section
from app.extensions import db
from app.panel import services
from app.panel.models import Survey

#: The open surveys read (the front page lists them all; more at once is not expected)
CANDIDATES = 20

OPEN_NOW = (
    sa.select(Survey)
    .options(
        load_only(
            Survey.id,
            Survey.title,
            Survey.audience,
            Survey.subpanel_id,
            Survey.opens_on,
            Survey.closes_on,
            Survey.published_at,
            Survey.closed_at,
        )
    )
    .where(
        Survey.published_at.is_not(None),
        Survey.closed_at.is_(None),
        Survey.opens_on <= sa.bindparam("today"),
        Survey.closes_on >= sa.bindparam("today"),
    )
    .order_by(Survey.closes_on, Survey.id)
    .limit(CANDIDATES)
)


def front_sections(reader: Any) -> list[Section]:
    surveys = db.session.scalars(OPEN_NOW, {"today": today()}).all()
    found = [Section("surveys", "panel/_front.html", {"surveys": surveys})]
    if reader.is_authenticated:
        waiting = services.answerable(reader, list(surveys))
        found.append(Section("my-surveys", "panel/_front_own.html", {"waiting": waiting}, own=True))
    return found


register_section("panel", front_sections, order=20)
