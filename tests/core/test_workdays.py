"""Working days against a hand-written table of Norwegian public holidays, 2024–2030."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.workdays import (
    add_working_days,
    easter_sunday,
    is_working_day,
    public_holidays,
    working_days_between,
)

# Written out from the almanac, not computed: New Year, Maundy Thursday, Good Friday,
# Easter Day, Easter Monday, 1 May, 17 May, Ascension Day, Whit Sunday, Whit Monday,
# Christmas Day, Boxing Day. In 2027 Whit Monday falls on 17 May.
HOLIDAYS = {
    2024: ["01-01", "03-28", "03-29", "03-31", "04-01", "05-01", "05-09", "05-17", "05-19",
           "05-20", "12-25", "12-26"],
    2025: ["01-01", "04-17", "04-18", "04-20", "04-21", "05-01", "05-17", "05-29", "06-08",
           "06-09", "12-25", "12-26"],
    2026: ["01-01", "04-02", "04-03", "04-05", "04-06", "05-01", "05-14", "05-17", "05-24",
           "05-25", "12-25", "12-26"],
    2027: ["01-01", "03-25", "03-26", "03-28", "03-29", "05-01", "05-06", "05-16", "05-17",
           "12-25", "12-26"],
    2028: ["01-01", "04-13", "04-14", "04-16", "04-17", "05-01", "05-17", "05-25", "06-04",
           "06-05", "12-25", "12-26"],
    2029: ["01-01", "03-29", "03-30", "04-01", "04-02", "05-01", "05-10", "05-17", "05-20",
           "05-21", "12-25", "12-26"],
    2030: ["01-01", "04-18", "04-19", "04-21", "04-22", "05-01", "05-17", "05-30", "06-09",
           "06-10", "12-25", "12-26"],
}  # fmt: skip
EASTER = {2024: date(2024, 3, 31), 2025: date(2025, 4, 20), 2026: date(2026, 4, 5),
          2027: date(2027, 3, 28), 2028: date(2028, 4, 16), 2029: date(2029, 4, 1),
          2030: date(2030, 4, 21)}  # fmt: skip


@pytest.mark.parametrize("year", sorted(HOLIDAYS))
def test_public_holidays_match_the_table(year):
    expected = [date.fromisoformat(f"{year}-{day}") for day in HOLIDAYS[year]]
    assert list(public_holidays(year)) == expected
    assert easter_sunday(year) == EASTER[year]


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        # Easter 2026: Maundy Thursday to Easter Monday are not working days
        (date(2026, 4, 1), 3, date(2026, 4, 9)),
        (date(2026, 4, 1), 0, date(2026, 4, 1)),
        # Easter 2028: Wednesday before Easter, two days later is the next Wednesday
        (date(2028, 4, 12), 2, date(2028, 4, 19)),
        # Christmas 2025: 24 December is a working day, 25 and 26 are not, nor 1 January
        (date(2025, 12, 23), 3, date(2025, 12, 30)),
        (date(2025, 12, 23), 5, date(2026, 1, 2)),
        (date(2030, 12, 24), 1, date(2030, 12, 27)),
        # 17 May 2024 is a Friday and Whit Monday follows
        (date(2024, 5, 16), 1, date(2024, 5, 21)),
        # 17 May 2027 is Whit Monday too; Ascension Day 6 May
        (date(2027, 5, 14), 1, date(2027, 5, 18)),
        (date(2027, 5, 5), 1, date(2027, 5, 7)),
        # An ordinary week, from a Saturday
        (date(2026, 9, 5), 5, date(2026, 9, 11)),
    ],
)
def test_add_working_days(start, count, expected):
    assert add_working_days(start, count) == expected
    assert working_days_between(start, expected) == count


def test_working_days_in_a_year():
    # 2026: 261 weekdays, of which 8 are public holidays (17 May and Whit Sunday are Sundays)
    assert working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 253
    assert working_days_between(date(2026, 5, 1), date(2026, 4, 1)) == 0


def test_weekends_and_holidays_are_not_working_days():
    assert not is_working_day(date(2026, 12, 26))  # Saturday and Boxing Day
    assert not is_working_day(date(2029, 3, 30))  # Good Friday
    assert is_working_day(date(2026, 12, 24))  # Christmas Eve is a working day
    assert is_working_day(date(2026, 12, 31))
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 1, 1), -1)


@given(st.dates(date(2024, 1, 1), date(2030, 12, 31)), st.integers(0, 60))
def test_between_undoes_add(start, count):
    end = add_working_days(start, count)
    assert working_days_between(start, end) == count
    assert count == 0 or is_working_day(end)
    # and no working day is skipped between start and end
    days = [start + timedelta(days=n) for n in range(1, (end - start).days + 1)]
    assert sum(map(is_working_day, days)) == count
