"""What innbyggerforslag tell the compass (focus areas 1, 3 and 8)."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.core.dates import OSLO
from app.core.indicators import Direction, Indicator
from app.core.settings import get_settings
from app.proposals.models import Proposal, ProposalState, Signature


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=OSLO).astimezone(UTC)


def indicators(session: Session, start: date, end: date) -> list[Indicator]:
    """Indicators for [start, end): dates are whole days in Oslo."""
    t0, t1 = _moment(start), _moment(end)
    opened = session.scalar(
        sa.select(sa.func.count()).where(Proposal.opened_at >= t0, Proposal.opened_at < t1)
    )
    in_period = sa.and_(
        Signature.created_at >= t0, Signature.created_at < t1, Signature.struck_at.is_(None)
    )
    signatures = session.scalar(sa.select(sa.func.count()).where(in_period))
    signers = session.scalar(
        sa.select(sa.func.count(sa.distinct(Signature.user_id))).where(in_period)
    )
    population = get_settings().population
    # Signers under 18 in the Oslo calendar year they signed (year − birth year < 18),
    # counted by the database: one window per calendar year of the period, on the index
    # over (created_at, struck_at, user_id, birth_year), not a year of rows read into Python
    windows = [
        sa.and_(
            Signature.created_at >= max(t0, _moment(date(year, 1, 1))),
            Signature.created_at < min(t1, _moment(date(year + 1, 1, 1))),
            Signature.birth_year > year - 18,
        )
        for year in range(start.year, (end - timedelta(days=1)).year + 1)
    ]
    with_age, under_18 = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(sa.case((sa.or_(*windows), 1), else_=0)), 0),
        ).where(in_period, Signature.birth_year.is_not(None))
    ).one()
    decided = session.execute(
        sa.select(Proposal.submitted_at, Proposal.decided_on, Proposal.decision_due_on).where(
            Proposal.state == ProposalState.decided,
            Proposal.obliged.is_(True),
            Proposal.decided_on >= start,
            Proposal.decided_on < end,
        )
    ).all()
    days = [(d - s.astimezone(OSLO).date()).days for s, d, _due in decided if s]
    in_time = [d for _s, d, due in decided if due is None or d <= due]
    overdue = session.scalar(
        sa.select(sa.func.count()).where(
            Proposal.obliged.is_(True),
            Proposal.state.in_([ProposalState.submitted, ProposalState.in_review]),
            Proposal.decision_due_on < end,
        )
    )
    return [
        Indicator("proposals.opened", 1, _l("Innbyggerforslag åpnet"), opened, "count"),
        Indicator("proposals.signatures", 1, _l("Underskrifter på innbyggerforslag"),
                  signatures, "count"),
        Indicator("proposals.signers_per_1000", 1, _l("Innbyggere som skrev under, per 1 000"),
                  round(signers * 1000 / population, 1), "per_1000"),
        Indicator("proposals.decided_in_time", 3,
                  _l("Andel forslag med plikt som ble vedtatt innen seks måneder"),
                  round(100 * len(in_time) / len(decided), 1) if decided else None, "percent"),
        Indicator("proposals.median_days_to_decision", 3,
                  _l("Median antall dager fra innsending til vedtak"),
                  statistics.median(days) if days else None, "days",
                  Direction.lower_is_better),
        Indicator("proposals.overdue", 3, _l("Forslag over fristen uten vedtak"), overdue,
                  "count", Direction.lower_is_better),
        Indicator("proposals.signers_under_18", 8, _l("Andel underskrifter fra under 18 år"),
                  round(100 * under_18 / with_age, 1) if with_age else None,
                  "percent"),
    ]  # fmt: skip
