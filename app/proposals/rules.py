"""The arithmetic of kommuneloven § 12-1, kept pure so it can be tested exactly."""

from __future__ import annotations

from datetime import date, datetime

from app.core.dates import add_months, oslo_date
from app.core.models import MunicipalityKind

#: 300 signatures are always enough in a municipality, 500 in a county
CAP = {MunicipalityKind.kommune: 300, MunicipalityKind.fylkeskommune: 500}
DECISION_MONTHS = 6
MAX_CAMPAIGN_MONTHS = 12


def signature_threshold(population: int, kind: MunicipalityKind) -> int:
    """min(ceil(2 % of the inhabitants), 300 or 500), in integers so nothing is rounded."""
    if population < 1:
        raise ValueError("population must be at least 1")
    two_percent = (population * 2 + 99) // 100
    return min(two_percent, CAP[kind])


def decision_deadline(submitted_at: datetime) -> date:
    """The council must decide within six months of the day the proposal was submitted."""
    return add_months(oslo_date(submitted_at), DECISION_MONTHS)


def latest_campaign_end(opened: date) -> date:
    return add_months(opened, MAX_CAMPAIGN_MONTHS)
