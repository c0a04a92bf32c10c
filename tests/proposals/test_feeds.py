"""Atom feeds of new and decided proposals: valid Atom, public proposals only."""

from __future__ import annotations

from app.core import dates
from app.core.permissions import Role
from app.extensions import db
from app.proposals import services
from app.proposals.models import DecisionOutcome
from tests.feeds import NS, parse_atom


def test_new_proposals_feed(client, open_proposal, resident):
    open_proposal(title="Benker i parken")
    open_proposal(title="Lys \x0b i løypa <script>")  # a character XML cannot hold
    services.create_proposal(resident(), title="Et utkast", summary="x", body="y", focus_area=1)
    db.session.commit()
    feed = parse_atom(client.get("/proposals/feed.atom"))
    titles = [e.findtext("a:title", namespaces=NS) for e in feed.findall("a:entry", NS)]
    assert titles == ["Lys  i løypa <script>", "Benker i parken"]  # newest first, no draft
    link = feed.find("a:entry/a:link", NS).get("href")
    assert link.startswith("http://localhost/proposals/")


def test_decided_feed_tells_the_outcome(client, open_proposal, resident, make_user):
    author = resident()
    proposal = open_proposal(author, title="Gatelys i Bergmannsgata")
    open_proposal(title="Fortsatt åpent")
    services.submit(author, proposal)
    services.decide(make_user(Role.committee), proposal, DecisionOutcome.adopted, dates.today(),
                    "K-sak 12/26", "Kommunestyret sa ja.")  # fmt: skip
    db.session.commit()
    feed = parse_atom(client.get("/proposals/decided.atom"))
    [entry] = feed.findall("a:entry", NS)
    assert entry.findtext("a:title", namespaces=NS) == "Gatelys i Bergmannsgata"
    assert "Kommunestyret sa ja." in entry.findtext("a:summary", namespaces=NS)


def test_the_list_page_links_its_feeds(client):
    html = client.get("/proposals/").get_data(as_text=True)
    assert 'rel="alternate" type="application/atom+xml" href="/proposals/feed.atom"' in html
    assert 'href="/proposals/decided.atom"' in html
