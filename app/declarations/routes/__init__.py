"""Declaration views: public pages and management."""

from __future__ import annotations

from flask_babel import get_locale

from app.core.focus_areas import FOCUS_AREAS
from app.declarations import bp
from app.declarations.forms import CONTENT_LANGUAGE_NAMES
from app.declarations.labels import REPORT_STATUS_LABELS, SECTION_LABELS, VERSION_STATUS_LABELS


def share(value: float | None) -> str:
    """A percentage as the reader writes it: "83,3 %" (nb, nn), "83.3 %" (en); "–" for none."""
    if value is None:
        return "–"
    text = f"{value:.1f} %"
    return text if str(get_locale()) == "en" else text.replace(".", ",")


def days(value: float | None) -> str:
    """A median number of days: "4", "4,5" ("4.5" in English); "–" for none."""
    if value is None:
        return "–"
    text = f"{value:g}"
    return text if str(get_locale()) == "en" else text.replace(".", ",")


@bp.context_processor
def _labels() -> dict[str, object]:
    return {
        "share": share,
        "days": days,
        "section_labels": SECTION_LABELS,
        "version_status_labels": VERSION_STATUS_LABELS,
        "report_status_labels": REPORT_STATUS_LABELS,
        "language_names_all": CONTENT_LANGUAGE_NAMES,
        "focus_areas": FOCUS_AREAS,
    }


from app.declarations.routes import manage, public  # noqa: E402, F401
