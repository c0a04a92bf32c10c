"""The Atom feed of declaration updates."""

from __future__ import annotations

from tests.feeds import NS, parse_atom


def test_feed_lists_published_versions_newest_first(client, service, publish):
    publish(service)
    publish(service, language="nn")
    feed = parse_atom(client.get("/declarations/feed.atom"))
    titles = [e.findtext("a:title", namespaces=NS) for e in feed.findall("a:entry", NS)]
    assert titles == [f"{service.name}: versjon 1 (Norsk nynorsk)",
                      f"{service.name}: versjon 1 (Norsk bokmål)"]  # fmt: skip
    link = feed.find("a:entry/a:link", NS).get("href")
    assert link.startswith(f"http://localhost/declarations/{service.slug}/history/")
    assert client.get(link.removeprefix("http://localhost")).status_code == 200


def test_drafts_are_not_in_the_feed(client, service, admin):
    from app.declarations import services as declaration_services
    from app.extensions import db

    declaration_services.start_draft(admin, service, "nb")
    db.session.commit()
    assert parse_atom(client.get("/declarations/feed.atom")).findall("a:entry", NS) == []
    html = client.get("/declarations/").get_data(as_text=True)
    assert 'type="application/atom+xml"' in html
