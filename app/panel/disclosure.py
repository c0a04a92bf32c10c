"""The brukerpanel's anonymity rules, in one place.

**What may be published.** Every figure published about a survey (the results page, its CSV,
the API, the open data, the compass's panel indicators) is read through app.panel.results,
which asks this module what may be shown. K is ``ANONYMITY_K`` (never below five). A cell is
the set of answers a published figure describes; no cell, and no set that can be worked out
by adding and subtracting cells, may hold 1 to K answers:

- a question's figures (n, mean, interval, distribution, "vet ikke") only when more than K
  gave it an answer (``question_shown``);
- "vet ikke" is a cell: its count only when none or more than K said it
  (``dont_know_shown``). The survey's number of responses less a question's n is the
  answers without a value ("vet ikke" or none); when those hold 1 to K "vet ikke" answers in
  all, the question's figures are held back, or the count could be worked out. A skipped
  question is not an answer, and the responses that skipped it are not a cell;
- a distribution only in cells of none or more than K answers (``ordered_cells`` for a
  scale, ``number_bins`` for a number, ``unordered_cells`` for a single choice,
  ``multi_cells`` for a multiple choice), small neighbours merged, small options gathered
  into one "other answers" cell that is itself more than K (or given the next smallest
  option too), so that no cell is small and none can be worked out from n and the others;
- **zero cells** are shown: a cell of no answers describes no one, and no set of 1 to K can
  be worked out with it that cannot be without it (it adds nothing to n and no sum).
  What it says about everyone (that no one gave that answer) gives away each one's answer
  only when it leaves one possibility, when every answer falls in one cell: such a
  distribution is not shown at all, nor a multiple-choice option everyone chose;
- **answers all alike**: a question whose answers all have one value shows no mean,
  interval or distribution (they would give each respondent's answer), and a group whose
  answers all have one value, or all fall in one cell of the distribution shown, is held
  back as if it were small (``shown_groups``);
- a group's figures only when more than K in it answered, and only while no set of K or
  fewer answers can be worked out from the figures shown: the overall figures less the shown
  groups (the unknown included), two hidden groups together, overlapping user groups, one
  breakdown against another, a group against the cells of the distribution. This is
  checked exactly (``shown_groups``): each shown figure is a sum over the answers of a set of
  (profile, value) classes, and no combination of them may add up to the answers of K or
  fewer. When one does, the smallest group it uses is held back too, and the check runs
  again (at worst every group is held back; the distribution alone never gives one away);
- a pooled figure (a dimension's mean, the compass's satisfaction) only from questions whose
  own mean is shown, so it adds nothing that can be subtracted.

**What may be stored** (``generalise``): a response keeps an attribute of its profile (age
band, area, each user group) only where at least K of the survey's audience share the kept
combination; otherwise that attribute is stored as unknown.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Collection, Iterator, Mapping

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
#: A class of answers: a stored profile, or a stored profile and the value given
Atom = Profile | tuple[str | None, str | None, int, int]
#: The cells of a distribution as published: (label, count)
Cells = list[tuple[str, int]]


def threshold() -> int:
    """K: groups of this many or fewer are never published, nor derivable."""
    return max(MIN_K, int(current_app.config.get("ANONYMITY_K", MIN_K)))


def question_shown(n: int, dont_know: int, responses: int, k: int) -> bool:
    """Whether anything of a question may be shown: more than k answers with a value, and
    no "vet ikke" count of 1 to k that the responses less n would give away."""
    if n <= k:
        return False
    return dont_know_shown(dont_know, k) or responses - n > k


def dont_know_shown(dont_know: int, k: int) -> bool:
    return dont_know == 0 or dont_know > k


def contains(
    group: Group, atom: Atom, bits: Mapping[str, int], cell_of: Mapping[int, int] | None = None
) -> bool:
    """Whether answers of class ``atom`` (a stored profile, and perhaps the value given) are
    counted in ``group``: a breakdown's group, everyone, or ("value", i), the i-th published
    cell of the distribution (``cell_of`` maps a value to its cell). ``bits`` maps a user
    group's key to its bit in the mask."""
    breakdown, key = group
    band, area, mask = atom[:3]
    if breakdown == "value":
        return cell_of is not None and len(atom) > 3 and cell_of.get(atom[3]) == int(key)
    if breakdown == "age_band":
        return band == key
    if breakdown == "area":
        return area == key
    if breakdown == "user_groups":
        return key in bits and bool(mask & (1 << bits[key]))
    return True


def shown_groups(
    sizes: Mapping[Group, int],
    atoms: Mapping[Atom, int],
    bits: Mapping[str, int],
    k: int,
    cell_of: Mapping[int, int] | None = None,
    alike: Collection[Group] = (),
) -> set[Group]:
    """The groups of one question that may be shown beside its overall figures.

    ``sizes``: each group's number of answers; ``atoms``: the question's answers per stored
    profile, or per stored profile and value (they add up to the overall n, which the caller
    has checked is more than k); ``cell_of``: the distribution shown, as the cell each value
    is counted in (values not in it are in none), checked together with the groups (it needs
    atoms with values); ``alike``: groups whose answers all have one value, never shown.
    """
    alike = set(alike) | _in_one_cell(sizes, atoms, bits, cell_of)
    shown = {group for group, n in sizes.items() if n > k and group not in alike}
    values = sorted(set((cell_of or {}).values()))
    while shown:
        groups = [EVERYONE, *sorted(shown)]
        cells = groups + [("value", str(i)) for i in values]
        combination = _derivable(cells, atoms, bits, k, cell_of)
        if combination is None:
            # Nor may a group held back for its answers all alike be worked out
            derived = [
                g for g in alike if sizes.get(g, 0) > k and _spans(cells, g, atoms, bits, cell_of)
            ]
            if not derived:
                break
            shown.discard(min(shown, key=lambda group: (sizes[group], group)))
            continue
        used = [groups[i] for i, c in enumerate(combination[: len(groups)]) if c and i > 0]
        # The distribution's cells hold none or more than k each, so with n alone they give
        # no small set away: a combination that does uses a group
        if not used:  # cannot be while n is more than k: then show no group at all
            return set()
        shown.discard(min(used, key=lambda group: (sizes[group], group)))
    return shown


def _in_one_cell(
    sizes: Mapping[Group, int],
    atoms: Mapping[Atom, int],
    bits: Mapping[str, int],
    cell_of: Mapping[int, int] | None,
) -> set[Group]:
    """The groups whose answers all fall in one cell of the distribution shown: beside it,
    such a group would say which cell each of its members answered in."""
    if not cell_of:
        return set()
    out = set()
    for group in sizes:
        cells = {
            cell_of.get(atom[3])
            for atom, count in atoms.items()
            if count and len(atom) > 3 and contains(group, atom, bits)
        }
        if len(cells) == 1:
            out.add(group)
    return out


def _spans(
    cells: list[Group],
    target: Group,
    atoms: Mapping[Atom, int],
    bits: Mapping[str, int],
    cell_of: Mapping[int, int] | None,
) -> bool:
    """Whether ``target``'s answers are a combination of the ``cells`` (so its n and sum can
    be worked out from theirs)."""
    every = [*cells, target]
    signatures = {
        tuple(contains(cell, atom, bits, cell_of) for cell in every)
        for atom, count in atoms.items()
        if count
    }
    columns = sorted(signatures)
    rows = [[int(sig[i]) for sig in columns] for i in range(len(every))]
    width = len(columns)
    return len(_echelon(rows[:-1], width)) == len(_echelon(rows, width))


def _derivable(
    cells: list[Group],
    atoms: Mapping[Atom, int],
    bits: Mapping[str, int],
    k: int,
    cell_of: Mapping[int, int] | None = None,
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
            merged[tuple(contains(cell, profile, bits, cell_of) for cell in cells)] += count
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
    return labelled(number_ranges(counts, low, high, k))


def number_ranges(counts: Mapping[int, int], low: int, high: int, k: int) -> list[list[int]]:
    """``number_bins`` as [first value, last value, count]."""
    width = _round_width(-(-(high - low) // NUMBER_BINS))
    count_of_bins = max(1, min(NUMBER_BINS, (high - low + 1) // width))
    bins = [[low + i * width, low + (i + 1) * width - 1, 0] for i in range(count_of_bins)]
    bins[-1][1] = high
    for value, count in counts.items():
        bins[min(max((value - low) // width, 0), count_of_bins - 1)][2] += count
    return _merge(bins, k)


def ordered_cells(counts: Mapping[int, int], values: range, k: int) -> Cells:
    """A scale's distribution: one cell per value, neighbours merged until every cell holds
    none or more than k answers ("1–2" for two merged)."""
    return labelled(ordered_ranges(counts, values, k))


def ordered_ranges(counts: Mapping[int, int], values: range, k: int) -> list[list[int]]:
    """``ordered_cells`` as [first value, last value, count]."""
    return _merge([[v, v, counts.get(v, 0)] for v in values], k)


def cell_of(ranges: list[list[int]], values: Collection[int]) -> dict[int, int]:
    """The cell of ``ranges`` each of ``values`` is counted in (the nearest for one outside)."""
    out = {}
    for value in values:
        index = next((i for i, r in enumerate(ranges) if value <= r[1]), len(ranges) - 1)
        out[value] = index
    return out


def _merge(bins: list[list[int]], k: int) -> list[list[int]]:
    """[start, end, count] in order, neighbours merged until each holds none or more than k."""
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
    return merged


def labelled(bins: list[list[int]]) -> Cells:
    return [(str(a) if a == b else f"{a}–{b}", count) for a, b, count in bins]


def unordered_cells(counts: list[tuple[str, int]], k: int, other: str) -> tuple[Cells, set[int]]:
    """A single choice's distribution: options of 1 to k answers gathered into one cell
    labelled ``other`` (added last), with the next smallest options too while it holds 1 to
    k; and the indexes of the options gathered."""
    gathered = {i for i, (_label, n) in enumerate(counts) if 0 < n <= k}
    while 0 < sum(counts[i][1] for i in gathered) <= k:
        rest = [(n, i) for i, (_label, n) in enumerate(counts) if n and i not in gathered]
        if not rest:
            break
        gathered.add(min(rest)[1])
    cells = [cell for i, cell in enumerate(counts) if i not in gathered]
    if gathered:
        cells.append((other, sum(counts[i][1] for i in gathered)))
    return cells, gathered


def multi_cells(masks: Mapping[int, int], options: int, k: int) -> list[int]:
    """The options of a multiple choice whose counts may be shown, from the answers per set
    of options chosen (``masks``, bit i for option i): none with 1 to k, none all chose, and
    no set of 1 to k answers to be worked out from them and n (who did not choose an option,
    who chose one but not another). Options are left out, fewest first, until none can."""
    total = sum(masks.values())
    if total <= k:
        return []
    count = [sum(n for m, n in masks.items() if m & (1 << i)) for i in range(options)]
    shown = {i for i in range(options) if count[i] == 0 or k < count[i] < total}
    atoms = {(None, None, mask): n for mask, n in masks.items()}
    while shown:
        cells = [EVERYONE] + [("user_groups", str(i)) for i in sorted(shown)]
        bits = {str(i): i for i in range(options)}
        combination = _derivable(cells, atoms, bits, k)
        if combination is None:
            break
        used = [int(cells[j][1]) for j, c in enumerate(combination) if c and j > 0]
        shown.discard(min(used, key=lambda i: (count[i], i)))
    return sorted(shown)


def one_cell(cells: Cells) -> bool:
    """Whether every answer falls into one cell (which gives each one's answer away)."""
    return sum(1 for _label, n in cells if n) <= 1


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
