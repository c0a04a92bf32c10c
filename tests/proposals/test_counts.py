"""The listed proposals per state and focus area, kept by triggers, against a recount."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.core import dates
from app.core.permissions import Role
from app.extensions import db
from app.proposals import queries, services
from app.proposals.models import DecisionOutcome, Proposal, ProposalCount
from tests.proposals.fixtures import TEXT

ACTIONS = ["create", "open", "area", "submit", "review", "decide"]
ACTIONS += ["reject", "withdraw", "expire", "delete"]


def _kept() -> dict[tuple[str, int], int]:
    kept = ProposalCount.state, ProposalCount.focus_area, ProposalCount.listed
    rows = db.session.execute(sa.select(*kept))
    return {(state.value, area): n for state, area, n in rows if n}


def _recounted() -> dict[tuple[str, int], int]:
    rows = db.session.execute(
        sa.select(Proposal.state, Proposal.focus_area, sa.func.count())
        .where(queries.LISTED)
        .group_by(Proposal.state, Proposal.focus_area)
    )
    return {(state.value, area): n for state, area, n in rows}


def _act(action, proposal, area, author, committee):
    """One change of a proposal, through the code that makes it in the application."""
    if proposal is None or action == "create":
        services.create_proposal(author, **{**TEXT, "focus_area": area})
    elif action == "open":
        services.open_proposal(author, proposal, dates.today() + timedelta(days=30))
    elif action == "area":
        services.update_proposal(author, proposal, focus_area=area)
    elif action == "submit":
        services.submit(author, proposal)
    elif action == "review":
        services.start_review(committee, proposal)
    elif action == "decide":
        outcome = DecisionOutcome.adopted
        services.decide(committee, proposal, outcome, dates.today(), "K-sak 1/26", "Vedtatt.")
    elif action == "reject":
        services.reject(committee, proposal, "Bryter vilkårene.")
    elif action == "withdraw":
        services.withdraw(author, proposal)
    elif action == "expire":  # the nightly job's bulk UPDATE, as if the campaigns had ended
        services.expire_campaigns(dates.today() + timedelta(days=365))
    else:
        db.session.delete(proposal)


#: Every change once, on three proposals (the random steps rarely line all of them up)
EVERY_CHANGE = [
    ("create", 0, 1),
    ("open", 0, 1),
    ("area", 0, 5),
    ("submit", 0, 1),
    ("review", 0, 1),
    ("decide", 0, 1),
    ("create", 0, 2),
    ("open", 1, 2),
    ("reject", 1, 2),
    ("create", 0, 3),
    ("open", 2, 3),
    ("create", 0, 4),
    ("open", 3, 4),
    ("expire", 0, 1),
    ("withdraw", 2, 3),
    ("delete", 2, 3),
    ("delete", 3, 4),
]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(ACTIONS), st.integers(0, 3), st.integers(1, 8)),
        min_size=1,
        max_size=15,
    )
)
@example(steps=EVERY_CHANGE)
def test_kept_counts_equal_a_recount_of_the_listed_proposals(app, resident, make_user, steps):
    """Whatever happens to the proposals, the counts the list reads are what counting the
    listed proposals afresh gives, for the list as a whole and per state and focus area."""
    db.session.execute(sa.delete(Proposal))
    db.session.commit()
    author, committee = resident(), make_user(Role.committee)
    for action, n, area in steps:
        made = db.session.scalars(sa.select(Proposal).order_by(Proposal.id)).all()
        try:
            _act(action, made[n % len(made)] if made else None, area, author, committee)
        except services.ProposalError:  # not allowed in that state: nothing is written
            db.session.rollback()
            continue
        db.session.commit()
        assert _kept() == _recounted()
    recounted = _recounted()
    assert queries.count() == sum(recounted.values())
    for state, area in recounted:
        assert queries.count(state=state) == sum(v for k, v in recounted.items() if k[0] == state)
        assert queries.count(focus_area=area) == sum(
            v for k, v in recounted.items() if k[1] == area
        )
