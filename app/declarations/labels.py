"""What users read for the declarations domain's stable keys."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.declarations.models import ReportStatus, VersionStatus

SECTION_LABELS = {
    "about": _l("Tjenesten"),
    "audience": _l("Hvem tjenesten er for"),
    "promises": _l("Hva du kan forvente"),
    "expectations": _l("Hva vi forventer av deg"),
    "price": _l("Pris"),
    "complaints": _l("Klageadgang"),
    "contact": _l("Kontakt"),
}
VERSION_STATUS_LABELS = {
    VersionStatus.draft: _l("Utkast"),
    VersionStatus.submitted: _l("Sendt til publisering"),
    VersionStatus.published: _l("Gjeldende"),
    VersionStatus.superseded: _l("Erstattet"),
}
REPORT_STATUS_LABELS = {
    ReportStatus.new: _l("Ny"),
    ReportStatus.acknowledged: _l("Mottatt"),
    ReportStatus.answered: _l("Besvart"),
    ReportStatus.closed: _l("Lukket"),
}
