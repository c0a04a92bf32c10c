"""Reading the municipality's settings (one row, edited by administrators)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import g

from app.core.models import MunicipalityKind, MunicipalitySettings
from app.extensions import db


def _unsaved_defaults() -> MunicipalitySettings:
    """Settings for a fresh database before anyone has configured a municipality."""
    return MunicipalitySettings(
        name="Medvirke",
        number="0000",
        kind=MunicipalityKind.kommune,
        population=1,
        postal_codes=[],
        areas=[],
        electoral_period_start=date(2023, 10, 1),
        electoral_period_end=date(2027, 9, 30),
    )


def get_settings() -> MunicipalitySettings:
    """The municipality's settings, read once per request."""
    if "municipality_settings" not in g:
        row = db.session.scalars(
            sa.select(MunicipalitySettings).order_by(MunicipalitySettings.id).limit(1)
        ).first()
        g.municipality_settings = row or _unsaved_defaults()
    return g.municipality_settings
