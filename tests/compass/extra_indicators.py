"""A domain merged later, as the registry sees it: a module with ``indicators()``. The
tests add its path to the registry to show that one line is all a new domain needs."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.core.indicators import Direction, Indicator


def indicators(session: Session, start: date, end: date) -> list[Indicator]:
    days = (end - start).days
    return [
        Indicator("extra.days_in_period", 6, _l("Dager i perioden"), days, "days",
                  Direction.lower_is_better),
        Indicator("extra.nothing", 6, _l("Ingenting å måle"), None, "percent"),
    ]  # fmt: skip


def open_data_tables(session: Session) -> list[dict]:
    return [
        {"name": "extra_numbers", "description": "Numbers from a domain added later.",
         "pk": "n", "fts": ["word"],
         "rows": ({"n": n, "word": f"ord{n}", "half": None if n < 3 else n / 2}
                  for n in range(1, 6))},
    ]  # fmt: skip
