"""Proposals: the write side. Each function enforces one rule of § 12-1 and flushes."""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from app.auth.models import User, active_holders
from app.core import dates
from app.core.audit import audit
from app.core.db import utcnow
from app.core.links import absolute_url
from app.core.mail import queue_mail
from app.core.permissions import Role, can_participate
from app.core.settings import Settings, get_settings
from app.extensions import db
from app.proposals import queries, rules
from app.proposals.labels import OUTCOME_LABELS
from app.proposals.models import (
    Comment,
    CommentReport,
    DecisionOutcome,
    Follow,
    PaperBatch,
    Proposal,
    ProposalState,
    Signature,
)

#: States in which the council has the proposal and has not decided
AWAITING_DECISION = (ProposalState.submitted, ProposalState.in_review)
#: States in which signatures may be struck: before the proposal is submitted
STRIKABLE = (ProposalState.open, ProposalState.expired)
#: States from which the initiator may still withdraw
WITHDRAWABLE = (
    ProposalState.draft,
    ProposalState.open,
    ProposalState.expired,
    *AWAITING_DECISION,
)


class ProposalError(Exception):
    """A rule was broken; the message is for the user."""


def threshold(settings: Settings | None = None) -> int:
    settings = settings or get_settings()
    return rules.signature_threshold(settings.population, settings.kind)


def is_overdue(proposal: Proposal, on: date | None = None) -> bool:
    """Obliged, submitted, not decided, and past the six-month deadline."""
    return bool(
        proposal.obliged
        and proposal.state in AWAITING_DECISION
        and proposal.decision_due_on is not None
        and proposal.decision_due_on < (on or dates.today())
    )


def campaign_running(proposal: Proposal, on: date | None = None) -> bool:
    return proposal.state == ProposalState.open and (
        proposal.campaign_ends_on is None or (on or dates.today()) <= proposal.campaign_ends_on
    )


def others_have_signed(proposal: Proposal) -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.exists().where(
                Signature.proposal_id == proposal.id,
                Signature.user_id.is_distinct_from(proposal.author_id),
            ))
        )
    ) or proposal.paper_count > 0  # fmt: skip


def missing_for_signing(user: Any) -> list[str]:
    """What ``user`` must fix before signing, in words for them (empty: may sign)."""
    if not user.is_authenticated:
        return [str(_l("Du må logge inn."))]
    missing = []
    if not can_participate(user):
        missing.append(str(_l("Du må bekrefte e-postadressen din.")))
    if not (user.name or "").strip():
        missing.append(str(_l("Du må fylle inn fullt navn.")))
    postal_codes = get_settings().postal_codes
    if not user.postal_code:
        missing.append(str(_l("Du må fylle inn postnummeret ditt.")))
    elif user.postal_code not in postal_codes:
        missing.append(
            str(_l("Postnummeret %(code)s er ikke i kommunen. Bare innbyggere kan skrive under.",
                   code=user.postal_code))
        )  # fmt: skip
    return missing


def create_proposal(actor: User, **fields: Any) -> Proposal:
    """A new draft by ``actor``."""
    if not can_participate(actor):
        raise ProposalError(_l("Du må bekrefte e-postadressen din før du kan fremme forslag."))
    proposal = Proposal(author_id=actor.id, state=ProposalState.draft, **_clean(fields))
    db.session.add(proposal)
    db.session.flush()
    return proposal


def update_proposal(actor: User, proposal: Proposal, **fields: Any) -> None:
    """Change the text while no one but the initiator has signed. A change raises the
    version, so a signer whose page showed the old text is refused (see ``sign``)."""
    if proposal.author_id != actor.id:
        raise ProposalError(_l("Bare den som fremmet forslaget kan endre det."))
    changes = {k: v for k, v in _clean(fields).items() if getattr(proposal, k) != v}
    if changes:
        _raise_version(proposal)
    if proposal.state not in (ProposalState.draft, ProposalState.open):
        raise ProposalError(_l("Forslaget kan ikke endres lenger."))
    if proposal.state == ProposalState.open and others_have_signed(proposal):
        raise ProposalError(_l("Forslaget kan ikke endres etter at andre har skrevet under."))
    for key, value in changes.items():
        setattr(proposal, key, value)
    db.session.flush()


def _raise_version(proposal: Proposal) -> None:
    """Raise the version first, then read the proposal again: the UPDATE holds the row's
    lock until the commit (on PostgreSQL a row lock, as FOR UPDATE takes; on SQLite the
    write lock, which a SELECT … FOR UPDATE there would not take). A signature's counter
    UPDATE needs the same row, so edit and signature cannot interleave: a signer behind
    the edit is refused for the old version, and an edit behind a signature sees it."""
    db.session.execute(
        sa.update(Proposal)
        .where(Proposal.id == proposal.id)
        .values(version=Proposal.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(proposal)


def open_proposal(actor: User, proposal: Proposal, campaign_ends_on: date) -> None:
    """Publish a draft for signatures until ``campaign_ends_on`` (at most 12 months)."""
    if proposal.author_id != actor.id or proposal.state != ProposalState.draft:
        raise ProposalError(_l("Bare et utkast kan åpnes, og bare av den som skrev det."))
    today = dates.today()
    if not today < campaign_ends_on <= rules.latest_campaign_end(today):
        raise ProposalError(_l("Innsamlingen må slutte etter i dag og senest om tolv måneder."))
    proposal.state = ProposalState.open
    proposal.opened_at = utcnow()
    proposal.campaign_ends_on = campaign_ends_on
    db.session.flush()


class ProposalNotFound(ProposalError):
    """No such proposal, or one the reader may not see (someone else's draft)."""


class NotReadyToSign(ProposalError):
    """The signer must fix their account first (missing_for_signing says what)."""


class AlreadySigned(ProposalError):
    """This person has signed the proposal already (the unique constraint says so)."""


class TextChanged(ProposalError):
    """The text was changed after the signer's page showed it: they must read it again."""


ALREADY_SIGNED = _l("Du har allerede skrevet under på dette forslaget.")


@functools.cache
def _count_statement() -> sa.Update:
    """Raise the counter of a proposal whose campaign is running and whose text is the
    version signed; the counts come back."""
    proposals = Proposal.__table__
    return (
        sa.update(proposals)
        .where(
            proposals.c.id == sa.bindparam("proposal"),
            # the text the signer's page showed (NULL, when the form had none, is no text)
            proposals.c.version == sa.bindparam("signed_version"),
            proposals.c.state == ProposalState.open.value,
            sa.or_(
                proposals.c.campaign_ends_on.is_(None),
                proposals.c.campaign_ends_on >= sa.bindparam("today"),
            ),
        )
        .values(signature_count=proposals.c.signature_count + 1)
        .returning(
            proposals.c.signature_count,
            proposals.c.paper_count,
            proposals.c.threshold_reached_at,
        )
    )


def sign(actor: User, proposal_id: int, version: int | None, notify: bool = False) -> int:
    """One signature per resident, on the text of ``version`` (what the signer's page
    showed); the counter is raised in the same transaction. Returns the signature's id.

    It takes the proposal's id rather than a loaded proposal: the counter's UPDATE (whose
    WHERE is the rule that the campaign runs and the text is the one signed) and the
    INSERT are all a signature needs, and the proposal is loaded only to explain a
    refusal. A second signature is refused by the unique constraint (AlreadySigned); a
    refusal raises, and the caller's rollback takes the counter back with it."""
    missing = missing_for_signing(actor)
    if missing:
        raise NotReadyToSign(" ".join(missing))
    counts = db.session.execute(
        _count_statement(),
        {"proposal": proposal_id, "signed_version": version, "today": dates.today()},
    ).first()
    if counts is None:
        raise _not_counted(actor, proposal_id)
    fields = dict(
        proposal_id=proposal_id,
        user_id=actor.id,
        full_name=actor.name.strip(),
        postal_code=actor.postal_code,
        birth_year=actor.birth_year,
        notify=notify,
        created_at=utcnow(),
    )
    # A Core insert on the table, like the counter's UPDATE: the row is not wanted as an
    # object, and the ORM's bulk-insert path cost about 0.3 ms of a signature's 3.7 ms
    table = Signature.__table__
    try:
        signature_id = db.session.scalar(sa.insert(table).returning(table.c.id), fields)
    except sa.exc.IntegrityError as error:
        raise AlreadySigned(ALREADY_SIGNED) from error
    signatures, paper, reached = counts
    loaded = db.session.identity_map.get(identity_key(Proposal, proposal_id))
    if loaded is not None:  # a proposal the caller holds shows the new count
        set_committed_value(loaded, "signature_count", signatures)
    if reached is None and signatures + paper >= threshold():
        _threshold_reached(loaded or db.session.get(Proposal, proposal_id))
    return signature_id  # type: ignore[no-any-return]


def _not_counted(actor: User, proposal_id: int) -> ProposalError:
    """Why the counter's UPDATE matched no row: no proposal the signer may see, no
    campaign running, signed already, or the text changed since the signer's page."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or (not proposal.public and proposal.author_id != actor.id):
        return ProposalNotFound()
    if not campaign_running(proposal):
        return ProposalError(_l("Forslaget samler ikke inn underskrifter nå."))
    if db.session.scalar(queries.own_signature(proposal_id, actor.id)) is not None:
        return AlreadySigned(ALREADY_SIGNED)
    return TextChanged(
        _l(
            "Forslaget er endret etter at du åpnet siden, så underskriften er ikke registrert. "
            "Les teksten slik den er nå, og skriv under igjen hvis du fortsatt støtter den."
        )
    )


def withdraw_signature(actor: User, proposal: Proposal) -> None:
    """A signer takes their signature back while the proposal is open."""
    if proposal.state != ProposalState.open:
        raise ProposalError(_l("Underskriften kan bare trekkes mens forslaget er åpent."))
    signature = db.session.scalar(queries.own_signature(proposal.id, actor.id))
    if signature is None:
        raise ProposalError(_l("Du har ikke skrevet under på dette forslaget."))
    counted = signature.struck_at is None
    db.session.delete(signature)
    db.session.flush()
    if counted:
        count_signatures(proposal, signatures=-1)


def strike_signature(actor: User, signature: Signature, reason: str) -> None:
    """The initiator or the committee strikes a signature (a non-resident, say)."""
    proposal = db.session.get(Proposal, signature.proposal_id)
    if not can_manage_signatures(actor, proposal):
        raise ProposalError(_l("Du kan ikke stryke underskrifter på dette forslaget."))
    if proposal.state not in STRIKABLE:
        raise ProposalError(_l("Underskrifter kan bare strykes før forslaget sendes inn."))
    if signature.struck_at is not None:
        return
    if not reason.strip():
        raise ProposalError(_l("Skriv hvorfor underskriften strykes."))
    signature.struck_at = utcnow()
    signature.struck_reason = reason.strip()
    count_signatures(proposal, signatures=-1)
    audit(actor, "signature.struck", proposal, {"signature": signature.id, "reason": reason})


def add_paper_batch(
    actor: User, proposal: Proposal, count: int, received_on: date, note: str | None
) -> PaperBatch:
    """The committee registers a counted batch of paper signatures."""
    if proposal.state not in (ProposalState.open, ProposalState.expired, *AWAITING_DECISION):
        raise ProposalError(_l("Papirunderskrifter kan ikke registreres på dette forslaget."))
    batch = PaperBatch(proposal_id=proposal.id, count=count, received_on=received_on,
                       note=note or None, registered_by_id=actor.id)  # fmt: skip
    db.session.add(batch)
    db.session.flush()
    count_signatures(proposal, paper=count)
    audit(actor, "signature.paper_batch", proposal, {"count": count})
    return batch


def submit(actor: User, proposal: Proposal) -> None:
    """The initiator hands the proposal to the council (fremme)."""
    if proposal.author_id != actor.id:
        raise ProposalError(_l("Bare den som fremmet forslaget kan sende det inn."))
    if proposal.state not in (ProposalState.open, ProposalState.expired):
        raise ProposalError(_l("Forslaget kan ikke sendes inn nå."))
    proposal.state = ProposalState.submitted
    proposal.submitted_at = utcnow()
    proposal.obliged = proposal.total_signatures >= threshold()
    proposal.decision_due_on = (
        rules.decision_deadline(proposal.submitted_at) if proposal.obliged else None
    )
    db.session.flush()
    _mail_committee(proposal, "proposal_submitted_committee")
    _mail_signers(proposal, "proposal_submitted")


def start_review(actor: User, proposal: Proposal) -> None:
    if proposal.state != ProposalState.submitted:
        raise ProposalError(_l("Bare innsendte forslag kan tas til behandling."))
    proposal.state = ProposalState.in_review
    proposal.review_started_at = utcnow()
    audit(actor, "proposal.review_started", proposal)


def decide(
    actor: User,
    proposal: Proposal,
    outcome: DecisionOutcome,
    decided_on: date,
    case_reference: str,
    answer: str,
    same_as: Proposal | None = None,
    same_as_case: str | None = None,
) -> None:
    """Record the council's decision; the initiator and the signers who asked are told."""
    if proposal.state not in AWAITING_DECISION:
        raise ProposalError(_l("Bare forslag som er sendt inn kan få et vedtak."))
    if decided_on > dates.today():
        raise ProposalError(_l("Vedtaksdatoen kan ikke være fram i tid."))
    if outcome == DecisionOutcome.not_considered_same_content:
        _check_same_content(proposal, same_as, same_as_case)
    proposal.state = ProposalState.decided
    proposal.outcome = outcome
    proposal.decided_on = decided_on
    proposal.case_reference = case_reference.strip()
    proposal.answer = answer
    same_content = outcome == DecisionOutcome.not_considered_same_content
    proposal.same_as_id = same_as.id if same_as and same_content else None
    proposal.same_as_case = ((same_as_case or "").strip() or None) if same_content else None
    if outcome == DecisionOutcome.referred_to_plan_case:
        proposal.decision_due_on = None  # the six-month deadline does not apply
    db.session.flush()
    audit(actor, "proposal.decided", proposal,
          {"outcome": outcome.value, "case": proposal.case_reference})  # fmt: skip
    _mail_signers(proposal, "proposal_decided", include_author=True)


def reject(actor: User, proposal: Proposal, reason: str) -> None:
    """Moderation: the proposal breaks the terms of use; the reason is public."""
    if proposal.state in (ProposalState.decided, ProposalState.withdrawn, ProposalState.rejected):
        raise ProposalError(_l("Forslaget er allerede avsluttet."))
    if not reason.strip():
        raise ProposalError(_l("Skriv en begrunnelse som kan vises offentlig."))
    proposal.state = ProposalState.rejected
    proposal.closed_reason = reason.strip()
    proposal.closed_at = utcnow()
    audit(actor, "proposal.rejected", proposal, {"reason": reason.strip()})
    db.session.flush()


def withdraw(actor: User, proposal: Proposal) -> None:
    """The initiator withdraws the proposal, at any time before the decision."""
    if proposal.author_id != actor.id:
        raise ProposalError(_l("Bare den som fremmet forslaget kan trekke det."))
    if proposal.state not in WITHDRAWABLE:
        raise ProposalError(_l("Forslaget kan ikke trekkes nå."))
    proposal.state = ProposalState.withdrawn
    proposal.closed_at = utcnow()
    db.session.flush()


def expire_campaigns(on: date | None = None) -> int:
    """Open proposals whose campaign has ended become expired (the initiator may submit)."""
    result = db.session.execute(
        sa.update(Proposal)
        .where(
            Proposal.state == ProposalState.open, Proposal.campaign_ends_on < (on or dates.today())
        )
        .values(state=ProposalState.expired)
    )
    return result.rowcount  # type: ignore[attr-defined]


def can_manage_signatures(user: Any, proposal: Proposal | None) -> bool:
    return bool(
        proposal is not None
        and user.is_authenticated
        and (proposal.author_id == user.id or user.has_role(Role.committee, Role.admin))
    )


def can_strike_signatures(user: Any, proposal: Proposal | None) -> bool:
    """May strike signatures now: the initiator or the committee, before submission."""
    return bool(
        proposal is not None
        and proposal.state in STRIKABLE
        and can_manage_signatures(user, proposal)
    )


def can_read_text(user: Any, proposal: Proposal) -> bool:
    """The text (summary, body, comments) of a proposal rejected by moderation is withdrawn
    from view: only its initiator and the committee still read it."""
    return proposal.state != ProposalState.rejected or can_manage_signatures(user, proposal)


def _check_same_content(proposal: Proposal, same_as: Proposal | None, case: str | None) -> None:
    """The earlier proposal (or case) must be from the current electoral period."""
    if same_as is None and not (case or "").strip():
        raise ProposalError(
            _l("Oppgi det tidligere forslaget eller saksnummeret med samme innhold.")
        )
    if same_as is not None:
        settings = get_settings()
        when = same_as.submitted_at or same_as.opened_at
        if (
            same_as.id == proposal.id
            or when is None
            or not (
                settings.electoral_period_start
                <= dates.oslo_date(when)
                <= settings.electoral_period_end
            )
        ):
            raise ProposalError(_l("Det tidligere forslaget må være fra inneværende valgperiode."))


def count_signatures(proposal: Proposal, signatures: int = 0, paper: int = 0) -> None:
    """Move the counters in the database (safe with concurrent signers), then check the
    threshold and tell the initiator the first time it is reached."""
    counts = db.session.execute(
        sa.update(Proposal)
        .where(Proposal.id == proposal.id)
        .values(
            signature_count=Proposal.signature_count + signatures,
            paper_count=Proposal.paper_count + paper,
        )
        .returning(Proposal.signature_count, Proposal.paper_count)
        .execution_options(synchronize_session=False)
    ).one()
    set_committed_value(proposal, "signature_count", counts.signature_count)
    set_committed_value(proposal, "paper_count", counts.paper_count)
    if proposal.threshold_reached_at is None and proposal.total_signatures >= threshold():
        _threshold_reached(proposal)


def _threshold_reached(proposal: Proposal) -> None:
    """Stamp the moment the threshold was first reached and tell the initiator, once."""
    claimed = db.session.execute(
        sa.update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.threshold_reached_at.is_(None))
        .values(threshold_reached_at=utcnow())
    )
    db.session.refresh(proposal, ["threshold_reached_at"])
    if claimed.rowcount == 1 and proposal.author is not None:  # type: ignore[attr-defined]
        _mail(proposal.author, proposal, "proposal_threshold")


def _mail(user: User, proposal: Proposal, template: str) -> None:
    queue_mail(user.email, template, user.language or "nb", user=user, proposal=proposal,
               outcome_labels=OUTCOME_LABELS,
               link=absolute_url("proposals.detail", proposal_id=proposal.id))  # fmt: skip


def _mail_signers(proposal: Proposal, template: str, include_author: bool = False) -> None:
    """Signers who asked to be told, followers, and, when asked for, the initiator."""
    signers = (
        sa.select(Signature.user_id)
        .where(Signature.proposal_id == proposal.id, Signature.notify.is_(True),
               Signature.struck_at.is_(None))
    )  # fmt: skip
    followers = sa.select(Follow.user_id).where(Follow.proposal_id == proposal.id)
    users = db.session.scalars(
        sa.select(User).where(
            User.active.is_(True), sa.or_(User.id.in_(signers), User.id.in_(followers))
        )
    ).all()
    recipients = {u.id: u for u in users}
    if include_author and proposal.author is not None:
        recipients[proposal.author.id] = proposal.author
    for user in recipients.values():
        _mail(user, proposal, template)


def _mail_committee(proposal: Proposal, template: str) -> None:
    for user in active_holders(Role.committee):
        _mail(user, proposal, template)


#: What a signer reads on the page and signs; what the initiator may change (a change
#: raises the version)
SIGNED_TEXT = ("title", "summary", "body", "focus_area", "topic")


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = {k: v for k, v in fields.items() if k in SIGNED_TEXT}
    if "topic" in cleaned:
        cleaned["topic"] = (cleaned["topic"] or "").strip() or None
    return cleaned


COMMENTABLE = (ProposalState.open, ProposalState.expired, *AWAITING_DECISION, ProposalState.decided)


def add_comment(actor: User, proposal: Proposal, body: str) -> Comment:
    """A confirmed resident comments on a public proposal."""
    if not can_participate(actor):
        raise ProposalError(_l("Du må bekrefte e-postadressen din før du kan kommentere."))
    if proposal.state not in COMMENTABLE:
        raise ProposalError(_l("Forslaget er ikke åpent for kommentarer."))
    comment = Comment(proposal_id=proposal.id, author_id=actor.id, body=body)
    db.session.add(comment)
    db.session.flush()
    return comment


def report_comment(actor: User, comment: Comment, reason: str | None) -> bool:
    """Anyone logged in reports a comment once; returns False if already reported by them."""
    if db.session.scalar(
        sa.select(CommentReport.id).where(
            CommentReport.comment_id == comment.id, CommentReport.reporter_id == actor.id
        )
    ):
        return False
    db.session.add(CommentReport(comment_id=comment.id, reporter_id=actor.id, reason=reason))
    comment.open_reports += 1
    db.session.flush()
    return True


def hide_comment(actor: User, comment: Comment, reason: str) -> None:
    """A moderator hides a comment, with a reason shown in its place."""
    comment.hidden_at = utcnow()
    comment.hidden_reason = reason
    comment.open_reports = 0
    audit(actor, "comment.hidden", comment, {"reason": reason})


def restore_comment(actor: User, comment: Comment, reason: str) -> None:
    """A moderator shows a hidden (or reported) comment again."""
    comment.hidden_at = None
    comment.hidden_reason = None
    comment.open_reports = 0
    audit(actor, "comment.restored", comment, {"reason": reason})


def toggle_follow(actor: User, proposal: Proposal) -> bool:
    """Follow the proposal, or stop following it; returns whether the user now follows."""
    follow = db.session.get(Follow, (proposal.id, actor.id))
    if follow is not None:
        db.session.delete(follow)
        db.session.flush()
        return False
    db.session.add(Follow(proposal_id=proposal.id, user_id=actor.id))
    db.session.flush()
    return True


def send_deadline_digest(on: date | None = None) -> int:
    """Mail each committee member the obliged proposals whose deadline is within 30 days
    (and those already overdue). Returns how many mails were queued."""
    today = on or dates.today()
    due = db.session.scalars(
        sa.select(Proposal)
        .where(Proposal.state.in_(AWAITING_DECISION), Proposal.obliged.is_(True),
               Proposal.decision_due_on <= today + timedelta(days=30))
        .order_by(Proposal.decision_due_on)
    ).all()  # fmt: skip
    if not due:
        return 0
    committee = active_holders(Role.committee)
    for user in committee:
        queue_mail(user.email, "proposal_deadline_digest", user.language or "nb", user=user,
                   proposals=due, today=today,
                   link=absolute_url("proposals.review"))  # fmt: skip
    return len(committee)
