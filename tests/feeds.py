"""Reading Atom feeds in tests."""

from __future__ import annotations

import xml.etree.ElementTree as ET

NS = {"a": "http://www.w3.org/2005/Atom"}


def parse_atom(response) -> ET.Element:
    """The feed, checked against what RFC 4287 requires of a feed and its entries."""
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
