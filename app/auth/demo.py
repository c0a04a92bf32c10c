"""The demo's accounts (one per role, app.core.demo.DEMO_USERS) and the units their service
owner is the contact of: seeded before every other domain's demo data, which refers to them."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from app.auth import services
from app.auth.models import User
from app.core.demo import DEMO_UNITS, DEMO_USERS, SEEDERS
from app.core.models import Unit
from app.extensions import db


def seed_users() -> Iterator[str]:
    for email, name, password, roles, postal_code in DEMO_USERS:
        if services.find_user_by_email(email):
            yield f"User {email}: exists."
            continue
        user = services.create_user(email, name, password, roles=roles, confirmed=True)
        user.postal_code = postal_code
        yield f"User {email}: created ({', '.join(roles)})."


def seed_units() -> Iterator[str]:
    existing = set(db.session.scalars(sa.select(Unit.name)))
    contact = db.session.scalar(
        sa.select(User.id).where(User.email == "tjenesteleder@roros.example")
    )
    for name in DEMO_UNITS:
        if name not in existing:
            db.session.add(Unit(name=name, contact_id=contact))
    yield f"Units: {len(DEMO_UNITS)} ({len(set(DEMO_UNITS) - existing)} new)."


seed_users.early = True  # type: ignore[attr-defined]
seed_units.early = True  # type: ignore[attr-defined]
SEEDERS.extend([seed_users, seed_units])
