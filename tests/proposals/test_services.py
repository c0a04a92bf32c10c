"""Proposals: every state transition allowed and refused, signatures, decisions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core import dates
from app.core.models import AuditEntry, MunicipalitySettings
from app.core.permissions import Role
from app.core.settings import invalidate_settings
from app.extensions import db
from app.proposals import rules, search, services
from app.proposals.models import DecisionOutcome, Proposal, ProposalState, Signature
from tests.conftest import outbox
from tests.proposals.fixtures import TEXT

S = ProposalState


def _population(n: int) -> None:
    settings = db.session.scalar(sa.select(MunicipalitySettings))
    settings.population = n
    db.session.commit()
    invalidate_settings()


def _sign_many(proposal, resident, n, **fields):
    for _ in range(n):
        services.sign(resident(**fields), proposal.id, proposal.version)
    db.session.commit()


def test_draft_is_created_by_a_confirmed_resident_only(resident, make_user):
    proposal = services.create_proposal(resident(), **TEXT)
    assert proposal.state == S.draft
    with pytest.raises(
        services.ProposalError, match=r"Du må bekrefte e-postadressen din før du kan"
    ):
        services.create_proposal(make_user(confirmed=False), **TEXT)


@pytest.mark.parametrize("days", [0, -1, 366, 400])
def test_campaign_end_must_be_within_twelve_months(resident, days):
    author = resident()
    proposal = services.create_proposal(author, **TEXT)
    end = dates.today() + timedelta(days=days)
    if dates.today() < end <= rules.latest_campaign_end(dates.today()):
        pytest.skip("inside the window")
    with pytest.raises(
        services.ProposalError, match="Innsamlingen må slutte etter i dag og senest"
    ):
        services.open_proposal(author, proposal, end)
    assert proposal.state == S.draft


def test_campaign_may_end_exactly_twelve_months_ahead(resident):
    author = resident()
    proposal = services.create_proposal(author, **TEXT)
    services.open_proposal(author, proposal, rules.latest_campaign_end(dates.today()))
    assert proposal.state == S.open


def test_only_the_author_opens_and_edits(open_proposal, resident):
    other = resident()
    proposal = open_proposal()
    with pytest.raises(
        services.ProposalError, match="Bare den som fremmet forslaget kan endre det"
    ):
        services.update_proposal(other, proposal, title="Kapret")


def test_editing_stops_when_someone_else_signs(open_proposal, resident):
    author = resident()
    proposal = open_proposal(author)
    # the author's own signature does not lock it
    services.sign(author, proposal.id, proposal.version)
    services.update_proposal(author, proposal, title="Ny tittel")
    services.sign(resident(), proposal.id, proposal.version)
    with pytest.raises(services.ProposalError, match="andre har skrevet under"):
        services.update_proposal(author, proposal, title="For sent")


def test_signing_counts_and_refuses_a_second_signature(open_proposal, resident):
    proposal = open_proposal()
    signer = resident()
    services.sign(signer, proposal.id, proposal.version, notify=True)
    db.session.commit()
    assert proposal.signature_count == 1
    with pytest.raises(services.ProposalError, match="allerede"):
        services.sign(signer, proposal.id, proposal.version)
    db.session.rollback()
    db.session.add(
        Signature(proposal_id=proposal.id, user_id=signer.id, full_name="x", postal_code="7374")
    )
    with pytest.raises(sa.exc.IntegrityError, match="(?i)unique"):  # the database says no too
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"postal_code": None}, "postnummeret"),
        ({"postal_code": "0150"}, "ikke i kommunen"),
        ({"name": " "}, "fullt navn"),
        ({"confirmed": False}, "bekrefte"),
    ],
)
def test_who_may_sign(open_proposal, resident, fields, message):
    proposal = open_proposal()
    with pytest.raises(services.ProposalError, match=message):
        services.sign(resident(**fields), proposal.id, proposal.version)
    assert proposal.signature_count == 0


def test_any_age_may_sign(open_proposal, resident):
    proposal = open_proposal()
    services.sign(resident(birth_year=dates.today().year - 9), proposal.id, proposal.version)
    assert proposal.signature_count == 1


def test_signing_closes_with_the_campaign_and_outside_open(open_proposal, resident):
    proposal = open_proposal()
    proposal.campaign_ends_on = dates.today() - timedelta(days=1)
    with pytest.raises(services.ProposalError, match="samler ikke inn"):
        services.sign(resident(), proposal.id, proposal.version)
    for state in (S.draft, S.submitted, S.in_review, S.decided, S.withdrawn, S.rejected, S.expired):
        proposal.state = state
        proposal.campaign_ends_on = dates.today() + timedelta(days=5)
        with pytest.raises(services.ProposalError):
            services.sign(resident(), proposal.id, proposal.version)


def test_withdrawing_a_signature_while_open(open_proposal, resident):
    proposal = open_proposal()
    signer = resident()
    services.sign(signer, proposal.id, proposal.version)
    services.withdraw_signature(signer, proposal)
    assert proposal.signature_count == 0
    services.sign(signer, proposal.id, proposal.version)  # may sign again
    proposal.state = S.submitted
    with pytest.raises(services.ProposalError, match="Underskriften kan bare trekkes mens"):
        services.withdraw_signature(signer, proposal)


def test_threshold_reached_is_dated_and_the_initiator_told(open_proposal, resident):
    _population(100)  # threshold 2
    author = resident()
    proposal = open_proposal(author)
    services.sign(resident(), proposal.id, proposal.version)
    assert proposal.threshold_reached_at is None
    services.sign(resident(), proposal.id, proposal.version)
    db.session.commit()
    assert proposal.threshold_reached_at is not None
    assert [m.template for m in outbox(author.email)] == ["proposal_threshold"]
    services.sign(resident(), proposal.id, proposal.version)
    db.session.commit()
    assert len(outbox(author.email)) == 1  # told once


def test_struck_signatures_do_not_count_paper_batches_do(open_proposal, resident, make_user):
    committee = make_user(Role.committee)
    proposal = open_proposal()
    signer = resident()
    signature = db.session.get(Signature, services.sign(signer, proposal.id, proposal.version))
    services.add_paper_batch(committee, proposal, 40, dates.today(), "Fra biblioteket")
    assert proposal.total_signatures == 41
    with pytest.raises(services.ProposalError, match="Skriv hvorfor underskriften strykes"):
        services.strike_signature(committee, signature, "  ")
    services.strike_signature(committee, signature, "Bor i Os")
    db.session.commit()
    assert (proposal.signature_count, proposal.paper_count) == (0, 40)
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert {"signature.struck", "signature.paper_batch"} <= set(actions)


def test_only_initiator_and_committee_strike(open_proposal, resident):
    proposal = open_proposal()
    signature = db.session.get(Signature, services.sign(resident(), proposal.id, proposal.version))
    with pytest.raises(services.ProposalError, match="Du kan ikke stryke underskrifter på dette"):
        services.strike_signature(resident(), signature, "Ikke innbygger")


def test_submit_with_threshold_obliges_a_decision_in_six_months(open_proposal, resident, make_user):
    _population(100)
    make_user(Role.committee, email="utvalg@roros.example")
    author = resident()
    proposal = open_proposal(author)
    _sign_many(proposal, resident, 2)
    services.submit(author, proposal)
    db.session.commit()
    assert proposal.state == S.submitted
    assert proposal.obliged is True
    assert proposal.decision_due_on == dates.add_months(dates.oslo_date(proposal.submitted_at), 6)
    assert [m.template for m in outbox("utvalg@roros.example")] == ["proposal_submitted_committee"]


def test_submit_below_threshold_has_no_obligation(open_proposal, resident):
    author = resident()
    proposal = open_proposal(author)
    services.submit(author, proposal)
    assert proposal.obliged is False
    assert proposal.decision_due_on is None
    assert not services.is_overdue(proposal, dates.today() + timedelta(days=400))


def test_expired_campaigns_can_still_be_submitted(open_proposal, resident):
    author = resident()
    proposal = open_proposal(author)
    proposal.campaign_ends_on = dates.today() - timedelta(days=1)
    db.session.commit()
    assert services.expire_campaigns() == 1
    db.session.refresh(proposal)
    assert proposal.state == S.expired
    services.submit(author, proposal)
    assert proposal.state == S.submitted


@pytest.mark.parametrize(
    "state", [S.draft, S.submitted, S.in_review, S.decided, S.withdrawn, S.rejected]
)
def test_submit_refused_from(open_proposal, resident, state):
    author = resident()
    proposal = open_proposal(author)
    proposal.state = state
    with pytest.raises(services.ProposalError, match="Forslaget kan ikke sendes inn nå"):
        services.submit(author, proposal)


def _submitted(open_proposal, resident, n_signers=2):
    _population(100)
    author = resident()
    proposal = open_proposal(author)
    for _ in range(n_signers):
        services.sign(resident(), proposal.id, proposal.version, notify=True)
    services.submit(author, proposal)
    db.session.commit()
    return author, proposal


def test_decision_is_recorded_and_told(open_proposal, resident, make_user):
    committee = make_user(Role.committee)
    author, proposal = _submitted(open_proposal, resident)
    services.start_review(committee, proposal)
    assert proposal.state == S.in_review
    services.decide(
        committee,
        proposal,
        DecisionOutcome.adopted,
        dates.today(),
        "K-sak 33/18",
        "Vi bygger sykkelveien i 2027.",
    )
    db.session.commit()
    assert proposal.state == S.decided
    assert proposal.case_reference == "K-sak 33/18"
    decided = [m for m in outbox() if m.template == "proposal_decided"]
    assert len(decided) == 3  # the initiator and both signers who asked
    assert author.email in {m.to_address for m in decided}
    assert "proposal.decided" in db.session.scalars(sa.select(AuditEntry.action)).all()


def test_decision_date_cannot_be_in_the_future(open_proposal, resident, make_user):
    committee = make_user(Role.committee)
    _, proposal = _submitted(open_proposal, resident)
    with pytest.raises(services.ProposalError, match="Vedtaksdatoen kan ikke være fram i tid"):
        services.decide(
            committee,
            proposal,
            DecisionOutcome.adopted,
            dates.today() + timedelta(days=1),
            "K-sak 1/26",
            "Ja",
        )


def test_same_content_needs_an_earlier_case_in_this_electoral_period(
    open_proposal, resident, make_user
):
    committee = make_user(Role.committee)
    _, proposal = _submitted(open_proposal, resident)
    outcome = DecisionOutcome.not_considered_same_content
    with pytest.raises(services.ProposalError, match="tidligere"):
        services.decide(committee, proposal, outcome, dates.today(), "K-sak 2/26", "Nei")
    with pytest.raises(services.ProposalError, match="valgperiode"):
        services.decide(
            committee, proposal, outcome, dates.today(), "K-sak 2/26", "Nei", same_as=proposal
        )  # itself is no earlier case
    earlier = open_proposal()
    earlier.submitted_at = earlier.opened_at
    settings = db.session.scalar(sa.select(MunicipalitySettings))
    settings.electoral_period_start = dates.today() + timedelta(days=10)
    settings.electoral_period_end = dates.today() + timedelta(days=1500)
    db.session.commit()
    invalidate_settings()
    with pytest.raises(services.ProposalError, match="valgperiode"):
        services.decide(
            committee, proposal, outcome, dates.today(), "K-sak 2/26", "Nei", same_as=earlier
        )
    services.decide(
        committee, proposal, outcome, dates.today(), "K-sak 2/26", "Nei", same_as_case="K-sak 12/24"
    )
    assert proposal.same_as_case == "K-sak 12/24"


def test_referral_to_a_plan_case_lifts_the_deadline(open_proposal, resident, make_user):
    committee = make_user(Role.committee)
    _, proposal = _submitted(open_proposal, resident)
    assert proposal.decision_due_on is not None
    services.decide(
        committee,
        proposal,
        DecisionOutcome.referred_to_plan_case,
        dates.today(),
        "PS 4/26",
        "Tas inn i kommuneplanens arealdel.",
    )
    assert proposal.decision_due_on is None


def test_overdue(open_proposal, resident):
    _, proposal = _submitted(open_proposal, resident)
    due = proposal.decision_due_on
    assert not services.is_overdue(proposal, due)
    assert services.is_overdue(proposal, due + timedelta(days=1))
    proposal.state = S.decided
    assert not services.is_overdue(proposal, due + timedelta(days=1))


@pytest.mark.parametrize("state", [S.draft, S.open, S.expired, S.submitted, S.in_review])
def test_withdraw_until_a_decision(open_proposal, resident, state):
    author = resident()
    proposal = open_proposal(author)
    proposal.state = state
    with pytest.raises(
        services.ProposalError, match="Bare den som fremmet forslaget kan trekke det"
    ):
        services.withdraw(resident(), proposal)
    services.withdraw(author, proposal)
    assert proposal.state == S.withdrawn


@pytest.mark.parametrize("state", [S.decided, S.withdrawn, S.rejected])
def test_withdraw_refused_after(open_proposal, resident, state):
    author = resident()
    proposal = open_proposal(author)
    proposal.state = state
    with pytest.raises(services.ProposalError, match="Forslaget kan ikke trekkes nå"):
        services.withdraw(author, proposal)


def test_reject_needs_a_public_reason(open_proposal, make_user):
    committee = make_user(Role.committee)
    proposal = open_proposal()
    with pytest.raises(
        services.ProposalError, match="Skriv en begrunnelse som kan vises offentlig"
    ):
        services.reject(committee, proposal, " ")
    services.reject(committee, proposal, "Inneholder personangrep.")
    assert proposal.state == S.rejected
    with pytest.raises(services.ProposalError, match="Forslaget er allerede avsluttet"):
        services.reject(committee, proposal, "Igjen")


@pytest.mark.parametrize("state", [S.draft, S.open, S.expired, S.decided, S.withdrawn])
def test_review_and_decision_refused_outside_submitted(open_proposal, make_user, state):
    committee = make_user(Role.committee)
    proposal = open_proposal()
    proposal.state = state
    with pytest.raises(
        services.ProposalError, match="Bare innsendte forslag kan tas til behandling"
    ):
        services.start_review(committee, proposal)
    with pytest.raises(services.ProposalError, match="Bare forslag som er sendt inn kan få et"):
        services.decide(committee, proposal, DecisionOutcome.adopted, dates.today(), "K", "A")


def test_deleting_an_account_removes_campaign_signatures_and_unlinks_submitted_ones(
    open_proposal, resident
):
    from app.auth.services import delete_account

    signer = resident(name="Siri Signer")
    campaign = open_proposal()
    author, submitted = _submitted(open_proposal, resident, n_signers=0)
    services.sign(signer, campaign.id, campaign.version)
    submitted.state = S.open
    services.sign(signer, submitted.id, submitted.version)
    submitted.state = S.submitted
    db.session.commit()
    delete_account(signer)
    db.session.commit()
    db.session.refresh(campaign)
    assert campaign.signature_count == 0
    kept = db.session.scalars(sa.select(Signature).where(Signature.proposal_id == submitted.id))
    [row] = kept.all()
    assert row.user_id is None
    assert row.full_name == "Siri Signer"  # stays with the case record
    db.session.refresh(submitted)
    assert submitted.signature_count == 1
    delete_account(author)
    db.session.commit()
    assert db.session.get(Proposal, submitted.id).author_id is None


def test_followers_are_told_on_submission_and_decision(open_proposal, resident, make_user):
    committee = make_user(Role.committee)
    author = resident()
    follower = resident()
    proposal = open_proposal(author)
    assert services.toggle_follow(follower, proposal) is True
    services.submit(author, proposal)
    services.decide(
        committee, proposal, DecisionOutcome.not_adopted, dates.today(), "K-sak 9/26", "Nei takk."
    )
    db.session.commit()
    assert [m.template for m in outbox(follower.email)] == [
        "proposal_submitted",
        "proposal_decided",
    ]
    assert services.toggle_follow(follower, proposal) is False


def test_weekly_digest_lists_deadlines_within_30_days(open_proposal, resident, make_user):
    make_user(Role.committee, email="leder@roros.example")
    soon, later = open_proposal(title="Snart"), open_proposal(title="Senere")
    for proposal, days in ((soon, 20), (later, 45)):
        proposal.state = S.submitted
        proposal.obliged = True
        proposal.decision_due_on = dates.today() + timedelta(days=days)
    db.session.commit()
    assert services.send_deadline_digest() == 1
    db.session.commit()
    [mail] = outbox("leder@roros.example")
    assert "Snart" in mail.body_text
    assert "Senere" not in mail.body_text


def test_signatures_cannot_be_struck_after_submission(open_proposal, resident, make_user):
    committee = make_user(Role.committee)
    author = resident()
    proposal = open_proposal(author)
    signature = db.session.get(Signature, services.sign(resident(), proposal.id, proposal.version))
    services.submit(author, proposal)
    with pytest.raises(services.ProposalError, match="før forslaget sendes inn"):
        services.strike_signature(committee, signature, "For sent")
    assert signature.struck_at is None


def test_an_earlier_case_is_kept_only_for_the_same_content_outcome(
    open_proposal, resident, make_user
):
    committee = make_user(Role.committee)
    draft = services.create_proposal(resident(), **TEXT)  # someone's private draft
    _, proposal = _submitted(open_proposal, resident)
    services.decide(
        committee,
        proposal,
        DecisionOutcome.adopted,
        dates.today(),
        "K-sak 3/26",
        "Ja",
        same_as=draft,
        same_as_case="K-sak 1/20",
    )
    assert proposal.same_as_id is None
    assert proposal.same_as_case is None


def _found(query: str) -> set[int]:
    listed = sa.select(Proposal.id).where(Proposal.listed, search.matching(query))
    return set(db.session.scalars(listed))


def test_search_follows_edits_of_the_text(open_proposal, resident):
    author = resident()
    proposal = open_proposal(author)
    assert _found("hyttelva") == {proposal.id}
    services.update_proposal(author, proposal, title="Gatelys i Bergmannsgata",
                             summary="Lys på hele gata.", body="Mørkt om vinteren.")  # fmt: skip
    db.session.commit()
    assert _found("hyttelva") == set()
    assert _found("bergmannsgata") == _found("vinteren") == {proposal.id}


def test_a_signature_does_not_rewrite_the_search_index(app, open_proposal, resident):
    """Signing raises the counter; the full-text index of the text is left as it is (on
    SQLite it was once deleted and re-inserted for every signature, inside the signing
    transaction). Counted with SQLite's total_changes, which includes trigger writes."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL recomputes the generated tsvector only when the text changes")
    proposal = open_proposal()
    signer = resident()
    driver = db.session.connection().connection.driver_connection
    before = driver.total_changes
    services.sign(signer, proposal.id, proposal.version)
    assert driver.total_changes - before == 2  # the counter's row and the signature's
    db.session.commit()
    assert _found("hyttelva") == {proposal.id}
