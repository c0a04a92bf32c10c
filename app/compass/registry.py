"""The compass's two registries: where indicators and open-data tables come from.

Each entry is a module path. An indicator module has
``indicators(session, start, end) -> list[app.core.indicators.Indicator]``; an open-data
module has ``open_data_tables(session) -> list[dict]`` (see app.compass.export for the
shape). A new domain needs only its line here; nothing else in the compass changes.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from datetime import date
from types import ModuleType
from typing import Any

from sqlalchemy.orm import Session

from app.core.focus_areas import FOCUS_AREAS
from app.core.indicators import Indicator

SOURCES = [
    "app.proposals.indicators",
    "app.panel.indicators",
    "app.declarations.indicators",
    "app.moments.indicators",
]

OPEN_DATA_SOURCES = [
    "app.proposals.opendata",
    "app.panel.opendata",
    "app.declarations.opendata",
    "app.moments.opendata",
    "app.compass.opendata_tables",
]


class RegistryError(Exception):
    """A listed module is missing its function or reports something the compass cannot use."""


def _modules(paths: Iterable[str], function: str) -> Iterator[tuple[str, Any]]:
    for path in paths:
        module: ModuleType = importlib.import_module(path)
        fn = getattr(module, function, None)
        if not callable(fn):
            raise RegistryError(f"{path} has no {function}()")
        yield path, fn


def collect_indicators(
    session: Session, start: date, end: date, sources: Iterable[str] | None = None
) -> list[Indicator]:
    """Every listed domain's indicators for [start, end), in registry order."""
    found: list[Indicator] = []
    seen: set[str] = set()
    for path, fn in _modules(SOURCES if sources is None else sources, "indicators"):
        for indicator in fn(session, start, end):
            if indicator.focus_area not in FOCUS_AREAS:
                raise RegistryError(
                    f"{path}: {indicator.key} has focus area {indicator.focus_area}"
                )
            if indicator.key in seen:
                raise RegistryError(f"{path}: the key {indicator.key} is used twice")
            seen.add(indicator.key)
            found.append(indicator)
    return found


def collect_tables(session: Session, sources: Iterable[str] | None = None) -> Iterator[dict]:
    """Every listed module's open-data tables, one at a time (their rows are not read yet)."""
    for _path, fn in _modules(OPEN_DATA_SOURCES if sources is None else sources,
                              "open_data_tables"):  # fmt: skip
        yield from fn(session)
