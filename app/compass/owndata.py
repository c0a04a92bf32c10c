"""What the compass holds about a person: the measure updates they wrote."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.compass.models import Measure, MeasureUpdate
from app.core.owndata import register_own_data
from app.extensions import db


def export(user: Any) -> list[dict[str, Any]]:
    rows = db.session.execute(
        sa.select(Measure.title, MeasureUpdate.noted_on, MeasureUpdate.text)
        .join(Measure, Measure.id == MeasureUpdate.measure_id)
        .where(MeasureUpdate.author_id == user.id)
        .order_by(MeasureUpdate.noted_on, MeasureUpdate.id)
    )
    return [{"measure": title, "date": on.isoformat(), "text": text} for title, on, text in rows]


def anonymise(user: Any) -> None:
    """The log stays (it is the municipality's record); who wrote it goes."""
    db.session.execute(
        sa.update(MeasureUpdate).where(MeasureUpdate.author_id == user.id).values(author_id=None)
    )


register_own_data("compass", export, anonymise)
