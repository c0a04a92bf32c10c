"""The shared hostile strings through every compass form: never a 500, never stored
unescaped, control characters refused with a message and nothing saved."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.compass.models import Evaluation, Measure, MeasureUpdate, Strategy
from app.core.dates import today
from app.extensions import db
from tests.auth.test_hostile import _assert_safe
from tests.conftest import submit
from tests.hostile import HOSTILE_STRINGS, must_be_refused

_safe = _assert_safe


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_evaluation_form(admin_client, value):
    fields = ("year", "evaluator", "total", "area_1", "national_average", "source_url", "notes")
    for field in fields:
        data = {"year": "2025", "evaluator": "KS", "total": "300", "notes": "", field: value}
        html = _safe(submit(admin_client, "/compass/manage/evaluations/new", data))
        saved = db.session.scalar(sa.select(Evaluation))
        if must_be_refused(value) and field in ("evaluator", "notes", "source_url"):
            assert "kontrolltegn" in html
        if saved is not None:
            assert not must_be_refused(value)
            if field in ("evaluator", "notes"):
                assert getattr(saved, field) == value.strip()
            else:  # a blank optional number or address is simply not given
                assert not value.strip()
                assert field != "year"
                assert field != "total"
                assert saved.score_for(1) is None
                assert saved.national_average is None
            db.session.delete(saved)
            db.session.commit()


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_strategy_measure_and_update_forms(admin_client, strategy, value):
    measure = strategy.measures[0]
    updates = db.session.scalar(sa.select(sa.func.count()).select_from(MeasureUpdate))
    _safe(
        submit(
            admin_client,
            "/compass/manage/strategies/new",
            {"title": value, "description": value, "position": value},
        )
    )
    _safe(
        submit(
            admin_client,
            f"/compass/manage/strategies/{strategy.id}/measures/new",
            {
                "title": value,
                "owner": value,
                "description": value,
                "due_on": value,
                "focus_areas": [value],
            },
        )
    )
    _safe(submit(admin_client, f"/compass/manage/measures/{measure.id}/updates",
                 {"u-noted_on": today().isoformat(), "u-text": value, "u-status": "done",
                  "u-progress": "50"}))  # fmt: skip
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Strategy)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Measure)) == 3
    stored = db.session.scalar(sa.select(sa.func.count()).select_from(MeasureUpdate))
    if must_be_refused(value) or not value.strip() or len(value) > 5000:
        assert stored == updates
    else:
        assert stored == updates + 1
        _safe(admin_client.get(f"/compass/manage/measures/{measure.id}"))
    for path in ("/compass/", "/compass/areas/2", "/compass/report/2026",
                 "/compass/report/2026.csv"):  # fmt: skip
        _safe(admin_client.get(path))
