"""Survey arithmetic against hand-computed values."""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.panel import stats


def test_mean_and_interval_by_hand():
    values = [2, 4, 4, 4, 5, 5, 7, 9]  # mean 5, sample sd 2.138
    s = stats.summarise(len(values), sum(values), sum(v * v for v in values))
    assert s.mean == 5
    half = 1.959963984540054 * 2.138089935299395 / math.sqrt(8)
    assert s.low == pytest.approx(5 - half)
    assert s.high == pytest.approx(5 + half)


def test_one_answer_has_no_interval_and_none_has_no_mean():
    assert stats.summarise(1, 4, 16) == stats.Summary(1, 4, None, None)
    assert stats.summarise(0, 0, 0).mean is None


@given(st.lists(st.integers(min_value=1, max_value=6), min_size=2, max_size=500))
def test_summarise_matches_statistics(values):
    s = stats.summarise(len(values), sum(values), sum(v * v for v in values))
    assert s.mean == pytest.approx(statistics.fmean(values))
    half = stats.Z95 * statistics.stdev(values) / math.sqrt(len(values))
    assert s.high - s.mean == pytest.approx(half, abs=1e-9)


@pytest.mark.parametrize(
    ("birth_year", "band"),
    [(2010, "0-17"), (2008, "18-29"), (1997, "18-29"), (1996, "30-44"), (1960, "45-66"),
     (1959, "67+"), (None, None)],
)  # fmt: skip
def test_age_bands(birth_year, band):
    assert stats.age_band(birth_year, 2026) == band
