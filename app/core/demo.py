"""The Røros demo: settings and one account per role. Idempotent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import sqlalchemy as sa

from app.core.models import MunicipalityKind, MunicipalitySettings
from app.core.permissions import Role
from app.core.settings import invalidate_settings
from app.extensions import db

#: Demo accounts, listed with their passwords in README.md.
DEMO_USERS = [
    ("innbygger@roros.example", "Ingrid Innbygger", "innbygger-demo-2026", (Role.resident,),
     "7374"),
    ("utvalg@roros.example", "Ola Utvalg", "utvalg-demo-2026", (Role.resident, Role.committee),
     "7374"),
    ("tjenesteleder@roros.example", "Tone Tjenesteleder", "tjeneste-demo-2026",
     (Role.service_owner,), "7374"),
    ("admin@roros.example", "Arne Administrator", "admin-demo-2026", (Role.admin,), None),
]  # fmt: skip

RØROS = {
    "name": "Røros kommune",
    "number": "5025",
    "kind": MunicipalityKind.kommune,
    "population": 5681,  # 1 January 2025
    "postal_codes": ["7370", "7372", "7373", "7374", "7375"],
    "areas": ["Røros sentrum", "Brekken", "Glåmos", "Hitterdalen", "Feragen", "Galåen"],
    # Approximate shares for the demo (percent); an administrator enters the real ones
    "age_shares": {"0-17": 20, "18-29": 13, "30-44": 17, "45-66": 30, "67+": 20},
    "area_shares": {
        "Røros sentrum": 62,
        "Brekken": 9,
        "Glåmos": 8,
        "Hitterdalen": 5,
        "Feragen": 4,
        "Galåen": 12,
    },
    "electoral_period_start": date(2023, 10, 1),
    "electoral_period_end": date(2027, 9, 30),
}

#: The domains append their own seeders here; each yields lines to print. A seeder marked
#: ``early = True`` runs before the others (the accounts and units everyone refers to), one
#: marked ``late = True`` after all the others (the compass's snapshots read everyone's data);
#: otherwise they run in the order they were added.
SEEDERS: list[Callable[[], Iterator[str]]] = []


def _stage(seeder: Callable[[], Iterator[str]]) -> int:
    return 0 if getattr(seeder, "early", False) else 2 if getattr(seeder, "late", False) else 1


def seed_settings() -> Iterator[str]:
    settings = db.session.scalar(sa.select(MunicipalitySettings).limit(1))
    if settings is None:
        db.session.add(MunicipalitySettings(**RØROS))
        invalidate_settings()
        yield "Settings: Røros kommune (5025, 5 681 inhabitants)."
    else:
        if not settings.age_shares or not settings.area_shares:  # added after the first seed
            settings.age_shares = settings.age_shares or RØROS["age_shares"]
            settings.area_shares = settings.area_shares or RØROS["area_shares"]
            invalidate_settings()
        yield f"Settings: kept ({settings.name})."


def seed() -> Iterator[str]:
    """Run every seeder in one transaction and commit."""
    for seeder in [seed_settings, *sorted(SEEDERS, key=_stage)]:
        yield from seeder()
        db.session.flush()
    db.session.commit()


#: Røros kommune's units in the demo (declarations and golden moments refer to them),
#: seeded by app.auth.demo with the service owner as their contact.
DEMO_UNITS = [
    "Servicetorget",
    "Plan, byggesak og oppmåling",
    "Renovasjon og miljø",
    "Hjemmetjenesten",
    "Barnehagene",
    "Røros skole",
    "Kultur og bibliotek",
    "Helse og omsorg",
]
