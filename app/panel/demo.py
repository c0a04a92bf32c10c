"""Røros demo brukerpanel: volunteers, one closed survey with answers and follow-up, one open."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import User, UserRole
from app.core.dates import today
from app.core.db import utcnow
from app.core.demo import RØROS, SEEDERS
from app.core.permissions import Role
from app.extensions import db
from app.panel import services
from app.panel.models import Audience, FollowUp, FollowUpStatus, PanelMember, QuestionKind, Survey

VOLUNTEERS = 40
CLOSED_TITLE = "Innbyggerundersøkelsen 2026: tjenestene i Røros"
OPEN_TITLE = "Hva synes du om biblioteket?"


def seed_panel() -> Iterator[str]:
    if db.session.scalar(sa.select(Survey.id).where(Survey.title == CLOSED_TITLE)):
        return
    rng = random.Random(5025)  # noqa: S311 - demo data, the same every time
    volunteers = []
    for n in range(1, VOLUNTEERS + 1):
        email = f"panel{n}@roros.example"
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is None:  # each part is idempotent on its own
            user = User(
                email=email,
                name=f"Panelmedlem {n}",
                password_hash="!demo-account-without-login",  # noqa: S106 - matches no password
                confirmed_at=utcnow(),
                postal_code=rng.choice(RØROS["postal_codes"]),
            )
            user.roles = [UserRole(role=Role.resident)]
            db.session.add(user)
            db.session.flush()
        if db.session.get(PanelMember, user.id) is None:
            db.session.add(
                PanelMember(
                    user_id=user.id,
                    birth_year=rng.randrange(1945, 2008),
                    area=rng.choice(RØROS["areas"][:3]),
                    user_groups=rng.sample(
                        ["barnehage", "skole", "helse_omsorg", "byggesak", "kultur"], 2
                    ),
                )
            )
        volunteers.append(user)
    admin = db.session.scalar(sa.select(User).where(User.email == "admin@roros.example"))
    closed = _survey(admin, CLOSED_TITLE, today() - timedelta(days=40), today() + timedelta(days=1))
    for user in volunteers[:34]:
        q = {question.kind: question for question in closed.questions}
        services.submit_answers(
            user,
            closed,
            {
                q[QuestionKind.scale6].id: rng.choices(
                    [2, 3, 4, 5, 6, "dont_know"], [1, 2, 4, 6, 3, 1]
                )[0],
                q[QuestionKind.single].id: rng.randrange(3),
                q[QuestionKind.text].id: rng.choice(
                    [
                        None,
                        None,
                        "Lengre åpningstider på servicetorget.",
                        "Bedre informasjon på nettsidene.",
                    ]
                ),
            },
        )
    closed.closes_on = today() - timedelta(days=5)
    db.session.add_all(
        [
            FollowUp(
                survey_id=closed.id,
                what="Servicetorget holder åpent til kl. 18 på torsdager",
                owner="Servicetorget",
                due_on=today() + timedelta(days=30),
                status=FollowUpStatus.in_progress,
            ),
            FollowUp(
                survey_id=closed.id,
                what="Nye nettsider med klart språk",
                owner="Kommunikasjon",
                due_on=today() + timedelta(days=120),
            ),
        ]
    )
    _survey(admin, OPEN_TITLE, today() - timedelta(days=2), today() + timedelta(days=20))
    db.session.flush()
    try:
        services.draw_subpanel(admin, "Innbyggerpanelet 2026", 18, seed=5025)
    except services.PanelError as error:  # settings without population shares
        yield f"Panel: no sub-panel drawn ({error})."
    yield (
        f"Panel: {VOLUNTEERS} volunteers, a drawn sub-panel of 18, one closed survey with "
        "answers, one open survey."
    )


def _survey(admin: User | None, title: str, opens, closes) -> Survey:  # type: ignore[no-untyped-def]
    survey = services.create_survey(
        admin,
        title=title,
        intro="Takk for at du svarer!",
        audience=Audience.panel,
        opens_on=opens,
        closes_on=closes,
    )
    services.add_question(
        admin,
        survey,
        kind=QuestionKind.scale6,
        dimension="Helhetsvurdering",
        text="Hvor fornøyd er du alt i alt med kommunens tjenester?",
        low_label="Svært misfornøyd",
        high_label="Svært fornøyd",
    )
    services.add_question(
        admin,
        survey,
        kind=QuestionKind.single,
        text="Hvor ofte bruker du dem?",
        options=["Hver uke", "Hver måned", "Sjeldnere"],
    )
    services.add_question(
        admin, survey, kind=QuestionKind.text, required=False, text="Hva kan vi gjøre bedre?"
    )
    services.publish(admin, survey)
    return survey


SEEDERS.append(seed_panel)
