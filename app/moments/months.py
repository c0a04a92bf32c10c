"""Months and ISO weeks in Oslo time, the calendar golden moments and reflections run on."""

from __future__ import annotations

from datetime import date, timedelta

from app.core.dates import first_of_month, today


def this_month() -> date:
    return first_of_month(today())


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
