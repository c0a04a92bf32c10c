"""Dates as people in the municipality read them: the day in Europe/Oslo."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def oslo_date(moment: datetime) -> date:
    return moment.astimezone(OSLO).date()


def today() -> date:
    return datetime.now(UTC).astimezone(OSLO).date()


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_of_month(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)
