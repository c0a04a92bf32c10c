"""The panel's scheduled job on several job workers at once: nobody is mailed twice."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from app.core.dates import today
from app.core.db import utcnow
from app.core.models import OutboxMail
from app.core.permissions import Role
from app.extensions import db
from app.panel import services
from app.panel.jobs import invitations_hourly
from app.panel.models import Audience, QuestionKind
from tests.concurrency import in_workers


def _mails(template: str) -> Counter[str]:
    db.session.expire_all()
    return Counter(
        db.session.scalars(sa.select(OutboxMail.to_address).where(OutboxMail.template == template))
    )


def _closing_soon(admin):
    """A panel survey that was opened (and invited) ten days ago and closes in two."""
    survey = services.create_survey(
        admin,
        title="Snart stengt",
        audience=Audience.panel,
        opens_on=today() - timedelta(days=10),
        closes_on=today() + timedelta(days=2),
    )
    services.add_question(admin, survey, kind=QuestionKind.text, text="Noe?", required=False)
    services.publish(admin, survey)
    survey.invited_at = utcnow() - timedelta(days=10)
    db.session.commit()
    return survey


def test_two_workers_running_the_hourly_job_at_once_mail_each_member_once(
    config_class, survey, member, make_user
):
    """Two workers, each with its own app and connection, start the job together: one
    survey is due its invitation and another its reminder. Each member gets one
    invitation, and each who has not answered one reminder."""
    members = [member() for _ in range(12)]
    closing = _closing_soon(make_user(Role.admin))
    answered = members[0]
    services.submit_answers(answered, closing, {closing.questions[0].id: "Ja"})
    db.session.commit()

    counts = in_workers(config_class, invitations_hourly.call_local)

    assert sorted(counts) == [(0, 0), (len(members), len(members) - 1)]
    emails = {m.email for m in members}
    assert _mails("panel_invitation") == dict.fromkeys(emails, 1)
    assert _mails("panel_reminder") == dict.fromkeys(emails - {answered.email}, 1)
    assert invitations_hourly.call_local() == (0, 0)  # nor does a later hour send more
