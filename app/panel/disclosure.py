"""The brukerpanel's anonymity rules, in one place.

**What may be published.** Every figure published about a survey (the results page, its CSV,
the API, the open data, the compass's panel indicators) is read through app.panel.results,
which asks this module what may be shown. K is ``ANONYMITY_K`` (never below five):

- a question's figures (n, mean, interval, distribution, "vet ikke") only when more than K
  gave it an answer;
- a group's figures only when more than K in it answered, and only while no set of K or
  fewer answers can be worked out from the figures shown: the overall figures less the shown
  groups (the unknown included), two hidden groups together, overlapping user groups, one
  breakdown against another. This is checked exactly (``shown_groups``): each shown figure
  is a sum over the answers of a set of profiles, and no combination of them may add up to
  the answers of K or fewer. When one does, the smallest group it uses is held back too,
  and the check runs again (at worst every group is held back);
- a pooled figure (a dimension's mean, the compass's satisfaction) only from questions whose
  own figures are shown, so it adds nothing that can be subtracted;
- a number question's answers only in bins of more than K answers each (or none), since an
  unusual number can name its author (``number_bins``).

**What may be stored** (``generalise``): a response keeps an attribute of its profile (age
band, area, each user group) only where at least K of the survey's audience share the kept
combination; otherwise that attribute is stored as unknown.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterator, Mapping

from flask import current_app

#: ANONYMITY_K may raise the threshold, never lower it
MIN_K = 5
#: A number question's range is cut into at most this many bins before small ones are merged
NUMBER_BINS = 10

#: (age band, area, user-group mask) as a response stores it; None is unknown
Profile = tuple[str | None, str | None, int]
#: (breakdown, group key): ("", "") is everyone, else ("age_band", band), ("area", area) or
#: ("user_groups", key)
Group = tuple[str, str]
EVERYONE: Group = ("", "")


def threshold() -> int:
    """K: groups of this many or fewer are never published, nor derivable."""
    return max(MIN_K, int(current_app.config.get("ANONYMITY_K", MIN_K)))


def contains(group: Group, profile: Profile, bits: Mapping[str, int]) -> bool:
    """Whether a response with ``profile`` is counted in ``group``; ``bits`` maps a user
    group's key to its bit in the mask."""
    breakdown, key = group
    band, area, mask = profile
    if breakdown == "age_band":
        return band == key
    if breakdown == "area":
        return area == key
    if breakdown == "user_groups":
        return key in bits and bool(mask & (1 << bits[key]))
    return True


def shown_groups(
    sizes: Mapping[Group, int], atoms: Mapping[Profile, int], bits: Mapping[str, int], k: int
) -> set[Group]:
    """The groups of one question that may be shown beside its overall figures.

    ``sizes``: each group's number of answers; ``atoms``: the question's answers per stored
    profile (they add up to the overall n, which the caller has checked is more than k).
    """
    shown = {group for group, n in sizes.items() if n > k}
    while shown:
        cells = [EVERYONE, *sorted(shown)]
        combination = _derivable(cells, atoms, bits, k)
        if combination is None:
            break
        used = [cells[i] for i, c in enumerate(combination) if c and i > 0]
        shown.discard(min(used, key=lambda group: (sizes[group], group)))
    return shown


def _derivable(
    cells: list[Group], atoms: Mapping[Profile, int], bits: Mapping[str, int], k: int
) -> list[int] | None:
    """A combination of ``cells`` (one coefficient each) that adds up to the answers of 1 to k
    responses, or None when there is none.

    The answers fall into classes ("atoms") of those counted in exactly the same cells. A
    combination gives away a set of atoms when it is 1 on them and 0 elsewhere. Put the
    atoms larger than k first and bring the cells to reduced echelon form: a combination that
    is 0 on every large atom is then a sum of the rows whose leading atom is small, each taken
    once or not at all (a row's leading entry is the combination's value there). So it is
    enough to try every choice of at most k such rows whose leading atoms hold at most k
    answers in all."""
    merged: Counter[tuple[bool, ...]] = Counter()
    for profile, count in atoms.items():
        if count:
            merged[tuple(contains(cell, profile, bits) for cell in cells)] += count
    order = sorted(merged, key=lambda sig: (-merged[sig], sig))
    size = [merged[sig] for sig in order]
    width = len(order)
    # Each row: the cell over the atoms, then which cells it is made of
    rows = [
        [int(sig[i]) for sig in order] + [int(i == j) for j in range(len(cells))]
        for i in range(len(cells))
    ]
    small = [(col, row) for col, row in _echelon(rows, width) if size[col] <= k]
    if not small:
        return None
    # In whole numbers: each row scaled so that its leading entry is the same ``unit``; the
    # rows are 0 left of their leading atoms, so only the atoms from ``start`` on can differ
    unit = math.lcm(*(abs(row[col]) for col, row in small))
    scaled = [(col, [x * (unit // row[col]) for x in row]) for col, row in small]
    start = min(col for col, _row in small)
    for chosen in _choices(scaled, size, k):
        total = [sum(column) for column in zip(*(row[start:] for _col, row in chosen), strict=True)]
        on_atoms = total[: width - start]
        if all(v in (0, unit) for v in on_atoms):
            answers = sum(s for s, v in zip(size[start:], on_atoms, strict=True) if v)
            if 1 <= answers <= k:
                return total[width - start :]
    return None


def _echelon(rows: list[list[int]], width: int) -> list[tuple[int, list[int]]]:
    """Reduced echelon form over the first ``width`` columns, in integers (each row kept
    divided by the greatest common divisor of its entries): [(leading column, row)]."""
    rest = [row[:] for row in rows]
    done: list[tuple[int, list[int]]] = []
    for col in range(width):
        if not rest:
            break
        pivot = next((row for row in rest if row[col]), None)
        if pivot is None:
            continue
        rest.remove(pivot)
        a = pivot[col]
        for row in itertools.chain(rest, (r for _c, r in done)):
            b = row[col]
            if b:
                combined = [a * x - b * y for x, y in zip(row, pivot, strict=True)]
                divisor = math.gcd(*combined) or 1
                row[:] = [x // divisor for x in combined]
        done.append((col, pivot))
    return done


def _choices(
    rows: list[tuple[int, list[int]]], size: list[int], k: int
) -> Iterator[tuple[tuple[int, list[int]], ...]]:
    """Every choice of 1 to k rows whose leading atoms hold at most k answers, fewest first."""
    for count in range(1, min(k, len(rows)) + 1):
        for chosen in itertools.combinations(rows, count):
            if sum(size[col] for col, _row in chosen) <= k:
                yield chosen


def number_bins(counts: Mapping[int, int], low: int, high: int, k: int) -> list[tuple[str, int]]:
    """A number question's answers in bins over [low, high]: at most NUMBER_BINS of a round
    width (1, 2 or 5 times a power of ten; the last one takes the rest of the range),
    neighbours merged until every bin holds none or more than k answers. Answers outside the
    range (given before it was set) count in the nearest bin."""
    width = _round_width(-(-(high - low) // NUMBER_BINS))
    count_of_bins = max(1, min(NUMBER_BINS, (high - low + 1) // width))
    bins = [[low + i * width, low + (i + 1) * width - 1, 0] for i in range(count_of_bins)]
    bins[-1][1] = high
    for value, count in counts.items():
        bins[min(max((value - low) // width, 0), count_of_bins - 1)][2] += count
    merged: list[list[int]] = []
    for start, end, count in bins:
        last = merged[-1] if merged else None
        if last is not None and 0 < last[2] <= k:  # still too small: take the next one in
            last[1], last[2] = end, last[2] + count
        else:
            merged.append([start, end, count])
    while len(merged) > 1 and 0 < merged[-1][2] <= k:  # the last one into those before it
        _start, end, count = merged.pop()
        merged[-1][1], merged[-1][2] = end, merged[-1][2] + count
    return [(str(a) if a == b else f"{a}–{b}", count) for a, b, count in merged]


def _round_width(at_least: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, … that is at least ``at_least``."""
    scale = 1
    while True:
        for step in (1, 2, 5):
            if step * scale >= at_least:
                return step * scale
        scale *= 10


def generalise(profile: Profile, audience: Mapping[Profile, int], k: int) -> Profile:
    """What a response may store of its profile: the combination that keeps the most of it
    (the area before the age band, then user groups in their order) and that at least k of
    the audience share. Dropped attributes are stored as unknown.

    ``audience`` counts the audience's own profiles. A member shares a stored combination
    when it says nothing about them that is untrue: the same age band and area where one is
    stored, and every user group stored among theirs.
    """
    band, area, mask = profile
    groups = [1 << i for i in range(mask.bit_length()) if mask & (1 << i)]
    candidates = []
    for keep_area, keep_band in itertools.product((True, False), repeat=2):
        for count in range(len(groups), -1, -1):
            for kept in itertools.combinations(groups, count):
                stored = (band if keep_band else None, area if keep_area else None, sum(kept))
                known = (stored[0] is not None) + (stored[1] is not None) + count
                candidates.append((-known, not keep_area, not keep_band, kept, stored))
    for *_rank, stored in sorted(candidates, key=lambda c: c[:4]):
        if _sharing(stored, audience) >= k:
            return stored
    return (None, None, 0)


def _sharing(stored: Profile, audience: Mapping[Profile, int]) -> int:
    band, area, mask = stored
    return sum(
        count
        for (b, a, m), count in audience.items()
        if (band is None or b == band) and (area is None or a == area) and m & mask == mask
    )
