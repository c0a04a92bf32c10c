"""schemathesis against the OpenAPI document: every endpoint, a bounded number of generated
requests each; no server error and no answer that breaks the document."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from app.core.permissions import Role
from app.extensions import db
from app.panel import services as panel_services
from tests.panel.fixtures import _answers


@pytest.fixture
def api_schema(app, open_proposal, survey, member, make_user, service, publish, winner,
               evaluations, strategy):  # fmt: skip
    """The document of a site with data behind every endpoint: a proposal, a closed survey
    with answers and a follow-up action, a published declaration, a month's winner, the
    compass's evaluations and a strategy with measures."""
    publish(service)
    winner(consent=False)
    proposal = open_proposal()
    for scale in (3, 4, 5, 6, 2, 5, 4):
        panel_services.submit_answers(member(area="Brekken", birth_year=1980), survey,
                                      _answers(survey, scale=scale))  # fmt: skip
    panel_services.add_followup(
        make_user(Role.admin), survey, "Lengre åpningstider", "Biblioteket", None
    )
    db.session.commit()
    panel_services.close_now(make_user(Role.admin), survey)
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return schema, {"proposal_id": proposal.id, "survey_id": survey.id, "slug": service.slug}


def test_api_conforms_to_its_document(api_schema):
    """Each operation in turn (schemathesis' pytest loader does not run on pytest 9): first
    with the ids of the real rows, then with generated requests."""
    schema, ids = api_schema
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 4
    for operation in operations:
        names = [p.name for p in operation.path_parameters]
        if names:
            operation.Case(path_parameters={n: ids[n] for n in names}).call_and_validate()

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)  # fmt: skip
        def check(case):
            case.call_and_validate()

        check()
