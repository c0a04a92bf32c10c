"""The compass in a real browser: the dashboard, an area page, the annual report and the
administration in nb, nn and en with axe, and every chart's table holding the chart's
numbers (read from the SVG the page shows)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.compass import services
from app.core.dates import today
from app.extensions import db
from tests.browser.conftest import assert_accessible, log_in

UNKNOWN = {"nb": "ikke oppgitt", "nn": "ikkje oppgitt", "en": "not stated"}


def _chart_numbers(page, src: str) -> list[str]:
    svg = page.evaluate("src => fetch(src).then(r => r.text())", src)
    assert "<script" not in svg
    assert re.search(r"<title>[^<]+</title><desc>[^<]+</desc>", svg)
    return re.findall(r'<desc class="value">([^<]*)</desc>', svg)


def _check_charts(page) -> int:
    """Each chart's numbers are the numbers in the table of its block; returns the charts."""
    blocks = page.locator(".chart-block")
    charts = 0
    for i in range(blocks.count()):
        block = blocks.nth(i)
        image = block.locator("img.chart")
        if not image.count():
            continue
        charts += 1
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), "image did not load"
        table = sorted(t.strip() for t in block.locator("td.v").all_text_contents())
        assert sorted(_chart_numbers(page, image.get_attribute("src"))) == table, i
    return charts


@pytest.fixture
def compass_data(evaluations, strategy, open_proposal):
    open_proposal(focus_area=1)
    services.snapshot_months(today(), 3)
    db.session.commit()


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_dashboard_and_area_page(page_in, compass_data, language):
    page = page_in(language)
    assert page.goto("/compass/").status == 200
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)
    assert _check_charts(page) == 3  # history, areas and strategies (the rest: area pages)
    expect(page.locator("main")).to_contain_text(UNKNOWN[language])
    for path in ("/compass/areas/2", "/compass/areas/4"):
        assert page.goto(path).status == 200
        assert_accessible(page)
        _check_charts(page)
    expect(page.locator("main")).to_contain_text(UNKNOWN[language])


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_report_and_open_data_pages(page_in, compass_data, language):
    page = page_in(language)
    for path in ("/compass/report/2017", f"/compass/report/{today().year}", "/opendata/"):
        assert page.goto(path).status == 200
        assert_accessible(page)
    page.goto("/compass/report/2017")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("main table").first).to_be_visible()


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_administration_pages(page_in, compass_data, compass_admin, strategy, language):
    page = page_in(language)
    log_in(page, compass_admin)
    page.goto("/compass/manage/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("2017")).click()
    expect(page.locator("#area_1")).to_have_value("33")
    expect(page.locator("#area_4")).to_have_value("")
    assert_accessible(page)
    page.fill("#total", "900")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)
    measure = strategy.measures[1]
    page.goto(f"/compass/manage/measures/{measure.id}")
    assert_accessible(page)
    page.fill("#u-text", "Andre runde er i gang")
    page.fill("#u-progress", "55")
    page.locator("form[action$='/updates'] button[type=submit]").click()
    expect(page.locator(".update-log")).to_contain_text("Andre runde er i gang")
    page.goto(f"/compass/manage/measures/{measure.id}/delete")
    assert_accessible(page)
    page.goto(f"/compass/manage/strategies/{strategy.id}")
    assert_accessible(page)
