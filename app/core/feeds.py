"""Atom feeds (RFC 4287), written with ElementTree so every text is escaped; characters XML
cannot hold are left out rather than making the feed unreadable."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Response, current_app

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml"
#: Not allowed in XML 1.0 (the C0 controls but tab, newline and return; U+FFFE, U+FFFF)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    link: str
    updated: datetime
    summary: str = ""
    author: str | None = None
    #: HTML (already safe), sent escaped as <content type="html">
    content_html: str | None = None
    published: datetime | None = None


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    element.text = _NOT_XML.sub("", text)
    return element


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def atom_feed(title: str, feed_id: str, self_url: str, page_url: str, entries: list[Entry],
              language: str | None = None, author: str = "Medvirke") -> Response:  # fmt: skip
    """An Atom document: the feed's own link, the page it follows, and its entries."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    if language:
        feed.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    _text(feed, "title", title)
    _text(feed, "id", feed_id)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": self_url, "type": ATOM_TYPE})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": page_url})
    newest = max((e.updated for e in entries), default=datetime(2020, 1, 1, tzinfo=UTC))
    _text(feed, "updated", _stamp(newest))
    _text(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", author)
    for e in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", e.id)
        _text(entry, "title", e.title)
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": e.link})
        if e.published:
            _text(entry, "published", _stamp(e.published))
        _text(entry, "updated", _stamp(e.updated))
        if e.author:
            _text(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", e.author)
        if e.summary:
            _text(entry, "summary", e.summary)
        if e.content_html:
            _text(entry, "content", e.content_html, type="html")
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return current_app.response_class(body, mimetype=ATOM_TYPE)
