"""Declaration views: public pages and management."""

from __future__ import annotations

from typing import NamedTuple

from flask_babel import get_locale
from markupsafe import Markup, escape

from app.core.focus_areas import FOCUS_AREAS
from app.core.i18n import catalogue
from app.core.templating import format_number
from app.declarations import bp
from app.declarations.forms import CONTENT_LANGUAGE_NAMES
from app.declarations.labels import REPORT_STATUS_LABELS, SECTION_LABELS, VERSION_STATUS_LABELS
from app.declarations.queries import Figures, ServiceRow

#: A row of the list as written: (slug, name, unit, figures, list address, language) ->
#: its HTML. A few hundred services in three languages; emptied should it ever grow past
#: the bound (services renamed or moved many times over in a process's life).
_ROWS: dict[tuple[str, str, str, Figures, str, str], str] = {}
_ROWS_BOUND = 4096
_ROW = (
    '<tr><th scope="row"><a class="ds-link" href="{base}{slug}">{name}</a></th>'
    "<td>{unit}</td>"
    '<td>{c.kept} <span class="ds-paragraph" data-size="sm">({c.answers})</span></td>'
    "<td>{c.reports}</td><td>{c.in_time}</td><td>{c.days}</td></tr>\n"
)


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

    def rows(self, services: list[ServiceRow], base: str) -> Markup:
        """The list's table rows, each written once per (its name, unit and figures,
        language) and process rather than cell by cell in the template for each reader:
        a row changes only when its figures do."""
        out = []
        for s in services:
            key = (s.slug, s.name, s.unit, s.figures, base, self.locale)
            html = _ROWS.get(key)
            if html is None:
                cells = Cells(*(escape(text) for text in self.cells(s.figures)))
                html = _ROW.format(
                    base=escape(base),
                    slug=escape(s.slug),
                    name=escape(s.name),
                    unit=escape(s.unit),
                    c=cells,
                )
                if len(_ROWS) >= _ROWS_BOUND:
                    _ROWS.clear()
                _ROWS[key] = html
            out.append(html)
        return Markup("".join(out))  # noqa: S704 - every part escaped above


@bp.context_processor
def _labels() -> dict[str, object]:
    figures = FigureText()
    return {
        "share": figures.share,
        "days": figures.days,
        "rows": figures.rows,
        "section_labels": SECTION_LABELS,
        "version_status_labels": VERSION_STATUS_LABELS,
        "report_status_labels": REPORT_STATUS_LABELS,
        "language_names_all": CONTENT_LANGUAGE_NAMES,
        "focus_areas": FOCUS_AREAS,
    }


from app.declarations.routes import manage, public  # noqa: E402, F401
