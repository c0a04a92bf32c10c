"""Fixtures for the panel; a plugin of tests/conftest.py, so other tests see them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.dates import today
from app.core.permissions import Role
from app.extensions import db
from app.panel import services
from app.panel.models import Audience, QuestionKind


@pytest.fixture
def survey(make_user):
    admin = make_user(Role.admin)
    s = services.create_survey(
        admin,
        title="Innbyggerundersøkelse 2026",
        intro="Hei!",
        audience=Audience.panel,
        opens_on=today(),
        closes_on=today() + timedelta(days=14),
        results_public=True,
    )
    services.add_question(
        admin, s, kind=QuestionKind.scale6, text="Hvor fornøyd er du?", dimension="Helhetsvurdering"
    )
    services.add_question(
        admin, s, kind=QuestionKind.single, text="Hvor bor du?", options=["Sentrum", "Utenfor"]
    )
    services.add_question(
        admin,
        s,
        kind=QuestionKind.multi,
        text="Hva bruker du?",
        options=["Bibliotek", "Svømmehall", "Kino"],
        required=False,
    )
    services.add_question(
        admin,
        s,
        kind=QuestionKind.number,
        text="Hvor mange bor i huset?",
        min_value=1,
        max_value=20,
        required=False,
    )
    services.add_question(admin, s, kind=QuestionKind.text, text="Noe mer?", required=False)
    services.publish(admin, s)
    db.session.commit()
    return s


@pytest.fixture
def member(resident):
    def make(**profile):
        user = resident()
        services.join_panel(
            user, profile.get("birth_year"), profile.get("area"), profile.get("groups", [])
        )
        db.session.commit()
        return user

    return make


def _answers(survey, scale=5, single=0, multi=(0, 2), number=3, text="Fint!"):
    q = {question.kind: question.id for question in survey.questions}
    return {
        q[QuestionKind.scale6]: scale,
        q[QuestionKind.single]: single,
        q[QuestionKind.multi]: list(multi),
        q[QuestionKind.number]: number,
        q[QuestionKind.text]: text,
    }
