"""Reading the municipality's settings (one row, edited by administrators).

Every page shows the municipality's name, so the settings are read often and change
rarely: a copy is kept in the app's cache (Flask-Caching) for ``SETTINGS_CACHE_SECONDS``
(30 s by default). A commit that changed the settings row forgets the copy, for every
worker sharing the cache.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.models import MunicipalityKind, MunicipalitySettings
from app.extensions import cache, db

KEY = "settings"


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
    """The municipality's settings, from the cache while they are fresh.

    A failed read raises: the caller's transaction is the caller's, so nothing here rolls
    it back, and the request fails as a whole (its 500 handler rolls back)."""
    settings = cache.get(KEY)
    if settings is not None:
        return settings  # type: ignore[no-any-return]
    settings = _load()
    seconds = current_app.config["SETTINGS_CACHE_SECONDS"]
    if seconds > 0:  # 0 would keep it for ever
        cache.set(KEY, settings, timeout=seconds)
    return settings


def settings_for_error_page() -> Settings:
    """The settings for an error page, which must render when the database is down or not
    migrated: its handler has rolled the request back already, so there is nothing left to
    keep, and the page says "Medvirke" rather than fail in turn."""
    try:
        return get_settings()
    except sa.exc.SQLAlchemyError:
        return UNCONFIGURED


def invalidate_settings() -> None:
    """Forget the kept copy (the settings row was changed outside a session's commit)."""
    cache.delete(KEY)


def _flushed(session: Session, *_args: Any) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(row, MunicipalitySettings) for row in changed):
        session.info["medvirke_settings_changed"] = True


def _committed(session: Session) -> None:
    if session.info.pop("medvirke_settings_changed", False) and has_app_context():
        invalidate_settings()


def _rolled_back(session: Session, *_args: Any) -> None:
    session.info.pop("medvirke_settings_changed", None)


if not event.contains(Session, "after_commit", _committed):
    event.listen(Session, "after_flush", _flushed)
    event.listen(Session, "after_commit", _committed)
    event.listen(Session, "after_rollback", _rolled_back)
