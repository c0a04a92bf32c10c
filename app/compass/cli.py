"""flask compass snapshot: the monthly snapshot by hand (the worker takes it every night)."""

from __future__ import annotations

from datetime import date

import click
import sqlalchemy as sa

from app.compass import bp, services
from app.compass.live import months_after
from app.core.dates import first_of_month, today
from app.extensions import db


def _month(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError as exc:
        raise click.BadParameter("write the month as YYYY-MM, e.g. 2026-11") from exc


@bp.cli.command("snapshot", help="Store every indicator's value for a month (idempotent).")
@click.option("--month", help="YYYY-MM (default: the last whole month).")
@click.option("--months", type=click.IntRange(1, 240), help="The last N whole months instead.")
@click.option("--replace", is_flag=True, help="Recompute months that have values already.")
def snapshot(month: str | None, months: int | None, replace: bool) -> None:
    chosen = _month(month)
    if chosen is not None and months:
        raise click.UsageError("give --month or --months, not both")
    try:
        if months:
            written = services.snapshot_months(today(), months, replace)
        else:
            first = chosen or months_after(first_of_month(today()), -1)
            if first >= first_of_month(today()) and not replace:
                raise click.UsageError("the current month is not over; add --replace to store it")
            written = {first: services.take_snapshot(first, replace)}
        db.session.commit()
    except sa.exc.IntegrityError as exc:  # another process took the same month meanwhile
        db.session.rollback()
        raise click.ClickException(
            "another snapshot of the same month ran at once; run again"
        ) from exc
    for first, count in written.items():
        click.echo(f"{first:%Y-%m}: {count} value(s) stored.")
