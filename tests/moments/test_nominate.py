"""Nominating without an account: the confirmation link over real SMTP, the honeypot, the
rate limit, and bad input that changes nothing."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import current_app
from itsdangerous import URLSafeTimedSerializer

from app.core.dates import today
from app.core.models import OutboxMail
from app.extensions import db
from app.moments import services
from app.moments.models import Nomination, NominationState
from tests.conftest import csrf_token, login, mail_text, outbox, submit
from tests.moments.fixtures import STORY, confirmation_link, path_of


def form(of, **fields):
    return {"unit": str(of.id), "employee_name": "Siri Bakken",
            "happened_on": (today() - timedelta(days=3)).isoformat(), "story": STORY,
            "nominator_name": "Nora Nominerer", "nominator_email": "Nora@Roros.example",
            "may_contact": "y", **fields}  # fmt: skip


def _nominations() -> list[Nomination]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Nomination).order_by(Nomination.id)))


def test_the_confirmation_mail_repeats_nothing_the_nominator_typed(client, make_unit):
    """The address is not shown to be the nominator's yet: the mail names the unit only,
    not the nominator, the employee or the story."""
    typed = {
        "nominator_name": "Vinn en iPhone på svindel.example",
        "employee_name": "Ring 815 00 000 nå",
        "story": "Kjøp billige klokker i dag.",
    }
    unit = make_unit()
    response = submit(client, "/moments/nominate", form(unit, **typed))
    assert response.status_code == 302
    [mail] = outbox("nora@roros.example")
    assert mail.template == "moment_confirm"
    assert unit.name in mail.body_text
    for value in typed.values():
        assert value not in mail_text(mail)


def test_a_tampered_link_is_refused(client, make_nomination):
    nomination = make_nomination(confirm=False)
    link = path_of(confirmation_link(nomination.nominator_email))
    page = client.get(link[:-3] + "abc", follow_redirects=True).get_data(as_text=True)
    assert "Lenken er ugyldig" in page
    assert _nominations()[0].state == NominationState.unconfirmed


def test_an_expired_link_sends_a_new_one_and_loses_nothing(client, make_nomination, monkeypatch):
    nomination = make_nomination(confirm=False)
    signer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=services.CONFIRM_SALT)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 49 * 3600)
    old = signer.dumps({"n": nomination.id, "e": nomination.nominator_email})
    monkeypatch.setattr(time, "time", real_time)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail))
    page = client.get(f"/moments/confirm/{old}", follow_redirects=True).get_data(as_text=True)
    assert "Vi har sendt deg en ny" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == before + 1
    assert _nominations()[0].state == NominationState.unconfirmed
    fresh = path_of(confirmation_link(nomination.nominator_email))
    client.get(fresh)
    assert _nominations()[0].state == NominationState.pending


def test_a_logged_in_confirmed_nominator_needs_no_link(app, make_unit, make_user):
    unit = make_unit()
    user = make_user(email="kari@roros.example", name="Kari Konto")
    client = login(app.test_client(), user)
    page = client.get("/moments/nominate").get_data(as_text=True)
    assert 'value="kari@roros.example"' in page
    response = submit(client, "/moments/nominate",
                      form(unit, nominator_email="kari@roros.example"))  # fmt: skip
    assert "sendt til utvalget" in client.get(response.location).get_data(as_text=True)
    [nomination] = _nominations()
    assert nomination.state == NominationState.pending
    assert nomination.nominator_id == user.id


def test_the_honeypot_keeps_bots_out_quietly(client, make_unit):
    unit = make_unit()
    response = submit(client, "/moments/nominate", form(unit, website="http://spam.example"))
    assert response.status_code == 302  # the bot is told all went well
    assert _nominations() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 0
    page = client.get("/moments/nominate").get_data(as_text=True)
    assert re.search(r'<div hidden>\s*<label for="website"', page)  # not shown to people


def test_nominating_is_rate_limited_with_a_friendly_page(client, make_unit):
    unit = make_unit()
    token = csrf_token(client, "/moments/nominate")
    statuses = [
        client.post("/moments/nominate", data={"csrf_token": token, **form(unit)}).status_code
        for _ in range(6)
    ]
    assert statuses == [302] * 5 + [429]
    page = client.post("/moments/nominate", data={"csrf_token": token, **form(unit)})
    assert "For mange forsøk" in page.get_data(as_text=True)
    assert len(_nominations()) == 5
    assert client.get("/moments/nominate").status_code == 200  # reading the form is not limited


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("unit", "", "Velg et av alternativene"),
        ("unit", "999999", "Velg et av alternativene"),
        ("unit", "abc", "Velg et av alternativene"),
        ("story", "", "Fortell hva som skjedde"),
        ("story", "x" * 3001, "høyst 3 000 tegn"),
        ("happened_on", "", "Velg datoen"),
        ("happened_on", "i går", "åååå-mm-dd"),
        ("happened_on", 1, "i dag eller tidligere"),
        ("happened_on", -400, "ett år tilbake"),
        ("happened_on", "9999-12-31", "i dag eller tidligere"),
        ("nominator_name", "", "Skriv navnet ditt"),
        ("nominator_email", "ikke-en-adresse", "gyldig e-postadresse"),
        ("employee_name", "x" * 121, "høyst 120 tegn"),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(client, make_unit, field, value, message):
    if isinstance(value, int):  # days from today, counted when the test runs, not when collected
        value = (today() + timedelta(days=value)).isoformat()
    unit = make_unit()
    response = submit(client, "/moments/nominate", form(unit, **{field: value}))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _nominations() == []


def test_an_inactive_unit_is_not_offered(client, make_unit):
    make_unit("Nedlagt enhet", active=False)
    active = make_unit("Aktiv enhet")
    page = client.get("/moments/nominate").get_data(as_text=True)
    assert "Aktiv enhet" in page
    assert "Nedlagt enhet" not in page
    assert submit(client, "/moments/nominate", form(active)).status_code == 302
