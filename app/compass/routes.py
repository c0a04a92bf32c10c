"""Kompass, the public pages: the dashboard, one focus area, the annual report, the charts."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from app.compass import bp, charts, queries, report, services
from app.compass.labels import formatters, month_label, number, resolved_labels
from app.compass.live import dashboard_indicators, trend_months
from app.core.cache import cached_fragment, cached_page
from app.core.charts import CHART_CSP
from app.core.csvfiles import csv_response
from app.core.dates import today
from app.core.focus_areas import FOCUS_AREAS
from app.core.templating import render_shared

FIRST_YEAR = 1990


@bp.context_processor
def _labels() -> dict[str, object]:
    return {
        **resolved_labels(),
        **formatters(),
        "rollup": services.rollup,
        "may_manage": services.can_manage_compass,
        "cache_seconds": current_app.config["COMPASS_CACHE_SECONDS"],
    }


def _area_or_404(area: int) -> int:
    if area not in FOCUS_AREAS:
        abort(404)
    return area


@bp.get("/")
@cached_page()
def index():  # type: ignore[no-untyped-def]
    """The dashboard: evaluations against the target, areas with their indicators, strategies."""
    now = today()
    live = dashboard_indicators(now)
    found = queries.evaluations()
    latest = queries.latest_scored(found)

    def areas() -> str:
        cards = queries.cards(live, queries.series(*trend_months(now)))
        return render_template("compass/_areas.html", latest=latest, cards=cards)

    # The areas' cards (hundreds of numbers) are the same for every reader in a language:
    # rendered once per PAGE_CACHE_SECONDS, and again when the live set or a score changes
    scores = ",".join(str(latest.score_for(n)) for n in FOCUS_AREAS) if latest else ""
    version = f"{live.computed_at.isoformat()}:{latest.year if latest else ''}:{scores}"
    return render_template(
        "compass/index.html",
        live=live,
        evaluations=found,
        latest=latest,
        target=services.current_target(),
        areas=cached_fragment(f"compass.areas:{version}", areas),
        strategies=queries.strategy_progress(),
        year=now.year,
    )


@bp.get("/areas/<int:area>")
@cached_page()
def area(area: int):  # type: ignore[no-untyped-def]
    """Everything about one focus area."""
    _area_or_404(area)
    live = dashboard_indicators(today())
    found = queries.evaluations()
    measures = queries.measures_for_area(area)
    return render_template(
        "compass/area.html",
        area=area,
        live=live,
        evaluations=found,
        scored=any(e.score_for(area) is not None for e in found),
        cards=queries.area_cards(area, live, queries.series(None, None, area)),
        measures=measures,
        measure_articles=_measure_articles(measures, queries.recent_updates(measures)),
        links=queries.area_links(area, live),
    )


#: A measure as an area page writes it: (measure, its log, language) -> HTML. Some hundreds
#: of measures in three languages; emptied should it grow past the bound.
_ARTICLES: dict[tuple[object, ...], Markup] = {}
_ARTICLES_BOUND = 4096


def _measure_articles(
    measures: list[queries.AreaMeasure], logs: dict[int, queries.Log]
) -> list[Markup]:
    """Each measure's article, written once per (measure, log, language) and process: it
    holds nothing of the reader, and an area page shows some fifty of them."""
    locale = str(get_locale())
    out = []
    context: dict[str, object] | None = None
    for m in measures:
        log = logs.get(m.id)
        key = (m, tuple(log.recent) if log else None, log.total if log else 0, locale)
        html = _ARTICLES.get(key)
        if html is None:
            context = context or {**resolved_labels(), **formatters()}
            html = Markup(render_shared("compass/_measure.html", m=m, log=log, **context))  # noqa: S704 - an autoescaped template
            if len(_ARTICLES) >= _ARTICLES_BOUND:
                _ARTICLES.clear()
            _ARTICLES[key] = html
        out.append(html)
    return out


def _year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= today().year:
        abort(404)
    return year


@bp.get("/report/<int:year>")
@cached_page()
def annual_report(year: int):  # type: ignore[no-untyped-def]
    """The printable annual report."""
    return render_template("compass/report.html", **report.build(_year_or_404(year), today()))


@bp.get("/report/<int:year>.csv")
def annual_report_csv(year: int):  # type: ignore[no-untyped-def]
    """The annual report's numbers as CSV."""
    rows = report.csv_rows(report.build(_year_or_404(year), today()))
    return csv_response(f"kompass-{year}.csv", rows)


# --- charts --------------------------------------------------------------------------------

#: The pages' <img> tags give each chart's height, so the layout does not move when it loads
bp.add_app_template_global(charts.bar_height, "compass_bar_height")


def _svg(svg: bytes) -> Response:
    return Response(svg, mimetype="image/svg+xml", headers={"Content-Security-Policy": CHART_CSP})


@bp.get("/charts/history.svg")
def history_chart():  # type: ignore[no-untyped-def]
    """Totals per evaluation with the reference values and the target line."""
    labels, series = queries.history_series(queries.evaluations(), services.current_target())
    return _svg(
        charts.line_svg(
            _("Kommunekompasset: totalpoeng per evaluering"),
            _("Linjediagram over totalpoengene med referanseverdier og mål. Tallene står i "
              "tabellen."),
            labels, series, number, range_=(0, 800),
        )
    )  # fmt: skip


@bp.get("/charts/areas.svg")
def areas_chart():  # type: ignore[no-untyped-def]
    """The latest published per-area scores (areas not published are left out)."""
    latest = queries.latest_scored(queries.evaluations())
    if latest is None:
        abort(404)
    bars = [(f"{n}. {name}", latest.score_for(n)) for n, name in FOCUS_AREAS.items()]
    return _svg(
        charts.bar_svg(
            _("Poeng per fokusområde %(year)s", year=latest.year),
            _("Søylediagram over poengene per fokusområde. Områder som ikke er oppgitt, er "
              "ikke tegnet. Tallene står i tabellen."),
            bars, number, range_=(0, 100),
        )
    )  # fmt: skip


@bp.get("/charts/areas/<int:area>.svg")
def area_chart(area: int):  # type: ignore[no-untyped-def]
    """One area's score per evaluation (a gap where it was not published)."""
    _area_or_404(area)
    found = queries.evaluations()
    return _svg(
        charts.line_svg(
            _("Poeng for område %(n)s per evaluering", n=area),
            _("Linjediagram over områdets poeng. Evalueringer der området ikke er oppgitt, "
              "har ikke noe punkt. Tallene står i tabellen."),
            [str(e.year) for e in found],
            [(str(FOCUS_AREAS[area]), [e.score_for(area) for e in found])],
            number, range_=(0, 100),
        )
    )  # fmt: skip


@bp.get("/charts/strategies.svg")
def strategies_chart():  # type: ignore[no-untyped-def]
    """Each sub-strategy's progress, rolled up from its measures."""
    bars = [(s.title, s.progress) for s in queries.strategy_progress()]
    return _svg(
        charts.bar_svg(
            _("Fremdrift per delstrategi (prosent)"),
            _("Søylediagram over fremdriften i hver delstrategi. Tallene står i tabellen."),
            bars, number, range_=(0, 100),
        )
    )  # fmt: skip


@bp.get("/charts/indicator.svg")
def indicator_chart():  # type: ignore[no-untyped-def]
    """One indicator per month: the last 24 months, or (full=1) its whole history."""
    key = request.args.get("key", "")
    full = request.args.get("full") == "1"
    points = queries.indicator_series(key, None if full else trend_months(today()))
    label = queries.indicator_label(key, dashboard_indicators(today()))
    if label is None:
        abort(404)
    label = str(label)
    return _svg(
        charts.line_svg(
            label,
            _("Linjediagram over indikatoren per måned. Måneder uten data har ikke noe punkt. "
              "Tallene står i tabellen."),
            [month_label(m) for m, _v in points],
            [(label, [v for _m, v in points])],
            number, small=not full,
        )
    )  # fmt: skip
