"""Working days in Norway: Monday to Friday, except the public holidays (helligdager and
høytidsdager, plus 1 and 17 May). The Easter-based days are computed for any year."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache


def easter_sunday(year: int) -> date:
    """First Easter Day in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


#: Days counted from Easter Sunday
_EASTER_OFFSETS = {
    "skjaertorsdag": -3,
    "langfredag": -2,
    "forste_paaskedag": 0,
    "andre_paaskedag": 1,
    "kristi_himmelfartsdag": 39,
    "forste_pinsedag": 49,
    "andre_pinsedag": 50,
}
_FIXED = {
    "forste_nyttarsdag": (1, 1),
    "arbeidernes_dag": (5, 1),
    "grunnlovsdag": (5, 17),
    "forste_juledag": (12, 25),
    "andre_juledag": (12, 26),
}


@lru_cache(maxsize=256)
def public_holidays(year: int) -> dict[date, str]:
    """The year's public holidays, each with a stable key (e.g. "langfredag")."""
    easter = easter_sunday(year)
    days = {easter + timedelta(days=offset): key for key, offset in _EASTER_OFFSETS.items()}
    days.update({date(year, month, day): key for key, (month, day) in _FIXED.items()})
    return dict(sorted(days.items()))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The day ``count`` working days after ``start`` (``start`` itself does not count)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    while count:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * 5
    count += sum(1 for n in range(1, rest + 1) if (start + timedelta(days=n)).weekday() < 5)
    holidays = 0
    for year in range(start.year, end.year + 1):
        holidays += sum(1 for d in public_holidays(year) if start < d <= end and d.weekday() < 5)
    return count - holidays
