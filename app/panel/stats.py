"""The arithmetic of survey results, kept pure so it can be tested against hand values."""

from __future__ import annotations

import math
from dataclasses import dataclass

#: 97.5th percentile of the standard normal: a 95 % interval
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float | None
    low: float | None
    high: float | None


def summarise(n: int, total: float, total_of_squares: float) -> Summary:
    """Mean and 95 % confidence interval from the sums SQL gives us (no rows in Python).

    Uses the sample standard deviation and the normal approximation; with one answer there
    is a mean but no interval.
    """
    if n == 0:
        return Summary(0, None, None, None)
    mean = total / n
    if n == 1:
        return Summary(1, mean, None, None)
    variance = max((total_of_squares - n * mean * mean) / (n - 1), 0.0)
    half = Z95 * math.sqrt(variance / n)
    return Summary(n, mean, mean - half, mean + half)


def age_band(birth_year: int | None, year: int) -> str | None:
    if birth_year is None:
        return None
    age = year - birth_year
    for limit, band in ((18, "0-17"), (30, "18-29"), (45, "30-44"), (67, "45-66")):
        if age < limit:
            return band
    return "67+"
