"""What golden service moments tell the compass (focus areas 2, 6 and 7)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.core.dates import OSLO
from app.core.indicators import Indicator
from app.core.models import Unit
from app.moments.models import Nomination, NominationState, Reflection, ReflectionPrompt, Winner


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=OSLO).astimezone(UTC)


def indicators(session: Session, start: date, end: date) -> list[Indicator]:
    """Indicators for [start, end): nominations by when they were confirmed, moderation by
    when it happened, winners by their month, reflections by their week."""
    t0, t1 = _moment(start), _moment(end)
    received = session.scalar(
        sa.select(sa.func.count()).where(
            Nomination.confirmed_at >= t0, Nomination.confirmed_at < t1
        )
    )
    moderated = dict(
        session.execute(
            sa.select(Nomination.state, sa.func.count())
            .where(Nomination.moderated_at >= t0, Nomination.moderated_at < t1)
            .group_by(Nomination.state)
        ).all()
    )
    decided = sum(moderated.values())
    winners = session.scalar(
        sa.select(sa.func.count()).where(Winner.month >= start, Winner.month < end)
    )
    recognised = session.scalar(
        sa.select(sa.func.count(sa.distinct(Nomination.unit_id))).where(
            Nomination.state == NominationState.approved,
            Nomination.month >= start,
            Nomination.month < end,
        )
    )
    return [
        Indicator("moments.nominations", 2, _l("Nominasjoner til gylne serviceøyeblikk"),
                  received, "count"),
        Indicator("moments.approved_share", 2, _l("Andel behandlede nominasjoner som ble godkjent"),
                  round(100 * moderated.get(NominationState.approved, 0) / decided, 1)
                  if decided else None, "percent"),
        Indicator("moments.winners", 6, _l("Kårede gylne serviceøyeblikk"), winners, "count"),
        Indicator("moments.units_recognised", 6,
                  _l("Enheter med minst ett godkjent gyllent serviceøyeblikk"), recognised,
                  "count"),
        Indicator("moments.reflections_held", 7,
                  _l("Andel enheter som holdt ukas servicerefleksjon"),
                  reflection_share(session, start, end), "percent"),
    ]  # fmt: skip


def reflection_share(session: Session, start: date, end: date) -> float | None:
    """Reflections held as a share of active units, averaged over the weeks with a prompt;
    None when no week in the period had one (or there are no units)."""
    units = session.scalar(sa.select(sa.func.count()).where(Unit.active.is_(True)))
    held = session.execute(
        sa.select(ReflectionPrompt.id, sa.func.count(Reflection.id))
        .outerjoin(Reflection, Reflection.prompt_id == ReflectionPrompt.id)
        .where(ReflectionPrompt.week_start >= start, ReflectionPrompt.week_start < end)
        .group_by(ReflectionPrompt.id)
    ).all()
    if not held or not units:
        return None
    return round(100 * sum(min(n, units) for _id, n in held) / (len(held) * units), 1)
