"""The front page: the sections the domains register, for a visitor and for a resident,
counted with a fixed number of queries however much there is."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core import dates, frontpage
from app.core.frontpage import FrontPageError, Section
from app.core.permissions import Role
from app.extensions import db
from app.panel import services as panel_services
from app.panel.models import Audience, QuestionKind
from app.proposals import services
from app.proposals.models import DecisionOutcome, Proposal, ProposalState
from tests.conftest import count_queries, login


def _survey(admin, title, audience=Audience.residents, closes_in=14):
    survey = panel_services.create_survey(
        admin,
        title=title,
        intro="",
        audience=audience,
        opens_on=dates.today(),
        closes_on=dates.today() + timedelta(days=closes_in),
        results_public=True,
    )
    panel_services.add_question(admin, survey, kind=QuestionKind.scale6, text="Hvor fornøyd?")
    panel_services.publish(admin, survey)
    db.session.commit()
    return survey


def _signed(proposal, signers):
    for signer in signers:
        services.sign(signer, proposal.id, proposal.version)
    db.session.commit()


def _overdue(open_proposal, author, title):
    """A proposal submitted with the threshold reached seven months ago, still undecided."""
    proposal = open_proposal(author=author, title=title)
    services.count_signatures(proposal, paper=services.threshold())
    services.submit(author, proposal)
    proposal.decision_due_on = dates.today() - timedelta(days=30)
    db.session.commit()
    return proposal


def test_every_domain_registers_a_section():
    assert frontpage.registered() == ["proposals", "panel", "moments", "compass"]


def test_a_visitor_sees_what_is_going_on(
    client, open_proposal, resident, make_user, winner, evaluations
):
    author = resident()
    near = open_proposal(author=author, title="Nær terskelen")
    far = open_proposal(author=author, title="Langt unna")
    _signed(near, [resident() for _ in range(3)])
    _signed(far, [resident()])
    _overdue(open_proposal, author, "Fristen er ute")
    _survey(make_user(Role.admin), "Hva synes du om biblioteket?")
    winner(citation="Hun fant boka jeg lette etter.")

    html = client.get("/").get_data(as_text=True)
    # collecting: the closest to the threshold first, with its progress
    assert html.index("Nær terskelen") < html.index("Langt unna")
    assert f"3 av {services.threshold()} underskrifter" in html
    assert "2 forslag samler underskrifter" in html
    # awaiting a decision, the overdue counted and marked
    assert "1 forslag er sendt til kommunestyret og venter på vedtak" in html
    assert "Fristen på seks måneder er passert for 1 av dem" in html
    assert "Fristen er ute" in html
    # the open survey, the latest winner, the compass against the target
    assert "Hva synes du om biblioteket?" in html
    assert "Logg inn for å svare" in html
    assert "Hun fant boka jeg lette etter." in html
    assert "fikk kommunen 593 av 800 poeng" in html
    assert "Målet er 550 poeng innen 2021" in html
    assert "Målet er nådd" in html
    # links to every domain, and nothing of anyone's own
    for path in ("/proposals/", "/panel/", "/declarations/", "/moments/", "/compass/"):
        assert f'href="{path}"' in html
    assert "front-own-heading" not in html
    assert "Dine forslag" not in html


def test_an_empty_municipality_says_so(client):
    html = client.get("/").get_data(as_text=True)
    assert "0 forslag samler underskrifter" in html
    assert "Ingen undersøkelser er åpne akkurat nå." in html
    assert "Ingen vinnere er kåret ennå." in html
    assert "Ingen evalueringer er registrert ennå." in html


def test_a_resident_sees_what_is_theirs(app, open_proposal, resident, make_user):
    me = resident()
    other = resident()
    draft = services.create_proposal(
        me, title="Mitt utkast", summary="Et utkast.", body="Tekst", focus_area=1, topic=None
    )
    services.create_proposal(
        other, title="Andres utkast", summary="Et utkast.", body="Tekst", focus_area=1, topic=None
    )
    db.session.commit()
    moved = open_proposal(author=other, title="Kom videre")
    still_open = open_proposal(author=other, title="Fortsatt åpen")
    _signed(moved, [me])
    _signed(still_open, [me])
    services.submit(other, moved)
    db.session.commit()
    admin = make_user(Role.admin)
    _survey(admin, "Undersøkelse for alle")
    answered = _survey(admin, "Allerede besvart")
    panel_services.submit_answers(me, answered, {answered.questions[0].id: 4})
    _survey(admin, "Bare for panelet", audience=Audience.panel)
    db.session.commit()

    html = login(app.test_client(), me).get("/").get_data(as_text=True)
    own = html.split('id="front-own-heading"', 1)[1].split("</section>\n<div", 1)[0]
    assert f'href="/proposals/{draft.id}"' in own
    assert "Mitt utkast" in own
    assert "Andres utkast" not in html
    assert "Kom videre" in own
    assert "Sendt til kommunestyret" in own
    assert "Fortsatt åpen" not in own
    assert "Undersøkelse for alle" in own
    assert "Allerede besvart" not in own
    assert "Bare for panelet" not in own
    assert "Logg inn for å svare" not in html


def test_a_new_resident_is_told_there_is_nothing_yet(resident_client):
    html = resident_client.get("/").get_data(as_text=True)
    assert "Du har ingen utkast" in html
    assert "Ingen undersøkelser venter på svaret ditt." in html


def _grow(open_proposal, resident, make_user, n):
    """n more of everything the front page lists or counts."""
    admin = make_user(Role.admin)
    for i in range(n):
        author = resident()
        proposal = open_proposal(author=author, title=f"Forslag {i}")
        _signed(proposal, [resident()])
        _overdue(open_proposal, author, f"Forsinket {i}")
        done = open_proposal(author=author, title=f"Avgjort {i}")
        services.submit(author, done)
        services.decide(admin, done, DecisionOutcome.adopted, dates.today(), f"K-sak {i}/26", "Ja")
        services.create_proposal(
            author, title=f"Utkast {i}", summary="Utkast.", body="Tekst", focus_area=2, topic=None
        )
        _survey(admin, f"Undersøkelse {i}", audience=list(Audience)[i % 2 * 2])
        db.session.commit()


@pytest.mark.parametrize("role", ["visitor", "resident"])
def test_the_front_page_counts_in_a_fixed_number_of_queries(
    app, role, open_proposal, resident, make_user, winner, evaluations
):
    me = resident()
    reader = login(app.test_client(), me) if role == "resident" else app.test_client()
    winner()
    _grow(open_proposal, resident, make_user, 1)
    few = count_queries(reader, "/")
    _grow(open_proposal, resident, make_user, 6)
    for proposal in db.session.scalars(
        sa.select(Proposal).where(Proposal.state == ProposalState.open)
    ):
        services.sign(me, proposal.id, proposal.version)
    db.session.commit()
    assert count_queries(reader, "/") == few
    # the sections' queries: proposals 2 (the counts, the lists), panel 1, moments 1,
    # compass 1; for a resident also their own proposals (1), the three of
    # panel.services.answerable and the login session with its user
    assert few == {"visitor": 5, "resident": 10}[role]


def test_a_visitors_front_page_is_kept(app, client, open_proposal):
    app.config["PAGE_CACHE_SECONDS"] = 60
    open_proposal(title="Første")
    assert "Første" in client.get("/").get_data(as_text=True)
    assert count_queries(client, "/") == 0
    open_proposal(title="Andre")  # a commit that wrote: the kept page is forgotten
    assert "Andre" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_front_page_is_in_the_readers_language(
    client, open_proposal, winner, evaluations, make_user, language
):
    open_proposal()
    _survey(make_user(Role.admin), "Undersøkelse")
    winner()
    html = client.get("/", headers={"Accept-Language": language}).get_data(as_text=True)
    expected = {
        "nb": ("Innbyggerforslag som samler underskrifter", "Åpne undersøkelser"),
        "nn": ("Innbyggjarforslag som samlar underskrifter", "Opne undersøkingar"),
        "en": ("Citizens’ proposals collecting signatures", "Open surveys"),
    }[language]
    for text in expected:
        assert text in html


def test_a_provider_that_returns_something_else_is_refused(app):
    from flask_login import AnonymousUserMixin

    frontpage.register_section("broken", lambda reader: "oops")
    try:
        with app.test_request_context("/"), pytest.raises(FrontPageError, match="broken"):
            frontpage.sections(AnonymousUserMixin())
    finally:
        frontpage.unregister_section("broken")


def test_own_sections_are_never_shown_to_a_visitor(app):
    class Visitor:
        is_authenticated = False

    frontpage.register_section(
        "mine", lambda reader: [Section("a", "x.html"), Section("b", "y.html", own=True)]
    )
    try:
        with app.test_request_context("/"):
            keys = [s.key for s in frontpage.sections(Visitor()) if s.key in ("a", "b")]
    finally:
        frontpage.unregister_section("mine")
    assert keys == ["a"]


def test_the_moment_shown_keeps_the_consent_rule(client, winner):
    winner(consent=False, employee_name="Ola Hemmelig")
    html = client.get("/").get_data(as_text=True)
    assert "Ola Hemmelig" not in html
    assert "For omtanke utover det vanlige." in html
