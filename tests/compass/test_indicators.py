"""Live indicators on the compass against hand-built data in each domain, and the short
per-process cache that keeps the dashboard fast (and says when it computed its figures)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.core.dates import today
from app.extensions import cache, db
from app.panel import services as panel_services
from app.proposals import services as proposal_services
from tests.panel.fixtures import _answers


def _card(html: str, label: str) -> str:
    """The value the dashboard's summary of its area gives for the indicator ``label``."""
    match = re.search(
        r'<th scope="row">' + re.escape(label) + r'</th><td class="v">([^<]+)</td>', html
    )
    assert match, label
    return match.group(1)


def test_dashboard_shows_each_domains_values(client, open_proposal, resident, survey, member):
    # proposals: two opened, three signatures from two residents
    first, second = open_proposal(), open_proposal(title="Lys i løypa")
    signers = [resident(birth_year=2012), resident(birth_year=1970)]
    proposal_services.sign(signers[0], first.id, first.version, notify=False)
    proposal_services.sign(signers[1], first.id, first.version, notify=False)
    proposal_services.sign(signers[1], second.id, second.version, notify=False)
    # panel: eight members, six answered a survey that has closed, mean of 2, 4, 6 twice (the
    # mean of K = 5 answers or fewer would not be published)
    for value in (2, 4, 6) * 2:
        panel_services.submit_answers(member(), survey, _answers(survey, scale=value))
    member(), member()
    survey.opens_on, survey.closes_on = today() - timedelta(days=10), today() - timedelta(days=1)
    db.session.commit()
    html = client.get("/compass/").get_data(as_text=True)
    assert _card(html, "Innbyggerforslag åpnet") == "2"
    assert _card(html, "Underskrifter på innbyggerforslag") == "3"
    # two signers of 5 681 inhabitants: 0.35 per 1 000, rounded to one decimal
    assert _card(html, "Innbyggere som skrev under, per 1 000") == "0,4 per 1 000"
    assert _card(html, "Andel underskrifter fra under 18 år") == "33,3 %"
    assert _card(html, "Medlemmer i brukerpanelet") == "8"
    assert _card(html, "Svarprosent i brukerpanelet") == "75 %"
    assert _card(html, "Gjennomsnittlig tilfredshet (1–6)") == "4 av 6"
    # nothing to measure is said so, never 0
    assert _card(html, "Median antall dager fra innsending til vedtak") == "ingen data"
    english = client.get("/compass/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "33.3%" in english


@pytest.fixture
def config_overrides():
    return {"COMPASS_CACHE_SECONDS": 60}


def test_figures_are_kept_for_the_configured_time(client, open_proposal):
    cache.clear()
    first = client.get("/compass/").get_data(as_text=True)
    assert _card(first, "Innbyggerforslag åpnet") == "0"
    assert "etter høyst 60 sekunder" in first
    computed = re.search(r"ble regnet ut ([^.]+)\.", first).group(1)
    open_proposal()
    cached = client.get("/compass/").get_data(as_text=True)
    assert _card(cached, "Innbyggerforslag åpnet") == "0"  # within the minute: the same set
    assert re.search(r"ble regnet ut ([^.]+)\.", cached).group(1) == computed
    cache.clear()  # as when the minute has passed
    fresh = client.get("/compass/").get_data(as_text=True)
    assert _card(fresh, "Innbyggerforslag åpnet") == "1"
    cache.clear()


def _stale(app, period, name=None, minutes=2):
    """Keep a set for ``period`` as if it had been computed ``minutes`` ago."""
    import dataclasses

    from app.compass import live

    first = live.live_indicators(*period, name)
    stale = dataclasses.replace(first, computed_at=first.computed_at - timedelta(minutes=minutes))
    cache.set(live.live_key(*period, name), stale)
    return stale


def test_a_stale_set_is_shown_while_a_thread_computes_the_next(app, open_proposal):
    """No request waits for the computation: the one that finds the set stale is given it
    at once, a thread computes the next, and the requests after it get the new one."""
    from datetime import date

    from app.compass import live

    period = (today() - timedelta(days=30), today() + timedelta(days=1))
    cache.clear()
    with app.test_request_context():
        stale = _stale(app, period)
        open_proposal()
        shown = live.live_indicators(*period)
        assert shown.computed_at == stale.computed_at  # not computed by this request
        assert live.refreshing is not None
        live.refreshing.join(timeout=30)
        fresh = live.live_indicators(*period)
        assert fresh.computed_at > stale.computed_at
        opened = {i.key: i.value for i in fresh.indicators}["proposals.opened"]
        assert opened == 1 + {i.key: i.value for i in stale.indicators}["proposals.opened"]
        # while one thread computes, a stale set is not computed a second time
        _stale(app, (date(2026, 1, 1), date(2026, 2, 1)))
        assert live._lock.acquire(blocking=False)  # as if a thread were computing
        try:
            before = live.refreshing
            live.live_indicators(date(2026, 1, 1), date(2026, 2, 1))
            assert live.refreshing is before
        finally:
            live._lock.release()
    cache.clear()


def test_another_worker_claimed_the_refresh(app):
    """Workers sharing the cache (Redis) compute the next set once between them."""
    from datetime import date

    from app.compass import live

    period = (date(2026, 1, 1), date(2026, 2, 1))
    cache.clear()
    with app.test_request_context():
        stale = _stale(app, period)
        live.refreshing = None
        cache.set(live.live_key(*period) + ":refreshing", True)  # claimed by another worker
        assert live.live_indicators(*period).computed_at == stale.computed_at
        assert live.refreshing is None
    cache.clear()


def test_a_named_set_from_yesterday_is_shown_while_todays_is_computed(app):
    """At midnight the rolling year moves on: yesterday's set (its own period on the page)
    is shown until today's is there, rather than one request computing it."""
    from app.compass import live

    yesterday = live.rolling_year(today() - timedelta(days=1))
    cache.clear()
    with app.test_request_context():
        _stale(app, yesterday, name="rolling-year", minutes=0)
        shown = live.dashboard_indicators(today())
        assert (shown.start, shown.end) == yesterday
        live.refreshing.join(timeout=30)
        now = live.dashboard_indicators(today())
        assert (now.start, now.end) == live.rolling_year(today())
    cache.clear()


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [("nb", 1234.5, "1\xa0234,5"), ("en", 1234.5, "1,234.5"), ("nn", 2.0, "2"),
     ("en", 1 / 3, "0.33"), ("nb", 12000, "12\xa0000")],
)  # fmt: skip
def test_numbers_are_written_in_the_readers_language(app, language, value, expected):
    from app.compass.labels import number

    for _ in range(2):  # the second from the formatter's memory, in the same language
        with app.test_request_context(headers={"Accept-Language": language}):
            assert number(value) == expected
