"""What users read for the compass's stable keys, and how its numbers are written.

Tables and charts format their numbers with the same functions, so a chart's labels and
the table beside it always say the same.
"""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.compass.models import MeasureStatus
from app.core.indicators import Direction

STATUS_LABELS = {
    MeasureStatus.planned: _l("Planlagt"),
    MeasureStatus.in_progress: _l("Pågår"),
    MeasureStatus.done: _l("Gjennomført"),
    MeasureStatus.cancelled: _l("Avlyst"),
}
DIRECTION_LABELS = {
    Direction.higher_is_better: _l("Høyere er bedre"),
    Direction.lower_is_better: _l("Lavere er bedre"),
}
UNIT_LABELS = {
    "count": _l("antall"),
    "percent": _l("prosent"),
    "days": _l("dager"),
    "per_1000": _l("per 1 000 innbyggere"),
    "score6": _l("skala 1–6"),
}


def number(value: float | int) -> str:
    """A number as the reader's language writes it, with at most two decimals."""
    if float(value).is_integer():
        return format_decimal(int(value), format="#,##0")
    return format_decimal(value, format="#,##0.##")


def indicator_value(value: float | int | None, unit: str) -> str:
    """An indicator's value with its unit; None is "no data", never 0."""
    if value is None:
        return _("ingen data")
    text = number(value)
    if unit == "percent":
        return _("%(value)s %%", value=text)
    if unit == "days":
        return _("%(value)s dager", value=text)
    if unit == "per_1000":
        return _("%(value)s per 1 000", value=text)
    if unit == "score6":
        return _("%(value)s av 6", value=text)
    return text


def score(value: int | None) -> str:
    """An evaluation score; an unpublished one is "not stated", never 0."""
    return _("ikke oppgitt") if value is None else number(value)
