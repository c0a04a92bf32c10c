"""The stratified lottery: proportional, capped, reproducible."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.panel import lottery

AGES = {"18-29": 20, "30-44": 30, "45-66": 30, "67+": 20}
AREAS = {"Sentrum": 75, "Brekken": 25}


def _volunteers(per_stratum: int) -> dict[tuple[str, str], list[int]]:
    ids = iter(range(1, 10_000))
    return {(a, b): [next(ids) for _ in range(per_stratum)] for a in AGES for b in AREAS}


def test_proportional_allocation():
    seats = lottery.allocate(
        20, lottery.targets(AGES, AREAS), {s: 100 for s in lottery.targets(AGES, AREAS)}
    )
    assert sum(seats.values()) == 20
    assert seats[("30-44", "Sentrum")] in {4, 5}  # 20 * 0.3 * 0.75 = 4.5
    by_area = {area: sum(n for (a, b), n in seats.items() if b == area) for area in AREAS}
    # Each margin within one seat of its exact share (15 and 5): seats are whole people
    assert abs(by_area["Sentrum"] - 15) <= 1
    assert abs(by_area["Brekken"] - 5) <= 1


def test_a_stratum_never_gets_more_than_its_volunteers():
    volunteers = _volunteers(100)
    volunteers[("18-29", "Sentrum")] = [1, 2]
    drawn, report = lottery.draw(18, 7, volunteers, AGES, AREAS)
    assert len(drawn) == 18
    small = next(r for r in report if r.stratum == ("18-29", "Sentrum"))
    assert small.drawn <= 2


def test_same_seed_same_draw_and_different_seed_different_draw():
    volunteers = _volunteers(12)
    first, _ = lottery.draw(18, 5025, volunteers, AGES, AREAS)
    again, _ = lottery.draw(18, 5025, volunteers, AGES, AREAS)
    other, _ = lottery.draw(18, 5026, volunteers, AGES, AREAS)
    assert first == again
    assert first != other


@given(st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=30))
def test_never_more_than_asked_or_available(size, per_stratum):
    volunteers = _volunteers(per_stratum)
    drawn, report = lottery.draw(size, 1, volunteers, AGES, AREAS)
    assert len(drawn) == min(size, per_stratum * len(volunteers))
    assert len(set(drawn)) == len(drawn)
    assert all(r.drawn <= r.volunteers for r in report)
