"""Declaration views: public pages and management."""

from __future__ import annotations

from app.core.focus_areas import FOCUS_AREAS
from app.declarations import bp
from app.declarations.forms import CONTENT_LANGUAGE_NAMES
from app.declarations.labels import REPORT_STATUS_LABELS, SECTION_LABELS, VERSION_STATUS_LABELS


@bp.context_processor
def _labels() -> dict[str, object]:
    return {
        "section_labels": SECTION_LABELS,
        "version_status_labels": VERSION_STATUS_LABELS,
        "report_status_labels": REPORT_STATUS_LABELS,
        "language_names_all": CONTENT_LANGUAGE_NAMES,
        "focus_areas": FOCUS_AREAS,
    }


from app.declarations.routes import manage, public  # noqa: E402, F401
