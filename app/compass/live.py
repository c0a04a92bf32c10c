"""Live indicators for the dashboard, computed at most once per ``COMPASS_CACHE_SECONDS``
(and per period), and the periods the compass speaks of.

Computing every domain's indicators reads a lot (all signatures of a year, say), so the last
set is kept in the app's cache (Flask-Caching: shared by every worker when it is Redis) for a
short while; the page says when it was computed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app

from app.compass.registry import collect_indicators
from app.core.db import utcnow
from app.core.indicators import Indicator
from app.extensions import cache, db

#: The dashboard's cards cover the last 365 days up to and including today
LIVE_DAYS = 365
#: The dashboard's sparklines cover this many months
TREND_MONTHS = 24


@dataclass(frozen=True)
class LiveSet:
    start: date
    end: date
    computed_at: datetime
    indicators: list[Indicator]

    def by_area(self) -> dict[int, list[Indicator]]:
        out: dict[int, list[Indicator]] = {}
        for indicator in self.indicators:
            out.setdefault(indicator.focus_area, []).append(indicator)
        return out


_lock = threading.Lock()


def live_indicators(start: date, end: date) -> LiveSet:
    """The indicators for [start, end), from the cache while they are fresh."""
    lifetime = current_app.config["COMPASS_CACHE_SECONDS"]
    if lifetime <= 0:
        return LiveSet(start, end, utcnow(), collect_indicators(db.session, start, end))
    key = live_key(start, end)
    # Kept twice as long as it is fresh: while one request computes the next set, the others
    # in this process are given the one it replaces (the page says when it was computed)
    # rather than waiting; with none yet, they wait.
    kept = cache.get(key)
    if kept is not None and _fresh(kept, lifetime):
        return kept  # type: ignore[no-any-return]
    if not _lock.acquire(blocking=kept is None):
        return kept  # type: ignore[no-any-return]  # only a non-blocking try can fail
    try:
        again = cache.get(key)
        if again is not None and _fresh(again, lifetime):
            return again  # type: ignore[no-any-return]
        found = LiveSet(start, end, utcnow(), collect_indicators(db.session, start, end))
        cache.set(key, found, timeout=2 * lifetime)
        return found
    finally:
        _lock.release()


def live_key(start: date, end: date) -> str:
    return f"compass.live:{start.isoformat()}:{end.isoformat()}"


def _fresh(live: LiveSet, lifetime: int) -> bool:
    return (utcnow() - live.computed_at).total_seconds() < lifetime


def rolling_year(today: date) -> tuple[date, date]:
    """[today − 365 days, tomorrow): the period of the dashboard's cards."""
    return today - timedelta(days=LIVE_DAYS), today + timedelta(days=1)


def calendar_year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year + 1, 1, 1)


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    """The first day of the month ``n`` months after ``month`` (n may be negative)."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_bounds(month: date) -> tuple[date, date]:
    first = month_start(month)
    return first, add_months(first, 1)


def trend_months(today: date, months: int = TREND_MONTHS) -> tuple[date, date]:
    """[first, end) covering the ``months`` whole months before the current one."""
    end = month_start(today)
    return add_months(end, -months), end
