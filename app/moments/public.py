"""The consent rule, in one place: what of a nomination the public may see.

A name is published only with the named employee's recorded consent; otherwise the moment
is credited to the unit alone. Every public output (the gallery, the year pages, the Atom
feed, the open-data tables, the own-data export of what a nominator wrote about other
people) turns its rows into ``PublicMoment`` here, and nothing else of a nomination leaves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class PublicMoment:
    """What anyone may read about a golden service moment."""

    nomination_id: int
    unit: str
    #: None unless the employee consented to publication
    employee_name: str | None
    happened_on: date
    story: str
    month: date | None = None
    citation: str | None = None
    published_at: datetime | None = None
    winner_id: int | None = None

    @property
    def credited_to(self) -> str:
        """The name and the unit, or the unit alone."""
        return f"{self.employee_name}, {self.unit}" if self.employee_name else self.unit


def public_name(employee_name: str | None, consent: bool) -> str | None:
    """The employee's name when they consented to its publication, else None."""
    return (employee_name or None) if consent else None


def public_moment(row: object) -> PublicMoment:
    """A row with a nomination's columns (and optionally a winner's) made public.

    ``row`` has ``nomination_id``, ``unit``, ``employee_name``, ``name_consent``,
    ``happened_on``, ``story`` and may have ``month``, ``citation``, ``published_at``,
    ``winner_id`` (the columns of ``queries.public_columns``).
    """
    return PublicMoment(
        nomination_id=row.nomination_id,  # type: ignore[attr-defined]
        unit=row.unit,  # type: ignore[attr-defined]
        employee_name=public_name(row.employee_name, row.name_consent),  # type: ignore[attr-defined]
        happened_on=row.happened_on,  # type: ignore[attr-defined]
        story=row.story,  # type: ignore[attr-defined]
        month=getattr(row, "month", None),
        citation=getattr(row, "citation", None),
        published_at=getattr(row, "published_at", None),
        winner_id=getattr(row, "winner_id", None),
    )
