"""Live indicators for the dashboard, computed at most once per ``COMPASS_CACHE_SECONDS``
(and per period), and the periods the compass speaks of.

Computing every domain's indicators reads a lot (all signatures of a year, say), so the last
set is kept in the app's cache (Flask-Caching: shared by every worker when it is Redis) and
the page says when it was computed. A set older than ``COMPASS_CACHE_SECONDS`` is still
shown while a thread of the process computes the next one: no request waits for the
computation, except the first of a process that finds nothing kept at all.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import Flask, current_app

from app.compass.registry import collect_indicators
from app.core.dates import first_of_month
from app.core.db import utcnow
from app.core.indicators import Indicator
from app.extensions import cache, db

log = logging.getLogger(__name__)

#: The dashboard's cards cover the last 365 days up to and including today
LIVE_DAYS = 365
#: The dashboard's sparklines cover this many months
TREND_MONTHS = 24
#: How long a set is kept to be shown while the next one is computed (a day without a
#: single reader lets it go, and the first reader after waits for a new one)
KEEP_SECONDS = 24 * 3600


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


#: Held while this process computes a set, so it computes one at a time
_lock = threading.Lock()
#: The thread computing the next set, if one is (tests wait for it)
refreshing: threading.Thread | None = None


def live_indicators(start: date, end: date, name: str | None = None) -> LiveSet:
    """The indicators for [start, end), from the cache. ``name`` keeps the set under a name
    rather than its period: when the period moves on (the rolling year at midnight), the
    last set is shown, with its own period, while the one for the new period is computed."""
    lifetime = current_app.config["COMPASS_CACHE_SECONDS"]
    if lifetime <= 0:
        return _compute(start, end)
    key = live_key(start, end, name)
    kept = cache.get(key)
    if kept is None:
        with _lock:  # nothing to show: this request computes it, the others wait for it
            kept = cache.get(key)
            if kept is None:
                kept = _compute_and_keep(key, start, end)
    elif (kept.start, kept.end) != (start, end) or not _fresh(kept, lifetime):
        _refresh_in_background(key, start, end, lifetime)
    return kept  # type: ignore[no-any-return]


def dashboard_indicators(today: date) -> LiveSet:
    """The dashboard's set: the rolling year up to and including ``today``."""
    return live_indicators(*rolling_year(today), name="rolling-year")


def live_key(start: date, end: date, name: str | None = None) -> str:
    return f"compass.live:{name or f'{start.isoformat()}:{end.isoformat()}'}"


def _compute(start: date, end: date) -> LiveSet:
    return LiveSet(start, end, utcnow(), collect_indicators(db.session, start, end))


def _compute_and_keep(key: str, start: date, end: date) -> LiveSet:
    found = _compute(start, end)
    cache.set(key, found, timeout=KEEP_SECONDS)
    return found


def _refresh_in_background(key: str, start: date, end: date, lifetime: int) -> None:
    """Compute the next set in a thread of this process, unless this process is already
    computing one or another worker sharing the cache has claimed it."""
    global refreshing
    if not _lock.acquire(blocking=False):
        return
    try:
        if not cache.add(f"{key}:refreshing", True, timeout=lifetime):
            _lock.release()
            return
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        refreshing = threading.Thread(
            target=_refresh, args=(app, key, start, end), name="compass-live", daemon=True
        )
        refreshing.start()
    except BaseException:
        _lock.release()
        raise


def _refresh(app: Flask, key: str, start: date, end: date) -> None:
    try:
        with app.app_context():  # a session of its own, removed when the context ends
            _compute_and_keep(key, start, end)
            cache.delete(f"{key}:refreshing")
    except Exception:  # the last set stays shown; the claim lapses after COMPASS_CACHE_SECONDS
        log.exception("could not compute the compass's live indicators")
    finally:
        _lock.release()


def _fresh(live: LiveSet, lifetime: int) -> bool:
    return (utcnow() - live.computed_at).total_seconds() < lifetime


def rolling_year(today: date) -> tuple[date, date]:
    """[today − 365 days, tomorrow): the period of the dashboard's cards."""
    return today - timedelta(days=LIVE_DAYS), today + timedelta(days=1)


def calendar_year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year + 1, 1, 1)


def months_after(month: date, n: int) -> date:
    """The first day of the month ``n`` months after ``month`` (n may be negative)."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_bounds(month: date) -> tuple[date, date]:
    first = first_of_month(month)
    return first, months_after(first, 1)


def trend_months(today: date, months: int = TREND_MONTHS) -> tuple[date, date]:
    """[first, end) covering the ``months`` whole months before the current one."""
    end = first_of_month(today)
    return months_after(end, -months), end
