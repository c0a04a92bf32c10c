"""Atom feeds of new and decided proposals: valid Atom, public proposals only."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.core.permissions import Role
from app.extensions import db
from app.proposals import rules, services
from app.proposals.models import DecisionOutcome

NS = {"a": "http://www.w3.org/2005/Atom"}


def _parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())  # noqa: S314 - our own feed
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    # RFC 4287: a feed and each entry have an id, a title and an updated time
    for node in [feed, *feed.findall("a:entry", NS)]:
        for required in ("a:id", "a:title", "a:updated"):
            assert (node.findtext(required, namespaces=NS) or "").strip(), required
    assert feed.find("a:link[@rel='self']", NS) is not None
    assert feed.find("a:author/a:name", NS) is not None
    return feed


def test_new_proposals_feed(client, open_proposal, resident):
    open_proposal(title="Benker i parken")
    open_proposal(title="Lys \x0b i løypa <script>")  # a character XML cannot hold
    services.create_proposal(resident(), title="Et utkast", summary="x", body="y", focus_area=1)
    db.session.commit()
    feed = _parse(client.get("/proposals/feed.atom"))
    titles = [e.findtext("a:title", namespaces=NS) for e in feed.findall("a:entry", NS)]
    assert titles == ["Lys  i løypa <script>", "Benker i parken"]  # newest first, no draft
    link = feed.find("a:entry/a:link", NS).get("href")
    assert link.startswith("http://localhost/proposals/")


def test_decided_feed_tells_the_outcome(client, open_proposal, resident, make_user):
    author = resident()
    proposal = open_proposal(author, title="Gatelys i Bergmannsgata")
    open_proposal(title="Fortsatt åpent")
    services.submit(author, proposal)
    services.decide(make_user(Role.committee), proposal, DecisionOutcome.adopted, rules.today(),
                    "K-sak 12/26", "Kommunestyret sa ja.")  # fmt: skip
    db.session.commit()
    feed = _parse(client.get("/proposals/decided.atom"))
    [entry] = feed.findall("a:entry", NS)
    assert entry.findtext("a:title", namespaces=NS) == "Gatelys i Bergmannsgata"
    assert "Kommunestyret sa ja." in entry.findtext("a:summary", namespaces=NS)


def test_the_list_page_links_its_feeds(client):
    html = client.get("/proposals/").get_data(as_text=True)
    assert 'rel="alternate" type="application/atom+xml" href="/proposals/feed.atom"' in html
    assert 'href="/proposals/decided.atom"' in html
