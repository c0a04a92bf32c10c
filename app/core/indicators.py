"""What a domain tells the compass: indicators, each tied to one focus area.

Every domain has ``indicators(session, start, end) -> list[Indicator]`` in its
``indicators.py``; the compass collects them and never imports the domains' models.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Direction(enum.StrEnum):
    higher_is_better = "higher_is_better"
    lower_is_better = "lower_is_better"


@dataclass(frozen=True)
class Indicator:
    #: Stable key, e.g. "proposals.signatures"
    key: str
    #: Kommunekompasset focus area 1–8
    focus_area: int
    #: Translated (lazy) label
    label: object
    #: None when there is nothing to measure in the period (never shown as 0)
    value: float | None
    #: "count", "percent", "days", "per_1000"
    unit: str
    direction: Direction = Direction.higher_is_better
