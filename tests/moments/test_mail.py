"""The confirmation mail over a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import re

from app.core.dates import today
from app.core.mail import send_outbox
from app.moments.models import NominationState
from tests.conftest import submit
from tests.core.test_mail import _text, config_overrides, smtp  # noqa: F401 - fixtures
from tests.moments.fixtures import path_of
from tests.moments.test_nominate import _nominations, form


def test_confirmation_link_over_smtp_sends_the_nomination_to_the_committee(
    app,
    client,
    make_unit,
    committee_client,
    smtp,  # noqa: F811 - the imported fixture
):
    unit = make_unit("Hjemmetjenesten")
    response = submit(client, "/moments/nominate", form(unit))
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "nora@roros.example" in page
    [nomination] = _nominations()
    assert nomination.state == NominationState.unconfirmed
    assert nomination.nominator_email == "nora@roros.example"
    assert "Hjemmetjenesten" not in committee_client.get("/moments/manage/").get_data(as_text=True)
    assert committee_client.get(f"/moments/manage/nominations/{nomination.id}").status_code == 404

    send_outbox()
    [message] = [m for m in smtp.messages if m["To"] == "nora@roros.example"]
    assert message["Subject"] == "Bekreft nominasjonen din"
    body = _text(message)
    link = re.search(r"http://localhost/moments/confirm/\S+", body).group(0)
    assert "Hjemmetjenesten" in body

    page = client.get(path_of(link), follow_redirects=True).get_data(as_text=True)
    assert "Nominasjonen er bekreftet" in page
    [nomination] = _nominations()
    assert nomination.state == NominationState.pending
    assert nomination.month == today().replace(day=1)
    assert "Hjemmetjenesten" in committee_client.get("/moments/manage/").get_data(as_text=True)
    again = client.get(path_of(link), follow_redirects=True).get_data(as_text=True)
    assert "allerede bekreftet" in again
