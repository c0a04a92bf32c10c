"""Røros demo proposals: one or more in every state (idempotent)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.auth.models import User
from app.core import dates
from app.core.demo import SEEDERS
from app.extensions import db
from app.proposals import rules
from app.proposals.models import DecisionOutcome, PaperBatch, Proposal, ProposalState, Signature

S = ProposalState

DEMO = [
    # title, summary, topic, area, state, days since opened, paper signatures
    ("Trygg sykkelvei fra sentrum til Røros skole",
     "Bygg en sammenhengende, opplyst sykkelvei fra Bergmannsgata til skolen.",
     "Trafikk", 8, S.open, 20, 61),
    ("Gratis leie av gymsalen for lag og foreninger",
     "La frivillige lag låne gymsalene gratis på kveldstid og i helgene.",
     "Frivillighet", 1, S.open, 75, 118),
    ("Flere benker og toaletter langs Malmplassen",
     "Sett ut benker og et offentlig toalett ved Malmplassen og Slegghaugan.",
     "Byrom", 2, S.submitted, 260, 140),
    ("Kommunal badstu ved Hyttsjøen",
     "Bygg en enkel badstu ved Hyttsjøen som alle kan bruke mot en liten avgift.",
     "Friluftsliv", 8, S.in_review, 120, 131),
    ("Skatebane ved Røros skole",
     "Bygg en betong-skatebane ved skolen, planlagt sammen med ungdommene.",
     "Ungdom", 8, S.decided, 330, 160),
    ("Nattbuss fra Røros til Tynset i helgene",
     "Sett opp en nattbuss fredag og lørdag for ungdom som er på byen i Tynset.",
     "Trafikk", 8, S.expired, 400, 37),
    ("Flytt julemarkedet til Kjerkgata",
     "Julemarkedet bør ligge i Kjerkgata, ikke på Torget.",
     "Kultur", 1, S.withdrawn, 90, 4),
    ("Forby alle biler i sentrum hele året",
     "Ingen biler i sentrum, heller ikke for dem som bor der.",
     "Trafikk", 8, S.rejected, 40, 0),
]  # fmt: skip
BODY = (
    "## Hvorfor\n\nMange innbyggere har tatt dette opp på folkemøter og i sosiale medier. "
    "Forslaget er utarbeidet sammen med naboer og lag i kommunen.\n\n"
    "## Hva vi ber om\n\n- at kommunen utreder saken\n- at innbyggerne tas med i arbeidet\n"
)


def seed_proposals() -> Iterator[str]:
    author = db.session.scalar(sa.select(User).where(User.email == "innbygger@roros.example"))
    if author is None:
        return
    now = datetime.now(UTC)
    for title, summary, topic, area, state, age, paper in DEMO:
        if db.session.scalar(sa.select(Proposal.id).where(Proposal.title == title)):
            continue
        opened = now - timedelta(days=age)
        proposal = Proposal(
            title=title, summary=summary, body=BODY, topic=topic, focus_area=area,
            author_id=author.id, state=state, created_at=opened - timedelta(days=3),
            opened_at=opened, campaign_ends_on=dates.add_months(dates.oslo_date(opened), 6),
            paper_count=paper, signature_count=1,
        )  # fmt: skip
        db.session.add(proposal)
        db.session.flush()
        db.session.add(
            Signature(proposal_id=proposal.id, user_id=author.id, full_name=author.name,
                      postal_code=author.postal_code or "7374", created_at=opened)
        )  # fmt: skip
        if paper:
            db.session.add(PaperBatch(proposal_id=proposal.id, count=paper,
                                      received_on=dates.oslo_date(opened) + timedelta(days=10),
                                      note="Samlet inn på biblioteket"))  # fmt: skip
        _finish(proposal, state, opened)
        yield f"Proposal: {title} ({state.value})."


def _finish(proposal: Proposal, state: ProposalState, opened: datetime) -> None:
    total = proposal.total_signatures
    if total >= 114:
        proposal.threshold_reached_at = opened + timedelta(days=30)
    if state in (S.submitted, S.in_review, S.decided):
        proposal.submitted_at = opened + timedelta(days=40)
        proposal.obliged = total >= 114
        proposal.decision_due_on = (
            rules.decision_deadline(proposal.submitted_at) if proposal.obliged else None
        )
    if state == S.in_review:
        proposal.review_started_at = proposal.submitted_at + timedelta(days=7)
    if state == S.decided:
        proposal.decided_on = dates.oslo_date(proposal.submitted_at) + timedelta(days=120)
        proposal.outcome = DecisionOutcome.adopted
        proposal.case_reference = "K-sak 41/26"
        proposal.answer = (
            "Kommunestyret vedtok forslaget. Skatebanen bygges sommeren 2027, og "
            "ungdomsrådet deltar i planleggingen."
        )
    if state in (S.withdrawn, S.rejected):
        proposal.closed_at = opened + timedelta(days=14)
    if state == S.rejected:
        proposal.closed_reason = (
            "Forslaget er avvist fordi det krever tiltak som ligger utenfor kommunens "
            "myndighet og bryter vilkårene for bruk."
        )


SEEDERS.append(seed_proposals)
