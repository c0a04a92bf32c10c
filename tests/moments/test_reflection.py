"""Ukas servicerefleksjon: administrators publish a prompt per ISO week; each unit's contact
records that the unit held it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.models import AuditEntry
from app.core.permissions import Role
from app.extensions import db
from app.moments import services
from app.moments.models import Reflection, ReflectionPrompt
from app.moments.months import this_week
from tests.conftest import ROLES, login, submit
from tests.hostile import HOSTILE_STRINGS, must_be_refused

PROMPT = "Når gjorde du sist noe innbyggeren ikke forventet?"


@pytest.fixture
def prompt(make_user):
    row = services.publish_prompt(make_user(Role.admin), this_week(), PROMPT)
    db.session.commit()
    return row


def _reflections() -> list[Reflection]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Reflection)))


def test_admin_publishes_a_prompt_for_a_week(admin_client, client):
    response = submit(
        admin_client,
        "/moments/manage/reflection",
        {"week": (this_week() + timedelta(days=2)).isoformat(), "prompt": PROMPT},
    )
    assert response.status_code == 302
    [row] = db.session.scalars(sa.select(ReflectionPrompt))
    assert row.week_start == this_week()  # any day of the week: its Monday
    page = client.get("/moments/reflection").get_data(as_text=True)
    assert PROMPT in page
    assert f"uke {this_week().isocalendar()[1]}" in page
    again = submit(admin_client, "/moments/manage/reflection",
                   {"week": this_week().isoformat(), "prompt": "Et annet spørsmål"})  # fmt: skip
    assert "allerede et refleksjonsspørsmål" in again.get_data(as_text=True)
    past = submit(
        admin_client,
        "/moments/manage/reflection",
        {"week": (this_week() - timedelta(days=7)).isoformat(), "prompt": "Gammelt"},
    )
    assert "denne uken eller en senere" in past.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReflectionPrompt)) == 1
    assert db.session.scalar(
        sa.select(AuditEntry.id).where(AuditEntry.action == "reflection.prompt_published")
    )


def test_the_units_contact_records_the_reflection(app, make_user, make_unit, prompt, client):
    owner = make_user(Role.service_owner, name="Tone Tjenesteleder")
    mine = make_unit("Hjemmetjenesten", contact=owner)
    theirs = make_unit("Røros skole")
    owner_client = login(app.test_client(), owner)
    page = owner_client.get("/moments/reflection").get_data(as_text=True)
    assert f"/moments/reflection/{prompt.id}/units/{mine.id}" in page
    assert f"/moments/reflection/{prompt.id}/units/{theirs.id}" not in page
    response = submit(owner_client, f"/moments/reflection/{prompt.id}/units/{mine.id}",
                      {"learning": "Vi ringer tilbake samme dag."})  # fmt: skip
    assert response.status_code == 302
    page = client.get("/moments/reflection").get_data(as_text=True)
    assert "1 av 2 enheter" in page
    assert "Vi ringer tilbake samme dag." in page
    twice = submit(owner_client, f"/moments/reflection/{prompt.id}/units/{mine.id}",
                   follow_redirects=True)  # fmt: skip
    assert "allerede registrert" in twice.get_data(as_text=True)
    other_unit = submit(owner_client, f"/moments/reflection/{prompt.id}/units/{theirs.id}")
    assert other_unit.status_code == 403
    assert len(_reflections()) == 1


def test_a_future_weeks_prompt_cannot_be_recorded_yet(make_user, make_unit):
    admin = make_user(Role.admin)
    owner = make_user(Role.service_owner)
    unit = make_unit(contact=owner)
    future = services.publish_prompt(admin, this_week() + timedelta(weeks=1), PROMPT)
    with pytest.raises(services.MomentError, match="Refleksjonen kan registreres fra den uken"):
        services.record_reflection(owner, future, unit, None)


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client_for, make_unit, prompt, role):
    unit = make_unit()
    client = client_for(role)
    manage = client.get("/moments/manage/reflection").status_code
    publish = submit(client, "/moments/manage/reflection",
                     {"week": this_week().isoformat(), "prompt": "Nytt?"}).status_code  # fmt: skip
    record = submit(client, f"/moments/reflection/{prompt.id}/units/{unit.id}").status_code
    if role == "admin":
        assert manage == 200
        assert record == 302
        assert len(_reflections()) == 1
    else:
        expected = 302 if role == "anonymous" else 403
        assert (manage, publish, record) == (expected,) * 3  # a service owner, not its contact
        assert _reflections() == []
    assert client.get("/moments/reflection").status_code == 200
    assert client.get("/moments/reflection/2026/54").status_code == 404
    assert client.get("/moments/reflection/2026/0").status_code == 404


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_hostile_strings_in_prompts_and_learning_points(app, make_user, make_unit, value):
    admin = make_user(Role.admin)
    admin_client = login(app.test_client(), admin)
    response = submit(admin_client, "/moments/manage/reflection",
                      {"week": this_week().isoformat(), "prompt": value})  # fmt: skip
    assert response.status_code in {200, 302}
    assert "<script>alert" not in response.get_data(as_text=True)
    prompt = db.session.scalar(sa.select(ReflectionPrompt))
    if must_be_refused(value) or not value.strip() or len(value.strip()) > 1000:
        assert prompt is None
        prompt = services.publish_prompt(admin, this_week(), PROMPT)
        db.session.commit()
    owner = make_user(Role.service_owner)
    unit = make_unit(contact=owner)
    response = submit(
        login(app.test_client(), owner),
        f"/moments/reflection/{prompt.id}/units/{unit.id}",
        {"learning": value},
    )
    assert response.status_code == 302
    html = app.test_client().get("/moments/reflection").get_data(as_text=True)
    assert "<script>alert" not in html
    stored = _reflections()
    if must_be_refused(value) or len(value.strip()) > 500 or "\n" in value:
        assert stored == []
    else:
        assert len(stored) == 1
