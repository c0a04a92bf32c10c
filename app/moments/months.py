"""Months and ISO weeks in Oslo time, the calendar golden moments and reflections run on."""

from __future__ import annotations

from datetime import date, timedelta

from app.core.dates import add_months, today

__all__ = ["add_months", "add_week", "iso_week", "monday_of", "month_of", "this_month",
           "this_week", "today", "week_of"]  # fmt: skip


def month_of(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def this_month() -> date:
    return month_of(today())


def week_of(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def this_week() -> date:
    return week_of(today())


def iso_week(monday: date) -> tuple[int, int]:
    """(ISO year, ISO week number) of a Monday."""
    year, week, _ = monday.isocalendar()
    return year, week


def monday_of(year: int, week: int) -> date:
    """The Monday of ISO week ``week`` in ISO year ``year``; ValueError if there is none."""
    return date.fromisocalendar(year, week, 1)


def add_week(monday: date, weeks: int) -> tuple[int, int]:
    """(ISO year, week) ``weeks`` from the week of ``monday``."""
    return iso_week(monday + timedelta(weeks=weeks))
