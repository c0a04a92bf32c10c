"""A proposal's whole life in a real browser, with axe on every page, in nb and nn."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.core import dates
from app.core.models import MunicipalitySettings
from app.core.permissions import Role
from app.core.settings import invalidate_settings
from app.extensions import db
from tests.browser.conftest import assert_accessible, log_in
from tests.conftest import outbox


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_write_open_sign_submit_decide(page_in, make_user, language):
    settings = db.session.scalar(sa.select(MunicipalitySettings))
    settings.population = 100  # threshold 2
    db.session.commit()
    invalidate_settings()
    a, b, c = (make_user(Role.resident, postal_code="7374", name=n, email=f"{n.lower()}@r.example")
               for n in ("Anne", "Bjørn", "Cecilie"))  # fmt: skip
    committee = make_user(Role.committee, email="utvalg@r.example")

    author = page_in(language)
    log_in(author, a)
    author.goto("/proposals/new")
    assert_accessible(author)
    author.fill("#title", "Sykkelvei langs Hyttelva")
    author.fill("#summary", "En trygg sykkelvei fra sentrum til skolen.")
    author.fill("#body", "Barna sykler i veibanen i dag.\n\n**Det er farlig.**")
    author.select_option("#focus_area", "8")
    author.locator("button[name=preview]").click()
    expect(author.locator(".preview")).to_contain_text("Det er farlig.")
    assert_accessible(author)
    author.locator("button[name=save]").click()
    assert_accessible(author)
    author.fill("#campaign_ends_on", (dates.today() + timedelta(days=30)).isoformat())
    author.locator("form[action$='/open'] button[type=submit]").click()
    expect(author.locator("progress")).to_be_visible()
    proposal_url = author.url

    for user in (b, c):
        signer = page_in(language)
        log_in(signer, user)
        signer.goto(proposal_url)
        assert_accessible(signer)
        signer.check("#notify")
        signer.locator("form[action$='/sign'] button[type=submit]").click()
        expect(signer.locator(".flash")).to_be_visible()
        assert_accessible(signer)

    author.goto(proposal_url)
    expect(author.locator(".progress__label")).to_contain_text("2")
    author.locator("a[href$='/submit']").click()
    assert_accessible(author)
    author.locator("main form button[type=submit]").click()
    expect(author.locator(".timeline")).to_contain_text(
        "kommunestyret må ta stilling" if language == "nb" else "kommunestyret"
    )

    reviewer = page_in(language)
    log_in(reviewer, committee)
    reviewer.goto("/proposals/review")
    assert_accessible(reviewer)
    reviewer.goto(proposal_url + "/decide")
    assert_accessible(reviewer)
    reviewer.select_option("#outcome", "adopted")
    reviewer.fill("#decided_on", dates.today().isoformat())
    reviewer.fill("#case_reference", "K-sak 33/18")
    reviewer.fill("#answer", "Vi bygger sykkelveien i 2027.")
    reviewer.locator("main form button[type=submit]").click()
    expect(reviewer.locator(".decision")).to_contain_text("K-sak 33/18")
    assert_accessible(reviewer)

    db.session.expire_all()
    mails = outbox(b.email)
    assert [m.template for m in mails][-1] == "proposal_decided"
    assert "K-sak 33/18" in mails[-1].body_text


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_proposal_list_is_accessible(page_in, open_proposal, language):
    open_proposal()
    page = page_in(language)
    page.goto("/proposals/?q=sykkel")
    expect(page.locator(".proposal-card")).to_have_count(1)
    assert_accessible(page)
