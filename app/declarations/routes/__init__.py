"""Declaration views: public pages and management."""

from __future__ import annotations

from typing import NamedTuple

from flask_babel import get_locale

from app.core.focus_areas import FOCUS_AREAS
from app.core.i18n import catalogue
from app.core.templating import format_number
from app.declarations import bp
from app.declarations.forms import CONTENT_LANGUAGE_NAMES
from app.declarations.labels import REPORT_STATUS_LABELS, SECTION_LABELS, VERSION_STATUS_LABELS
from app.declarations.queries import Figures


class Cells(NamedTuple):
    """One service's figures as the list writes them."""

    kept: str
    answers: str
    reports: str
    in_time: str
    days: str


class FigureText:
    """Writes a page's figures as the reader's language does, with the language and the
    catalogue looked up once per page rather than for each of a list's hundreds of cells."""

    def __init__(self) -> None:
        self.locale = str(get_locale())
        self.comma = self.locale != "en"
        self.catalogue = catalogue()

    def _decimal(self, text: str) -> str:
        return text.replace(".", ",") if self.comma else text

    def share(self, value: float | None) -> str:
        """A percentage: "83,3 %" (nb, nn), "83.3 %" (en); "–" for none."""
        return "–" if value is None else self._decimal(f"{value:.1f} %")

    def days(self, value: float | None) -> str:
        """A median number of days: "4", "4,5" ("4.5" in English); "–" for none."""
        return "–" if value is None else self._decimal(f"{value:g}")

    def answers(self, count: int) -> str:
        """ "12 svar": the feedback a service has had."""
        text = self.catalogue.ungettext("%(count)s svar", "%(count)s svar", count)
        return text % {"count": format_number(count, self.locale)}  # type: ignore[no-any-return]

    def cells(self, figures: Figures) -> Cells:
        """A row of the list: one call per service rather than one per cell."""
        return Cells(
            self.share(figures.kept_share),
            self.answers(figures.feedback),
            format_number(figures.reports, self.locale),
            self.share(figures.in_time_share),
            self.days(figures.median_days),
        )


@bp.context_processor
def _labels() -> dict[str, object]:
    figures = FigureText()
    return {
        "share": figures.share,
        "days": figures.days,
        "cells": figures.cells,
        "section_labels": SECTION_LABELS,
        "version_status_labels": VERSION_STATUS_LABELS,
        "report_status_labels": REPORT_STATUS_LABELS,
        "language_names_all": CONTENT_LANGUAGE_NAMES,
        "focus_areas": FOCUS_AREAS,
    }


from app.declarations.routes import manage, public  # noqa: E402, F401
