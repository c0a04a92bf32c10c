"""Brukerpanel: membership, building and answering surveys, anonymity, results, follow-up."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.dates import today
from app.core.permissions import Role
from app.extensions import db
from app.panel import services
from app.panel.models import (
    Answer,
    Audience,
    FollowUp,
    PanelMember,
    Participation,
    ProfileTally,
    QuestionKind,
    Response,
    Survey,
    Tally,
)
from app.panel.results import question_results
from tests.conftest import ROLES, count_queries, login, submit
from tests.hostile import HOSTILE_STRINGS, must_be_refused
from tests.panel.fixtures import _answers


def test_join_and_leave_the_panel(app, resident):
    user = resident()
    client = login(app.test_client(), user)
    submit(
        client,
        "/panel/join",
        {"birth_year": "1980", "area": "Brekken", "user_groups": ["skole", "kultur"]},
    )
    member = db.session.get(PanelMember, user.id)
    assert (member.birth_year, member.area, member.user_groups) == (
        1980,
        "Brekken",
        ["skole", "kultur"],
    )
    submit(client, "/panel/leave")
    db.session.expire_all()
    assert db.session.get(PanelMember, user.id) is None


def test_join_refuses_a_birth_year_in_the_future_as_the_account_page_does(app, resident):
    user = resident()
    client = login(app.test_client(), user)
    page = submit(
        client, "/panel/join", {"birth_year": str(today().year + 1)}, follow_redirects=True
    )
    assert "mellom 1900 og i år" in page.get_data(as_text=True)
    assert db.session.get(PanelMember, user.id) is None


def test_join_refuses_an_area_not_in_the_settings(app, resident):
    user = resident()
    client = login(app.test_client(), user)
    submit(client, "/panel/join", {"area": "Oslo sentrum"})
    assert db.session.get(PanelMember, user.id) is None


def test_answering_is_anonymous(app, survey, member):
    user = member(birth_year=1970, area="Glåmos")
    for _ in range(4):  # five of the audience share the profile, so the response may keep it
        member(birth_year=1970, area="Glåmos")
    client = login(app.test_client(), user)
    page = client.get(f"/panel/surveys/{survey.id}").get_data(as_text=True)
    assert "Hvor fornøyd er du?" in page
    form = {f"q{k}": v for k, v in _answers(survey).items() if not isinstance(v, list)}
    multi_id = next(q.id for q in survey.questions if q.kind == QuestionKind.multi)
    response = submit(client, f"/panel/surveys/{survey.id}", {**form, f"q{multi_id}": ["0", "2"]})
    assert "Takk for svarene" in response.get_data(as_text=True)

    participation = db.session.get(Participation, (survey.id, user.id))
    assert participation is not None
    [row] = db.session.scalars(sa.select(Response)).all()
    assert (row.age_band, row.area) == ("45-66", "Glåmos")
    # No column in the answer tables can point at the person
    for table in (Response.__table__, Answer.__table__):
        columns = {c.name for c in table.columns}
        assert not columns & {"user_id", "ip", "ip_address", "created_at", "user_agent"}
    assert row.id != str(user.id)
    assert len(row.id) == 32
    answers = {a.question_id: a for a in db.session.scalars(sa.select(Answer))}
    assert answers[multi_id].value_int == 0b101


def test_answer_keys_are_not_in_the_order_people_answered(app, survey, member):
    keys = []
    # Members join first and answer in the opposite order, so user ids and answering
    # order run opposite ways and storage by user id cannot pass for storage by time
    members = [member() for _ in range(30)]
    for user in reversed(members):
        services.submit_answers(user, survey, _answers(survey))
        db.session.commit()
        keys.append(db.session.scalars(sa.select(Response.id)).all())
    in_order = [
        next(k for k in later if k not in earlier)
        for earlier, later in zip([[]] + keys[:-1], keys, strict=True)
    ]
    assert in_order != sorted(in_order)  # random keys, not a sequence
    services.reorder_for_anonymity()  # the nightly job (a no-op on SQLite)
    db.session.commit()
    stored = db.session.scalars(sa.select(Response.id)).all()  # storage order, no ORDER BY
    assert stored != in_order
    assert stored == sorted(stored)  # kept in key order, which says nothing about time
    participations = db.session.scalars(sa.select(Participation.user_id)).all()
    assert participations == sorted(participations)  # by user, not by when they answered
    assert participations != [u.id for u in reversed(members)]
    if db.engine.dialect.name == "postgresql":  # no shared transaction id either

        def xmins(table):
            return set(db.session.scalars(sa.text(f"SELECT xmin::text FROM {table}")))

        assert len(xmins("survey_participations")) == 1
        assert not xmins("survey_participations") & xmins("survey_responses")


def test_a_second_answer_is_refused(app, survey, member):
    user = member()
    services.submit_answers(user, survey, _answers(survey))
    db.session.commit()
    with pytest.raises(services.PanelError, match="Du kan ikke svare på denne undersøkelsen"):
        services.submit_answers(user, survey, _answers(survey))
    client = login(app.test_client(), user)
    response = client.get(f"/panel/surveys/{survey.id}", follow_redirects=True)
    assert "allerede svart" in response.get_data(as_text=True)


def test_a_closed_survey_refuses_answers(survey, member):
    survey.opens_on = today() - timedelta(days=20)
    survey.closes_on = today() - timedelta(days=1)
    db.session.commit()
    with pytest.raises(services.PanelError, match="Du kan ikke svare på denne undersøkelsen"):
        services.submit_answers(member(), survey, _answers(survey))


def test_non_members_are_not_in_a_panel_survey(app, survey, resident):
    client = login(app.test_client(), resident())
    assert client.get(f"/panel/surveys/{survey.id}").status_code == 403


def test_validation_keeps_answers_and_names_the_missing(app, survey, member):
    client = login(app.test_client(), member())
    number_id = next(q.id for q in survey.questions if q.kind == QuestionKind.number)
    text_id = next(q.id for q in survey.questions if q.kind == QuestionKind.text)
    response = submit(
        client, f"/panel/surveys/{survey.id}", {f"q{number_id}": "99", f"q{text_id}": "Mitt svar"}
    )
    html = response.get_data(as_text=True)
    assert "Dette spørsmålet må besvares" in html  # the required scale and single questions
    assert "mellom 1 og 20" in html
    assert "Mitt svar" in html  # kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participation)) == 0


def test_survey_cannot_change_once_it_has_answers(survey, member, make_user):
    admin = make_user(Role.admin)
    services.submit_answers(member(), survey, _answers(survey))
    db.session.commit()
    with pytest.raises(services.PanelError, match="Undersøkelsen har fått svar og kan ikke"):
        services.add_question(admin, survey, kind=QuestionKind.text, text="For sent")
    copy = services.copy_as_next_round(admin, survey, today(), today() + timedelta(days=7))
    assert [q.text for q in copy.questions] == [q.text for q in survey.questions]
    assert [q.lineage for q in copy.questions] == [q.lineage for q in survey.questions]
    assert copy.published_at is None


def test_reorder_questions(survey, make_user):
    admin = make_user(Role.admin)
    first, second = survey.questions[0], survey.questions[1]
    services.move_question(admin, second, -1)
    db.session.commit()
    db.session.refresh(survey)
    assert [q.id for q in survey.questions][:2] == [second.id, first.id]


def _many_answers(survey, member, values, area="Brekken"):
    """Members with one profile join, then answer (so the audience shares their profile)."""
    users = [member(area=area, birth_year=1990) for _v in values]
    for user, v in zip(users, values, strict=True):
        services.submit_answers(user, survey, _answers(survey, scale=v))
    db.session.commit()


def test_results_suppress_groups_of_five_and_show_six(app, survey, member, make_user):
    _many_answers(survey, member, [5, 5, 5, 5, 5], area="Brekken")
    _many_answers(survey, member, [4, 4], area="Feragen")  # too few to store: area unknown
    _many_answers(survey, member, [2, 3, 4, 5, 6, 6], area="Glåmos")
    survey.closes_on = today() - timedelta(days=1)
    survey.opens_on = today() - timedelta(days=10)
    db.session.commit()
    html = app.test_client().get(f"/panel/surveys/{survey.id}/results").get_data(as_text=True)
    assert "Glåmos" in html  # six answers: shown
    assert "Brekken" not in html  # five answers: hidden
    assert "1 gruppe er holdt tilbake for å verne anonymiteten" in html
    assert "Noen tall er holdt tilbake for å verne anonymiteten" in html
    assert "Fint!" not in html  # free text not public
    staff = login(app.test_client(), make_user(Role.committee))
    assert "Fint!" in staff.get(f"/panel/surveys/{survey.id}/results").get_data(as_text=True)


def test_results_numbers(app, survey, member):
    from app.panel.results import question_results

    users = [member(area="Brekken", birth_year=1990) for _ in range(18)]
    for i, user in enumerate(users):
        scale = [1, 6, "dont_know"][i % 3]
        services.submit_answers(user, survey, _answers(survey, scale=scale, multi=MULTI[i % 3]))
    _closed(survey)
    scale = question_results(survey, include_text=False)[0]
    assert scale.n == 12
    assert scale.dont_know == 6
    assert scale.summary.mean == 3.5
    assert scale.distribution == [("1", 6), ("2", 0), ("3", 0), ("4", 0), ("5", 0), ("6", 6)]
    assert not scale.withheld
    multi = next(
        r for r in question_results(survey, False) if r.question.kind == QuestionKind.multi
    )
    assert multi.distribution == [("Bibliotek", 12), ("Svømmehall", 0), ("Kino", 12)]


#: Six each: both, the library only, the cinema only
MULTI = [[0, 2], [0], [2]]


def test_results_hidden_until_closed_unless_staff(app, survey, make_user):
    assert app.test_client().get(f"/panel/surveys/{survey.id}/results").status_code == 403
    staff = login(app.test_client(), make_user(Role.committee))
    assert staff.get(f"/panel/surveys/{survey.id}/results").status_code == 200


def test_trend_against_the_earlier_round(survey, member, make_user):
    from app.panel.results import question_results

    admin = make_user(Role.admin)
    _many_answers(survey, member, [2, 4] * 3)
    second = services.copy_as_next_round(admin, survey, today(), today() + timedelta(days=5))
    second.title = "Runde 2"
    services.publish(admin, second)
    _closed(survey)
    _many_answers(second, member, [6] * 6)
    _closed(second)
    trend = question_results(second, include_text=False)[0].trend
    assert trend == [("Innbyggerundersøkelse 2026", 3.0)]


def test_followups_are_public_and_updated(app, survey, make_user):
    committee = login(app.test_client(), make_user(Role.committee))
    submit(
        committee,
        f"/panel/surveys/{survey.id}/followups",
        {"what": "Lengre åpningstid på biblioteket", "owner": "Kultursjefen"},
    )
    followup = db.session.scalar(sa.select(FollowUp))
    submit(committee, f"/panel/followups/{followup.id}/done")
    db.session.refresh(followup)
    assert followup.status.value == "done"
    survey.opens_on = today() - timedelta(days=10)
    survey.closes_on = today() - timedelta(days=1)
    db.session.commit()
    html = app.test_client().get(f"/panel/surveys/{survey.id}/results").get_data(as_text=True)
    assert "Lengre åpningstid på biblioteket" in html


def test_admin_builds_and_publishes_through_the_forms(app, make_user):
    admin = login(app.test_client(), make_user(Role.admin))
    response = submit(
        admin,
        "/panel/manage/",
        {
            "title": "Ny undersøkelse",
            "audience": "residents",
            "opens_on": today().isoformat(),
            "closes_on": (today() + timedelta(days=3)).isoformat(),
            "results_public": "y",
        },
    )
    survey_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
    submit(
        admin,
        f"/panel/manage/surveys/{survey_id}",
        {
            "q-kind": "single",
            "q-text": "Ja eller nei?",
            "q-options": "Ja\nNei",
            "q-required": "y",
            "q-submit": "1",
        },
    )
    submit(
        admin,
        f"/panel/manage/surveys/{survey_id}",
        {"q-kind": "single", "q-text": "Tomt?", "q-options": "Bare ett", "q-submit": "1"},
    )
    survey = db.session.get(Survey, survey_id)
    assert [q.text for q in survey.questions] == ["Ja eller nei?"]  # one option is refused
    submit(admin, f"/panel/manage/surveys/{survey_id}/publish")
    db.session.refresh(survey)
    assert survey.published_at is not None


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client_for, survey, role):
    client = client_for(role)
    manage = client.get("/panel/manage/").status_code
    edit = client.get(f"/panel/manage/surveys/{survey.id}").status_code
    assert client.get("/panel/").status_code == 200
    if role == "admin":
        assert (manage, edit) == (200, 200)
    else:
        assert manage in {302, 403}
        assert edit in {302, 403}


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_hostile_free_text(app, survey, member, make_user, value):
    client = login(app.test_client(), member())
    text_id = next(q.id for q in survey.questions if q.kind == QuestionKind.text)
    form = {f"q{k}": v for k, v in _answers(survey).items() if not isinstance(v, list)}
    response = submit(client, f"/panel/surveys/{survey.id}", {**form, f"q{text_id}": value})
    assert response.status_code == 200
    stored = db.session.scalar(sa.select(Answer.value_text).where(Answer.value_text.is_not(None)))
    if must_be_refused(value) or len(value.strip()) > 2000:
        assert stored is None
    elif value.strip():
        assert stored == value.strip()
    staff = login(app.test_client(), make_user(Role.committee))
    html = staff.get(f"/panel/surveys/{survey.id}/results").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "<img src=x" not in html  # the only images are our charts


def test_leaving_keeps_past_answers_and_export_has_no_answers(app, survey, member):
    import json

    from tests.conftest import PASSWORD

    user = member()
    services.submit_answers(user, survey, _answers(survey))
    db.session.commit()
    client = login(app.test_client(), user)
    data = json.loads(client.get("/account/export").get_data(as_text=True))
    assert data["panel"]["answered"][0]["survey"] == "Innbyggerundersøkelse 2026"
    assert "Fint!" not in json.dumps(data)
    submit(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participation)) == 0


def test_breakdown_by_user_group_counts_each_group(survey, member):
    from app.panel.results import question_results

    both = [member(groups=["skole", "kultur"]) for _ in range(6)]
    school = [member(groups=["skole"]) for _ in range(6)]
    values = [(u, [2, 5][i % 2]) for i, u in enumerate(both)]
    values += [(u, [1, 6][i % 2]) for i, u in enumerate(school)]
    for user, value in values:
        services.submit_answers(user, survey, _answers(survey, scale=value))
    _closed(survey)
    groups = dict(question_results(survey, False)[0].breakdowns["user_groups"])
    assert set(groups) == {"Skole", "Kultur"}  # the six in both count in each
    assert (groups["Skole"].n, groups["Skole"].mean) == (12, 3.5)
    assert (groups["Kultur"].n, groups["Kultur"].mean) == (6, 3.5)


def _closed(survey):
    survey.opens_on = today() - timedelta(days=10)
    survey.closes_on = today() - timedelta(days=1)
    db.session.commit()


def test_chart_is_an_svg_without_scripts_and_the_table_has_its_numbers(app, survey, member):
    _many_answers(survey, member, [2] * 6 + [4] * 7 + [6] * 8)
    _closed(survey)
    client = app.test_client()
    question = survey.questions[0]
    html = client.get(f"/panel/surveys/{survey.id}/results").get_data(as_text=True)
    assert f"/panel/surveys/{survey.id}/charts/{question.id}.svg" in html
    svg = client.get(f"/panel/surveys/{survey.id}/charts/{question.id}.svg")
    assert svg.mimetype == "image/svg+xml"
    body = svg.get_data(as_text=True)
    assert "<script" not in body
    assert "unsafe-inline" in svg.headers["Content-Security-Policy"]
    assert "script-src" not in svg.headers["Content-Security-Policy"]
    # The chart's bars and the table beside it carry the same counts
    table = html.split("Fordeling av svarene", 1)[1].split("</table>", 1)[0]
    for value, count in ((2, 6), (4, 7), (6, 8)):
        assert f'<th scope="row">{value}</th><td>{count}</td>' in table
        assert f">{count}<" in body


def test_csv_exports(app, survey, member, make_user):
    import csv
    import io

    _many_answers(survey, member, [5, 5, 5, 6, 6, 6])
    _closed(survey)
    rows = list(
        csv.reader(
            io.StringIO(
                app.test_client()
                .get(f"/panel/surveys/{survey.id}/results.csv")
                .get_data(as_text=True)
            )
        )
    )
    assert rows[0][:4] == ["question", "kind", "n", "mean"]
    assert ["Hvor fornøyd er du?", "scale6", "6", "5.5"] == rows[1][:4]
    assert "Fint!" not in str(rows)
    assert app.test_client().get(f"/panel/surveys/{survey.id}/answers.csv").status_code == 302
    admin = login(app.test_client(), make_user(Role.admin))
    raw = admin.get(f"/panel/surveys/{survey.id}/answers.csv").get_data(as_text=True)
    header = raw.splitlines()[0]
    assert header == "response,question,value,dont_know,text"
    assert "Brekken" not in raw
    # no birth year in any cell (a response's random id may contain the digits)
    assert all("1990" not in cell for row in csv.reader(io.StringIO(raw)) for cell in row[1:])
    assert "Fint!" in raw


def test_invitation_once_and_one_reminder_to_those_who_have_not_answered(survey, member):
    from tests.conftest import outbox

    answered, waiting = member(), member()
    assert services.send_invitations_and_reminders() == (2, 0)
    assert services.send_invitations_and_reminders() == (0, 0)  # invited once
    services.submit_answers(answered, survey, _answers(survey))
    db.session.commit()
    three_days_before = survey.closes_on - timedelta(days=3)
    assert services.send_invitations_and_reminders(three_days_before) == (0, 1)
    assert services.send_invitations_and_reminders(three_days_before) == (0, 0)  # one reminder
    db.session.commit()
    assert [m.template for m in outbox(waiting.email)] == ["panel_invitation", "panel_reminder"]
    assert [m.template for m in outbox(answered.email)] == ["panel_invitation"]
    assert f"/panel/surveys/{survey.id}" in outbox(waiting.email)[0].body_text


def test_draw_a_subpanel_through_the_form_and_ask_only_it(app, member, make_user):
    from app.panel.models import SubPanel, SubPanelMember
    from tests.conftest import outbox

    for area in ("Røros sentrum",) * 20 + ("Brekken",) * 10:
        member(birth_year=1975, area=area)
    admin = login(app.test_client(), make_user(Role.admin))
    page = admin.get("/panel/manage/lottery").get_data(as_text=True)
    assert "Brekken" in page
    response = submit(
        admin,
        "/panel/manage/lottery",
        {"name": "Innbyggerpanelet 2026", "size": "18", "seed": "5025"},
    )
    assert response.status_code == 302
    subpanel = db.session.scalar(sa.select(SubPanel))
    drawn = db.session.scalars(sa.select(SubPanelMember.user_id)).all()
    assert len(drawn) == 18
    assert subpanel.seed == 5025
    public = app.test_client().get(f"/panel/subpanels/{subpanel.id}").get_data(as_text=True)
    assert "5025" in public
    assert "Innbygger 1" not in public  # no names
    assert len([m for m in outbox() if m.template == "panel_drawn"]) == 18
    from app.core.demo import RØROS
    from app.panel.lottery import draw

    # Anyone can repeat the draw: the same seed and volunteers give the same members
    again, _ = draw(
        18, 5025, services.volunteers_by_stratum(), RØROS["age_shares"], RØROS["area_shares"]
    )
    assert again == sorted(drawn)

    asked = services.create_survey(
        make_user(Role.admin),
        title="Til underpanelet",
        audience=Audience.subpanel,
        subpanel_id=subpanel.id,
        opens_on=today(),
        closes_on=today() + timedelta(days=3),
    )
    services.add_question(
        make_user(Role.admin), asked, kind=QuestionKind.text, text="Noe?", required=False
    )
    services.publish(make_user(Role.admin), asked)
    db.session.commit()
    from app.auth.models import User

    inside = db.session.get(User, drawn[0])
    outside_id = next(
        uid for uid in db.session.scalars(sa.select(PanelMember.user_id)) if uid not in drawn
    )
    assert services.may_answer(inside, asked)
    assert not services.may_answer(db.session.get(User, outside_id), asked)
    assert services.send_invitations_and_reminders() == (18, 0)


def test_lottery_needs_population_shares(app, member, make_user):
    from app.core.models import MunicipalitySettings
    from app.core.settings import invalidate_settings

    settings = db.session.scalar(sa.select(MunicipalitySettings))
    settings.age_shares = {}
    db.session.commit()
    invalidate_settings()
    member(birth_year=1980, area="Brekken")
    admin = login(app.test_client(), make_user(Role.admin))
    page = submit(admin, "/panel/manage/lottery", {"name": "X", "size": "5"})
    assert "innstillingene" in page.get_data(as_text=True)


def _tallies():
    rows = db.session.execute(
        sa.select(
            Tally.question_id,
            Tally.breakdown,
            Tally.group_key,
            Tally.value_int,
            Tally.dont_know,
            Tally.count,
        )
    )
    profiles = db.session.execute(
        sa.select(
            ProfileTally.question_id,
            ProfileTally.age_band,
            ProfileTally.area,
            ProfileTally.user_groups_mask,
            ProfileTally.value_int,
            ProfileTally.count,
        )
    )
    return sorted(tuple(r) for r in rows) + sorted(("profile", *r) for r in profiles)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    people=st.lists(
        st.tuples(
            st.sampled_from([1, 2, 3, 4, 5, 6, "dont_know", None]),
            st.sampled_from([None, "Brekken", "Glåmos"]),
            st.sampled_from([None, 1950, 1990, 2012]),
            st.lists(st.integers(0, 2), unique=True, max_size=3),
            st.lists(st.sampled_from(["skole", "kultur", "barnehage"]), unique=True),
            st.sampled_from([None, "", "Fint!"]),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_tallies_kept_with_the_answers_equal_a_fresh_count(app, survey, member, people):
    """Whatever people answer, the tallies the results read are exactly what counting every
    answer afresh gives, and the page's n and mean follow them."""
    db.session.execute(sa.delete(Participation))
    db.session.execute(sa.delete(Response))  # answers and their tallies go with them
    db.session.execute(sa.delete(Tally))
    db.session.execute(sa.delete(ProfileTally))
    survey.opens_on, survey.closes_on = today(), today() + timedelta(days=14)
    db.session.commit()
    for scale, area, birth_year, multi, groups, text in people:
        values = _answers(survey, scale=scale, multi=multi, text=text)
        user = member(area=area, birth_year=birth_year, groups=groups)
        services.submit_answers(user, survey, values)
    db.session.commit()
    kept = _tallies()
    services.recount(survey.id)
    assert _tallies() == kept
    _closed(survey)
    scale_result = question_results(survey, include_text=False)[0]
    given_values = [p[0] for p in people if isinstance(p[0], int)]
    dont_know = sum(p[0] == "dont_know" for p in people)
    responses = db.session.scalar(sa.select(sa.func.count()).select_from(Response))
    small_dont_know = 0 < dont_know <= 5 and responses - len(given_values) <= 5
    if len(given_values) > 5 and not small_dont_know:
        assert scale_result.n == len(given_values)
        assert scale_result.dont_know == (dont_know if dont_know == 0 or dont_know > 5 else None)
        if len(set(given_values)) > 1:
            mean = sum(given_values) / len(given_values)
            assert scale_result.summary.mean == pytest.approx(mean)
        else:  # all alike: the mean would give each one's answer
            assert scale_result.summary is None
    else:  # five answers or fewer, or a "vet ikke" count that could be worked out
        assert scale_result.held_back
        assert scale_result.summary is None
        assert scale_result.distribution == []
    db.session.rollback()


def test_a_single_hidden_group_cannot_be_worked_out_by_subtraction(app, survey, member):
    """Eleven answers: Brekken 10, Glåmos 1. Showing Brekken next to the overall mean would
    give away the one answer from Glåmos, so Brekken is hidden too."""
    _many_answers(survey, member, [5] * 10, area="Brekken")
    _many_answers(survey, member, [1], area="Glåmos")
    _closed(survey)
    html = app.test_client().get(f"/panel/surveys/{survey.id}/results").get_data(as_text=True)
    assert "Brekken" not in html
    assert "Glåmos" not in html
    assert "Gjennomsnitt etter område" not in html


def test_copy_of_a_subpanel_survey_asks_the_same_subpanel(survey, make_user):
    from app.panel.models import SubPanel

    admin = make_user(Role.admin)
    subpanel = SubPanel(name="Underpanel", size=3, seed=1, report=[])
    db.session.add(subpanel)
    db.session.flush()
    survey.audience, survey.subpanel_id = Audience.subpanel, subpanel.id
    copy = services.copy_as_next_round(admin, survey, today(), today() + timedelta(days=3))
    assert (copy.audience, copy.subpanel_id) == (Audience.subpanel, subpanel.id)


def test_deactivated_volunteers_are_not_drawn(member):
    inactive = member(birth_year=1980, area="Brekken")
    active = member(birth_year=1980, area="Brekken")
    inactive.active = False
    db.session.commit()
    pool = services.volunteers_by_stratum()[("45-66", "Brekken")]
    assert active.id in pool
    assert inactive.id not in pool


def test_the_migration_counts_existing_answers_into_the_tallies(app, survey, member):
    """Answers given before the tallies existed are counted by the migration that adds them,
    exactly as submit_answers would have counted them."""
    import flask_migrate

    answering = []
    for scale, area, groups in (
        (4, "Brekken", ["skole"]),
        ("dont_know", None, []),
        (6, "Glåmos", ["skole", "kultur"]),
    ):  # five members of each profile, so the responses keep theirs
        users = [member(area=area, birth_year=1980, groups=groups) for _ in range(5)]
        answering.append((users[0], scale))
    for user, scale in answering:
        services.submit_answers(user, survey, _answers(survey, scale=scale))
    db.session.commit()
    kept = _tallies()
    assert "user_groups" in {row[1] for row in kept}
    assert len(kept) > 20
    db.session.remove()
    flask_migrate.downgrade(revision="5c12dbf52f43")
    assert "survey_tallies" not in sa.inspect(db.engine).get_table_names()
    flask_migrate.upgrade()
    assert _tallies() == kept


def test_panel_front_page_queries_do_not_grow_with_the_number_of_surveys(app, survey, member,
                                                                         make_user):  # fmt: skip
    user = member()
    client = login(app.test_client(), user)
    admin = make_user(Role.admin)

    def add(n):
        for i in range(n):
            copy = services.copy_as_next_round(admin, survey, today(), today() + timedelta(days=3))
            copy.title = f"Runde {i}"
            services.publish(admin, copy)
        db.session.commit()

    add(2)
    few = count_queries(client, "/panel/")
    add(10)
    many = count_queries(client, "/panel/")
    assert few == many
    page = client.get("/panel/").get_data(as_text=True)
    assert page.count("Runde ") == 12  # all open to this member
