"""The arithmetic of kommuneloven § 12-1, tested exactly."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core import dates
from app.core.models import MunicipalityKind
from app.proposals import rules

KOMMUNE, FYLKE = MunicipalityKind.kommune, MunicipalityKind.fylkeskommune


@pytest.mark.parametrize(
    ("population", "kind", "expected"),
    [
        (1, KOMMUNE, 1),
        (49, KOMMUNE, 1),
        (50, KOMMUNE, 1),
        (51, KOMMUNE, 2),
        (5_650, KOMMUNE, 113),
        (5_651, KOMMUNE, 114),
        (5_681, KOMMUNE, 114),
        (14_950, KOMMUNE, 299),
        (14_951, KOMMUNE, 300),
        (15_000, KOMMUNE, 300),
        (40_000, KOMMUNE, 300),
        (700_000, KOMMUNE, 300),
        (24_950, FYLKE, 499),
        (25_000, FYLKE, 500),
        (30_000, FYLKE, 500),
        (500_000, FYLKE, 500),
    ],
)
def test_threshold(population, kind, expected):
    assert rules.signature_threshold(population, kind) == expected


@pytest.mark.parametrize("population", [0, -1, -5681])
def test_a_population_of_zero_or_less_is_refused(population):
    with pytest.raises(ValueError, match="population"):
        rules.signature_threshold(population, KOMMUNE)


@given(st.integers(min_value=1, max_value=10_000_000), st.sampled_from([KOMMUNE, FYLKE]))
def test_threshold_is_two_percent_rounded_up_and_capped(population, kind):
    result = rules.signature_threshold(population, kind)
    cap = 300 if kind == KOMMUNE else 500
    assert result <= cap
    if result < cap:
        assert result * 100 >= population * 2 > (result - 1) * 100  # the smallest enough


@pytest.mark.parametrize(
    ("submitted", "deadline"),
    [
        (date(2026, 1, 15), date(2026, 7, 15)),
        (date(2026, 8, 31), date(2027, 2, 28)),  # no 31 February
        (date(2027, 8, 31), date(2028, 2, 29)),  # a leap year
        (date(2027, 8, 29), date(2028, 2, 29)),
        (date(2026, 8, 29), date(2027, 2, 28)),
        (date(2026, 12, 31), date(2027, 6, 30)),
        (date(2026, 7, 1), date(2027, 1, 1)),  # across the year end
        (date(2026, 3, 31), date(2026, 9, 30)),
        (date(2028, 2, 29), date(2028, 8, 29)),
    ],
)
def test_six_month_deadline(submitted, deadline):
    assert dates.add_months(submitted, 6) == deadline


def test_deadline_counts_from_the_day_in_oslo():
    # 23:30 UTC on 31 August is already 1 September in Oslo
    late = datetime(2026, 8, 31, 23, 30, tzinfo=UTC)
    assert rules.decision_deadline(late) == date(2027, 3, 1)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
       st.integers(min_value=0, max_value=24))  # fmt: skip
def test_add_months_properties(day, months):
    later = dates.add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day <= day.day
    if later.day < day.day:  # clamped: only to the month's last day
        assert later.day == calendar.monthrange(later.year, later.month)[1]


def test_campaign_may_run_twelve_months():
    assert rules.latest_campaign_end(date(2026, 2, 28)) == date(2027, 2, 28)
    assert rules.latest_campaign_end(date(2028, 2, 29)) == date(2029, 2, 28)
