"""The page cache for anonymous visitors."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.core.cache import clear_page_cache
from app.core.models import MunicipalitySettings
from app.core.settings import invalidate_settings
from app.extensions import db
from tests.conftest import login


@pytest.fixture
def config_overrides():
    return {"PAGE_CACHE_SECONDS": 60, "API_CACHE_SECONDS": 60}


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_page_cache()
    yield
    clear_page_cache()


def _rename(name: str) -> None:
    settings = db.session.scalar(sa.select(MunicipalitySettings))
    settings.name = name
    db.session.commit()
    invalidate_settings()  # the settings copy is fresh; only the page cache may be stale


def test_visitors_get_the_cached_page(client):
    first = client.get("/")
    assert "Røros kommune" in first.get_data(as_text=True)
    assert "Cookie" in first.headers["Vary"]
    _rename("Holtålen kommune")
    again = client.get("/")
    assert again.get_data() == first.get_data()  # served from the cache
    assert again.headers["Content-Security-Policy"]  # headers still added
    clear_page_cache()
    assert "Holtålen kommune" in client.get("/").get_data(as_text=True)


def test_each_language_has_its_own_copy(client):
    nb = client.get("/", headers={"Accept-Language": "nb"}).get_data(as_text=True)
    en = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="nb">' in nb
    assert '<html lang="en">' in en


def test_a_visitor_with_a_session_is_never_served_from_the_cache(client, make_user):
    client.get("/")
    _rename("Os kommune")
    login(client, make_user())
    assert "Os kommune" in client.get("/").get_data(as_text=True)


@pytest.mark.own_app
def test_a_response_that_writes_to_the_session_is_not_cached(app):
    from flask import flash

    from app.core.cache import cached_for_visitors

    calls = []

    @app.get("/test-flashing")
    @cached_for_visitors
    def flashing():  # type: ignore[no-untyped-def]
        calls.append(1)
        flash("Hei")
        return "flashed"

    @app.get("/test-plain")
    @cached_for_visitors
    def plain():  # type: ignore[no-untyped-def]
        calls.append(2)
        return "plain"

    for _ in range(2):
        app.test_client().get("/test-flashing")
        app.test_client().get("/test-plain")
    assert calls == [1, 2, 1]  # the flashing view ran twice, the plain one once


def test_a_cached_form_page_gives_every_visitor_a_working_token_of_their_own(app, make_user):
    make_user(email="cached@roros.example")
    first, second = app.test_client(), app.test_client()
    page_one = first.get("/auth/login").get_data(as_text=True)
    page_two = second.get("/auth/login").get_data(as_text=True)  # from the cache
    token_one = re.search(r'name="csrf_token" value="([^"]+)"', page_one).group(1)
    token_two = re.search(r'name="csrf_token" value="([^"]+)"', page_two).group(1)
    assert token_one != token_two
    assert re.sub(r'value="[^"]+"', "", page_one) == re.sub(r'value="[^"]+"', "", page_two)
    assert "\x00" not in page_two
    response = second.post(
        "/auth/login",
        data={"csrf_token": token_two, "email": "cached@roros.example",
              "password": "et langt passord 123"},
    )  # fmt: skip
    assert response.status_code == 302  # logged in with the token from the cached page
    stolen = first.post("/auth/login", data={"csrf_token": token_two, "email": "x@y.no"})
    assert stolen.status_code == 400  # another visitor's token is no good


def test_a_repeated_visit_is_answered_in_front_of_flask_with_every_header(app, flask_runs):
    first = app.test_client().get("/proposals/")
    second = app.test_client().get("/proposals/")
    assert flask_runs == ["/proposals/"]  # the second visitor never reached Flask
    assert second.get_data() == first.get_data()
    for header in ("Content-Type", "Content-Security-Policy", "X-Frame-Options", "Vary"):
        assert second.headers[header] == first.headers[header]
    assert int(second.headers["Content-Length"]) == len(second.get_data())
    assert "Set-Cookie" not in second.headers


def test_the_copy_in_front_of_flask_keeps_languages_and_queries_apart(app, flask_runs):
    client = app.test_client()
    en = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(as_text=True)
    nn = client.get("/", headers={"Accept-Language": "nn"}).get_data(as_text=True)
    assert '<html lang="en">' in en
    assert '<html lang="nn">' in nn
    client.get("/proposals/?q=sykkel")
    client.get("/proposals/?q=skole")
    assert len(flask_runs) == 4
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert len(flask_runs) == 4


def test_readers_with_a_session_and_head_requests_always_reach_flask(app, flask_runs, make_user):
    app.test_client().get("/")
    reader = login(app.test_client(), make_user())
    reader.get("/")
    app.test_client().head("/")
    assert flask_runs == ["/", "/", "/"]


def test_a_cached_form_page_in_front_of_flask_gives_a_working_token_and_cookie(
    app, flask_runs, make_user
):
    make_user(email="whole@roros.example")
    app.test_client().get("/auth/login")
    visitor = app.test_client()
    response = visitor.get("/auth/login")
    assert flask_runs == ["/auth/login"]  # answered in front of Flask, with a cookie of its own
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    page = response.get_data(as_text=True)
    assert int(response.headers["Content-Length"]) == len(response.get_data())
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = visitor.post(
        "/auth/login",
        data={"csrf_token": token, "email": "whole@roros.example",
              "password": "et langt passord 123"},
    )  # fmt: skip
    assert answer.status_code == 302
    assert "Logg ut" in visitor.get(answer.headers["Location"]).get_data(as_text=True)


@pytest.mark.own_app
def test_a_page_that_sets_a_cookie_of_its_own_is_not_kept_whole(app, flask_runs):
    from flask import make_response

    from app.core.cache import cached_for_visitors

    @app.get("/test-cookie")
    @cached_for_visitors
    def with_cookie():  # type: ignore[no-untyped-def]
        response = make_response("with a cookie")
        response.set_cookie("seen", "1")
        return response

    assert app.test_client().get("/test-cookie").headers["Set-Cookie"].startswith("seen=1")
    assert app.test_client().get("/test-cookie").get_data() == b"with a cookie"
    assert flask_runs == ["/test-cookie", "/test-cookie"]  # Flask answered both


@pytest.mark.parametrize("path", ["/proposals/feed.atom", "/api/v1/proposals"])
def test_links_come_from_site_url_never_from_a_forged_host_header(app, open_proposal, path):
    open_proposal()  # an item whose link is absolute
    forged = app.test_client().get(path, headers={"Host": "evil.example"})
    assert b"http://localhost/proposals/" in forged.get_data()  # SITE_URL, not the Host
    assert b"evil.example" not in forged.get_data()
    for client in (app.test_client(), app.test_client()):  # Flask, then in front of it
        assert b"evil.example" not in client.get(path).get_data()


def test_a_page_under_api_is_kept_per_language_like_any_other(app, flask_runs):
    en = app.test_client().get("/api/docs", headers={"Accept-Language": "en"})
    again = app.test_client().get("/api/docs", headers={"Accept-Language": "en"})
    nb = app.test_client().get("/api/docs")
    assert flask_runs == ["/api/docs", "/api/docs"]  # the second English read was kept
    assert again.get_data() == en.get_data()
    assert '<html lang="nb">' in nb.get_data(as_text=True)


def test_a_page_that_only_builds_forms_gives_visitors_no_cookie_and_is_kept(
    app, flask_runs, open_proposal
):
    proposal = open_proposal()  # its page builds sign, comment and report forms
    path = f"/proposals/{proposal.id}"
    first = app.test_client().get(path)
    assert "Set-Cookie" not in first.headers  # no token shown, so none made
    assert 'name="csrf_token"' not in first.get_data(as_text=True)
    app.test_client().get(path)
    assert flask_runs == [path]  # the second visitor was answered in front of Flask
