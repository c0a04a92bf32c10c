"""The proposals domain's scheduled jobs on several job workers at once: the weekly digest
goes out once a week however many schedulers enqueue it."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core import dates
from app.core.models import JobRun, OutboxMail
from app.core.permissions import Role
from app.extensions import db
from app.proposals.jobs import deadline_digest_weekly
from app.proposals.models import ProposalState
from tests.concurrency import in_workers


def _digests() -> Counter[str]:
    db.session.expire_all()
    return Counter(
        db.session.scalars(
            sa.select(OutboxMail.to_address).where(
                OutboxMail.template == "proposal_deadline_digest"
            )
        )
    )


def _due_soon(open_proposal) -> None:
    proposal = open_proposal(title="Snart")
    proposal.state = ProposalState.submitted
    proposal.obliged = True
    proposal.decision_due_on = dates.today() + timedelta(days=10)
    db.session.commit()


def test_two_workers_sending_the_weekly_digest_at_once_mail_each_member_once(
    config_class, open_proposal, make_user
):
    """Two workers' schedulers both enqueue Monday's digest and run it together: each
    committee member gets one mail, and the week's run is recorded once."""
    members = [make_user(Role.committee) for _ in range(3)]
    _due_soon(open_proposal)

    counts = in_workers(config_class, deadline_digest_weekly.call_local)

    assert sorted(counts) == [0, len(members)]
    assert _digests() == dict.fromkeys((m.email for m in members), 1)
    year, week, _ = dates.today().isocalendar()
    assert db.session.scalars(sa.select(JobRun.period)).all() == [f"{year}-W{week:02d}"]


def test_the_digest_runs_again_the_next_week_but_not_twice_in_one(open_proposal, make_user):
    member = make_user(Role.committee)
    _due_soon(open_proposal)
    assert deadline_digest_weekly.call_local() == 1
    assert deadline_digest_weekly.call_local() == 0  # a second scheduler, later the same week
    assert _digests() == {member.email: 1}
    db.session.execute(sa.update(JobRun).values(period="2000-W01"))  # last week's run
    db.session.commit()
    assert deadline_digest_weekly.call_local() == 1
    assert _digests() == {member.email: 2}


def test_a_failed_run_releases_the_week(open_proposal, make_user, monkeypatch):
    """If the digest fails, its transaction (the claim with it) rolls back, so the next
    attempt sends it."""
    from app.proposals import services

    member = make_user(Role.committee)
    _due_soon(open_proposal)

    def broken() -> int:
        raise RuntimeError("SMTP template missing")

    monkeypatch.setattr(services, "send_deadline_digest", broken)
    with pytest.raises(RuntimeError, match="SMTP template missing"):
        deadline_digest_weekly.call_local()
    db.session.rollback()  # as the worker's app context ends a failed task
    monkeypatch.undo()
    assert deadline_digest_weekly.call_local() == 1
    assert _digests() == {member.email: 1}
