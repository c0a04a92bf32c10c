"""What a person sees: pages in nb, nn and en with zero axe violations, and the keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.auth.sessions import start_session
from app.core.audit import audit
from app.core.permissions import Role
from app.extensions import db
from tests.browser.conftest import assert_accessible, log_in

LANGS = ["nb", "nn", "en"]
PUBLIC = ["/", "/auth/register", "/auth/login", "/auth/reset", "/accessibility", "/privacy",
          "/api/docs", "/compass/", "/compass/areas/1", "/opendata/",
          "/moments/", "/moments/nominate", "/moments/reflection"]  # fmt: skip


@pytest.mark.parametrize("language", LANGS)
@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_are_accessible(page_in, language, path):
    page = page_in(language)
    response = page.goto(path)
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGS)
def test_error_pages_are_accessible(page_in, make_user, language):
    page = page_in(language)
    assert page.goto("/finnes-ikke").status == 404
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)
    log_in(page, make_user(Role.resident))
    assert page.goto("/admin/").status == 403
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGS)
def test_account_page_is_accessible(page_in, make_user, language):
    page = page_in(language)
    user = make_user(Role.resident, postal_code="7374")
    start_session(user, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Safari/604.1")
    db.session.commit()  # another browser, so the list offers to log one out
    log_in(page, user)
    assert page.goto("/account").status == 200
    expect(page.locator("form[action$='/end'] button")).to_have_count(1)
    assert_accessible(page)
    for path in ("/account/delete", "/account/password", "/account/sessions/end-all"):
        assert page.goto(path).status == 200
        assert_accessible(page)


@pytest.mark.parametrize("language", LANGS)
def test_admin_pages_are_accessible(page_in, make_user, language):
    admin = make_user(Role.admin, name="Anne Admin")
    resident = make_user(Role.resident, name="Rolf Resident")
    audit(admin, "user.role_granted", resident, {"role": "committee"})
    db.session.commit()
    page = page_in(language)
    log_in(page, admin)
    for path in ("/admin/", "/admin/users", f"/admin/users/{resident.id}", "/admin/settings",
                 "/admin/audit"):  # fmt: skip
        assert page.goto(path).status == 200, path
        assert_accessible(page)
    expect(page.locator("table")).to_contain_text("user.role_granted")


def test_form_errors_are_accessible(page_in):
    page = page_in("nb")
    page.goto("/auth/register")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_login_with_the_keyboard_alone(page_in, make_user):
    user = make_user(Role.resident, email="tast@roros.example")
    page = page_in("nb")
    page.goto("/auth/login")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_attribute("href", "#main")  # the skip link comes first
    for _ in range(40):
        if page.evaluate("document.activeElement.id") == "email":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type("et langt passord 123")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "remember"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    expect(page.locator("form[action='/auth/logout']")).to_be_visible()
    expect(page.locator(".flash")).to_contain_text("Du er logget inn")


def test_language_chooser_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False, locale="nb-NO")
    page = context.new_page()
    page.goto("/privacy")
    page.get_by_role("link", name=re.compile("nynorsk", re.I)).click()
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    assert page.url.endswith("/privacy")
    expect(page.locator("h1")).to_have_text("Personvernerklæring")
    context.close()
