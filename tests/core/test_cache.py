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
    return {"PAGE_CACHE_SECONDS": 60}


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
