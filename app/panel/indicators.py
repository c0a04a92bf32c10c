"""What the brukerpanel tells the compass (focus areas 2, 5 and 7)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.core.dates import today
from app.core.indicators import Indicator
from app.core.settings import get_settings
from app.panel import results
from app.panel.models import (
    FollowUp,
    FollowUpStatus,
    PanelMember,
    QuestionKind,
    Survey,
)
from app.panel.stats import age_band


def indicators(session: Session, start: date, end: date) -> list[Indicator]:
    """Indicators for [start, end)."""
    closed = session.scalars(
        sa.select(Survey).where(
            Survey.published_at.is_not(None), Survey.closes_on >= start, Survey.closes_on < end
        )
    ).all()
    members = session.scalar(sa.select(sa.func.count()).select_from(PanelMember))
    # Each survey's answers over its own audience, as its results page says (a few queries
    # however many surveys closed in the period)
    rates = [
        100 * answered / asked
        for answered, asked in results.response_rates(session, closed).values()
        if asked
    ]
    # Satisfaction comes from the surveys closed in the period whose results are public (a
    # survey shown to the committee only must not show through the public compass), pooled
    # from the means their results show (app.panel.results.published_means: the same rule
    # as the results page), or the pooled mean less theirs would give away a question whose
    # mean is held back.
    public = [s for s in closed if s.results_public and s.closes_on < today()]
    pooled: dict[str | None, list[float]] = {}
    for question, summary in results.published_means(public):
        if question.kind == QuestionKind.scale6:
            acc = pooled.setdefault(question.dimension, [0, 0.0])
            acc[0], acc[1] = acc[0] + summary.n, acc[1] + summary.mean * summary.n
    by_dimension = [
        (dimension, n, total / n)
        for dimension, (n, total) in sorted(pooled.items(), key=lambda item: item[0] or "")
    ]
    n_all = sum(n for _d, n, _m in by_dimension)
    overall = sum(n * m for _d, n, m in by_dimension) / n_all if n_all else None
    followups = session.execute(
        sa.select(FollowUp.status, sa.func.count()).group_by(FollowUp.status)
    ).all()
    total_followups = sum(n for _s, n in followups)
    done = sum(n for s, n in followups if s == FollowUpStatus.done)
    result = [
        Indicator("panel.surveys", 2, _l("Undersøkelser gjennomført"), len(closed), "count"),
        Indicator(
            "panel.response_rate",
            2,
            _l("Svarprosent i brukerpanelet"),
            round(sum(rates) / len(rates), 1) if rates else None,
            "percent",
        ),
        Indicator("panel.members", 2, _l("Medlemmer i brukerpanelet"), members, "count"),
        Indicator(
            "panel.satisfaction",
            5,
            _l("Gjennomsnittlig tilfredshet (1–6)"),
            round(overall, 2) if overall is not None else None,
            "score6",
        ),
        Indicator(
            "panel.followups_done",
            7,
            _l("Andel tiltak fra undersøkelser som er gjennomført"),
            round(100 * done / total_followups, 1) if total_followups else None,
            "percent",
        ),
    ]
    result.append(
        Indicator(
            "panel.representativeness",
            2,
            _l("Hvor godt panelet ligner befolkningen etter alder (100 = helt likt)"),
            representativeness(session, end),
            "percent",
        )
    )
    for dimension, n, mean in by_dimension:
        if dimension:
            result.append(
                Indicator(
                    f"panel.satisfaction.{dimension}",
                    5,
                    dimension,
                    round(float(mean), 2) if n else None,
                    "score6",
                )
            )
    return result


def representativeness(session: Session, on: date) -> float | None:
    """100 × (1 − total variation distance) between the panel's age bands and the
    population's shares in the settings; None without members of known age or shares."""
    shares = get_settings().age_shares
    years = session.scalars(
        sa.select(PanelMember.birth_year).where(PanelMember.birth_year.is_not(None))
    ).all()
    if not shares or not years:
        return None
    counts: dict[str, int] = {}
    for year in years:
        band = age_band(year, on.year)
        if band:
            counts[band] = counts.get(band, 0) + 1
    population = sum(shares.values())
    bands = set(shares) | set(counts)
    distance = (
        sum(abs(counts.get(b, 0) / len(years) - shares.get(b, 0) / population) for b in bands) / 2
    )
    return round(100 * (1 - distance), 1)
