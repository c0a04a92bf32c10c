"""What users read for the compass's stable keys, and how its numbers are written.

Tables and charts format their numbers with the same functions, so a chart's labels and
the table beside it always say the same.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache

from babel.dates import format_date
from babel.numbers import format_decimal as babel_format_decimal
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.compass.models import MeasureStatus
from app.core.focus_areas import FOCUS_AREA_DESCRIPTIONS, FOCUS_AREAS
from app.core.i18n import catalogue
from app.core.indicators import Direction


def _(message: str, **variables: object) -> str:
    """gettext straight from the request's catalogue (these run many times a page)."""
    text = catalogue().ugettext(message)
    return text % variables if variables else text


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
#: A card's last month against the one before (Card.change), None: too few months
CHANGE_LABELS = {
    "better": _l("Siste måned: bedre enn måneden før"),
    "worse": _l("Siste måned: dårligere enn måneden før"),
    "same": _l("Siste måned: uendret"),
    None: _l("For få måneder til å vise en utvikling"),
}
UNIT_LABELS = {
    "count": _l("antall"),
    "percent": _l("prosent"),
    "days": _l("dager"),
    "per_1000": _l("per 1 000 innbyggere"),
    "score6": _l("skala 1–6"),
}


def formatters() -> dict[str, Callable[..., str]]:
    """How a page writes the compass's numbers, months and values, with the reader's
    language and its texts looked up once: a dashboard writes some hundreds of them (every
    card's table of months), and each (value, language) is formatted by Babel once per
    process. Plain functions, which a template calls more cheaply than bound methods."""
    locale = str(get_locale())
    no_data, not_stated = _("ingen data"), _("ikke oppgitt")
    #: Not yet filled in: "%%" is still to become "%"
    units = {
        "percent": _("%(value)s %%"),
        "days": _("%(value)s dager"),
        "per_1000": _("%(value)s per 1 000"),
        "score6": _("%(value)s av 6"),
    }
    latest = _("De %(shown)s siste av %(total)s oppdateringer:")

    def number(value: float | int) -> str:
        """A number as the reader's language writes it, with at most two decimals."""
        return _number(float(value), locale)

    def month_label(month: date) -> str:
        """ "des. 2026": the same months appear on every card."""
        return _month(month, locale)

    def indicator_value(value: float | int | None, unit: str) -> str:
        """An indicator's value with its unit; None is "no data", never 0."""
        if value is None:
            return no_data
        text = number(value)
        return units[unit] % {"value": text} if unit in units else text

    def percent(value: float | int) -> str:
        return indicator_value(value, "percent")

    def score(value: int | None) -> str:
        """An evaluation score; an unpublished one is "not stated", never 0."""
        return not_stated if value is None else number(value)

    def series_body(series: list[tuple[date, float | None]]) -> Markup:
        """A card's table rows, one month a row (a dashboard has some hundreds): written
        once per (months and values, language) and process, as the months and values of
        a card change once a month."""
        return _series_body(tuple(series), locale, no_data)

    def long_date(day: date) -> str:
        """ "8. desember 2026": the date filter's "long", with the language looked up
        once per page rather than for each of a page's hundreds of dates."""
        return _long_date(day, locale)

    def latest_of(shown: int, total: int) -> str:
        """ "De 3 siste av 6 oppdateringer:" above a measure's log."""
        return latest % {"shown": shown, "total": total}  # type: ignore[no-any-return]

    return {
        "number": number,
        "month_label": month_label,
        "indicator_value": indicator_value,
        "percent": percent,
        "score": score,
        "latest_of": latest_of,
        "series_body": series_body,
        "long_date": long_date,
    }


def number(value: float | int) -> str:
    """A number as the reader's language writes it (charts' labels, beside their tables)."""
    return _number(float(value), str(get_locale()))


def month_label(month: date) -> str:
    return _month(month, str(get_locale()))


@lru_cache(maxsize=4096)
def _number(value: float, locale: str) -> str:
    if value.is_integer():
        return babel_format_decimal(int(value), format="#,##0", locale=locale)
    return babel_format_decimal(value, format="#,##0.##", locale=locale)


_LABELS = {
    "focus_areas": FOCUS_AREAS,
    "area_descriptions": FOCUS_AREA_DESCRIPTIONS,
    "status_labels": STATUS_LABELS,
    "direction_labels": DIRECTION_LABELS,
    "unit_labels": UNIT_LABELS,
    "change_labels": CHANGE_LABELS,
}
_resolved: dict[str, dict[str, dict[object, str]]] = {}


def resolved_labels() -> dict[str, dict[object, str]]:
    """Every label dict above as plain text in the reader's language, built once per process
    and language: a page shows them hundreds of times, and each lazy string would look up
    the catalogue again."""
    locale = str(get_locale())
    found = _resolved.get(locale)
    if found is None:
        found = _resolved[locale] = {
            name: {key: str(label) for key, label in labels.items()}
            for name, labels in _LABELS.items()
        }
    return found


@lru_cache(maxsize=1024)
def _series_body(
    series: tuple[tuple[date, float | None], ...], locale: str, no_data: str
) -> Markup:
    unknown = Markup('<td class="unknown">%s</td>') % no_data
    return Markup("").join(
        Markup('<tr><th scope="row">%s</th>%s</tr>')
        % (
            _month(month, locale),
            unknown
            if value is None
            else Markup('<td class="v">%s</td>') % _number(float(value), locale),
        )
        for month, value in series
    )


@lru_cache(maxsize=2048)
def _long_date(day: date, locale: str) -> str:
    return format_date(day, "long", locale=locale)


@lru_cache(maxsize=512)
def _month(month: date, locale: str) -> str:
    return format_date(month, "MMM yyyy", locale=locale)
