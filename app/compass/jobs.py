"""Scheduled jobs: the monthly snapshot and the open-data export."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from huey import crontab

from app.compass import services
from app.compass.live import months_after
from app.core.dates import first_of_month, today
from app.core.jobs import periodic
from app.extensions import db


@periodic(crontab(minute="15", hour="2"), "compass.snapshot")
def snapshot_last_month() -> int:
    """Every night: the last whole month's values, stored once (later nights keep them), so
    a night the worker was down is made up the next."""
    try:
        written = services.take_snapshot(months_after(first_of_month(today()), -1))
        db.session.commit()
    except sa.exc.IntegrityError:  # another worker stored the month at the same time
        db.session.rollback()
        return 0
    return written


@periodic(crontab(minute="40", hour="3"), "opendata.export")
def rebuild_open_data() -> int:
    """Every night: rebuild the open-data files that /opendata/ offers."""
    from app.compass.export import export_open_data

    manifest = export_open_data(current_app.config["OPENDATA_DIR"])
    return len(manifest["tables"])
