"""Stratified lottery: draw a sub-panel whose age bands and areas follow the population.

Strata are (age band, area). A stratum's target share is its age band's share of the
population times its area's share (both from the settings). Seats are given by the largest
remainder method; a stratum never gets more seats than it has volunteers, and seats it cannot
fill go to the strata with the largest remaining shortfall. Within a stratum, members are
drawn with ``random.Random(seed)`` from the volunteers sorted by id, so the same seed and the
same volunteers always give the same draw, and anyone can check it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

Stratum = tuple[str, str]


@dataclass(frozen=True)
class StratumResult:
    stratum: Stratum
    population_share: float
    volunteers: int
    drawn: int


def targets(age_shares: dict[str, float], area_shares: dict[str, float]) -> dict[Stratum, float]:
    """Each stratum's share of the population (normalised to sum to 1)."""
    age_total = sum(age_shares.values()) or 1
    area_total = sum(area_shares.values()) or 1
    return {
        (age, area): (a / age_total) * (b / area_total)
        for age, a in age_shares.items()
        for area, b in area_shares.items()
    }


def allocate(
    size: int, shares: dict[Stratum, float], available: dict[Stratum, int]
) -> dict[Stratum, int]:
    """Seats per stratum: proportional (largest remainder), capped by the volunteers."""
    size = min(size, sum(available.get(s, 0) for s in shares))
    exact = {s: size * share for s, share in shares.items()}
    seats = {s: min(int(e), available.get(s, 0)) for s, e in exact.items()}
    while sum(seats.values()) < size:
        open_strata = [s for s in shares if seats[s] < available.get(s, 0)]
        best = max(open_strata, key=lambda s: (exact[s] - seats[s], shares[s], s))
        seats[best] += 1
    return seats


def draw(
    size: int,
    seed: int,
    volunteers: dict[Stratum, list[int]],
    age_shares: dict[str, float],
    area_shares: dict[str, float],
) -> tuple[list[int], list[StratumResult]]:
    """The drawn user ids, and per stratum what was wanted, offered and drawn."""
    shares = targets(age_shares, area_shares)
    available = {s: len(ids) for s, ids in volunteers.items()}
    seats = allocate(size, shares, available)
    rng = random.Random(seed)  # noqa: S311 - a public, reproducible draw, not a secret
    drawn: list[int] = []
    report = []
    for stratum in sorted(shares):
        pool = sorted(volunteers.get(stratum, []))
        chosen = rng.sample(pool, seats[stratum]) if seats[stratum] else []
        drawn += chosen
        report.append(StratumResult(stratum, shares[stratum], len(pool), len(chosen)))
    return sorted(drawn), report
