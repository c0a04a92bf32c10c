"""Fixtures for the proposals domain; a plugin of tests/conftest.py, so browser tests see them."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from app.auth.models import User
from app.core import dates
from app.core.permissions import Role
from app.extensions import db
from app.proposals import services
from app.proposals.models import Proposal

TEXT = {
    "title": "Sykkelvei langs Hyttelva",
    "summary": "Bygg en trygg sykkelvei fra sentrum til skolen langs Hyttelva.",
    "body": "Barna sykler i veibanen i dag. **Det er farlig.**",
    "focus_area": 8,
    "topic": "Trafikk",
}


_INPUT = re.compile(r"<input\b[^>]*>")
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


def sign_form(client: FlaskClient, proposal_id: int) -> dict[str, str]:
    """The sign form's hidden fields (the CSRF token and the version of the text) as the
    proposal's page shows them to ``client``: what a browser sends with "Skriv under"."""
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    _before, found, after = page.partition(f'action="/proposals/{proposal_id}/sign"')
    assert found, f"no sign form on /proposals/{proposal_id}"
    fields = {}
    for tag in _INPUT.findall(after.split("</form>", 1)[0]):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if attributes.get("type") == "hidden":
            fields[attributes["name"]] = html.unescape(attributes.get("value", ""))
    return fields


@pytest.fixture
def resident(make_user: Callable[..., User]) -> Callable[..., User]:
    """A confirmed resident of Røros who may sign."""
    counter = iter(range(1, 100_000))

    def make(**fields: object) -> User:
        n = next(counter)
        fields.setdefault("postal_code", "7374")
        fields.setdefault("name", f"Innbygger {n}")
        return make_user(Role.resident, email=f"innbygger{n}@roros.example", **fields)

    return make


@pytest.fixture
def open_proposal(resident) -> Callable[..., Proposal]:
    def make(author: User | None = None, **fields: object) -> Proposal:
        author = author or resident()
        proposal = services.create_proposal(author, **{**TEXT, **fields})
        services.open_proposal(author, proposal, dates.today() + timedelta(days=90))
        db.session.commit()
        return proposal

    return make
