"""Signing goes through the plain view, as every request does: its hooks, its rate limit,
its CSRF check, and the thank-you in the signer's language."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from app.core import dates
from app.core.models import MunicipalitySettings
from app.core.permissions import Role
from app.extensions import db
from app.proposals.models import Signature
from tests.conftest import csrf_token, login, outbox
from tests.proposals.fixtures import sign_form


def _sign(client, proposal_id: int, **data):  # type: ignore[no-untyped-def]
    """Open the proposal's page and sign with its form, as a browser does."""
    form = sign_form(client, proposal_id)
    return client.post(f"/proposals/{proposal_id}/sign", data={**form, **data})


def _signatures(proposal_id: int) -> list[Signature]:
    db.session.expire_all()
    query = sa.select(Signature).where(Signature.proposal_id == proposal_id)
    return list(db.session.scalars(query))


@pytest.mark.parametrize(
    ("language", "thanks"),
    [
        ("nb", "Takk! Underskriften din er registrert."),
        ("nn", "Takk! Underskrifta di er registrert."),
        ("en", "Thank you! Your signature has been registered."),
    ],
)
@pytest.mark.parametrize(("notify", "wanted"), [({}, False), ({"notify": "y"}, True)])
def test_a_signature_is_kept_and_thanked_for_in_the_signers_language(
    app, open_proposal, resident, language, thanks, notify, wanted
):
    proposal = open_proposal()
    signer = resident(language=language, birth_year=2011)
    client = login(app.test_client(), signer)
    answer = _sign(client, proposal.id, **notify)
    assert answer.status_code == 302
    assert answer.location.endswith(f"/proposals/{proposal.id}#sign-heading")
    assert answer.headers["Cache-Control"] == "private, no-store"
    [signature] = _signatures(proposal.id)
    assert (signature.user_id, signature.notify, signature.birth_year) == (signer.id, wanted, 2011)
    assert proposal.signature_count == 1
    page = client.get(answer.location).get_data(as_text=True)
    assert thanks in page


def test_a_before_request_hook_applies_to_signing(app, open_proposal, resident):
    """A maintenance hook answering 503 stops signatures too: no path goes around Flask."""
    proposal = open_proposal()
    client = login(app.test_client(), resident())
    token = csrf_token(client, f"/proposals/{proposal.id}")

    def maintenance():  # type: ignore[no-untyped-def]
        if app.config.get("MAINTENANCE"):
            return "Vedlikehold", 503
        return None

    app.before_request_funcs.setdefault(None, []).append(maintenance)
    try:
        app.config["MAINTENANCE"] = True
        for _ in range(3):
            answer = client.post(f"/proposals/{proposal.id}/sign", data={"csrf_token": token})
            assert answer.status_code == 503
        assert _signatures(proposal.id) == []
    finally:
        app.before_request_funcs[None].remove(maintenance)


def test_the_rate_limit_applies_to_signing(app, open_proposal, resident):
    """SIGN_RATE_LIMIT counts each account's signatures (Flask-Limiter, 429)."""
    app.config["SIGN_RATE_LIMIT"] = "1 per day"
    first, second, third = open_proposal(), open_proposal(), open_proposal()
    client = login(app.test_client(), resident())
    assert _sign(client, first.id).status_code == 302
    refused = _sign(client, second.id)
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    assert _signatures(second.id) == []
    other = login(app.test_client(), resident())  # another account from the same address
    assert _sign(other, third.id).status_code == 302
    assert len(_signatures(third.id)) == 1


def test_refusals_are_explained_and_change_nothing(app, open_proposal, resident, make_user):
    proposal, closed = open_proposal(), open_proposal()
    closed.campaign_ends_on = dates.today() - timedelta(days=1)
    db.session.commit()
    client = login(app.test_client(), resident())
    form = sign_form(client, proposal.id)  # two tabs with the page open
    assert client.post(f"/proposals/{proposal.id}/sign", data=form).status_code == 302
    again = client.post(f"/proposals/{proposal.id}/sign", data=form)
    assert again.status_code == 302
    assert again.location.endswith(f"/proposals/{proposal.id}")  # not to "you have signed"
    page = client.get(again.location).get_data(as_text=True)
    assert "Du har allerede skrevet under på dette forslaget." in page
    stale = {"csrf_token": csrf_token(client), "version": closed.version}  # shown before it closed
    page = client.get(client.post(f"/proposals/{closed.id}/sign", data=stale).location)
    page = page.get_data(as_text=True)
    assert "samler ikke inn underskrifter" in page
    token = csrf_token(client, f"/proposals/{proposal.id}")
    assert client.post("/proposals/999999/sign", data={"csrf_token": token}).status_code == 404

    unready = login(app.test_client(), make_user(Role.resident, postal_code=None))
    refused = unready.post(
        f"/proposals/{proposal.id}/sign", data={"csrf_token": csrf_token(unready)}
    )
    assert refused.location.endswith("/account")
    gone = resident()
    client = login(app.test_client(), gone)
    token = csrf_token(client, f"/proposals/{proposal.id}")
    gone.active = False
    db.session.commit()
    answer = client.post(f"/proposals/{proposal.id}/sign", data={"csrf_token": token})
    assert "/auth/login" in answer.location
    assert len(_signatures(proposal.id)) == 1
    assert (proposal.signature_count, closed.signature_count) == (1, 0)


def test_a_second_signature_racing_the_first_is_refused_by_the_constraint(
    app, open_proposal, resident
):
    """Two tabs at the same moment: the unique constraint refuses the second, kindly."""
    from app.proposals import services

    proposal = open_proposal()
    signer = resident()
    services.sign(signer, proposal.id, proposal.version)
    db.session.commit()
    # As if the other tab's counter UPDATE had gone through before it saw the first row
    with pytest.raises(services.AlreadySigned, match="Du har allerede skrevet under på dette"):
        services.sign(signer, proposal.id, proposal.version)
    db.session.rollback()
    assert len(_signatures(proposal.id)) == 1
    assert proposal.signature_count == 1


def test_the_initiator_hears_of_the_threshold(app, open_proposal, resident):
    settings = db.session.scalar(sa.select(MunicipalitySettings))
    settings.population = 50  # threshold 1
    db.session.commit()
    author = resident(name="Anne Initiativ")
    proposal = open_proposal(author)
    client = login(app.test_client(), resident())
    assert _sign(client, proposal.id).status_code == 302
    mails = [m for m in outbox(author.email) if m.template == "proposal_threshold"]
    assert len(mails) == 1
    assert re.search(rf"/proposals/{proposal.id}\b", mails[0].body_text)
    db.session.expire_all()
    assert proposal.threshold_reached_at is not None


def test_a_failed_settings_read_fails_the_signature_as_a_whole(app, open_proposal, resident):
    """The database fails the second settings read of a signature (the one for the
    threshold): the request fails on the friendly error page and keeps nothing of itself,
    no signature, no raised counter, no threshold stamp and no mail to the initiator."""
    app.config["SETTINGS_CACHE_SECONDS"] = 0  # every get_settings() reads the row
    author = resident()
    proposal = open_proposal(author)
    client = login(app.test_client(), resident())
    form = sign_form(client, proposal.id)
    with app.app_context():
        engine = db.engine
    reads = []

    def fail_second_read(conn, cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if statement.lstrip().startswith("SELECT") and "FROM municipality_settings" in statement:
            reads.append(statement)
            if len(reads) == 2:
                raise conn.dialect.loaded_dbapi.OperationalError("database is locked")

    event.listen(engine, "before_cursor_execute", fail_second_read)
    try:
        answer = client.post(f"/proposals/{proposal.id}/sign", data=form)
    finally:
        event.remove(engine, "before_cursor_execute", fail_second_read)
    assert len(reads) >= 2
    assert answer.status_code == 500
    assert "Noe gikk galt hos oss" in answer.get_data(as_text=True)
    assert _signatures(proposal.id) == []
    assert (proposal.signature_count, proposal.threshold_reached_at) == (0, None)
    assert outbox(author.email) == []
