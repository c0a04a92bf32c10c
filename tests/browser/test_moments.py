"""Golden service moments in a real browser, with axe on every page, in nb and nn."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.core.dates import today
from app.core.permissions import Role
from app.extensions import db
from app.moments import services
from app.moments.months import this_week
from tests.browser.conftest import assert_accessible, log_in
from tests.moments.fixtures import confirmation_link, path_of


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_nominate_confirm_approve_publish_and_see_it_in_the_gallery(
    page_in, make_user, make_unit, language
):
    contact = make_user(Role.service_owner, email="leder@b.example", name="Liv Leder")
    unit = make_unit("Hjemmetjenesten", contact=contact)
    member = make_user(Role.committee, email="utvalg@b.example")

    visitor = page_in(language)
    visitor.goto("/moments/")
    assert_accessible(visitor)
    visitor.locator("main a[href='/moments/nominate']").click()
    assert_accessible(visitor)
    visitor.locator("main form button[type=submit]").click()  # empty: told what is missing
    expect(visitor.locator("#error-summary")).to_be_visible()
    assert_accessible(visitor)
    visitor.select_option("#unit", str(unit.id))
    visitor.fill("#employee_name", "Siri Bakken")
    visitor.fill("#happened_on", (today() - timedelta(days=1)).isoformat())
    visitor.fill("#story", "Siri kom i snøstormen og tok seg tid til en kaffe med mor.")
    visitor.fill("#nominator_name", "Nora Nominerer")
    visitor.fill("#nominator_email", "nora@b.example")
    visitor.check("#may_contact")
    visitor.locator("main form button[type=submit]").click()
    expect(visitor.locator("main")).to_contain_text("nora@b.example")
    assert_accessible(visitor)
    visitor.goto(path_of(confirmation_link("nora@b.example")))
    expect(visitor.locator(".flash")).to_be_visible()
    assert_accessible(visitor)

    committee = page_in(language)
    log_in(committee, member)
    committee.goto("/moments/manage/")
    assert_accessible(committee)
    committee.locator("a[href^='/moments/manage/nominations/']").first.click()
    expect(committee.locator("main")).to_contain_text("nora@b.example")
    assert_accessible(committee)
    committee.check("#approve-name_consent")
    committee.locator("form[action$='/approve'] button[type=submit]").click()
    expect(committee.locator(".flash")).to_be_visible()
    assert_accessible(committee)
    committee.goto("/moments/manage/")
    committee.locator("a[href^='/moments/manage/winner/']").first.click()
    assert_accessible(committee)
    committee.locator("input[type=radio]").first.check()
    committee.fill("#citation", "For omtanke i snøstormen.")
    committee.locator("main form button[type=submit]").click()
    expect(committee.locator(".flash")).to_be_visible()
    expect(committee.locator("main")).to_contain_text("Siri Bakken, Hjemmetjenesten")
    assert_accessible(committee)

    visitor.goto("/moments/")
    expect(visitor.locator("main")).to_contain_text("Siri Bakken, Hjemmetjenesten")
    expect(visitor.locator("main")).to_contain_text("For omtanke i snøstormen.")
    expect(visitor.locator("main")).not_to_contain_text("nora@b.example")
    assert_accessible(visitor)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_reflection_and_unit_pages_are_accessible(page_in, make_user, make_unit, language):
    admin = make_user(Role.admin, email="admin@b.example")
    owner = make_user(Role.service_owner, email="eier@b.example")
    unit = make_unit("Servicetorget", contact=owner)
    make_unit("Røros skole")
    prompt = services.publish_prompt(admin, this_week(), "Hva lærte vi av uka?")
    db.session.commit()

    page = page_in(language)
    log_in(page, owner)
    page.goto("/moments/reflection")
    assert_accessible(page)
    page.fill(f"#learning-{unit.id}", "Ring tilbake samme dag.")
    page.locator(f"form[action='/moments/reflection/{prompt.id}/units/{unit.id}'] button").click()
    expect(page.locator("main table")).to_contain_text("Ring tilbake samme dag.")
    assert_accessible(page)

    admin_page = page_in(language)
    log_in(admin_page, admin)
    for path in ("/moments/manage/reflection", "/admin/units", f"/admin/units/{unit.id}",
                 f"/admin/units/{unit.id}/deactivate", f"/moments/{today().year}"):  # fmt: skip
        assert admin_page.goto(path).status == 200, path
        assert_accessible(admin_page)
