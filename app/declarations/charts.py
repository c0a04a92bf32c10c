"""The four public figures of a service, each as a small pygal chart and a table with the
same numbers (both built from the same rows, so they cannot disagree)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.declarations import queries
from app.declarations.labels import REPORT_STATUS_LABELS
from app.panel.charts import distribution_svg

Rows = list[tuple[str, int]]


def figure_tables(
    session: Session, service_id: int, figures: queries.Figures | None = None
) -> dict[str, tuple[str, Rows]]:
    """name -> (title, [(label, number)]) for kept, reports, in_time and days."""
    if figures is None:
        figures = queries.figures_by_service(session, [service_id]).get(
            service_id, queries.Figures()
        )
    statuses = queries.report_status_counts(session, service_id)
    return {
        "kept": (_("Ble løftet holdt?"),
                 [(_("Ja"), figures.kept), (_("Nei"), figures.not_kept)]),
        "reports": (_("Avvik etter status"),
                    [(str(REPORT_STATUS_LABELS[s]), n) for s, n in statuses]),
        "in_time": (_("Avvik besvart innen fristen"),
                    [(_("I tide"), figures.answered_in_time),
                     (_("For sent eller ikke besvart"), figures.due - figures.answered_in_time)]),
        "days": (_("Virkedager til svar"), queries.answer_day_distribution(session, service_id)),
    }  # fmt: skip


def chart_svg(session: Session, service_id: int, name: str) -> bytes:
    title, rows = figure_tables(session, service_id)[name]
    return distribution_svg(title, rows)
