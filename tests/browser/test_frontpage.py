"""The front page with something in every section, for a visitor and for a resident, in nb,
nn and en: zero axe violations, one h1, the sections' headings in order."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.core.permissions import Role
from app.extensions import db
from app.panel.models import Audience
from app.proposals import services
from tests.browser.conftest import assert_accessible, log_in
from tests.core.test_frontpage import _overdue, _signed, _survey


@pytest.fixture
def busy_municipality(open_proposal, resident, make_user, winner, evaluations):
    """Proposals collecting and overdue, an open survey, a winner, the compass; and a
    resident with a draft, a signed proposal that moved on and a survey waiting."""
    me = resident()
    author = resident()
    collecting = open_proposal(author=author, title="Sykkelvei langs Hyttelva")
    _signed(collecting, [me, resident()])
    moved = open_proposal(author=author, title="Benker i sentrum")
    _signed(moved, [me])
    services.submit(author, moved)
    _overdue(open_proposal, author, "Lys i lysløypa")
    services.create_proposal(
        me, title="Mitt utkast", summary="Et utkast.", body="Tekst", focus_area=1, topic=None
    )
    db.session.commit()
    _survey(make_user(Role.admin), "Hva synes du om biblioteket?", audience=Audience.residents)
    winner(citation="For omtanke utover det vanlige.")
    return me


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
@pytest.mark.parametrize("reader", ["visitor", "resident"])
def test_the_front_page_is_accessible(page_in, busy_municipality, language, reader):
    page = page_in(language)
    if reader == "resident":
        log_in(page, busy_municipality)
    assert page.goto("/").status == 200
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("#front-proposals progress")).to_have_count(1)
    expect(page.locator("#front-compass progress")).to_have_count(1)
    expect(page.locator("#front-own-heading")).to_have_count(1 if reader == "resident" else 0)
    assert_accessible(page)
