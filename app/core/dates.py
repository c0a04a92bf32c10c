"""Dates as people in the municipality read them: the day in Europe/Oslo."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def oslo_date(moment: datetime) -> date:
    return moment.astimezone(OSLO).date()


def today() -> date:
    return datetime.now(UTC).astimezone(OSLO).date()
