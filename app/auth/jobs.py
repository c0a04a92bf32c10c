"""Scheduled jobs of the accounts domain."""

from __future__ import annotations

from huey import crontab

from app.auth.sessions import end_expired_sessions
from app.core.jobs import periodic
from app.extensions import db


@periodic(crontab(minute="50", hour="3"), "auth.end_expired_sessions")
def end_expired_sessions_nightly() -> int:
    """Every night: delete the login sessions too old to open anything."""
    count = end_expired_sessions()
    db.session.commit()
    return count
