"""A signature is of the text the signer read: the sign form carries the proposal's
version, a signature of an older version is refused with the text as it is now, and an
edit and a signature cannot interleave (the edit holds the proposal's row)."""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.proposals import services
from app.proposals.models import Proposal, Signature
from tests.conftest import csrf_token, login, submit
from tests.proposals.fixtures import TEXT, sign_form

EDITED = "Sykkelvei og fortau langs Hyttelva"
CHANGED = {
    "nb": "Forslaget er endret etter at du åpnet siden, så underskriften er ikke registrert.",
    "nn": "Forslaget er endra etter at du opna sida, så underskrifta er ikkje registrert.",
    "en": "The proposal was changed after you opened the page, so your signature has not "
    "been registered.",
}


def _signatures(proposal_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Signature)
        .where(Signature.proposal_id == proposal_id)
    )


def _counted(proposal_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Proposal, proposal_id).signature_count


def _edit(client, proposal_id: int, **fields: str):  # type: ignore[no-untyped-def]
    """The initiator saves the edit form."""
    form = {**TEXT, "focus_area": str(TEXT["focus_area"]), **fields, "save": "1"}
    return submit(client, f"/proposals/{proposal_id}/edit", form)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_a_signature_of_the_text_before_an_edit_is_refused(app, open_proposal, resident, language):
    author = resident()
    proposal = open_proposal(author)
    signer = login(app.test_client(), resident(language=language))
    seen = sign_form(signer, proposal.id)  # the signer opens the page and reads
    assert seen["version"] == str(proposal.version)
    initiator = login(app.test_client(), author)
    assert _edit(initiator, proposal.id, title=EDITED).status_code == 302

    refused = signer.post(f"/proposals/{proposal.id}/sign", data={**seen, "notify": "y"})
    assert refused.status_code == 302
    assert refused.location.endswith(f"/proposals/{proposal.id}")  # to the text, not "signed"
    page = signer.get(refused.location).get_data(as_text=True)
    assert CHANGED[language] in page
    assert EDITED in page  # the text as it is now, with a form to sign it
    assert (_signatures(proposal.id), _counted(proposal.id)) == (0, 0)

    fresh = sign_form(signer, proposal.id)
    assert int(fresh["version"]) == int(seen["version"]) + 1
    signed = signer.post(f"/proposals/{proposal.id}/sign", data=fresh)
    assert signed.location.endswith(f"/proposals/{proposal.id}#sign-heading")
    assert (_signatures(proposal.id), _counted(proposal.id)) == (1, 1)


@pytest.mark.parametrize("version", [None, "", "abc", "-1", "0", "1.0", "99999999999999999999"])
def test_a_form_without_the_version_shown_is_refused_kindly(app, open_proposal, resident, version):
    """No version, or one no page showed: the text the signer saw is not known."""
    proposal = open_proposal()
    client = login(app.test_client(), resident())
    form = {"csrf_token": csrf_token(client, f"/proposals/{proposal.id}")}
    if version is not None:
        form["version"] = version
    answer = client.post(f"/proposals/{proposal.id}/sign", data=form)
    assert answer.status_code == 302
    assert CHANGED["nb"] in client.get(answer.location).get_data(as_text=True)
    assert (_signatures(proposal.id), _counted(proposal.id)) == (0, 0)


def test_a_signer_with_an_old_page_who_has_signed_is_told_so(open_proposal, resident):
    proposal = open_proposal()
    signer = resident()
    services.sign(signer, proposal.id, proposal.version)
    db.session.commit()
    with pytest.raises(services.AlreadySigned, match="Du har allerede skrevet under på dette"):
        services.sign(signer, proposal.id, proposal.version - 1)
    db.session.rollback()
    assert _counted(proposal.id) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", EDITED),
        ("summary", "Kortere."),
        ("body", "Ny begrunnelse."),
        ("focus_area", 3),
        ("topic", "Skole"),
        ("topic", None),
    ],
)
def test_every_change_of_the_signed_text_raises_the_version(open_proposal, resident, field, value):
    author = resident()
    proposal = open_proposal(author)
    version = proposal.version
    services.update_proposal(author, proposal, **TEXT)  # saved as it was: the same text
    db.session.commit()
    assert proposal.version == version
    services.update_proposal(author, proposal, **{**TEXT, field: value})
    db.session.commit()
    db.session.expire_all()
    assert (proposal.version, getattr(proposal, field)) == (version + 1, value)


def test_the_api_shows_the_version(client, open_proposal, resident):
    author = resident()
    proposal = open_proposal(author)
    assert client.get(f"/api/v1/proposals/{proposal.id}").get_json()["version"] == 1
    services.update_proposal(author, proposal, **{**TEXT, "title": EDITED})
    db.session.commit()
    assert client.get(f"/api/v1/proposals/{proposal.id}").get_json()["version"] == 2


# --- edit and signature at the same moment ---------------------------------------------------


def _blocked(future: Future) -> None:
    """Wait until the request in ``future`` waits for the lock the test holds. PostgreSQL
    shows the waiting backend; SQLite waits in its busy handler, which nothing shows."""
    if db.engine.dialect.name == "postgresql":
        waiting = sa.text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        deadline = time.monotonic() + 20
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            while not conn.scalar(waiting):
                assert time.monotonic() < deadline, "the request never waited for the lock"
                assert not future.done(), future.result()
                time.sleep(0.02)
    else:
        time.sleep(0.5)
    assert not future.done(), "the request went ahead while the other transaction was open"


def test_a_signature_waits_for_an_edit_and_is_refused(app, open_proposal, resident):
    """The initiator's edit is under way (not committed) when the signer, who read the old
    text, signs: the signature waits for the edit's lock, then is refused."""
    author = resident()
    proposal = open_proposal(author)
    signer = login(app.test_client(), resident())
    seen = sign_form(signer, proposal.id)
    services.update_proposal(author, proposal, **{**TEXT, "title": EDITED})  # holds the row
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(signer.post, f"/proposals/{proposal.id}/sign", data=seen)
        _blocked(answer)
        db.session.commit()
        refused = answer.result(timeout=30)
    assert refused.location.endswith(f"/proposals/{proposal.id}")
    assert CHANGED["nb"] in signer.get(refused.location).get_data(as_text=True)
    assert (_signatures(proposal.id), _counted(proposal.id)) == (0, 0)


def test_an_edit_waits_for_a_signature_and_is_refused(app, open_proposal, resident):
    """A signature is under way (not committed) when the initiator saves an edit: the edit
    waits for it, then sees it and changes nothing of the text that was signed."""
    author = resident()
    proposal = open_proposal(author)
    initiator = login(app.test_client(), author)
    services.sign(resident(), proposal.id, proposal.version)  # holds the row
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(_edit, initiator, proposal.id, title=EDITED)
        _blocked(answer)
        db.session.commit()
        refused = answer.result(timeout=30)
    assert refused.status_code == 302
    page = initiator.get(refused.location).get_data(as_text=True)
    assert "Forslaget kan ikke endres etter at andre har skrevet under." in page
    db.session.expire_all()
    assert (proposal.title, proposal.version) == (TEXT["title"], 1)
    assert _signatures(proposal.id) == 1
