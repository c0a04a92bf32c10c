"""What users read for the proposals domain's stable keys."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.proposals.models import DecisionOutcome, ProposalState

OUTCOME_LABELS = {
    DecisionOutcome.adopted: _l("Vedtatt"),
    DecisionOutcome.partly_adopted: _l("Delvis vedtatt"),
    DecisionOutcome.not_adopted: _l("Ikke vedtatt"),
    DecisionOutcome.not_considered_same_content: _l(
        "Ikke behandlet: samme innhold som en tidligere sak i valgperioden"
    ),
    DecisionOutcome.referred_to_plan_case: _l("Henvist til en pågående plansak"),
}
STATE_LABELS = {
    ProposalState.draft: _l("Utkast"),
    ProposalState.open: _l("Samler underskrifter"),
    ProposalState.submitted: _l("Sendt til kommunestyret"),
    ProposalState.in_review: _l("Til behandling"),
    ProposalState.decided: _l("Vedtak fattet"),
    ProposalState.withdrawn: _l("Trukket"),
    ProposalState.rejected: _l("Avvist"),
    ProposalState.expired: _l("Innsamlingen er avsluttet"),
}
#: The colour of a state's tag (Designsystemet's data-color), on the list and the page
STATE_COLORS = {
    **dict.fromkeys(ProposalState, "accent"),
    ProposalState.open: "info",
    ProposalState.decided: "success",
    ProposalState.rejected: "danger",
    ProposalState.withdrawn: "neutral",
    ProposalState.expired: "neutral",
}
