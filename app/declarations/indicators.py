"""What service declarations tell the compass (focus areas 2 and 5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.core.dates import OSLO, today
from app.core.indicators import Direction, Indicator
from app.declarations.models import (
    DeclarationVersion,
    Feedback,
    Report,
    ReportStatus,
    Service,
)
from app.declarations.queries import median_answer_days

#: A declaration is up to date when it was published or reviewed within this long
REVIEW_INTERVAL = timedelta(days=365)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=OSLO).astimezone(UTC)


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def indicators(session: Session, start: date, end: date) -> list[Indicator]:
    """Indicators for [start, end): dates are whole days in Oslo."""
    t0, t1 = _moment(start), _moment(end)
    published = session.scalar(
        sa.select(sa.func.count()).where(
            DeclarationVersion.published_at >= t0, DeclarationVersion.published_at < t1
        )
    )
    active = session.scalar(sa.select(sa.func.count()).where(Service.active.is_(True)))
    # the version in force at the end of the period: published before it, not superseded then
    in_force = sa.and_(
        DeclarationVersion.service_id == Service.id,
        DeclarationVersion.published_at < t1,
        sa.or_(DeclarationVersion.superseded_at.is_(None), DeclarationVersion.superseded_at >= t1),
    )
    up_to_date = session.scalar(
        sa.select(sa.func.count()).where(
            Service.active.is_(True),
            sa.exists().where(in_force, DeclarationVersion.reviewed_on >= end - REVIEW_INTERVAL),
        )
    )
    kept, total = session.execute(
        sa.select(sa.func.sum(sa.case((Feedback.kept, 1), else_=0)), sa.func.count()).where(
            Feedback.created_on >= start, Feedback.created_on < end
        )
    ).one()
    # reports due in the period that were answered, or are late without an answer
    due_in_period = sa.and_(Report.due_on >= start, Report.due_on < end)
    counted = sa.or_(
        Report.answered_at.is_not(None),
        sa.and_(Report.status != ReportStatus.closed, Report.due_on < min(end, today())),
    )
    in_time, due = session.execute(
        sa.select(
            sa.func.sum(sa.case((Report.answered_in_time.is_(True), 1), else_=0)),
            sa.func.count(),
        ).where(due_in_period, counted)
    ).one()
    answered_in_period = sa.and_(Report.answered_at >= t0, Report.answered_at < t1)
    median = median_answer_days(session, where=answered_in_period, per_service=False).get(None)
    return [
        Indicator("declarations.published", 2, _l("Serviceerklæringer publisert"), published,
                  "count"),
        Indicator("declarations.up_to_date", 2,
                  _l("Andel tjenester med en serviceerklæring som er gjennomgått siste 12 måneder"),
                  _share(up_to_date, active), "percent"),
        Indicator("declarations.promises_kept", 5, _l("Andel løfter holdt (tilbakemeldinger)"),
                  _share(int(kept or 0), total), "percent"),
        Indicator("declarations.reports_in_time", 5, _l("Andel avvik besvart innen fristen"),
                  _share(int(in_time or 0), due), "percent"),
        Indicator("declarations.median_answer_days", 5,
                  _l("Median antall virkedager for å svare på avvik"), median, "days",
                  Direction.lower_is_better),
    ]  # fmt: skip
