"""Brukerpanel's scheduled jobs: the nightly reordering of the answer tables and the hourly
invitations and reminders."""

from __future__ import annotations

from huey import crontab

from app.core.jobs import periodic
from app.extensions import db
from app.panel import services


@periodic(crontab(minute="30", hour="2"), "panel.reorder")
def reorder_nightly() -> None:
    """Every night: rewrite the answer tables in key order (see reorder_for_anonymity)."""
    services.reorder_for_anonymity()
    db.session.commit()


@periodic(crontab(minute="10"), "panel.invitations")
def invitations_hourly() -> tuple[int, int]:
    """Every hour: invitations for surveys that have opened, and the one reminder."""
    counts = services.send_invitations_and_reminders()
    db.session.commit()
    return counts
