"""The four public figures of a service, each as a small pygal chart and a table with the
same numbers (both built from the same rows, so they cannot disagree)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.core.charts import distribution_svg
from app.declarations import queries
from app.declarations.labels import REPORT_STATUS_LABELS
from app.declarations.models import Service

Rows = list[tuple[str, int]]


def figure_tables(
    figures: queries.Figures, breakdown: queries.Breakdown
) -> dict[str, tuple[str, Rows]]:
    """name -> (title, [(label, number)]) for kept, reports, in_time and days."""
    return {
        "kept": (_("Ble løftet holdt?"),
                 [(_("Ja"), figures.kept), (_("Nei"), figures.not_kept)]),
        "reports": (_("Avvik etter status"),
                    [(str(REPORT_STATUS_LABELS[s]), n) for s, n in breakdown.statuses]),
        "in_time": (_("Avvik besvart innen fristen"),
                    [(_("I tide"), figures.answered_in_time),
                     (_("For sent eller ikke besvart"), figures.due - figures.answered_in_time)]),
        "days": (_("Virkedager til svar"), breakdown.days),
    }  # fmt: skip


def service_figures(
    session: Session, service: Service
) -> tuple[queries.Figures, dict[str, tuple[str, Rows]]]:
    """A loaded service's figures and their tables: its kept counters and one query."""
    breakdown = queries.report_breakdown(session, service.id)
    figures = queries.figures_of(service, breakdown.late)
    return figures, figure_tables(figures, breakdown)


def chart_svg(session: Session, service: Service, name: str) -> bytes:
    title, rows = service_figures(session, service)[1][name]
    return distribution_svg(title, rows)
