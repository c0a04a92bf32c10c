"""What the front page shows of the golden service moments: the latest winner (one query),
made public by the consent rule like every other public output."""

from __future__ import annotations

from typing import Any

from app.core.frontpage import Section, register_section
from app.extensions import db
from app.moments import queries
from app.moments.public import public_moment


def front_sections(reader: Any) -> Section:
    row = db.session.execute(queries.winners(limit=1)).first()
    return Section(
        "moments", "moments/_front.html", {"winner": public_moment(row) if row else None}
    )


register_section("moments", front_sections, order=30)
