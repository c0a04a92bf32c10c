"""The indicator registry: it collects every listed module, and a new domain needs only its
line in SOURCES to appear on the dashboard, in the snapshots and in the open data."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.compass import registry, services
from app.compass.models import Snapshot
from app.core.indicators import Indicator
from app.extensions import db
from tests.compass.fixtures import ROROS_2017  # noqa: F401 - the fixtures module is a plugin

EXTRA = "tests.compass.extra_indicators"


def test_registry_lists_the_domains():
    assert registry.SOURCES[:2] == ["app.proposals.indicators", "app.panel.indicators"]
    assert "app.compass.opendata_tables" in registry.OPEN_DATA_SOURCES


def test_every_listed_module_is_collected(app):
    found = registry.collect_indicators(db.session, date(2026, 1, 1), date(2026, 2, 1))
    prefixes = {i.key.split(".")[0] for i in found}
    assert prefixes == {s.split(".")[1] for s in registry.SOURCES}
    assert all(isinstance(i, Indicator) and 1 <= i.focus_area <= 8 for i in found)


def test_a_new_domain_needs_only_its_line(app, client, monkeypatch):
    monkeypatch.setattr(registry, "SOURCES", [*registry.SOURCES, EXTRA])
    html = client.get("/compass/").get_data(as_text=True)
    assert "Dager i perioden" in html
    assert "366 dager" in html  # the dashboard's period: 365 days back, through today
    area = client.get("/compass/areas/6").get_data(as_text=True)
    assert "Dager i perioden" in area
    assert "Ingenting å måle" in area
    services.take_snapshot(date(2026, 2, 1))
    values = dict(
        db.session.execute(
            sa.select(Snapshot.key, Snapshot.value).where(Snapshot.key.like("extra.%"))
        ).all()
    )
    assert values == {"extra.days_in_period": 28.0, "extra.nothing": None}


def test_a_module_without_the_function_is_named(app):
    with pytest.raises(registry.RegistryError, match="app.core.focus_areas has no"):
        registry.collect_indicators(db.session, date(2026, 1, 1), date(2026, 2, 1),
                                    ["app.core.focus_areas"])  # fmt: skip


def test_a_key_used_twice_is_refused(app):
    with pytest.raises(registry.RegistryError, match="used twice"):
        registry.collect_indicators(db.session, date(2026, 1, 1), date(2026, 2, 1),
                                    [EXTRA, EXTRA])  # fmt: skip
