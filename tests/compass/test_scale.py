"""The compass's pages run as many queries with a little data as with seven times as much:
every domain's indicators (computed on each request here, COMPASS_CACHE_SECONDS being 0),
the measures with their logs, the snapshots and the links read in a fixed number of
queries, never one per survey, measure or indicator."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

import pytest
from flask_login import AnonymousUserMixin

from app.compass import services
from app.compass.live import months_after
from app.compass.models import MeasureStatus
from app.core.dates import first_of_month, today
from app.core.permissions import Role
from app.declarations import services as declarations
from app.extensions import db
from app.panel import services as panel
from app.panel.models import Audience, Participation, QuestionKind
from app.proposals import services as proposals
from tests.conftest import count_queries, login


@pytest.fixture
def grow(compass_admin, open_proposal, resident, member, make_service, publish, make_nomination):
    """add(n): n more of everything the compass reads, in every domain."""
    serial = count(1)

    def add(n: int) -> None:
        for _ in range(n):
            i = next(serial)
            services.save_evaluation(
                compass_admin,
                None,
                year=1990 + i,
                evaluator="KS",
                total=300 + i,
                scores={1: 30 + i % 50, 2: 40},
            )
            strategy = services.save_strategy(
                compass_admin, None, title=f"Delstrategi {i}", description="", position=i
            )
            for areas in ([1], [1, 2], [3]):
                measure = services.save_measure(
                    compass_admin,
                    None,
                    strategy=strategy,
                    title=f"Tiltak {i} {areas}",
                    description="Beskrivelse",
                    focus_areas=areas,
                    owner="Servicetorget",
                    due_on=date(2030, 1, 1),
                )
                for days in range(4):
                    services.record_update(
                        compass_admin,
                        measure,
                        noted_on=today() - timedelta(days=days),
                        text="Status",
                        status=MeasureStatus.in_progress,
                        progress=10 * days,
                        today=today(),
                    )
            proposal = open_proposal(focus_area=1)
            proposals.sign(resident(birth_year=1990), proposal.id, proposal.version)
            survey = panel.create_survey(
                compass_admin,
                title=f"Undersøkelse {i}",
                intro="",
                audience=Audience.panel,
                opens_on=today() - timedelta(days=20),
                closes_on=today() - timedelta(days=2),
                results_public=True,
            )
            panel.add_question(
                compass_admin,
                survey,
                kind=QuestionKind.scale6,
                text="Fornøyd?",
                dimension="Helhet",
                focus_area=1,
            )
            panel.publish(compass_admin, survey)
            db.session.add(Participation(survey_id=survey.id, user_id=member().id))
            service = make_service()
            version = publish(service)
            declarations.give_feedback(
                AnonymousUserMixin(), service, version.promises[0].id, True, None
            )
            make_nomination()
            db.session.commit()
            services.take_snapshot(months_after(first_of_month(today()), -i))
            db.session.commit()

    return add


@pytest.mark.parametrize("path", ["/compass/", "/compass/areas/1"])
def test_compass_pages_read_as_many_queries_with_seven_times_the_data(app, make_user, grow, path):
    reader = login(app.test_client(), make_user(Role.resident))
    grow(1)
    few = count_queries(reader, path)
    grow(6)
    assert count_queries(reader, path) == few
