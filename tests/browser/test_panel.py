"""A survey's life in a real browser, with axe on every page, in nb and nn."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.core.dates import today
from app.core.permissions import Role
from app.extensions import db
from app.panel import services
from tests.browser.conftest import assert_accessible, log_in


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_build_answer_close_results_follow_up(page_in, make_user, resident, language):
    admin_user = make_user(Role.admin, email="admin@b.example")
    members = []
    for area in ("Brekken",) * 3:
        user = resident()
        services.join_panel(user, 1980, area, [])
        members.append(user)
    db.session.commit()

    admin = page_in(language)
    log_in(admin, admin_user)
    admin.goto("/panel/manage/")
    assert_accessible(admin)
    admin.fill("#title", "Biblioteket")
    admin.fill("#opens_on", today().isoformat())
    admin.fill("#closes_on", (today() + timedelta(days=7)).isoformat())
    admin.check("#results_public")
    admin.locator("main form button[type=submit]").last.click()
    assert_accessible(admin)
    admin.select_option("#q-kind", "scale6")
    admin.fill("#q-text", "Hvor fornøyd er du med biblioteket?")
    admin.locator("button[name=q-submit]").click()
    expect(admin.locator(".question-list")).to_contain_text("Hvor fornøyd er du med biblioteket?")
    admin.locator("a[href*='preview=1']").click()
    assert_accessible(admin)
    admin.go_back()
    admin.locator("form[action$='/publish'] button").click()

    for index, user in enumerate(members):
        page = page_in(language)
        log_in(page, user)
        page.goto("/panel/")
        assert_accessible(page)
        page.locator("a[href^='/panel/surveys/']").first.click()
        assert_accessible(page)
        if index == 0:  # submit without answering first: told what is missing
            page.locator("main form button[type=submit]").click()
            expect(page.locator("#error-summary")).to_be_visible()
            assert_accessible(page)
        page.locator("label[for$='-5']").click()
        page.locator("main form button[type=submit]").click()
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page)

    admin.reload()
    admin.locator("form[action$='/close'] button").click()
    admin.locator("a[href$='/results']").click()
    expect(admin.locator("main")).to_contain_text("3")
    expect(admin.locator("main")).not_to_contain_text("Brekken")  # three answers: suppressed
    assert_accessible(admin)
    admin.fill("#what", "Lengre åpningstider")
    admin.fill("#owner", "Biblioteksjefen")
    admin.locator("form[action$='/followups'] button[type=submit]").click()
    expect(admin.locator("#followups + table")).to_contain_text("Lengre åpningstider")

    visitor = page_in(language)
    visitor.goto(admin.url.split("#")[0])
    expect(visitor.locator("main")).to_contain_text("Lengre åpningstider")
    assert_accessible(visitor)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_lottery_pages_are_accessible(page_in, make_user, resident, language):
    for area in ("Røros sentrum", "Brekken") * 6:
        services.join_panel(resident(), 1980, area, [])
    db.session.commit()
    admin = page_in(language)
    log_in(admin, make_user(Role.admin))
    admin.goto("/panel/manage/lottery")
    assert_accessible(admin)
    admin.fill("#name", "Innbyggerpanelet")
    admin.fill("#size", "6")
    admin.fill("#seed", "5025")
    admin.locator("main form button[type=submit]").click()
    expect(admin.locator("main")).to_contain_text("5025")
    assert_accessible(admin)
    admin.goto("/panel/")
    assert_accessible(admin)
