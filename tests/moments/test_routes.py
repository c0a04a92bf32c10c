"""Moderation, the monthly winner, the gallery and the feed, through the test client."""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from datetime import date

import pytest
import sqlalchemy as sa

from app.core.dates import add_months, today
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.extensions import db
from app.moments import services
from app.moments.models import Nomination, NominationState, Winner
from app.moments.months import this_month
from tests.concurrency import at_once
from tests.conftest import ROLES, count_queries, csrf_token, login, submit
from tests.hostile import HOSTILE_STRINGS, must_be_refused
from tests.moments.fixtures import mails

ATOM = "{http://www.w3.org/2005/Atom}"


def _winners() -> list[Winner]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Winner)))


def _winner_url(month=None) -> str:
    month = month or this_month()
    return f"/moments/manage/winner/{month.year}/{month.month}"


def test_committee_approves_with_consent_and_publishes_the_winner(
    app, make_user, make_unit, make_nomination, client
):
    contact = make_user(Role.service_owner, email="leder@roros.example", name="Liv Leder")
    unit = make_unit("Hjemmetjenesten", contact=contact)
    nomination = make_nomination(unit=unit, employee_name="Siri Bakken")
    committee = login(app.test_client(), make_user(Role.committee))
    page = committee.get("/moments/manage/").get_data(as_text=True)
    assert f"/moments/manage/nominations/{nomination.id}" in page
    detail = committee.get(f"/moments/manage/nominations/{nomination.id}").get_data(as_text=True)
    assert nomination.nominator_email in detail  # the committee sees who nominated

    submit(committee, f"/moments/manage/nominations/{nomination.id}/approve", {"name_consent": "y"})
    db.session.refresh(nomination)
    assert nomination.state == NominationState.approved
    assert nomination.name_consent
    [approved] = mails("moment_approved")
    assert approved.to_address == nomination.nominator_email

    choose = committee.get(_winner_url()).get_data(as_text=True)
    assert f'value="{nomination.id}"' in choose
    response = submit(
        committee,
        _winner_url(),
        {"nomination": str(nomination.id), "citation": "For en kveld ekstra."},
    )
    assert response.status_code == 302
    [won] = _winners()
    assert won.month == this_month()
    gallery = client.get("/moments/").get_data(as_text=True)
    assert "Siri Bakken, Hjemmetjenesten" in gallery
    assert "For en kveld ekstra." in gallery
    assert "<strong>Tusen takk!</strong>" in gallery  # the story, rendered
    assert nomination.nominator_email not in gallery
    to_nominator = mails("moment_winner")
    to_unit = mails("moment_winner_unit")
    assert [m.to_address for m in to_nominator] == [nomination.nominator_email]
    assert [m.to_address for m in to_unit] == ["leder@roros.example"]
    assert "Siri Bakken" in to_unit[0].body_text  # she consented
    assert db.session.scalar(
        sa.select(AuditEntry.id).where(AuditEntry.action == "moment.winner_published")
    )


def test_reject_asks_for_a_reason_and_tells_the_nominator(committee_client, make_nomination):
    nomination = make_nomination()
    url = f"/moments/manage/nominations/{nomination.id}/reject"
    page = committee_client.get(url).get_data(as_text=True)
    assert "Avvis nominasjonen" in page
    db.session.refresh(nomination)
    assert nomination.state == NominationState.pending  # a GET changes nothing
    assert "Skriv en begrunnelse" in submit(committee_client, url, {"reason": " "}).get_data(
        as_text=True
    )
    assert submit(committee_client, url, {"reason": "Gjelder ikke kommunen."}).status_code == 302
    db.session.refresh(nomination)
    assert nomination.state == NominationState.rejected
    [mail] = mails("moment_rejected")
    assert mail.to_address == nomination.nominator_email
    assert "Gjelder ikke kommunen." in mail.body_text
    gallery = committee_client.get("/moments/").get_data(as_text=True)
    assert "Ingen vinnere" in gallery


def test_edits_for_anonymisation_are_audited_without_the_removed_text(
    committee_client, make_nomination
):
    nomination = make_nomination(story="Siri hjalp meg og naboen Ole Olsen med brøytingen.")
    response = submit(committee_client, f"/moments/manage/nominations/{nomination.id}", {
        "employee_name": "Siri Bakken", "story": "Siri hjalp meg og naboen med brøytingen.",
        "name_consent": "y",
    })  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(nomination)
    assert "Ole Olsen" not in nomination.story
    assert nomination.name_consent
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "moment.edited"))
    assert entry.details["fields"] == ["story", "name_consent"]
    assert "Ole Olsen" not in str(entry.details)


def test_a_winner_comes_from_this_month_or_is_carried_over_from_the_last(
    committee_client, approved
):
    carried = approved()
    carried.month = add_months(this_month(), -1)
    too_old = approved()
    too_old.month = add_months(this_month(), -2)
    db.session.commit()
    page = committee_client.get(_winner_url()).get_data(as_text=True)
    assert f'value="{carried.id}"' in page
    assert f'value="{too_old.id}"' not in page
    response = submit(committee_client, _winner_url(),
                      {"nomination": str(too_old.id), "citation": "Gammel."})  # fmt: skip
    assert "Velg en av nominasjonene" in response.get_data(as_text=True)
    assert _winners() == []
    submit(committee_client, _winner_url(), {"nomination": str(carried.id), "citation": "Godt."})
    assert [w.nomination_id for w in _winners()] == [carried.id]
    # the carried-over winner cannot win again, and the month is taken
    page = committee_client.get(_winner_url()).get_data(as_text=True)
    assert "er publisert" in page
    with pytest.raises(services.MomentError, match="Denne måneden har allerede en vinner"):
        services.publish_winner(services_user(committee_client), this_month(), too_old, "x")


def services_user(client):
    from app.auth.models import LoginSession, User, token_digest

    with client.session_transaction() as session:
        token = session["_user_id"]
    return db.session.scalar(
        sa.select(User).join(LoginSession).where(LoginSession.token_digest == token_digest(token))
    )


def test_no_winner_for_a_future_month(committee_client, approved):
    approved()
    future = add_months(this_month(), 1)
    if future.year > today().year:
        assert committee_client.get(_winner_url(future)).status_code == 404
    else:
        page = committee_client.get(_winner_url(future)).get_data(as_text=True)
        assert "denne måneden eller en tidligere" in page
    assert committee_client.get("/moments/manage/winner/2026/13").status_code == 404
    assert committee_client.get("/moments/manage/winner/99999999999/1").status_code == 404


def test_two_committee_members_publishing_at_once_give_one_winner(app, make_user, approved):
    first, second = approved(), approved()
    clients = []
    for nomination in (first, second):
        client = login(app.test_client(), make_user(Role.committee))
        clients.append((client, csrf_token(client, _winner_url()), nomination.id))

    def publish(client, token, nomination_id):
        response = client.post(_winner_url(), data={
            "csrf_token": token, "nomination": str(nomination_id), "citation": "Raskest.",
        })  # fmt: skip
        text = response.get_data(as_text=True)
        if response.status_code == 302:
            text = client.get(response.location).get_data(as_text=True)
        return response.status_code, text

    responses = at_once([functools.partial(publish, *triple) for triple in clients])
    assert sorted(status for status, _text in responses) in ([200, 302], [302, 302])
    assert len(_winners()) == 1
    friendly = ("publiserte nettopp vinneren", "allerede en vinner", "er publisert")
    published = [text for _s, text in responses if "Månedens vinner er publisert" in text]
    others = [text for _s, text in responses if "Månedens vinner er publisert" not in text]
    assert len(published) == 1
    assert any(message in others[0] for message in friendly), others[0][:2000]


def test_gallery_counts_year_pages_and_feed(client, make_unit, approved, winner):
    home = make_unit("Hjemmetjenesten")
    school = make_unit("Røros skole")
    winner(unit=home, consent=True, employee_name="Siri Bakken")
    approved(unit=home)
    approved(unit=school)
    gallery = client.get("/moments/").get_data(as_text=True)
    assert "Vi har fått 2 gylne øyeblikk for Hjemmetjenesten i år." in gallery
    assert "Vi har fått 1 gyllent øyeblikk for Røros skole i år." in gallery
    assert '<link rel="alternate" type="application/atom+xml"' in gallery
    assert f'href="/moments/{today().year}"' in gallery
    year = client.get(f"/moments/{today().year}").get_data(as_text=True)
    assert "Siri Bakken, Hjemmetjenesten" in year
    assert f"Vi fikk 2 gylne øyeblikk for Hjemmetjenesten i {today().year}." in year
    assert client.get("/moments/1999").status_code == 404
    assert client.get(f"/moments/{today().year + 1}").status_code == 404

    response = client.get("/moments/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)  # noqa: S314 - our own feed, well-formed XML
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}") is not None
    [entry] = feed.findall(f"{ATOM}entry")
    assert "Siri Bakken, Hjemmetjenesten" in entry.find(f"{ATOM}title").text
    assert entry.find(f"{ATOM}id").text.startswith("http://localhost/moments/")
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert "<strong>Tusen takk!</strong>" in content.text  # HTML, escaped once in the XML


def test_gallery_queries_do_not_grow_with_the_number_of_winners(app, make_user, make_unit,
                                                                approved, client):  # fmt: skip
    committee = make_user(Role.committee)
    reader = login(app.test_client(), make_user(Role.resident))
    unit = make_unit()

    def add_winners(months):
        for back in months:
            month = add_months(this_month(), -back)
            nomination = approved(unit=unit)
            nomination.month = month
            services.publish_winner(committee, month, nomination, f"Kåret {back}")
        db.session.commit()

    year = today().year
    pages = ["/moments/", f"/moments/{year}", f"/moments/{year - 1}", f"/moments/{year - 2}"]

    def queries():
        return [count_queries(who, page) for who in (client, reader) for page in pages]

    add_winners(range(2))
    few = queries()
    add_winners(range(2, 30))  # winners in this year and each of the two before
    assert queries() == few


def test_year_page_queries_do_not_grow_with_the_number_of_winners(
    app, make_user, make_unit, approved, client
):
    """A year's page: the same queries with one winner and its unit as with twelve of them
    from six units, for a visitor and for a logged-in resident."""
    committee = make_user(Role.committee)
    reader = login(app.test_client(), make_user(Role.resident))
    year = today().year - 2
    units = [make_unit() for _ in range(6)]

    def add_winners(months):
        for m in months:
            nomination = approved(unit=units[m % len(units)])
            nomination.month = date(year, m, 1)
            services.publish_winner(committee, date(year, m, 1), nomination, f"Kåret {m}")
        db.session.commit()

    add_winners([1])
    url = f"/moments/{year}"
    few = (count_queries(client, url), count_queries(reader, url))
    add_winners(range(2, 13))
    many = (count_queries(client, url), count_queries(reader, url))
    assert few == many
    assert "Kåret 12" in client.get(url).get_data(as_text=True)


MANAGE = [
    ("GET", "/moments/manage/"),
    ("GET", "/moments/manage/nominations/{id}"),
    ("POST", "/moments/manage/nominations/{id}/approve"),
    ("GET", "/moments/manage/nominations/{id}/reject"),
    ("POST", "/moments/manage/nominations/{id}/reject"),
    ("GET", "/moments/manage/winner/{year}/{month}"),
    ("POST", "/moments/manage/winner/{year}/{month}"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), MANAGE)
def test_permission_matrix(client_for, make_nomination, role, method, path):
    nomination = make_nomination()
    client = client_for(role)
    url = path.format(id=nomination.id, year=this_month().year, month=this_month().month)
    if method == "GET":
        status = client.get(url).status_code
    else:
        status = submit(client, url, {"reason": "Nei.", "nomination": str(nomination.id),
                                      "citation": "Ja."}).status_code  # fmt: skip
    db.session.refresh(nomination)
    if role in ("committee", "admin"):
        assert status in {200, 302}
    else:
        assert status == (302 if role == "anonymous" else 403)
        assert nomination.state == NominationState.pending
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


@pytest.mark.parametrize(
    "path",
    [
        "/moments/",
        "/moments/nominate",
        "/moments/feed.atom",
        "/moments/reflection",
        f"/moments/{today().year}",
    ],
)
def test_public_pages_are_open_to_everyone(client_for, path):
    for role in ROLES:
        assert client_for(role).get(path).status_code == 200


@pytest.fixture
def config_overrides():
    return {"NOMINATION_RATE_LIMIT": "1000 per minute"}


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_hostile_strings_in_every_field(app, make_unit, make_user, approved, value):
    from tests.moments.test_nominate import form

    unit = make_unit("Servicetorget")
    visitor = app.test_client()
    fields = ("employee_name", "story", "nominator_name", "nominator_email", "happened_on", "unit")
    for field in fields:
        response = submit(visitor, "/moments/nominate", form(unit, **{field: value}))
        assert response.status_code in {200, 302}, field
        html = response.get_data(as_text=True)
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        if must_be_refused(value):
            assert response.status_code == 200
            assert 'id="error-summary"' in html
            if field in ("employee_name", "story", "nominator_name"):
                assert "kontrolltegn" in html
    committee = login(app.test_client(), make_user(Role.committee))
    nomination = approved(unit=unit)
    url = f"/moments/manage/nominations/{nomination.id}"
    for field in ("employee_name", "story"):
        data = {"employee_name": "Siri", "story": "Hjelp.", field: value}
        response = submit(committee, url, data)
        assert response.status_code in {200, 302}
        assert "<script>alert" not in response.get_data(as_text=True)
    response = submit(committee, _winner_url(), {"nomination": str(nomination.id),
                                                 "citation": value})  # fmt: skip
    assert response.status_code in {200, 302}
    other = approved(unit=unit)
    response = submit(committee, f"/moments/manage/nominations/{other.id}/reject",
                      {"reason": value})  # fmt: skip
    assert response.status_code in {200, 302}
    for page in ("/moments/", f"/moments/{today().year}", "/moments/feed.atom", "/moments/manage/",
                 url):  # fmt: skip
        html = committee.get(page).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "<img src=x" not in html
    ET.fromstring(committee.get("/moments/feed.atom").data)  # noqa: S314 - still well-formed
    stored = db.session.scalars(sa.select(Nomination.story)).all()
    assert not any(must_be_refused(s) for s in stored)
