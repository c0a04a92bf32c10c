"""What golden moments tell the compass, own data for nominators, and the demo seed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth import services as auth_services
from app.core import demo
from app.core.dates import add_months, today
from app.core.indicators import Indicator
from app.core.permissions import Role
from app.extensions import db
from app.moments import services
from app.moments.indicators import indicators
from app.moments.models import Nomination, NominationState, Reflection, ReflectionPrompt, Winner
from app.moments.months import this_month, this_week
from tests.conftest import login


def _by_key(items: list[Indicator]) -> dict[str, Indicator]:
    return {i.key: i for i in items}


@pytest.mark.parametrize(
    ("now", "reflections_held"),
    [
        ("2026-12-09 12:00", 50.0),  # the week began on Monday 7 December: 1 of 2 units
        ("2026-12-02 12:00", None),  # it began on 30 November, before the period
    ],
)
def test_indicators_count_what_happened_in_the_period(
    clock, now, reflections_held, make_user, make_unit, make_nomination, approved, winner
):
    clock.at(now)
    committee = make_user(Role.committee)
    owner = make_user(Role.service_owner)
    home, school = make_unit(contact=owner), make_unit()
    make_unit(active=False)  # not counted among the units
    winner(unit=home)
    approved(unit=school)
    services.reject(committee, make_nomination(unit=school), "Nei.")
    make_nomination(unit=home)  # pending: received, not moderated
    make_nomination(unit=home, confirm=False)  # not confirmed: not received
    prompt = services.publish_prompt(make_user(Role.admin), this_week(), "Hva lærte vi?")
    services.record_reflection(owner, prompt, home, None)
    db.session.commit()

    start, end = this_month(), add_months(this_month(), 1)
    got = _by_key(indicators(db.session, start, end))
    assert {i.focus_area for i in got.values()} == {2, 6, 7}
    assert got["moments.nominations"].value == 4
    assert got["moments.approved_share"].value == round(100 * 2 / 3, 1)
    assert got["moments.winners"].value == 1
    assert got["moments.units_recognised"].value == 2
    assert got["moments.reflections_held"].value == reflections_held
    empty = _by_key(indicators(db.session, date_back(400), date_back(370)))
    assert empty["moments.nominations"].value == 0
    assert empty["moments.approved_share"].value is None  # nothing to measure, not 0
    assert empty["moments.reflections_held"].value is None


def date_back(days: int):
    return today() - timedelta(days=days)


def test_own_data_export_and_deletion_keep_the_story(app, make_user, make_nomination, winner):
    user = make_user(email="nora@roros.example", name="Nora Nominerer")
    won = winner(nominator_email="nora@roros.example", nominator_name="Nora Nominerer")
    unconfirmed = make_nomination(nominator_email="nora@roros.example", confirm=False)
    other = make_nomination()
    export = auth_services.export_data(user)["moments"]
    assert len(export["nominations"]) == 2
    first = export["nominations"][0]
    assert first["your_email"] == "nora@roros.example"
    assert first["won"] == won.month.strftime("%Y-%m")
    client = login(app.test_client(), user)
    assert b"Nora Nominerer" in client.get("/account/export").data

    auth_services.delete_account(user)
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(Nomination, won.nomination_id)
    assert kept.story == won.nomination.story
    assert (kept.nominator_name, kept.nominator_email, kept.nominator_id) == (None, None, None)
    assert db.session.get(Nomination, unconfirmed.id) is None
    assert db.session.get(Nomination, other.id).nominator_email is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Winner)) == 1


def test_a_deleted_nominator_gets_no_mail_and_the_page_says_so(committee_client, make_user,
                                                              make_nomination):  # fmt: skip
    user = make_user(email="borte@roros.example")
    nomination = make_nomination(nominator_email="borte@roros.example")
    auth_services.delete_account(user)
    db.session.commit()
    page = committee_client.get(f"/moments/manage/nominations/{nomination.id}")
    assert "slettet bruker" in page.get_data(as_text=True)
    services.approve(make_user(Role.committee), db.session.get(Nomination, nomination.id), False)
    db.session.commit()


def test_demo_seed_is_idempotent(app):
    list(demo.seed())
    counts = [
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Nomination, Winner, ReflectionPrompt, Reflection)
    ]
    assert counts[0] >= 24  # a year of nominations
    assert counts[1] == 12  # a winner for each of the last twelve months
    assert counts[2] >= 8
    assert db.session.scalar(
        sa.select(sa.func.count()).where(Nomination.state == NominationState.pending)
    )
    list(demo.seed())
    again = [
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Nomination, Winner, ReflectionPrompt, Reflection)
    ]
    assert again == counts
    months = set(db.session.scalars(sa.select(Winner.month)))
    assert this_month() not in months  # this month is for the committee to choose
    assert add_months(this_month(), -1) in months
