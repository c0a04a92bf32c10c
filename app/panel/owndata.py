"""What the panel holds about a person: membership and participation, never answers."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.core.owndata import register_own_data
from app.extensions import db
from app.panel.models import PanelMember, Participation, Survey


def export(user: Any) -> dict[str, Any]:
    member = db.session.get(PanelMember, user.id)
    answered = db.session.scalars(
        sa.select(Survey.title)
        .join(Participation, Survey.id == Participation.survey_id)
        .where(Participation.user_id == user.id)
        .order_by(Survey.closes_on)
    )
    return {
        "member": {
            "joined": member.joined_at.isoformat(),
            "birth_year": member.birth_year,
            "area": member.area,
            "user_groups": member.user_groups,
        }
        if member
        else None,
        "answered": [{"survey": title} for title in answered],
        "answers": "Svarene dine er anonyme og kan ikke knyttes til deg, så de er ikke med.",
    }


def anonymise(user: Any) -> None:
    db.session.execute(sa.delete(PanelMember).where(PanelMember.user_id == user.id))
    db.session.execute(sa.delete(Participation).where(Participation.user_id == user.id))


register_own_data("panel", export, anonymise)
