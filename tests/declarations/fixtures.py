"""Fixtures for declarations; a plugin of tests/conftest.py, so browser tests see them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from app.auth.models import User
from app.core.dates import today
from app.core.models import Unit
from app.core.permissions import Role
from app.declarations import services
from app.declarations.models import DeclarationVersion, Service, TargetUnit
from app.extensions import db

SECTIONS = {
    "about": "Byggesak behandler søknader etter plan- og bygningsloven.",
    "audience": "Alle som skal bygge.",
    "expectations": "- Send en **komplett** søknad.",
    "price": "Gebyr etter regulativet.",
    "complaints": "Du kan klage innen tre uker.",
    "contact": "Servicetorget",
}
PROMISES = [
    services.PromiseInput("Du får svar på søknaden innen 3 uker.", 15, TargetUnit.working_days),
    services.PromiseInput("Du får veiledning før du søker.", None, None),
]


@pytest.fixture
def unit(app) -> Unit:
    unit = Unit(name="Plan, byggesak og oppmåling")
    db.session.add(unit)
    db.session.commit()
    return unit


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.admin, email="admin@roros.example", name="Arne Admin")


@pytest.fixture
def owner(make_user: Callable[..., User]) -> User:
    return make_user(Role.service_owner, email="eier@roros.example", name="Tone Eier")


@pytest.fixture
def make_service(unit, admin) -> Callable[..., Service]:
    counter = iter(range(1, 1000))

    def make(*owners: User, **fields: object) -> Service:
        n = next(counter)
        values = {"name": f"Byggesak {n}", "slug": f"byggesak-{n}", "unit_id": unit.id,
                  "description": "", "focus_areas": [2, 5],
                  "owner_ids": [o.id for o in owners], **fields}  # fmt: skip
        service = services.create_service(admin, **values)
        db.session.commit()
        return service

    return make


@pytest.fixture
def service(make_service, owner) -> Service:
    return make_service(owner)


@pytest.fixture
def publish(admin) -> Callable[..., DeclarationVersion]:
    """Draft and publish (as an administrator) a version in a language."""

    def make(
        service: Service,
        language: str = "nb",
        promises: list[services.PromiseInput] | None = None,
        effective_from: date | None = None,
        **sections: str,
    ) -> DeclarationVersion:
        draft = services.start_draft(admin, service, language)
        services.save_draft(admin, draft, {**SECTIONS, **sections}, promises or PROMISES)
        services.publish(admin, draft, effective_from or today() - timedelta(days=1))
        db.session.commit()
        return draft

    return make
