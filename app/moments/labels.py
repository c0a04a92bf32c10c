"""What users read for the golden moments' stable keys."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.moments.models import NominationState

STATE_LABELS = {
    NominationState.unconfirmed: _l("Ikke bekreftet av den som nominerte"),
    NominationState.pending: _l("Venter på behandling"),
    NominationState.approved: _l("Godkjent"),
    NominationState.rejected: _l("Avvist"),
}
