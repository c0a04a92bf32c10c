"""Rejected means withdrawn from view: a proposal rejected by moderation keeps a public page
with its title, the date and the public reason, and its text is in no public channel; its
initiator and the committee still read it in full."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.compass.export import DATABASE_FILE, export_open_data
from app.core.permissions import Role
from app.extensions import db
from app.proposals import services
from tests.conftest import login

BODY = "Naboen min er en svindler og skal kastes ut av bygda."
SUMMARY = "Kast ut naboen min, Ola Svindlersen."
COMMENT = "Enig, han lurte meg i fjor."
REASON = "Forslaget inneholder personangrep."


@pytest.fixture
def config_overrides(tmp_path):
    return {"OPENDATA_DIR": str(tmp_path / "opendata")}


@pytest.fixture
def rejected(open_proposal, resident, make_user):
    """An open proposal, commented on, then rejected by the committee; and one still open."""
    author = resident()
    proposal = open_proposal(author, title="Naboen i Bergmannsgata", summary=SUMMARY, body=BODY)
    services.add_comment(resident(), proposal, COMMENT)
    services.reject(make_user(Role.committee), proposal, REASON)
    open_proposal(title="Benker i parken")
    db.session.commit()
    return proposal


def _exported(directory: Path) -> str:
    """Every file of the open-data export as the public downloads it (SQLite dumped to SQL)."""
    export_open_data(directory)
    texts = [p.read_text("utf-8") for p in sorted(directory.glob("*.csv"))]
    with sqlite3.connect(directory / DATABASE_FILE) as conn:
        texts += list(conn.iterdump())
    return "\n".join(texts)


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def test_no_public_channel_shows_the_rejected_text(app, client, rejected):
    detail = client.get(f"/proposals/{rejected.id}")
    assert detail.status_code == 200
    channels = {
        "page": _text(detail),
        "list": _text(client.get("/proposals/")),
        "search": _text(client.get("/proposals/?q=naboen")),
        "feed.atom": _text(client.get("/proposals/feed.atom")),
        "decided.atom": _text(client.get("/proposals/decided.atom")),
        "compass area": _text(client.get("/compass/areas/8")),
        "API list": _text(client.get("/api/v1/proposals")),
        "API search": _text(client.get("/api/v1/proposals?q=naboen")),
        "API detail": _text(client.get(f"/api/v1/proposals/{rejected.id}")),
        "open data": _exported(Path(app.config["OPENDATA_DIR"])),
    }
    leaks = {
        channel: [secret for secret in (BODY, SUMMARY, COMMENT) if secret in text]
        for channel, text in channels.items()
    }
    assert leaks == dict.fromkeys(channels, [])
    # the page keeps the title and the public reason; the lists leave it out altogether
    assert "Naboen i Bergmannsgata" in channels["page"]
    assert REASON in channels["page"]
    for channel in ("list", "search", "feed.atom", "compass area", "API list", "API search"):
        assert "Naboen i Bergmannsgata" not in channels[channel], channel
    assert "Benker i parken" in channels["list"]  # the lists still work
    assert "Benker i parken" in channels["feed.atom"]
    assert "Benker i parken" in channels["API list"]
    assert "Benker i parken" in channels["open data"]


def test_the_api_answers_404_for_a_rejected_proposal(client, rejected):
    response = client.get(f"/api/v1/proposals/{rejected.id}")
    assert response.status_code == 404
    assert client.get("/api/v1/proposals?state=rejected").status_code == 400


@pytest.mark.parametrize("who", ["initiator", "committee", "admin"])
def test_initiator_and_committee_still_read_the_full_text(app, rejected, make_user, who):
    user = {
        "initiator": lambda: db.session.get(type(rejected), rejected.id).author,
        "committee": lambda: make_user(Role.committee),
        "admin": lambda: make_user(Role.admin),
    }[who]()
    html = _text(login(app.test_client(), user).get(f"/proposals/{rejected.id}"))
    for text in (SUMMARY, "svindler", COMMENT, REASON):
        assert text in html, text


@pytest.mark.parametrize("role", ["resident", "service_owner"])
def test_other_users_see_the_withdrawn_page(login_as, rejected, role):
    html = _text(login_as(Role(role)).get(f"/proposals/{rejected.id}"))
    assert REASON in html
    assert "svindler" not in html
    assert COMMENT not in html
    assert 'name="robots" content="noindex"' in html


def test_the_list_offers_no_rejected_filter(client, rejected):
    html = _text(client.get("/proposals/"))
    assert 'value="rejected"' not in html
    # asked for anyway, the filter is not applied and the rejected proposal stays out
    assert "Naboen i Bergmannsgata" not in _text(client.get("/proposals/?state=rejected"))
