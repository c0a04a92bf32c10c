"""Caching inside Flask (app.core.cache): visitors' pages kept whole, fragments, values, and
the Cache-Control headers; what a commit writes is seen at once."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import flash

from app.core.cache import cached_page
from app.core.models import MunicipalitySettings
from app.core.permissions import Role
from app.core.settings import invalidate_settings
from app.extensions import cache, db
from app.moments.models import Winner
from tests.conftest import login
from tests.moments.fixtures import committee_edits_story


@pytest.fixture
def config_overrides():
    return {"PAGE_CACHE_SECONDS": 60, "API_CACHE_SECONDS": 60}


@pytest.fixture
def rendered(app):
    """The views that ran, by path (a kept page is answered without running its view)."""
    from flask import before_render_template, g, request

    paths: list[str] = []

    def seen(sender, **_extra):  # type: ignore[no-untyped-def]
        if not g.get("test_rendered"):  # once a request: a page and its fragments
            g.test_rendered = True
            paths.append(request.full_path.rstrip("?"))

    before_render_template.connect(seen, app)
    yield paths
    before_render_template.disconnect(seen, app)


def _rename_outside_the_app(name: str) -> None:
    """As another program would: no session of ours, so nothing is cleared."""
    with db.engine.begin() as conn:
        conn.execute(sa.update(MunicipalitySettings).values(name=name))
    invalidate_settings()  # as when the settings' time is up; the pages are still kept


def _entries(app) -> int:  # type: ignore[no-untyped-def]
    return len(app.extensions["cache"][cache]._cache)


def test_visitors_get_the_kept_page_with_public_headers(app, client, rendered):
    first = client.get("/")
    assert "Røros kommune" in first.get_data(as_text=True)
    assert first.headers["Cache-Control"] == "public, max-age=60"
    assert {"Cookie", "Accept-Language"} <= set(first.vary)
    _rename_outside_the_app("Holtålen kommune")
    again = app.test_client().get("/")
    assert again.get_data() == first.get_data()  # the kept page
    assert rendered == ["/"]
    assert again.headers["Content-Security-Policy"]  # every response's headers still added
    assert again.headers["Cache-Control"] == "public, max-age=60"
    assert "Set-Cookie" not in again.headers


def test_a_committee_members_change_is_seen_at_once(app, make_user, winner, approved):
    won = winner(citation="Første begrunnelse.")
    other = approved()
    committee = login(app.test_client(), make_user(Role.committee))
    visitor = app.test_client()
    assert "Første begrunnelse." in visitor.get("/moments/").get_data(as_text=True)
    with db.engine.begin() as conn:  # outside the app: the kept page stands
        conn.execute(
            sa.update(Winner).where(Winner.id == won.id).values(citation="Ny begrunnelse.")
        )
    assert "Første begrunnelse." in visitor.get("/moments/").get_data(as_text=True)
    committee_edits_story(committee, other)
    assert "Ny begrunnelse." in visitor.get("/moments/").get_data(as_text=True)
    won.citation = "Tredje begrunnelse."  # a commit of another request's (the test side's)
    db.session.commit()
    assert "Tredje begrunnelse." in visitor.get("/moments/").get_data(as_text=True)


def test_each_language_has_its_own_copy(client):
    nb = client.get("/", headers={"Accept-Language": "nb"}).get_data(as_text=True)
    en = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    nn = client.get("/", headers={"Accept-Language": "nn"}).get_data(as_text=True)
    assert '<html lang="nb">' in nb
    assert '<html lang="en">' in en
    assert '<html lang="nn">' in nn


def test_a_logged_in_reader_gets_a_fresh_private_page(app, make_user, rendered):
    app.test_client().get("/")
    _rename_outside_the_app("Os kommune")
    reader = login(app.test_client(), make_user())
    page = reader.get("/")
    assert "Os kommune" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store"
    assert rendered == ["/", "/"]


@pytest.mark.own_app
def test_a_flashed_message_never_reaches_another_visitor(app):
    calls = []

    @app.get("/test-flashing")
    @cached_page()
    def flashing():  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            flash("Bare for den første")
        return "flashed " + str(len(calls))

    first = app.test_client().get("/test-flashing")
    assert "Set-Cookie" in first.headers  # the message waits in the first visitor's session
    assert first.headers["Cache-Control"] == "private, no-store"
    second = app.test_client().get("/test-flashing")
    assert second.get_data() == b"flashed 2"  # the first answer was not kept
    assert "Set-Cookie" not in second.headers
    assert app.test_client().get("/test-flashing").get_data() == b"flashed 2"  # this one was


def test_a_page_with_a_form_is_never_kept_and_each_visitor_has_a_token_of_their_own(app, make_user):
    make_user(email="form@roros.example")
    first, second = app.test_client(), app.test_client()
    one, two = first.get("/auth/login"), second.get("/auth/login")

    def token(answer):  # type: ignore[no-untyped-def]
        return re.search(r'name="csrf_token" value="([^"]+)"', answer.get_data(as_text=True))[1]

    assert token(one) != token(two)
    for answer in (one, two):
        assert answer.headers["Cache-Control"] == "private, no-store"
        assert answer.headers["Set-Cookie"].startswith("session=")
    assert first.get_cookie("session").value != second.get_cookie("session").value
    stolen = first.post("/auth/login", data={"csrf_token": token(two), "email": "x@y.no"})
    assert stolen.status_code == 400  # another visitor's token is no good
    login_form = {"email": "form@roros.example", "password": "et langt passord 123"}
    mine = second.post("/auth/login", data={"csrf_token": token(two), **login_form})
    assert mine.status_code == 302


def test_kept_pages_carry_no_cookie_and_no_token(app, open_proposal):
    proposal = open_proposal()  # its page builds sign, comment and report forms
    for path in ("/", "/proposals/", f"/proposals/{proposal.id}", "/compass/", "/moments/"):
        for _ in range(2):
            answer = app.test_client().get(path)
            assert answer.status_code == 200
            assert "Set-Cookie" not in answer.headers, path
            assert 'name="csrf_token"' not in answer.get_data(as_text=True), path


def test_unknown_query_parameters_make_no_new_entry(app, rendered):
    app.test_client().get("/compass/")
    entries = _entries(app)
    for n in range(300):
        assert app.test_client().get(f"/compass/?x={n}").status_code == 200
    assert _entries(app) == entries
    assert rendered == ["/compass/"]  # every one answered from the kept page
    app.test_client().get("/proposals/?q=sykkel&utm_source=avis")
    app.test_client().get("/proposals/?utm_source=radio&q=sykkel")
    assert rendered == ["/compass/", "/proposals/?q=sykkel&utm_source=avis"]


def test_a_flood_of_distinct_queries_stays_within_the_bound(app):
    bound = app.config["CACHE_THRESHOLD"]
    for n in range(bound + 150):
        app.test_client().get(f"/proposals/?q=ord{n}")
        assert _entries(app) <= bound + 1  # cachelib prunes once it is past the bound


def test_a_page_too_large_to_keep_is_answered_but_not_kept(app, rendered):
    app.config["CACHE_MAX_ENTRY_BYTES"] = 100
    first = app.test_client().get("/")
    assert first.status_code == 200
    app.test_client().get("/")
    assert rendered == ["/", "/"]
    assert "public" not in first.headers.get("Cache-Control", "")


def test_the_open_api_is_kept_by_the_parameters_it_reads(app, open_proposal):
    open_proposal()
    first = app.test_client().get("/api/v1/proposals?per_page=5&tracking=1")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=60"
    assert "tracking" not in first.headers.get("Link", "")
    with db.engine.begin() as conn:  # outside the app: the kept answer stands
        conn.execute(sa.text("UPDATE proposals SET title = 'Endret' WHERE id = 1"))
    again = app.test_client().get("/api/v1/proposals?tracking=2&per_page=5")
    assert again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    unchanged = app.test_client().get(
        "/api/v1/proposals?per_page=5", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert unchanged.status_code == 304


@pytest.mark.parametrize("path", ["/proposals/feed.atom", "/api/v1/proposals", "/"])
def test_links_come_from_site_url_never_from_a_forged_host_header(app, open_proposal, path):
    open_proposal()  # an item whose link is absolute
    forged = app.test_client().get(path, headers={"Host": "evil.example"})
    assert b"evil.example" not in forged.get_data()
    for client in (app.test_client(), app.test_client()):  # made, then kept
        assert b"evil.example" not in client.get(path).get_data()
    if path != "/":
        assert b"http://localhost/proposals/" in forged.get_data()  # SITE_URL, not the Host
