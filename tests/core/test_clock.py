"""The clock fixture and the date helpers at the edges, with literal expectations."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.compass.live import month_bounds, months_after, trend_months
from app.core.dates import add_months, oslo_date, today
from tests.clock import EDGES


@pytest.mark.parametrize(("oslo", "expected"), EDGES)
def test_today_is_the_oslo_date_at_every_edge(clock, oslo, expected):
    clock.at(oslo)
    assert today().isoformat() == expected


def test_a_minute_after_midnight_in_oslo_is_still_yesterday_in_utc(clock):
    clock.at("2027-01-01 00:00")
    assert datetime.now(UTC).date() == date(2026, 12, 31)
    assert today() == date(2027, 1, 1)
    assert oslo_date(datetime(2026, 12, 31, 23, 0, tzinfo=UTC)) == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 10), -13, date(2024, 12, 10)),
        (date(2026, 5, 31), 0, date(2026, 5, 31)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("month", "n", "expected"),
    [
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
        (date(2027, 1, 1), -1, date(2026, 12, 1)),
        (date(2026, 3, 1), -15, date(2024, 12, 1)),
        (date(2026, 6, 1), 0, date(2026, 6, 1)),
        (date(2026, 1, 1), 24, date(2028, 1, 1)),
    ],
)
def test_whole_months_step_from_first_to_first(month, n, expected):
    assert months_after(month, n) == expected


def test_month_bounds_and_trend_months_are_literal():
    assert month_bounds(date(2028, 2, 29)) == (date(2028, 2, 1), date(2028, 3, 1))
    assert month_bounds(date(2026, 12, 31)) == (date(2026, 12, 1), date(2027, 1, 1))
    assert trend_months(date(2027, 1, 1), 3) == (date(2026, 10, 1), date(2027, 1, 1))
