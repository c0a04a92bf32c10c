"""flask compass snapshot, the nightly job, and the compass's part of own data."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.compass.jobs import snapshot_last_month
from app.compass.models import MeasureUpdate, Snapshot
from app.core.dates import today
from app.extensions import db
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


@pytest.mark.parametrize(
    ("now", "months"),
    [
        ("2027-01-01 00:00", ["2026-10", "2026-11", "2026-12"]),  # UTC is still in 2026
        ("2026-12-31 23:59", ["2026-09", "2026-10", "2026-11"]),
        ("2026-03-01 00:30", ["2025-12", "2026-01", "2026-02"]),
        ("2028-02-29 12:00", ["2027-11", "2027-12", "2028-01"]),
    ],
)
def test_snapshot_command_back_fills_months(app, clock, now, months):
    clock.at(now)
    result = app.test_cli_runner().invoke(args=["compass", "snapshot", "--months", "3"])
    assert result.exit_code == 0, result.output
    assert _months() == months


@pytest.mark.parametrize(
    ("now", "month"),
    [
        ("2027-01-01 00:00", "2026-12"),
        ("2026-12-31 23:59", "2026-11"),
        ("2026-10-25 02:30", "2026-09"),
    ],
)
def test_nightly_job_takes_last_month_once(app, clock, now, month):
    clock.at(now)
    assert snapshot_last_month.call_local() > 0
    assert snapshot_last_month.call_local() == 0
    assert _months() == [month]


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
