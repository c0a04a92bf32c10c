"""The anonymity rules one by one: the threshold, the exact check of the groups shown, number
bins, generalised profiles and the linkage they prevent, results only after closing for every
role, trends only from rounds the reader may see, number ranges and sums that cannot
overflow."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import current_app
from hypothesis import given
from hypothesis import strategies as st

from app.core.dates import today
from app.core.permissions import Role
from app.extensions import db
from app.panel import disclosure, services
from app.panel.indicators import indicators
from app.panel.models import PanelMember, Question, QuestionKind, Survey
from app.panel.results import question_results
from tests.conftest import ROLES, login, submit
from tests.panel.fixtures import _answers
from tests.panel.test_anonymity import linkable

BITS = {"skole": 0, "kultur": 1}


# --- the threshold ---------------------------------------------------------------------------


@pytest.mark.parametrize(("configured", "used"), [(0, 5), (3, 5), (5, 5), (8, 8)])
def test_anonymity_k_is_never_below_five(app, configured, used):
    current_app.config["ANONYMITY_K"] = configured
    assert disclosure.threshold() == used


def test_a_higher_k_holds_back_more(app, survey, member):
    """Areas of 6 and 8: both shown with K = 5; with K = 7 the 6 are held back, and then the
    8 too (or the 6 would be the overall figures less the 8)."""
    _answer_by_area(survey, member, {"Brekken": 6, "Glåmos": 8})
    assert {g for g, _s in question_results(survey)[0].breakdowns["area"]} == {
        "Brekken",
        "Glåmos",
    }
    for config in (app.config, current_app.config):
        config["ANONYMITY_K"] = 7
    result = question_results(survey)[0]
    assert result.breakdowns["area"] == []
    assert result.hidden_groups == 2
    page = app.test_client().get(f"/panel/surveys/{survey.id}/results").get_data(as_text=True)
    assert "7 svar eller færre" in page


def _answer_by_area(survey, member, sizes, scales=(3, 4, 5)):
    """Each area's members answer the scales in turn (so no area answers all alike)."""
    users = [member(area=area) for area, n in sizes.items() for _ in range(n)]
    for i, user in enumerate(users):
        services.submit_answers(user, survey, _answers(survey, scale=scales[i % len(scales)]))
    _close(survey)


def _close(survey):
    survey.opens_on, survey.closes_on = today() - timedelta(days=10), today() - timedelta(days=1)
    db.session.commit()


# --- the exact check of the groups shown -----------------------------------------------------


def _shown(atoms, k=5):
    sizes: dict[disclosure.Group, int] = {}
    for profile, count in atoms.items():
        for group in _groups_of(profile):
            sizes[group] = sizes.get(group, 0) + count
    return disclosure.shown_groups(sizes, atoms, BITS, k)


def _groups_of(profile):
    band, area, mask = profile
    out = [("age_band", band)] if band else []
    out += [("area", area)] if area else []
    return out + [("user_groups", key) for key, bit in BITS.items() if mask & (1 << bit)]


def test_one_breakdown_against_another_is_held_back():
    """Age band 30-44 (8) holds all of Brekken (7) and one more: showing both would give
    that one person's answer."""
    shown = _shown(
        {("30-44", "Brekken", 0): 7, ("30-44", "Glåmos", 0): 1, ("45-66", "Glåmos", 0): 10}
    )
    assert not {("age_band", "30-44"), ("area", "Brekken")} <= shown
    assert shown  # not everything: the rest can be shown


def test_overlapping_user_groups_are_held_back():
    """Everyone in Kultur (7) is in Skole (8): Skole less Kultur would be one person."""
    shown = _shown({(None, None, 0b11): 7, (None, None, 0b01): 1, (None, None, 0): 10})
    assert not {("user_groups", "skole"), ("user_groups", "kultur")} <= shown


def test_a_two_way_table_shows_both_breakdowns():
    """Bands and areas crossed, 3 in each cell: the margins give no cell, so all are shown."""
    atoms = {(band, area, 0): 3 for band in ("30-44", "45-66") for area in ("Brekken", "Glåmos")}
    assert _shown(atoms) == {
        ("age_band", "30-44"),
        ("age_band", "45-66"),
        ("area", "Brekken"),
        ("area", "Glåmos"),
    }


def test_the_unknown_rest_and_a_hidden_pair_are_held_back():
    residual = {("45-66", "Brekken", 0): 10, (None, None, 0): 2}
    assert _shown(residual) == set()
    pair = {(None, "Brekken", 0): 3, (None, "Glåmos", 0): 2, (None, "Feragen", 0): 7}
    assert _shown(pair) == set()
    safe = {(None, "Brekken", 0): 3, (None, "Glåmos", 0): 3, (None, "Feragen", 0): 7}
    assert _shown(safe) == {("area", "Feragen")}  # the other two are six together


# --- number bins -----------------------------------------------------------------------------


def test_number_bins_by_hand():
    counts = {0: 1, 1: 2, 4: 7, 12: 6}
    assert disclosure.number_bins(counts, 0, 20, 5) == [
        ("0–5", 10),
        ("6–7", 0),
        ("8–9", 0),
        ("10–11", 0),
        ("12–13", 6),
        ("14–15", 0),
        ("16–17", 0),
        ("18–20", 0),
    ]
    assert [label for label, _n in disclosure.number_bins({5: 6}, 0, 100, 5)][-2:] == [
        "80–89",
        "90–100",
    ]
    # an unusual value is never on its own: it joins its neighbours until they are six
    assert disclosure.number_bins({3: 6, 19: 1}, 0, 20, 5) == [("0–1", 0), ("2–20", 7)]


@given(
    low=st.integers(-1000, 1000),
    width=st.integers(1, 10**6),
    values=st.lists(st.integers(0, 10**6), min_size=9, max_size=80),
    k=st.integers(5, 8),
)
def test_number_bins_hold_none_or_more_than_k(low, width, values, k):
    """(More than k answers in all: with k or fewer nothing of the question is shown.)"""
    high = low + width
    counts: dict[int, int] = {}
    for v in values:
        value = low + v % (width + 1)
        counts[value] = counts.get(value, 0) + 1
    bins = disclosure.number_bins(counts, low, high, k)
    assert all(count == 0 or count > k for _label, count in bins)
    assert sum(count for _label, count in bins) == len(values)
    assert bins[0][0].startswith(str(low))
    assert bins[-1][0].endswith(str(high))
    assert len(bins) <= disclosure.NUMBER_BINS


# --- generalised profiles --------------------------------------------------------------------


def test_generalise_keeps_what_at_least_k_share():
    audience = {
        ("30-44", "Brekken", 0b11): 5,
        ("30-44", "Glåmos", 0b01): 2,
        ("45-66", "Glåmos", 0b01): 4,
    }
    assert disclosure.generalise(("30-44", "Brekken", 0b11), audience, 5) == (
        "30-44",
        "Brekken",
        0b11,
    )
    # Glåmos is six, 30-44 in Glåmos two: the area is kept, the band dropped
    assert disclosure.generalise(("30-44", "Glåmos", 0b01), audience, 5) == (None, "Glåmos", 1)
    # one of a kind keeps only what it shares: Skole with the eleven others
    assert disclosure.generalise(("18-29", "Feragen", 0b01), audience, 5) == (None, None, 1)
    assert disclosure.generalise(("18-29", None, 0), {("18-29", None, 0): 1}, 5) == (
        None,
        None,
        0,
    )


def _linkable(survey, k=5):
    members = db.session.scalars(sa.select(PanelMember)).all()
    return linkable(survey, [(m.birth_year, m.area, m.user_groups) for m in members], k)


def test_the_demo_round_cannot_be_matched_back_to_members(app):
    """The demo's 40 volunteers answer its closed survey (34 of them): before generalising, most
    responses had a combination of age band, area and groups that only one member had."""
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    from app.panel.demo import CLOSED_TITLE

    survey = db.session.scalar(sa.select(Survey).where(Survey.title == CLOSED_TITLE))
    rows, linkable = _linkable(survey)
    assert len(rows) == 34
    assert linkable == []
    assert any(band or area or mask for band, area, mask in rows)  # not all thrown away


def test_a_response_keeps_its_profile_only_where_five_share_it(survey, member):
    many = [member(birth_year=1980, area="Brekken", groups=["skole"]) for _ in range(5)]
    alone = member(birth_year=2000, area="Glåmos", groups=["kultur"])
    for user in (many[0], alone):
        services.submit_answers(user, survey, _answers(survey))
    db.session.commit()
    rows, linkable = _linkable(survey)
    assert sorted(rows, key=str) == sorted([("45-66", "Brekken", 0b10), (None, None, 0)], key=str)
    assert linkable == []


# --- nothing but the count while a survey is open -------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_while_open_everyone_sees_only_the_count(app, survey, member, client_for, role):
    users = [member(area="Brekken") for _ in range(6)]
    for i, user in enumerate(users):
        scale = [5, 6][i % 2]
        services.submit_answers(user, survey, _answers(survey, scale=scale, text="Hemmelig svar"))
    db.session.commit()
    client = client_for(role)
    staff = role in ("committee", "admin")
    base = f"/panel/surveys/{survey.id}"
    page = client.get(f"{base}/results")
    assert page.status_code == (200 if staff else 403)
    html = page.get_data(as_text=True)
    if staff:
        assert "6 av 6 svarte" in html
        assert "bare hvor mange som har svart" in html
    for secret in ("Hemmelig svar", "Gjennomsnitt", "Fordeling av svarene", "Brekken"):
        assert secret not in html
    question = survey.questions[0]
    assert client.get(f"{base}/charts/{question.id}.svg").status_code == (404 if staff else 403)
    aggregates = client.get(f"{base}/results.csv")
    assert aggregates.status_code == (200 if staff else 403)
    if staff:  # the header and nothing else
        assert len(list(csv.reader(io.StringIO(aggregates.get_data(as_text=True))))) == 1
    assert client.get(f"{base}/answers.csv").status_code in (302, 403)
    assert client.get(f"/api/v1/surveys/{survey.id}/results").status_code == 404

    _close(survey)
    after = client.get(f"{base}/results").get_data(as_text=True)
    assert "Gjennomsnitt 5.50" in after
    assert ("Hemmelig svar" in after) is staff
    if role == "admin":
        raw = client.get(f"{base}/answers.csv").get_data(as_text=True)
        assert "Hemmelig svar" in raw


# --- trends ----------------------------------------------------------------------------------


def _rounds(survey, member, make_user, first_public=True, first_closed=True):
    admin = make_user(Role.admin)
    survey.results_public = first_public
    users = [member() for _ in range(6)]
    for i, user in enumerate(users):
        services.submit_answers(user, survey, _answers(survey, scale=[1, 3][i % 2]))
    second = services.copy_as_next_round(admin, survey, today(), today() + timedelta(days=5))
    second.title, second.results_public = "Runde 2", True
    services.publish(admin, second)
    db.session.commit()
    for i, user in enumerate(users):
        services.submit_answers(user, second, _answers(survey, scale=[4, 6][i % 2]))
    if first_closed:
        _close(survey)
    second.opens_on, second.closes_on = today() - timedelta(days=3), today() - timedelta(days=1)
    db.session.commit()
    return second


def test_a_trend_shows_an_earlier_round_anyone_may_see(app, survey, member, make_user):
    second = _rounds(survey, member, make_user)
    assert question_results(second)[0].trend == [("Innbyggerundersøkelse 2026", 2.0)]
    api = app.test_client().get(f"/api/v1/surveys/{second.id}/results").json
    assert api["questions"][0]["trend"] == [{"survey": "Innbyggerundersøkelse 2026", "mean": 2.0}]


def test_a_trend_leaves_out_an_earlier_round_still_open(app, survey, member, make_user):
    second = _rounds(survey, member, make_user, first_closed=False)
    committee = make_user(Role.committee)
    assert question_results(second, reader=committee)[0].trend == []
    page = app.test_client().get(f"/panel/surveys/{second.id}/results").get_data(as_text=True)
    assert "Tidligere runder" not in page


def test_a_trend_shows_a_committee_round_to_the_committee_only(app, survey, member, make_user):
    second = _rounds(survey, member, make_user, first_public=False)
    assert question_results(second)[0].trend == []  # a visitor
    api = app.test_client().get(f"/api/v1/surveys/{second.id}/results").json
    assert api["questions"][0]["trend"] == []
    committee = make_user(Role.committee)
    assert question_results(second, reader=committee)[0].trend == [
        ("Innbyggerundersøkelse 2026", 2.0)
    ]
    html = login(app.test_client(), committee).get(f"/panel/surveys/{second.id}/results")
    assert "Innbyggerundersøkelse 2026: 2.00" in html.get_data(as_text=True)


# --- number questions ------------------------------------------------------------------------


def test_a_number_question_needs_its_range(app, make_user):
    admin_user = make_user(Role.admin)
    survey = services.create_survey(
        admin_user, title="Tall", opens_on=today(), closes_on=today() + timedelta(days=3)
    )
    db.session.commit()
    admin = login(app.test_client(), admin_user)
    path = f"/panel/manage/surveys/{survey.id}"
    form = admin.get(path).get_data(as_text=True)
    for default in ('id="q-min_value"', 'value="0"', 'value="100"'):  # the default range
        assert default in form
    for low, high in (("", "10"), ("5", ""), ("10", "10"), ("0", str(10**10))):
        fields = {"q-kind": "number", "q-text": "Hvor mange?", "q-submit": "y"}
        page = submit(admin, path, {**fields, "q-min_value": low, "q-max_value": high})
        assert page.status_code == 200
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0
    submit(admin, path, {**fields, "q-min_value": "0", "q-max_value": "50"})
    question = db.session.scalar(sa.select(Question))
    assert (question.min_value, question.max_value) == (0, 50)
    with pytest.raises(services.PanelError, match="Et tallspørsmål trenger laveste og høyeste"):
        services.add_question(admin_user, survey, kind=QuestionKind.number, text="Uten grenser")


def test_number_answers_near_a_billion_do_not_overflow(app, survey, member, make_user):
    """Ten answers near 10⁹: their sum of squares (10¹⁹) is past 64-bit integers."""
    admin = make_user(Role.admin)
    draft = services.copy_as_next_round(admin, survey, today(), today() + timedelta(days=3))
    number = next(q for q in draft.questions if q.kind == QuestionKind.number)
    number.min_value, number.max_value = 0, 10**9
    services.publish(admin, draft)
    db.session.commit()
    values = [999_999_999, 999_999_998] * 5 + [1] * 6
    for value in values:
        services.submit_answers(member(), draft, {**_answers(draft), number.id: value})
    _close(draft)
    client = app.test_client()
    page = client.get(f"/panel/surveys/{draft.id}/results")
    assert page.status_code == 200
    assert client.get(f"/panel/surveys/{draft.id}/results.csv").status_code == 200
    api = client.get(f"/api/v1/surveys/{draft.id}/results")
    assert api.status_code == 200
    found = next(q for q in api.json["questions"] if q["question_id"] == number.id)
    assert found["summary"]["mean"] == pytest.approx(sum(values) / len(values))
    assert found["distribution"][0] == {"value": "0–99999999", "count": 6}
    assert found["distribution"][-1] == {"value": "900000000–1000000000", "count": 10}
    assert all(d["count"] == 0 for d in found["distribution"][1:-1])


# --- the compass -----------------------------------------------------------------------------


def test_the_compass_pools_only_questions_whose_figures_are_shown(survey, member, make_user):
    """Six answered the first scale question, two a second one in the same dimension: the
    second's mean is not published, so the pooled satisfaction leaves it out (or the pooled
    mean less the first would give it)."""
    admin = make_user(Role.admin)
    draft = services.copy_as_next_round(admin, survey, today(), today() + timedelta(days=3))
    extra = services.add_question(
        admin, draft, kind=QuestionKind.scale6, text="Og dette?", dimension="Helhetsvurdering"
    )
    services.publish(admin, draft)
    db.session.commit()
    users = [member() for _ in range(6)]
    first = draft.questions[0].id
    for i, user in enumerate(users):
        values = {first: [3, 5][i % 2], extra.id: 1 if i < 2 else None}
        services.submit_answers(user, draft, values)
    _close(draft)
    window = (today() - timedelta(days=30), today() + timedelta(days=1))
    values = {i.key: i.value for i in indicators(db.session, *window)}
    assert values["panel.satisfaction"] == 4.0
    assert values["panel.satisfaction.Helhetsvurdering"] == 4.0
    held = next(r for r in question_results(draft) if r.question.id == extra.id)
    assert held.held_back


# --- distributions, "vet ikke" and answers all alike ------------------------------------------


def test_a_scale_merges_small_values_with_their_neighbours():
    """Two said 2 and four said 3: shown as "2–3" (six); the zero for 4 stays."""
    counts = {1: 6, 2: 2, 3: 4, 5: 7, 6: 8}
    assert disclosure.ordered_cells(counts, range(1, 7), 5) == [
        ("1", 6),
        ("2–3", 6),
        ("4", 0),
        ("5", 7),
        ("6", 8),
    ]


def test_small_options_are_gathered_into_one_cell_of_more_than_k():
    """Three and two chose B and C: together five, still too few, so the smallest other
    option (D, six) goes in with them; n less the cells shown gives nothing smaller."""
    counts = [("A", 20), ("B", 3), ("C", 2), ("D", 6), ("E", 0)]
    cells, gathered = disclosure.unordered_cells(counts, 5, "Andre")
    assert cells == [("A", 20), ("E", 0), ("Andre", 11)]
    assert gathered == {1, 2, 3}


def test_multiple_choice_leaves_out_what_n_less_an_option_would_give():
    """Thirteen answered: twelve chose the library, so n less its count gives the one who
    did not; it is left out, and the pool (6) and the cinema (7) give nothing smaller."""
    masks = {0b011: 6, 0b101: 6, 0b100: 1}
    shown = disclosure.multi_cells(masks, 3, 5)
    assert 0 not in shown
    assert shown
    atoms = {(None, None, mask): n for mask, n in masks.items()}
    cells = [disclosure.EVERYONE] + [("user_groups", str(i)) for i in shown]
    assert disclosure._derivable(cells, atoms, {str(i): i for i in range(3)}, 5) is None
    assert 2 not in disclosure.multi_cells({0b101: 6, 0b100: 7}, 3, 5)  # all chose the cinema


@given(
    counts=st.dictionaries(st.integers(1, 6), st.integers(0, 12)),
)
def test_scale_cells_hold_none_or_more_than_k(counts):
    cells = disclosure.ordered_cells(counts, range(1, 7), 5)
    assert sum(n for _label, n in cells) == sum(counts.values())
    if sum(counts.values()) > 5:
        assert all(n == 0 or n > 5 for _label, n in cells)


def _answer_values(survey, member, rows):
    """rows: (area, scale) per member, each its own answer to the scale question."""
    users = [member(area=area) for area, _scale in rows]
    for user, (_area, scale) in zip(users, rows, strict=True):
        services.submit_answers(user, survey, _answers(survey, scale=scale))
    _close(survey)


def test_a_group_whose_answers_are_all_alike_is_held_back(app, survey, member):
    """Brekken's six all answered 6: shown, their mean would give each one's answer. It is
    held back, and so is one of the two other areas (or Brekken would be the overall figures
    less them)."""
    rows = [("Brekken", 6)] * 6
    rows += [("Glåmos", [2, 3, 4, 5][i % 4]) for i in range(8)]
    rows += [("Feragen", [1, 2, 3, 4][i % 4]) for i in range(8)]
    _answer_values(survey, member, rows)
    result = question_results(survey)[0]
    shown = {g for g, _s in result.breakdowns["area"]}
    assert "Brekken" not in shown
    assert shown == {"Glåmos"}  # Feragen (as small, and first by name) goes with Brekken
    assert result.hidden_groups == 2
    assert result.summary is not None  # the question's own figures vary: shown


def test_alike_groups_by_the_check_alone():
    """Two areas of eight, one all 6: it is held back, and the other too (everyone less it);
    with a third area the third stays hidden with it."""
    atoms = {(None, "Brekken", 0, 6): 8, (None, "Glåmos", 0, 2): 4, (None, "Glåmos", 0, 5): 4}
    sizes = {("area", "Brekken"): 8, ("area", "Glåmos"): 8}
    alike = {("area", "Brekken")}
    assert disclosure.shown_groups(sizes, atoms, BITS, 5, alike=alike) == set()


def test_a_question_answered_all_alike_shows_no_mean_or_distribution(app, survey, member):
    _answer_values(survey, member, [("Brekken", 4)] * 7)
    result = question_results(survey)[0]
    assert result.n == 7
    assert result.summary is None
    assert result.distribution == []
    assert result.withheld
    page = app.test_client().get(f"/panel/surveys/{survey.id}/results").get_data(as_text=True)
    assert "Gjennomsnitt 4.00" not in page
    assert "Noen av tallene for dette spørsmålet er holdt tilbake" in page
    api = app.test_client().get(f"/api/v1/surveys/{survey.id}/results").json["questions"][0]
    assert api["summary"] is None
    assert api["withheld"] is True


def test_a_small_vet_ikke_count_is_held_back(app, survey, member):
    """Seven answered, one of them "vet ikke": the count is held back, and since no one
    skipped the question, the responses (7) less n (6) would give it: so nothing is shown."""
    _answer_values(survey, member, [("Brekken", v) for v in [2, 3, 4, 5, 6, 2, "dont_know"]])
    result = question_results(survey)[0]
    assert result.held_back
    assert result.dont_know is None


def test_a_small_vet_ikke_count_among_many_skipped_is_held_back_alone(app, survey, member):
    """Two "vet ikke" and six skipped: the count is held back, n and the mean are shown."""
    rows = [("Brekken", v) for v in [2, 3, 4, 5, 6, 2, "dont_know", "dont_know"]]
    rows += [("Brekken", None)] * 6
    _answer_values(survey, member, rows)
    result = question_results(survey)[0]
    assert result.n == 6
    assert result.dont_know is None
    assert result.summary.mean == pytest.approx(22 / 6)
    assert result.withheld


def test_the_front_page_states_the_configured_k(app, client_for):
    for config in (app.config, current_app.config):
        config["ANONYMITY_K"] = 7
    page = client_for("resident").get("/panel/").get_data(as_text=True)
    assert "mer enn 7 svar" in page
    assert "mer enn fem svar" not in page
