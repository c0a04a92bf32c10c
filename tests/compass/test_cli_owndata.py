"""flask compass snapshot, the nightly job, and the compass's part of own data."""

from __future__ import annotations

import json

import sqlalchemy as sa

from app.compass.jobs import snapshot_last_month
from app.compass.live import add_months, month_start
from app.compass.models import MeasureUpdate, Snapshot
from app.extensions import db
from app.proposals.rules import today
from tests.conftest import PASSWORD, login, submit


def _months() -> list[str]:
    return [m.isoformat()[:7] for m in db.session.scalars(
        sa.select(Snapshot.month).distinct().order_by(Snapshot.month))]  # fmt: skip


def test_snapshot_command_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["compass", "snapshot", "--month", "2026-10"])
    assert first.exit_code == 0, first.output
    assert "2026-10:" in first.output
    assert "0 value(s)" not in first.output
    again = runner.invoke(args=["compass", "snapshot", "--month", "2026-10"])
    assert "2026-10: 0 value(s) stored." in again.output
    assert _months() == ["2026-10"]


def test_snapshot_command_refuses_bad_months(app):
    runner = app.test_cli_runner()
    bad = runner.invoke(args=["compass", "snapshot", "--month", "oktober"])
    assert bad.exit_code != 0
    assert "YYYY-MM" in bad.output
    current = runner.invoke(args=["compass", "snapshot", "--month", today().isoformat()[:7]])
    assert current.exit_code != 0
    assert "not over" in current.output
    both = runner.invoke(args=["compass", "snapshot", "--month", "2026-01", "--months", "2"])
    assert both.exit_code != 0
    assert _months() == []


def test_snapshot_command_back_fills_months(app):
    result = app.test_cli_runner().invoke(args=["compass", "snapshot", "--months", "3"])
    assert result.exit_code == 0, result.output
    current = month_start(today())
    assert _months() == [add_months(current, -n).isoformat()[:7] for n in (3, 2, 1)]


def test_nightly_job_takes_last_month_once(app):
    assert snapshot_last_month.call_local() > 0
    assert snapshot_last_month.call_local() == 0
    assert _months() == [add_months(month_start(today()), -1).isoformat()[:7]]


def test_own_data_export_and_deletion_keep_the_log(client, strategy, compass_admin):
    login(client, compass_admin)
    data = json.loads(client.get("/account/export").get_data(as_text=True))
    assert {"measure": "Brukerpanel", "date": today().isoformat(),
            "text": "Brukerpanel: status"} in data["compass"]  # fmt: skip
    response = submit(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    assert response.status_code == 302
    updates = db.session.scalars(sa.select(MeasureUpdate)).all()
    assert len(updates) == 3  # the municipality's record stays ...
    assert {u.author_id for u in updates} == {None}  # ... without who wrote it
