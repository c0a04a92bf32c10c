"""Proposal pages through the test client, with CSRF on."""

from __future__ import annotations

import functools
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core import dates
from app.core.models import MunicipalitySettings
from app.core.permissions import Role
from app.core.settings import invalidate_settings
from app.extensions import db
from app.proposals import services
from app.proposals.models import Proposal, ProposalState, Signature
from tests.concurrency import at_once
from tests.conftest import ROLES, count_queries, csrf_token, login, outbox, submit
from tests.hostile import HOSTILE_STRINGS, must_be_refused
from tests.proposals.fixtures import TEXT, sign_form

FORM = {**TEXT, "focus_area": "8"}


def test_journey_write_preview_open_sign_submit_decide(app, resident, make_user):
    """Resident A writes and opens; B and C sign; A submits; the committee decides."""
    settings = db.session.scalar(sa.select(MunicipalitySettings))
    settings.population = 100  # threshold 2
    db.session.commit()
    invalidate_settings()
    a = login(app.test_client(), author := resident(name="Anne Initiativ"))
    preview = submit(a, "/proposals/new", {**FORM, "preview": "1"})
    assert "Forhåndsvisning" in preview.get_data(as_text=True)
    assert "<strong>Det er farlig.</strong>" in preview.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Proposal)) == 0

    response = submit(a, "/proposals/new", {**FORM, "save": "1"})
    assert response.status_code == 302
    proposal_id = int(response.location.rsplit("/", 1)[1])
    assert app.test_client().get(f"/proposals/{proposal_id}").status_code == 404  # a draft
    end = (dates.today() + timedelta(days=60)).isoformat()
    submit(a, f"/proposals/{proposal_id}/open", {"campaign_ends_on": end})

    signers = []
    for name in ("Bjørn Bakke", "Cecilie Ås"):
        signers.append(signer := resident(name=name))
        b = login(app.test_client(), signer)
        page = b.get(f"/proposals/{proposal_id}").get_data(as_text=True)
        assert "Skriv under" in page
        form = {**sign_form(b, proposal_id), "notify": "y"}
        assert b.post(f"/proposals/{proposal_id}/sign", data=form).status_code == 302
    page = app.test_client().get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "2 av 2 underskrifter" in page
    assert "Bjørn Bakke" not in page  # the public sees the count, not the names
    names = a.get(f"/proposals/{proposal_id}/signatures").get_data(as_text=True)
    assert "Bjørn Bakke" in names
    assert "7374" in names

    assert "Ja, send forslaget" in a.get(f"/proposals/{proposal_id}/submit").get_data(as_text=True)
    submit(a, f"/proposals/{proposal_id}/submit")
    committee = login(app.test_client(), make_user(Role.committee))
    assert "Sykkelvei langs Hyttelva" in committee.get("/proposals/review").get_data(as_text=True)
    response = submit(committee, f"/proposals/{proposal_id}/decide", {
        "outcome": "adopted", "decided_on": dates.today().isoformat(),
        "case_reference": "K-sak 33/18", "answer": "Vi bygger **sykkelveien**.",
    })  # fmt: skip
    assert response.status_code == 302
    page = app.test_client().get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "K-sak 33/18" in page
    assert "<strong>sykkelveien</strong>" in page
    decided = [m.to_address for m in outbox() if m.template == "proposal_decided"]
    assert sorted(decided) == sorted([author.email, *(s.email for s in signers)])  # A, B and C


def test_sign_tells_exactly_what_is_missing(app, open_proposal, make_user):
    proposal = open_proposal()
    client = login(app.test_client(), make_user(Role.resident, postal_code=None))
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "fylle inn postnummeret" in page
    response = submit(client, f"/proposals/{proposal.id}/sign")
    assert response.location.endswith("/account")
    db.session.refresh(proposal)
    assert proposal.signature_count == 0


def _session_token(client):
    """What Flask-Login keeps in the client's session: its login session's token."""
    with client.session_transaction() as session:
        return session["_user_id"]


@pytest.fixture
def users_loaded(app, monkeypatch):
    """The session tokens Flask-Login's user loader is asked for during the test."""
    from app.extensions import login_manager

    asked: list[str] = []
    loader = login_manager._user_callback

    def counting(token: str):  # type: ignore[no-untyped-def]
        asked.append(token)
        return loader(token)

    monkeypatch.setattr(login_manager, "_user_callback", counting)
    return asked


def test_signing_loads_the_signer_through_flask_login(app, open_proposal, resident, users_loaded):
    """The signer is Flask-Login's current_user, loaded once; the message is in the signer's
    own language."""
    proposal = open_proposal()
    signer = resident(language="nn", birth_year=1990)
    client = login(app.test_client(), signer)
    form = sign_form(client, proposal.id)
    users_loaded.clear()
    response = client.post(f"/proposals/{proposal.id}/sign", data=form)
    assert response.status_code == 302
    assert response.location.endswith(f"/proposals/{proposal.id}#sign-heading")
    assert users_loaded == [_session_token(client)]
    page = client.get(response.location).get_data(as_text=True)
    assert "Takk! Underskrifta di er registrert." in page
    signature = db.session.scalar(sa.select(Signature).where(Signature.user_id == signer.id))
    assert (signature.full_name, signature.postal_code, signature.birth_year) == (
        signer.name, signer.postal_code, 1990
    )  # fmt: skip
    assert signature.created_at.tzinfo is not None


@pytest.mark.parametrize("session_is", ["from another browser", "without the identifier"])
def test_signing_from_a_session_flask_login_must_judge(app, open_proposal, resident,
                                                       users_loaded, session_is):  # fmt: skip
    """A session from another address or User-Agent (or one without session protection's
    identifier) is Flask-Login's to judge, as on every page: it loads the user, marks the
    session as not fresh, and the signature is counted as before."""
    proposal = open_proposal()
    signer = resident()
    client = login(app.test_client(), signer)
    form = sign_form(client, proposal.id)
    if session_is == "from another browser":
        client.environ_base["HTTP_USER_AGENT"] = "En annen nettleser"
    else:
        with client.session_transaction() as session:
            del session["_id"]
    users_loaded.clear()
    response = client.post(f"/proposals/{proposal.id}/sign", data=form)
    assert response.location.endswith(f"/proposals/{proposal.id}#sign-heading")
    assert users_loaded == [_session_token(client)]
    with client.session_transaction() as session:
        assert session["_fresh"] is False
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Signature)) == 1


def test_signing_as_no_one_or_as_a_deactivated_account(app, open_proposal, resident):
    proposal = open_proposal()
    anonymous = app.test_client()
    token = csrf_token(anonymous)
    response = anonymous.post(f"/proposals/{proposal.id}/sign", data={"csrf_token": token})
    assert "/auth/login" in response.location
    gone = resident()
    client = login(app.test_client(), gone)
    token = csrf_token(client, f"/proposals/{proposal.id}")
    gone.active = False
    db.session.commit()
    response = client.post(f"/proposals/{proposal.id}/sign", data={"csrf_token": token})
    assert "/auth/login" in response.location
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Signature)) == 0


def test_second_signature_gets_a_friendly_message(app, open_proposal, resident):
    proposal = open_proposal()
    client = login(app.test_client(), resident())
    form = sign_form(client, proposal.id)  # the page open in two tabs
    client.post(f"/proposals/{proposal.id}/sign", data=form)
    page = client.post(f"/proposals/{proposal.id}/sign", data=form, follow_redirects=True)
    assert "allerede skrevet under" in page.get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.signature_count == 1


def test_signing_without_a_valid_csrf_token_is_refused(app, open_proposal, resident):
    proposal = open_proposal()
    client = login(app.test_client(), resident())
    csrf_token(client)  # the session has a token; the POSTs below do not send it
    for data in ({}, {"csrf_token": "forged"}, {"csrf_token": csrf_token(app.test_client())}):
        assert client.post(f"/proposals/{proposal.id}/sign", data=data).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Signature)) == 0


def test_signing_what_cannot_be_signed(app, open_proposal, resident):
    """No such proposal and someone else's draft: 404. A closed campaign: told so, and
    nothing counted."""
    author = resident()
    draft = services.create_proposal(author, **TEXT)
    closed = open_proposal()
    closed.campaign_ends_on = dates.today() - timedelta(days=1)
    db.session.commit()
    client = login(app.test_client(), resident())
    assert submit(client, "/proposals/999999/sign").status_code == 404
    assert submit(client, f"/proposals/{draft.id}/sign").status_code == 404
    page = submit(client, f"/proposals/{closed.id}/sign", follow_redirects=True)
    assert "samler ikke inn underskrifter" in page.get_data(as_text=True)
    db.session.expire_all()
    assert (closed.signature_count, draft.signature_count) == (0, 0)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Signature)) == 0


def test_list_filters_search_and_sort(client, open_proposal, resident):
    open_proposal(title="Sykkelvei til Gjøsvika", topic="Trafikk")
    open_proposal(title="Flere benker i Bergmannsgata", topic="Byrom", focus_area=2,
                  summary="Benker for eldre.", body="Vi trenger benker.")  # fmt: skip
    html = client.get("/proposals/?q=sykk").get_data(as_text=True)  # a prefix
    assert "Sykkelvei til Gjøsvika" in html
    assert "Bergmannsgata" not in html
    html = client.get("/proposals/?q=bergmannsgata+benker").get_data(as_text=True)
    assert "Bergmannsgata" in html
    assert "Gjøsvika" not in html
    html = client.get("/proposals/?topic=Byrom").get_data(as_text=True)
    assert "Bergmannsgata" in html
    assert "Gjøsvika" not in html
    html = client.get("/proposals/?focus_area=2").get_data(as_text=True)
    assert "Bergmannsgata" in html
    assert "Gjøsvika" not in html
    html = client.get("/proposals/?q=gjosvika").get_data(as_text=True)  # ø is not o
    assert "Gjøsvika" not in html
    for sort in ("newest", "signatures", "deadline"):
        assert client.get(f"/proposals/?sort={sort}").status_code == 200


def test_drafts_never_listed(client, resident):
    services.create_proposal(resident(), **TEXT)
    db.session.commit()
    assert "Sykkelvei" not in client.get("/proposals/").get_data(as_text=True)


def test_a_draft_withdrawn_before_it_was_opened_stays_private(app, client, resident):
    author = resident()
    draft = services.create_proposal(author, **{**TEXT, "title": "Aldri åpnet utkast"})
    services.withdraw(author, draft)
    db.session.commit()
    others = [client.get(path).get_data(as_text=True)
              for path in ("/proposals/", "/proposals/?state=withdrawn", "/proposals/feed.atom",
                           "/api/v1/proposals", "/api/v1/proposals?state=withdrawn")]  # fmt: skip
    assert all("Aldri åpnet utkast" not in page for page in others)
    assert client.get(f"/proposals/{draft.id}").status_code == 404
    assert client.get(f"/api/v1/proposals/{draft.id}").status_code == 404
    own = login(app.test_client(), author).get(f"/proposals/{draft.id}")
    assert own.status_code == 200  # still the initiator's own
    from app.proposals.opendata import _rows

    assert all(row["id"] != draft.id for row in _rows(db.session))


def test_similar_proposals_are_suggested_while_writing(app, open_proposal, resident):
    open_proposal(title="Sykkelvei langs Glomma")
    client = login(app.test_client(), resident())
    page = submit(client, "/proposals/new", {**FORM, "title": "Ny sykkelvei", "preview": "1"})
    html = page.get_data(as_text=True)
    assert "Lignende forslag" in html
    assert "Sykkelvei langs Glomma" in html


def test_list_page_queries_do_not_grow_with_the_number_of_proposals(app, resident):
    author = resident()
    client = app.test_client()

    def add(n):
        for i in range(n):
            proposal = services.create_proposal(author, **{**TEXT, "title": f"Forslag {i}"})
            proposal.state = ProposalState.open
        db.session.commit()

    add(1)  # a row's query each would show: 1 on this page, 20 on the next
    few = count_queries(client, "/proposals/")
    add(199)
    many = count_queries(client, "/proposals/")
    assert few == many
    for filters in ("?sort=signatures", "?state=open&sort=deadline", "?topic=Ingen&page=2"):
        assert count_queries(client, f"/proposals/{filters}") == few


def test_proposal_page_queries_do_not_grow_with_comments_and_signatures(
    app, open_proposal, resident
):
    """The proposal page's queries, for a visitor, a resident who signed and the initiator,
    are the same with 2 comments and signatures as with 30 of each."""
    author = resident()
    proposal = open_proposal(author)
    reader = resident()
    clients = (
        app.test_client(),
        login(app.test_client(), reader),
        login(app.test_client(), author),
    )
    url = f"/proposals/{proposal.id}"

    def add(n):
        for i in range(n):
            someone = resident()
            services.sign(someone, proposal.id, proposal.version)
            services.add_comment(someone, proposal, f"Kommentar {i}, med *vekt*")
        db.session.commit()

    services.sign(reader, proposal.id, proposal.version)
    add(2)
    few = [count_queries(client, url) for client in clients]
    add(28)
    many = [count_queries(client, url) for client in clients]
    assert few == many
    assert "Kommentar 27, med <em>vekt</em>" in clients[0].get(url).get_data(as_text=True)


def test_list_page_links_and_filter_labels_in_each_language(client, open_proposal):
    """The list's links are the proposals' addresses, and the filter's labels and choices
    (kept per language) follow the reader's language from one request to the next."""
    proposal = open_proposal()
    for language, sort_by, newest, everything in [
        ("nb", "Sorter etter", "Nyeste", "Alle"),
        ("en", "Sort by", "Newest", "All"),
        ("nn", "Sorter etter", "Nyaste", "Alle"),
        ("nb", "Sorter etter", "Nyeste", "Alle"),
    ]:
        html = client.get("/proposals/", headers={"Accept-Language": language}).get_data(
            as_text=True
        )
        assert f'href="/proposals/{proposal.id}"' in html
        assert f'<label class="ds-label" for="sort">{sort_by} <span' in html
        assert f'<option selected value="newest">{newest}</option>' in html
        assert f'<option selected value="">{everything}</option>' in html


def test_overdue_is_flagged_on_page_and_in_queue(app, open_proposal, resident, make_user):
    author = resident()
    proposal = open_proposal(author)
    services.submit(author, proposal)
    proposal.obliged = True
    proposal.decision_due_on = dates.today() - timedelta(days=1)
    db.session.commit()
    assert "Fristen er passert" in app.test_client().get(f"/proposals/{proposal.id}").get_data(
        as_text=True
    )
    committee = login(app.test_client(), make_user(Role.committee))
    assert 'class="overdue"' in committee.get("/proposals/review").get_data(as_text=True)


# --- permissions -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/proposals/", set(ROLES)),
        ("GET", "/proposals/{id}", set(ROLES)),
        ("GET", "/proposals/new", {"resident", "committee", "service_owner", "admin"}),
        ("GET", "/proposals/review", {"committee", "admin"}),
        ("GET", "/proposals/{id}/signatures", {"committee", "admin"}),
        ("GET", "/proposals/{id}/decide", {"committee", "admin"}),
        ("GET", "/proposals/{id}/reject", {"committee", "admin"}),
        ("GET", "/proposals/{id}/edit", set()),
        ("GET", "/proposals/{id}/submit", set()),
        ("GET", "/proposals/{id}/withdraw", set()),
        ("POST", "/proposals/{id}/paper", {"committee", "admin"}),
    ],
)
def test_permission_matrix(client_for, open_proposal, role, method, path, allowed):
    proposal = open_proposal()
    client = client_for(role)
    url = path.format(id=proposal.id)
    if method == "GET":
        status = client.get(url).status_code
    else:
        status = submit(
            client, url, {"count": "5", "received_on": dates.today().isoformat()}
        ).status_code
    if role in allowed:
        assert status in {200, 302}
        if method == "POST":
            db.session.refresh(proposal)
            assert proposal.paper_count == 5
    elif role == "anonymous":
        assert status == 302
    elif role == "unconfirmed" and path in ("/proposals/new",):
        assert status == 302  # told to confirm first
    else:
        assert status in {403, 302}
        if method == "POST":
            db.session.refresh(proposal)
            assert proposal.paper_count == 0


def test_only_the_author_sees_their_draft_and_edits(app, resident):
    author = resident()
    proposal = services.create_proposal(author, **TEXT)
    db.session.commit()
    assert login(app.test_client(), author).get(f"/proposals/{proposal.id}").status_code == 200
    other = login(app.test_client(), resident())
    assert other.get(f"/proposals/{proposal.id}").status_code == 404
    assert login(app.test_client(), author).get(f"/proposals/{proposal.id}/edit").status_code == 200


# --- hostile input and reliability -----------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_hostile_strings_in_every_field(app, resident, value):
    client = login(app.test_client(), resident())
    for field in ("title", "summary", "body", "topic"):
        response = submit(client, "/proposals/new", {**FORM, field: value, "save": "1"})
        assert response.status_code in {200, 302}
        html = response.get_data(as_text=True)
        assert "<script>alert" not in html
        assert "onerror=alert" not in html
        if must_be_refused(value):
            assert "kontrolltegn" in html
    for proposal in db.session.scalars(sa.select(Proposal)):
        page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
        assert "<script>alert" not in page
        assert 'href="javascript' not in page
    response = client.get("/proposals/", query_string={"q": value, "topic": value,
                                                        "state": value, "sort": value})  # fmt: skip
    assert response.status_code == 200


def test_markdown_in_a_proposal_is_inert(app, resident):
    client = login(app.test_client(), resident())
    body = "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    response = submit(client, "/proposals/new", {**FORM, "body": body, "save": "1"})
    page = client.get(response.location).get_data(as_text=True)
    assert "<script>alert" not in page
    assert 'href="javascript' not in page
    assert "<img" not in page


def test_fifty_residents_signing_at_once(app, open_proposal, resident):
    proposal = open_proposal()
    proposal_id = proposal.id
    signers = [resident() for _ in range(50)]
    clients = []
    for signer in signers:
        client = login(app.test_client(), signer)
        clients.append((client, sign_form(client, proposal_id)))

    def sign(client, form):
        response = client.post(f"/proposals/{proposal_id}/sign", data=form)
        assert "database is locked" not in response.get_data(as_text=True)
        return response.status_code

    statuses = at_once([functools.partial(sign, *pair) for pair in clients])
    assert statuses == [302] * 50
    db.session.expire_all()
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Signature)
        .where(Signature.proposal_id == proposal.id)
    )
    assert count == 50
    assert db.session.get(Proposal, proposal_id).signature_count == 50


@pytest.mark.parametrize(
    ("language", "explained", "refusal"),
    [
        (
            "nb",
            "Underskriftene kan ikke strykes lenger. Det går bare før forslaget sendes inn.",
            "Underskrifter kan bare strykes før forslaget sendes inn.",
        ),
        (
            "nn",
            "Underskriftene kan ikkje strykast lenger. Det går berre før forslaget blir sendt inn.",
            "Underskrifter kan berre strykast før forslaget blir sendt inn.",
        ),
        (
            "en",
            "The signatures can no longer be struck out. That is only possible before the "
            "proposal is submitted.",
            "Signatures can only be struck out before the proposal is submitted.",
        ),
    ],
)
def test_a_submitted_proposals_signatures_cannot_be_struck(
    app, open_proposal, resident, make_user, language, explained, refusal
):
    """The page offers no strike once the proposal is submitted; a strike posted anyway
    (from a page loaded before) is refused with a message and changes nothing."""
    author = resident()
    proposal = open_proposal(author)
    signature_id = services.sign(resident(name="Bjørn Bakke"), proposal.id, proposal.version)
    db.session.commit()
    committee = login(app.test_client(), make_user(Role.committee, language=language))
    path = f"/proposals/{proposal.id}/signatures"
    strike = f"{path}/{signature_id}/strike"
    html = committee.get(path).get_data(as_text=True)
    assert f'action="{strike}"' in html
    assert explained not in html
    token = csrf_token(committee, path)
    services.submit(author, proposal)
    db.session.commit()

    page = committee.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Bjørn Bakke" in html
    assert strike not in html
    assert explained in html
    answer = committee.post(strike, data={"csrf_token": token, "reason": "Bor i Os"})
    assert answer.status_code == 302
    assert answer.location.endswith(path)
    flashed = re.search(
        r'role="alert">\s*<p class="ds-paragraph">([^<]*)</p>',
        committee.get(answer.location).get_data(as_text=True),
    )
    assert flashed
    assert flashed.group(1) == refusal
    db.session.expire_all()
    signature = db.session.get(Signature, signature_id)
    assert (signature.struck_at, signature.struck_reason) == (None, None)
    assert db.session.get(Proposal, proposal.id).signature_count == 1
