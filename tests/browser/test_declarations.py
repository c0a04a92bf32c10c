"""A declaration's life in a real browser, with axe on every page, in nb and nn: the owner
drafts, the administrator publishes, a visitor gives feedback and reports a broken promise,
the owner answers, the reporter gets the mail."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.core.dates import today
from app.declarations import services
from app.extensions import db
from tests.browser.conftest import assert_accessible, log_in
from tests.conftest import outbox

TEXTS = {
    "nb": ("Du får svar på søknaden innen 3 uker.", "Ingen svarte meg på fem uker."),
    "nn": ("Du får svar på søknaden innan 3 veker.", "Ingen svarte meg på fem veker."),
}


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_draft_publish_feedback_report_answer(page_in, make_service, admin, owner, language):
    promise_text, what_happened = TEXTS[language]
    service = make_service(owner, name="Byggesak", slug="byggesak")

    writer = page_in(language)
    log_in(writer, owner)
    writer.goto("/declarations/manage/")
    assert_accessible(writer)
    writer.locator(f"a[href='/declarations/manage/services/{service.id}']").click()
    assert_accessible(writer)
    writer.select_option("#language", language)
    writer.locator("form[action$='/drafts'] button[type=submit]").click()
    assert_accessible(writer)
    writer.fill("#about", "Vi behandler **byggesøknader**.")
    writer.fill("#promises-0-text", promise_text)
    writer.fill("#promises-0-target_value", "15")
    writer.select_option("#promises-0-target_unit", "working_days")
    writer.fill("#promises-1-text", "Vi ringer deg tilbake.")
    writer.locator("form.stack--wide button[type=submit]").click()
    expect(writer.locator(".flash")).to_be_visible()
    expect(writer.locator(".preview")).to_contain_text(promise_text)
    assert_accessible(writer)
    writer.locator("form[action$='/submit'] button").click()
    expect(writer.locator(".flash")).to_be_visible()
    assert_accessible(writer)

    publisher = page_in(language)
    log_in(publisher, admin)
    publisher.goto("/declarations/manage/")
    assert_accessible(publisher)
    publisher.locator("a[href^='/declarations/manage/versions/']").first.click()
    publisher.locator("a[href$='/publish']").click()
    assert_accessible(publisher)
    publisher.fill("#effective_from", today().isoformat())
    publisher.locator("main form button[type=submit]").click()
    expect(publisher.locator("h1")).to_contain_text("Byggesak")
    assert_accessible(publisher)

    visitor = page_in(language)
    visitor.goto("/declarations/")
    assert_accessible(visitor)
    visitor.locator("a[href='/declarations/byggesak']").click()
    expect(visitor.locator(".promises")).to_contain_text(promise_text)
    assert_accessible(visitor)
    visitor.locator(".promises a[href*='/feedback?promise=']").first.click()  # this promise
    expect(visitor.locator("#f-promise_id")).not_to_have_value("")
    assert_accessible(visitor)
    visitor.check("#f-kept-no")
    visitor.fill("#f-comment", "Det tok fem uker.")
    visitor.locator("form[action$='/feedback'] button[type=submit]").click()
    expect(visitor.locator(".flash")).to_be_visible()
    expect(visitor.locator(".promises")).to_contain_text("0")
    assert_accessible(visitor)
    visitor.locator("a[href^='/declarations/byggesak/report']").click()
    assert_accessible(visitor)
    visitor.locator("form[action$='/report'] button[type=submit]").click()  # empty: told why
    expect(visitor.locator("#error-summary")).to_be_visible()
    assert_accessible(visitor)
    expect(visitor.locator("#r-promise_id")).to_have_value("")  # nothing chosen for them
    visitor.select_option("#r-promise_id", index=1)
    visitor.fill("#r-description", what_happened)
    visitor.fill("#r-happened_on", today().isoformat())
    visitor.fill("#r-name", "Kari Klager")
    visitor.fill("#r-email", "kari@roros.example")
    visitor.locator("form[action$='/report'] button[type=submit]").click()
    expect(visitor.locator(".flash")).to_contain_text("AVVIK-")
    assert_accessible(visitor)

    writer.goto("/declarations/manage/")
    writer.locator("a[href^='/declarations/manage/reports/']").first.click()
    expect(writer.locator("main")).to_contain_text(what_happened)
    assert_accessible(writer)
    writer.locator("form[action$='/acknowledge'] button").click()
    writer.fill("#answer", "Beklager! Saken din er ferdig behandlet.")
    writer.locator("form[action$='/answer'] button[type=submit]").click()
    expect(writer.locator(".flash")).to_be_visible()
    assert_accessible(writer)
    writer.locator("a[href$='/close']").click()
    assert_accessible(writer)
    writer.locator("main form button[type=submit]").click()
    expect(writer.locator(".flash")).to_be_visible()

    db.session.expire_all()
    mails = outbox("kari@roros.example")
    assert [m.template for m in mails] == ["report_receipt", "report_answer"]
    assert all(m.language == language for m in mails)
    assert "Saken din er ferdig behandlet." in mails[-1].body_text


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_public_and_management_pages_are_accessible(page_in, service, publish, admin, language):
    old = publish(service, "nb", price="Gebyr for 2026.")
    new = publish(service, "nb", price="Gebyr for 2027.")
    publish(service, "sma", about="Daate lea åarjelsaemien.")
    promise = new.promises[0]
    report = services.report_broken_promise(admin, service, promise.id, "Brutt", today(), "Per",
                                            "per@roros.example", "nb")  # fmt: skip
    db.session.commit()
    page = page_in(language)
    base = f"/declarations/{service.slug}"
    diff = f"{base}/history/diff?a={old.id}&b={new.id}"
    for path in ("/declarations/", base, f"{base}?lang=sma", f"{base}/history",
                 f"{base}/history/{old.id}", diff):  # fmt: skip
        assert page.goto(path).status == 200, path
        expect(page.locator("h1")).to_have_count(1)
        assert_accessible(page)
    log_in(page, admin)
    for path in ("/declarations/manage/", f"/declarations/manage/services/{service.id}",
                 f"/declarations/manage/services/{service.id}/edit",
                 "/declarations/manage/services/new", f"/declarations/manage/reports/{report.id}",
                 f"/declarations/manage/versions/{new.id}"):  # fmt: skip
        assert page.goto(path).status == 200, path
        assert_accessible(page)
