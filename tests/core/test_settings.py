"""Reading the municipality's settings (app.core.settings): a failed read fails its caller
and never takes the caller's unsaved work with it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.core import settings as settings_module
from app.core.models import Unit
from app.extensions import db


def test_a_failed_read_raises_and_leaves_the_callers_work_alone(app, monkeypatch):
    db.session.add(Unit(name="Servicetorget"))
    db.session.flush()
    settings_module.invalidate_settings()

    def down(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise sa.exc.OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr(settings_module, "_load", down)
    with pytest.raises(sa.exc.OperationalError, match="database is locked"):
        settings_module.get_settings()
    monkeypatch.undo()
    # Still in the caller's transaction: it decides whether the unit is kept
    assert db.session.scalar(sa.select(Unit.name)) == "Servicetorget"
    assert settings_module.get_settings().name == "Røros kommune"


def test_a_page_whose_settings_read_fails_is_the_error_page(app, client, monkeypatch):
    """Not the page with "Medvirke" for the name: the friendly 500 page, which itself
    renders without the settings."""
    settings_module.invalidate_settings()

    def down(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise sa.exc.OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr(settings_module, "_load", down)
    answer = client.get("/")
    assert answer.status_code == 500
    assert "Noe gikk galt hos oss" in answer.get_data(as_text=True)
