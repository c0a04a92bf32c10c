"""Approved nominations per unit and year, kept by triggers, against a recount."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import sqlalchemy as sa
from flask_login import AnonymousUserMixin
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.core.dates import add_months, today
from app.core.permissions import Role
from app.extensions import db
from app.moments import queries, services
from app.moments.models import Nomination, NominationState, UnitYearCount, Winner
from app.moments.months import this_month
from tests.moments.fixtures import confirmation_link, path_of

EMAILS = itertools.count(1)

ACTIONS = ["nominate", "confirm", "approve", "reject", "month", "unit", "delete"]
#: Every change once, on three nominations (the random steps rarely line all of them up)
EVERY_CHANGE = [
    ("nominate", 0, 0),
    ("confirm", 0, 0),
    ("approve", 0, 0),
    ("month", 0, 14),
    ("unit", 0, 1),
    ("nominate", 0, 1),
    ("confirm", 1, 0),
    ("approve", 1, 0),
    ("reject", 1, 0),
    ("nominate", 0, 0),
    ("confirm", 2, 0),
    ("approve", 2, 0),
    ("delete", 2, 0),
]


def _kept() -> dict[tuple[int, int], int]:
    kept = UnitYearCount.unit_id, UnitYearCount.year, UnitYearCount.approved
    rows = db.session.execute(sa.select(*kept))
    return {(unit, year): n for unit, year, n in rows if n}


def _recounted() -> dict[tuple[int, int], int]:
    counts: dict[tuple[int, int], int] = {}
    rows = db.session.execute(
        sa.select(Nomination.unit_id, Nomination.month).where(
            Nomination.state == NominationState.approved, Nomination.month.is_not(None)
        )
    )
    for unit, month in rows:
        counts[(unit, month.year)] = counts.get((unit, month.year), 0) + 1
    return counts


def _act(action, nomination, n, units, committee):
    """One change of a nomination, through the services where the application has one."""
    if nomination is None or action == "nominate":
        services.nominate(
            AnonymousUserMixin(),
            unit_id=units[n % len(units)].id,
            employee_name="Siri Bakken",
            happened_on=today() - timedelta(days=1),
            story="Hun hjalp meg.",
            nominator_name="Nora",
            nominator_email=f"nora{next(EMAILS)}@roros.example",
            may_contact=False,
            language="nb",
        )
    elif action == "confirm":  # the nominator opens the mailed link
        if nomination.state != NominationState.unconfirmed:
            raise services.MomentError("confirmed already")
        link = confirmation_link(nomination.nominator_email)
        services.confirm_nomination(path_of(link).rsplit("/", 1)[1])
    elif action == "approve":
        services.approve(committee, nomination, name_consent=False)
    elif action == "reject":
        services.reject(committee, nomination, "Ikke et serviceøyeblikk.")
    elif action == "month":  # competing in another month (and year) than this one
        nomination.month = add_months(this_month(), -n)
    elif action == "unit":
        nomination.unit_id = units[n % len(units)].id
    else:
        db.session.execute(sa.delete(Winner).where(Winner.nomination_id == nomination.id))
        db.session.delete(nomination)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(ACTIONS), st.integers(0, 3), st.integers(0, 30)),
        min_size=1,
        max_size=15,
    )
)
@example(steps=EVERY_CHANGE)
def test_kept_counts_equal_a_recount_of_the_approved_nominations(app, make_unit, make_user, steps):
    """Whatever is nominated, confirmed, approved, rejected, moved or deleted, the counts
    the gallery and the year pages read are what counting the approved nominations afresh
    gives, per unit and year."""
    db.session.execute(sa.delete(Winner))
    db.session.execute(sa.delete(Nomination))
    db.session.commit()
    units = [make_unit(), make_unit()]
    committee = make_user(Role.committee)
    for action, n, k in steps:
        made = db.session.scalars(sa.select(Nomination).order_by(Nomination.id)).all()
        try:
            _act(action, made[n % len(made)] if made else None, k, units, committee)
        except services.MomentError:  # not allowed in that state: nothing is written
            db.session.rollback()
            continue
        db.session.commit()
        assert _kept() == _recounted()
    names = {u.id: u.name for u in units}
    for year in {year for _unit, year in _recounted()} | {date.today().year}:
        shown = dict(db.session.execute(queries.approved_per_unit(year)).all())
        expected = {names[u]: v for (u, y), v in _recounted().items() if y == year}
        assert shown == expected
