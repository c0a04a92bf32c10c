"""Innbyggerforslag's scheduled jobs: expired campaigns at midnight and the committee's
weekly list of decision deadlines."""

from __future__ import annotations

from huey import crontab

from app.core import dates
from app.core.jobs import first_run, periodic
from app.extensions import db
from app.proposals import services


@periodic(crontab(minute="5", hour="0"), "proposals.expire_campaigns")
def expire_campaigns_daily() -> int:
    """Just after midnight: campaigns that ended yesterday become expired."""
    count = services.expire_campaigns()
    db.session.commit()
    return count


@periodic(crontab(minute="0", hour="7", day_of_week="1"), "proposals.deadline_digest")
def deadline_digest_weekly() -> int:
    """Monday mornings: the committee's list of decision deadlines within 30 days."""
    year, week, _ = dates.today().isocalendar()
    if not first_run("proposals.deadline_digest", f"{year}-W{week:02d}"):
        return 0  # another worker has sent this week's digest
    count = services.send_deadline_digest()
    db.session.commit()
    return count
