"""The panel's indicators against a hand-built fixture."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from app.core.dates import today
from app.extensions import db
from app.panel import services
from app.panel.indicators import indicators
from app.panel.models import FollowUp, FollowUpStatus
from tests.panel.fixtures import _answers


def test_panel_indicators(survey, member):
    for value in (2, 4, 6) * 2:
        services.submit_answers(member(), survey, _answers(survey, scale=value))
    member(), member()  # two members who did not answer
    survey.opens_on = today() - timedelta(days=10)
    survey.closes_on = today() - timedelta(days=1)
    db.session.add_all(
        [
            FollowUp(survey_id=survey.id, what="A", owner="X", status=FollowUpStatus.done),
            FollowUp(survey_id=survey.id, what="B", owner="X"),
        ]
    )
    db.session.commit()
    values = {
        i.key: i.value
        for i in indicators(db.session, today() - timedelta(days=30), today() + timedelta(days=1))
    }
    assert values["panel.surveys"] == 1
    assert values["panel.members"] == 8
    assert values["panel.response_rate"] == 75.0
    assert values["panel.satisfaction"] == 4.0
    assert values["panel.satisfaction.Helhetsvurdering"] == 4.0
    assert values["panel.followups_done"] == 50.0


def _satisfaction(survey, *, closes_in_days, results_public):
    survey.opens_on = today() - timedelta(days=10)
    survey.closes_on = today() + timedelta(days=closes_in_days)
    survey.results_public = results_public
    db.session.commit()
    window = (today() - timedelta(days=30), today() + timedelta(days=1))
    return {i.key: i.value for i in indicators(db.session, *window)}


def test_satisfaction_counts_closed_surveys_with_public_results_only(survey, member):
    for value in (1, 2) * 3:
        services.submit_answers(member(), survey, _answers(survey, scale=value))
    shown = _satisfaction(survey, closes_in_days=-1, results_public=True)
    assert shown["panel.satisfaction"] == 1.5
    hidden = _satisfaction(survey, closes_in_days=-1, results_public=False)
    assert hidden["panel.satisfaction"] is None  # the committee's results stay the committee's
    assert hidden["panel.surveys"] == 1  # that it was held is public
    running = _satisfaction(survey, closes_in_days=0, results_public=True)
    assert running["panel.satisfaction"] is None  # no interim results of a running survey
    assert "panel.satisfaction.Helhetsvurdering" not in running


def test_empty_period_is_none_not_zero(app):
    values = {i.key: i.value for i in indicators(db.session, date(2020, 1, 1), date(2020, 2, 1))}
    assert values["panel.satisfaction"] is None
    assert values["panel.response_rate"] is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FollowUp)) == 0


def test_representativeness_against_the_population(member):
    from app.core.models import MunicipalitySettings
    from app.core.settings import invalidate_settings

    settings = db.session.scalar(sa.select(MunicipalitySettings))
    settings.age_shares = {"18-29": 50, "45-66": 50}
    db.session.commit()
    invalidate_settings()
    year = today().year
    for birth_year in (year - 20, year - 20, year - 50, year - 80):  # 50 %, 25 %, 25 % (67+)
        member(birth_year=birth_year)
    values = {i.key: i.value for i in indicators(db.session, date(2020, 1, 1), today())}
    # distance = (|0.5-0.5| + |0.25-0.5| + |0.25-0|) / 2 = 0.25
    assert values["panel.representativeness"] == 75.0


def test_response_rates_divide_by_each_surveys_audience_in_few_queries(survey, member, make_user):
    """One rate per survey, over the audience its invitations reach (the panel, a sub-panel
    or every resident), the same as counting each survey's audience on its own; and the
    queries do not grow with the number of surveys."""
    from app.core.permissions import Role
    from app.panel.models import Audience, Participation, SubPanel, SubPanelMember
    from app.panel.results import response_rates

    admin = make_user(Role.admin)
    panel = [member() for _ in range(4)]
    panel[0].active = False  # left: no longer asked
    others = [make_user(Role.resident) for _ in range(3)]
    make_user(Role.committee)  # not a resident, not asked by a survey to everyone
    subpanel = SubPanel(name="Underpanel", size=2, seed=1, report=[])
    db.session.add(subpanel)
    db.session.flush()
    db.session.add_all(SubPanelMember(subpanel_id=subpanel.id, user_id=u.id) for u in panel[:3])

    def surveys(n: int) -> list:
        made = []
        for i in range(n):
            copy = services.copy_as_next_round(admin, survey, today(), today())
            copy.audience = (Audience.panel, Audience.subpanel, Audience.residents)[i % 3]
            copy.subpanel_id = subpanel.id if copy.audience == Audience.subpanel else None
            made.append(copy)
        db.session.flush()
        for copy, people in zip(made, ([panel[1]], panel[:3], panel + others), strict=False):
            db.session.add_all(Participation(survey_id=copy.id, user_id=u.id) for u in people)
        db.session.commit()
        return made

    def recount(s) -> tuple[int, int]:
        answered = db.session.scalar(
            sa.select(sa.func.count()).where(Participation.survey_id == s.id)
        )
        asked = db.session.scalar(
            sa.select(sa.func.count()).select_from(services.audience(s).subquery())
        )
        return answered, max(asked, answered)

    def counted(found: list) -> tuple[dict, int]:
        statements = []
        listen = lambda *_args: statements.append(1)  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listen)
        try:
            rates = response_rates(db.session, found)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listen)
        return rates, len(statements)

    few = [survey, *surveys(3)]
    expected = {s.id: recount(s) for s in few}  # loads the surveys, too
    rates, queries = counted(few)
    assert rates == expected
    assert rates[few[1].id] == (1, 3)  # the panel's active members
    assert rates[few[2].id] == (3, 3)  # a left member who answered still counts as asked
    assert rates[few[3].id] == (7, 7)
    assert queries <= 4
    many = few + surveys(9)
    expected = {s.id: recount(s) for s in many}
    rates, more_queries = counted(many)
    assert rates == expected
    assert more_queries == queries
