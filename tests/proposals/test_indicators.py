"""The proposals domain's indicators against a hand-built fixture."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from app.core import dates
from app.core.models import MunicipalitySettings
from app.core.settings import invalidate_settings
from app.extensions import db
from app.proposals import services
from app.proposals.indicators import indicators
from app.proposals.models import DecisionOutcome, ProposalState, Signature


def test_indicators_for_a_period(open_proposal, resident, make_user):
    settings = db.session.scalar(sa.select(MunicipalitySettings))
    settings.population = 1000
    db.session.commit()
    invalidate_settings()
    this_year = dates.today().year
    proposal = open_proposal()
    services.sign(resident(birth_year=this_year - 10), proposal.id, proposal.version)  # under 18
    services.sign(resident(birth_year=this_year - 40), proposal.id, proposal.version)
    # unknown age: not in the share
    services.sign(resident(birth_year=None), proposal.id, proposal.version)
    struck = db.session.get(Signature, services.sign(resident(), proposal.id, proposal.version))
    struck.struck_at = datetime.now(UTC)
    decided = open_proposal()
    decided.state = ProposalState.decided
    decided.obliged = True
    decided.submitted_at = datetime(2026, 1, 10, 12, tzinfo=UTC)
    decided.decision_due_on = date(2026, 7, 10)
    decided.decided_on = date(2026, 3, 1)  # 50 days, in time
    decided.outcome = DecisionOutcome.adopted
    late = open_proposal()
    late.state = ProposalState.decided
    late.obliged = True
    late.submitted_at = datetime(2025, 8, 1, 12, tzinfo=UTC)
    late.decision_due_on = date(2026, 2, 1)
    late.decided_on = date(2026, 3, 3)  # 214 days, too late
    late.outcome = DecisionOutcome.not_adopted
    overdue = open_proposal()
    overdue.state = ProposalState.submitted
    overdue.obliged = True
    overdue.decision_due_on = date(2026, 1, 1)
    db.session.commit()

    start, end = date(2026, 1, 1), dates.today() + timedelta(days=1)
    values = {i.key: i for i in indicators(db.session, start, end)}
    assert values["proposals.opened"].value == 4
    assert values["proposals.signatures"].value == 3  # the struck one does not count
    assert values["proposals.signers_per_1000"].value == 3.0
    assert values["proposals.decided_in_time"].value == 50.0
    assert values["proposals.median_days_to_decision"].value == (50 + 214) / 2
    assert values["proposals.overdue"].value == 1
    assert values["proposals.signers_under_18"].value == 50.0
    assert {i.focus_area for i in values.values()} == {1, 3, 8}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Signature)) == 4


def test_nothing_to_measure_is_none_not_zero(app):
    values = {i.key: i.value for i in indicators(db.session, date(2020, 1, 1), date(2020, 2, 1))}
    assert values["proposals.decided_in_time"] is None
    assert values["proposals.median_days_to_decision"] is None
    assert values["proposals.signers_under_18"] is None
    assert values["proposals.opened"] == 0


def test_the_share_under_18_takes_the_oslo_year_of_each_signature(open_proposal, resident):
    """Counted by the database per Oslo calendar year, against a recount in Python of the
    rows: signatures around two New Years (23:30 UTC on 31 December is already the next
    year in Oslo), born on either side of the 18-year line, one struck, one without a year."""
    import random

    rng = random.Random(7)
    proposal = open_proposal()
    rows = []
    for n in range(60):
        signer = resident(birth_year=rng.choice([None, 2007, 2008, 2009, 2010, 1980]))
        at = datetime(2025, 12, 31, 23, 30, tzinfo=UTC) + timedelta(
            days=rng.choice([-1, 0, 1, 200, 365]), minutes=rng.choice([-40, 0, 40])
        )
        struck = datetime(2026, 6, 1, tzinfo=UTC) if n == 3 else None
        db.session.add(
            Signature(
                proposal_id=proposal.id,
                user_id=signer.id,
                full_name="x",
                postal_code="7374",
                birth_year=signer.birth_year,
                created_at=at,
                struck_at=struck,
            )
        )
        rows.append((signer.birth_year, at, struck))
    db.session.commit()
    for start, end in [(date(2025, 12, 1), date(2027, 2, 1)), (date(2026, 1, 1), date(2026, 2, 1))]:
        t0 = datetime(start.year, start.month, 1, tzinfo=dates.OSLO)
        t1 = datetime(end.year, end.month, 1, tzinfo=dates.OSLO)
        counted = [(y, at) for y, at, s in rows if y is not None and s is None and t0 <= at < t1]
        under = sum(1 for y, at in counted if at.astimezone(dates.OSLO).year - y < 18)
        found = {i.key: i.value for i in indicators(db.session, start, end)}
        assert counted, (start, end)
        assert found["proposals.signers_under_18"] == round(100 * under / len(counted), 1)
