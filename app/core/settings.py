"""Reading the municipality's settings (one row, edited by administrators).

Every page shows the municipality's name, so the settings are read often and change
rarely: each process keeps a copy for ``SETTINGS_CACHE_SECONDS`` (30 s by default).
Saving the settings clears the copy in the process that saved them; other processes see
the change within that time.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import date

import sqlalchemy as sa
from flask import current_app

from app.core.models import MunicipalityKind, MunicipalitySettings
from app.extensions import db


@dataclasses.dataclass(frozen=True)
class Settings:
    """A read-only copy of the settings row, safe to share between requests and threads."""

    name: str
    number: str
    kind: MunicipalityKind
    population: int
    postal_codes: tuple[str, ...]
    areas: tuple[str, ...]
    electoral_period_start: date
    electoral_period_end: date
    age_shares: dict[str, float] = dataclasses.field(default_factory=dict)
    area_shares: dict[str, float] = dataclasses.field(default_factory=dict)
    saved: bool = True


#: Before anyone has configured a municipality (a fresh database)
UNCONFIGURED = Settings(
    name="Medvirke",
    number="0000",
    kind=MunicipalityKind.kommune,
    population=1,
    postal_codes=(),
    areas=(),
    electoral_period_start=date(2023, 10, 1),
    electoral_period_end=date(2027, 9, 30),
    saved=False,
)

_cache: dict[str, tuple[float, Settings]] = {}
_lock = threading.Lock()


def _load() -> Settings:
    row = db.session.scalars(
        sa.select(MunicipalitySettings).order_by(MunicipalitySettings.id).limit(1)
    ).first()
    if row is None:
        return UNCONFIGURED
    return Settings(
        name=row.name,
        number=row.number,
        kind=row.kind,
        population=row.population,
        postal_codes=tuple(row.postal_codes),
        areas=tuple(row.areas),
        electoral_period_start=row.electoral_period_start,
        electoral_period_end=row.electoral_period_end,
        age_shares=dict(row.age_shares or {}),
        area_shares=dict(row.area_shares or {}),
    )


def get_settings() -> Settings:
    """The municipality's settings, from this process's copy while it is fresh."""
    key = current_app.config["SQLALCHEMY_DATABASE_URI"]
    now = time.monotonic()
    cached = _cache.get(key)
    if cached and cached[0] > now:
        return cached[1]
    try:
        settings = _load()
    except sa.exc.SQLAlchemyError:
        # The database is down or not migrated: still render pages (error pages above all)
        db.session.rollback()
        return UNCONFIGURED
    with _lock:
        _cache[key] = (now + current_app.config["SETTINGS_CACHE_SECONDS"], settings)
    return settings


def invalidate_settings() -> None:
    """Forget this process's copy (after the settings were saved)."""
    with _lock:
        _cache.clear()
