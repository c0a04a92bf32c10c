"""A clock the test sets: "now" pinned in Europe/Oslo, for the app and the test alike.

    def test_x(clock):
        clock.at("2026-12-31 23:59")  # Oslo time; the app's today() is 2026-12-31

time-machine moves every reader of the clock in this process (datetime.now, date.today,
time.time), so the view, the service and the test's expectations see the same instant.
The edges date-sensitive tests run over are in EDGES, each with its literal Oslo date.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
import time_machine

from app.core.dates import OSLO

#: Oslo wall-clock times where a date rule can go wrong, as (time, the Oslo date then)
EDGES = [
    ("2026-12-31 23:59", "2026-12-31"),  # the last minute of a year
    ("2027-01-01 00:00", "2027-01-01"),  # its first minute (UTC is still in 2026)
    ("2026-03-31 23:59", "2026-03-31"),  # a month end (and summer time's first week)
    ("2026-03-29 02:30", "2026-03-29"),  # summer time begins: 02:00 → 03:00 (no 02:30)
    ("2026-10-25 02:30", "2026-10-25"),  # summer time ends: 02:30 happens twice
    ("2028-02-29 12:00", "2028-02-29"),  # a leap day
    ("2026-12-28 00:00", "2026-12-28"),  # ISO week 53 of 2026 begins
    ("2027-01-03 23:59", "2027-01-03"),  # its last minute (still week 53 of 2026)
]


class Clock:
    def __init__(self) -> None:
        self._travel: time_machine.travel | None = None

    def at(self, oslo: str) -> datetime:
        """Stop the clock at ``oslo`` ("YYYY-MM-DD HH:MM", Europe/Oslo); returns it."""
        moment = datetime.strptime(oslo, "%Y-%m-%d %H:%M").replace(tzinfo=OSLO)
        self.stop()
        self._travel = time_machine.travel(moment, tick=False)
        self._travel.start()
        return moment

    def stop(self) -> None:
        if self._travel is not None:
            self._travel.stop()
            self._travel = None


@pytest.fixture
def clock() -> Iterator[Clock]:
    pinned = Clock()
    try:
        yield pinned
    finally:
        pinned.stop()
