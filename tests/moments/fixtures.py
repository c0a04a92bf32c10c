"""Fixtures for golden service moments; a plugin of tests/conftest.py, so browser tests see
them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from flask_login import AnonymousUserMixin

from app.auth.models import User
from app.core.dates import today
from app.core.models import OutboxMail, Unit
from app.core.permissions import Role
from app.extensions import db
from app.moments import services
from app.moments.models import Nomination, Winner
from app.moments.months import this_month
from tests.conftest import outbox, submit

STORY = "Hun ringte tilbake samme kveld og løste saken min. **Tusen takk!**"
_LINK = re.compile(r"https?://\S+/moments/confirm/\S+")


def confirmation_link(to: str) -> str:
    """The confirmation link in the newest confirmation mail to ``to``."""
    mails = [m for m in outbox(to) if m.template == "moment_confirm"]
    assert mails, f"no confirmation mail to {to}"
    match = _LINK.search(mails[-1].body_text)
    assert match, mails[-1].body_text
    return match.group(0)


def committee_edits_story(committee: FlaskClient, nomination: Nomination) -> None:
    """A committee member saves a nomination's story through the moderation form: a write
    of a request, which is what the caches must notice."""
    submit(
        committee,
        f"/moments/manage/nominations/{nomination.id}",
        {"employee_name": "", "story": "Ny fortelling.", "name_consent": ""},
    )


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


@pytest.fixture
def make_unit(app) -> Callable[..., Unit]:
    counter = iter(range(1, 10_000))

    def make(name: str | None = None, contact: User | None = None, active: bool = True) -> Unit:
        unit = Unit(
            name=name or f"Enhet {next(counter)}",
            contact_id=contact.id if contact else None,
            active=active,
        )
        db.session.add(unit)
        db.session.commit()
        return unit

    return make


@pytest.fixture
def make_nomination(make_unit) -> Callable[..., Nomination]:
    """A nomination through the services: sent, then confirmed from its mailed link."""
    counter = iter(range(1, 10_000))

    def make(unit: Unit | None = None, confirm: bool = True, **fields: object) -> Nomination:
        n = next(counter)
        values = {"unit_id": (unit or make_unit()).id, "employee_name": "Siri Bakken",
                  "happened_on": today() - timedelta(days=2), "story": STORY,
                  "nominator_name": f"Nora Nominerer {n}",
                  "nominator_email": f"nominerer{n}@roros.example", "may_contact": True,
                  "language": "nb", **fields}  # fmt: skip
        nomination = services.nominate(AnonymousUserMixin(), **values)
        db.session.commit()
        if confirm:
            services.confirm_nomination(path_of(confirmation_link(nomination.nominator_email))
                                        .rsplit("/", 1)[1])  # fmt: skip
            db.session.commit()
        return nomination

    return make


@pytest.fixture
def approved(make_nomination, make_user) -> Callable[..., Nomination]:
    def make(consent: bool = False, **fields: object) -> Nomination:
        nomination = make_nomination(**fields)
        services.approve(make_user(Role.committee), nomination, consent)
        db.session.commit()
        return nomination

    return make


@pytest.fixture
def winner(approved, make_user) -> Callable[..., Winner]:
    def make(consent: bool = False, citation: str = "For omtanke utover det vanlige.",
             **fields: object) -> Winner:  # fmt: skip
        nomination = approved(consent=consent, **fields)
        won = services.publish_winner(make_user(Role.committee), this_month(), nomination,
                                      citation)  # fmt: skip
        db.session.commit()
        return won

    return make


def mails(template: str) -> list[OutboxMail]:
    return [m for m in outbox() if m.template == template]
