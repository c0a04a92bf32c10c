"""Fixtures for the compass; a plugin of tests/conftest.py, so browser tests see them."""

from __future__ import annotations

from datetime import date

import pytest

from app.compass import services
from app.compass.models import MeasureStatus
from app.core.dates import today
from app.core.permissions import Role
from app.extensions import db

#: Røros' published evaluations (Utviklingsstrategi 2): 2017 has six of the eight areas
ROROS_2017 = {1: 33, 2: 38, 3: 65, 4: None, 5: None, 6: 43, 7: 35, 8: 69}


@pytest.fixture
def compass_admin(make_user):
    return make_user(Role.admin, email="kompass-admin@roros.example", name="Kari Kompass")


@pytest.fixture
def evaluations(compass_admin):
    """2013 (total only), 2017 (six areas, reference values) and 2021 (total only), target 550."""
    made = [
        services.save_evaluation(compass_admin, None, year=2013, evaluator="KS-Konsulent",
                                 total=254, scores={}),
        services.save_evaluation(compass_admin, None, year=2017, evaluator="KS-Konsulent",
                                 total=396, scores=ROROS_2017, national_average=362,
                                 group_average=356, best_municipality=500),
        services.save_evaluation(compass_admin, None, year=2021, evaluator="KS-Konsulent",
                                 total=593, scores={}),
    ]  # fmt: skip
    services.set_target(compass_admin, 550, 2021)
    db.session.commit()
    return made


@pytest.fixture
def strategy(compass_admin):
    """One sub-strategy with three measures: done (100), in progress (40), cancelled (10)."""
    s = services.save_strategy(
        compass_admin,
        None,
        title="Servicekommunen Røros",
        description="Tilgjengelighet og brukerorientering",
        position=1,
    )
    for title, areas, status, progress in [
        ("Etablere serviceerklæringer", [2, 5], MeasureStatus.done, 100),
        ("Brukerpanel", [2, 7], MeasureStatus.in_progress, 40),
        ("Servicebuss", [2], MeasureStatus.cancelled, 10),
    ]:
        m = services.save_measure(
            compass_admin,
            None,
            strategy=s,
            title=title,
            description="",
            focus_areas=areas,
            owner="Servicetorget",
            due_on=date(2027, 12, 31),
        )
        services.record_update(
            compass_admin,
            m,
            noted_on=today(),
            text=f"{title}: status",
            status=status,
            progress=progress,
            today=today(),
        )
    db.session.commit()
    return s  # fmt: skip
