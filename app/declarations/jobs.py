"""Serviceerklæringer's scheduled job: answered reports closed every night."""

from __future__ import annotations

from huey import crontab

from app.core.jobs import periodic
from app.declarations import services
from app.extensions import db


@periodic(crontab(minute="20", hour="1"), "declarations.close_answered")
def close_answered_nightly() -> int:
    """Every night: close reports answered 30 days ago and erase the reporter's contact."""
    count = services.close_answered_reports()
    db.session.commit()
    return count
