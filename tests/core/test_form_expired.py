"""CSRF tokens expire after WTF_CSRF_TIME_LIMIT (CSRF_TOKEN_HOURS), and a form sent from one of
our pages after that is not lost: the 400 page shows what was written in a new form with a
fresh token. A form posted from another site gets the plain CSRF page."""

from __future__ import annotations

import html
import re
import time

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.proposals.models import Proposal
from tests.conftest import PASSWORD, csrf_token

OURS = {"Origin": "http://localhost"}
CSRF_PAGE = "Skjemaet var utløpt eller manglet sikkerhetsnøkkel"
EXPIRED = "Skjemaet ble liggende for lenge. Sjekk teksten og send på nytt."
BODY = "Første avsnitt om <script>alert('x')</script> og «lysløypa».\n\nAndre avsnitt & mer."
PROPOSAL = {
    "title": "Lys i løypa <b>nå</b>",
    "summary": "Lysløypa bør lyse til kl. 22.",
    "body": BODY,
    "focus_area": "8",
    "topic": "Friluftsliv",
    "save": "Lagre utkast",
}


def _stale_token(client, hours: float, monkeypatch, path="/proposals/new") -> str:
    """The token a page shows now, with the clock then moved on ``hours`` (Flask-WTF signs
    tokens with the time)."""
    token = csrf_token(client, path)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + hours * 3600)
    return token


def _form_on(page: str) -> dict[str, list[str]]:
    """What a browser sends from the page's repost form, the button pressed included."""
    form = page[page.index('<form method="post" action="/proposals/new"') :]
    form = form[: form.index("</form>")]
    data: dict[str, list[str]] = {}
    pairs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)
    pairs += re.findall(r'<textarea[^>]* name="([^"]+)"[^>]*>\n(.*?)</textarea>', form, re.S)
    pairs += re.findall(r'<button[^>]* name="([^"]+)" value="([^"]*)"', form)
    for name, value in pairs:
        data.setdefault(name, []).append(html.unescape(value))
    return data


def _proposals() -> list[Proposal]:
    return list(db.session.scalars(sa.select(Proposal)))


@pytest.mark.parametrize(("hours", "status"), [(11, 302), (13, 400)])
def test_a_token_lasts_the_configured_hours(app, resident_client, monkeypatch, hours, status):
    assert app.config["WTF_CSRF_TIME_LIMIT"] == 12 * 3600
    data = {"csrf_token": _stale_token(resident_client, hours, monkeypatch), **PROPOSAL}
    assert resident_client.post("/proposals/new", data=data, headers=OURS).status_code == status
    assert len(_proposals()) == (1 if status == 302 else 0)


def test_an_expired_form_keeps_the_text_and_is_sent_again(resident_client, monkeypatch):
    stale = _stale_token(resident_client, 13, monkeypatch)
    response = resident_client.post(
        "/proposals/new", data={"csrf_token": stale, **PROPOSAL}, headers=OURS
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert EXPIRED in page
    assert _proposals() == []  # nothing done yet
    assert "<script>alert" not in page  # the text is escaped
    assert "<b>nå</b>" not in page
    data = _form_on(page)
    assert data["body"] == [BODY]  # shown whole, to check or copy
    assert data["title"] == [PROPOSAL["title"]]
    assert re.search(r'<label class="ds-label" for="[^"]+">Begrunnelse</label>', page)
    assert data["save"] == ["Lagre utkast"]  # the button that was pressed
    [fresh] = data["csrf_token"]
    assert fresh != stale

    again = resident_client.post("/proposals/new", data=data, headers=OURS)
    assert again.status_code == 302
    [proposal] = _proposals()
    assert proposal.body == BODY.strip()
    assert proposal.title == PROPOSAL["title"]
    assert proposal.focus_area == 8
    assert proposal.topic == "Friluftsliv"


def test_a_missing_token_on_our_own_form_keeps_the_text_too(resident_client):
    resident_client.get("/proposals/new")
    response = resident_client.post(
        "/proposals/new", data=PROPOSAL, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert response.status_code == 400
    assert EXPIRED in response.get_data(as_text=True)
    assert _form_on(response.get_data(as_text=True))["body"] == [BODY]


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},
        {"Origin": "null"},
        {"Referer": "http://evil.example/proposals/new"},
        {},  # a request that does not say where it came from
    ],
)
def test_a_cross_site_post_gets_no_form_to_send_again(resident_client, headers):
    """A forgery must not become a one-click resubmission: the plain CSRF page, no form."""
    response = resident_client.post("/proposals/new", data=PROPOSAL, headers=headers)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert CSRF_PAGE in page
    assert EXPIRED not in page
    assert "lysløypa" not in page
    assert 'method="post" action="/proposals/new"' not in page
    assert _proposals() == []


def test_passwords_are_never_repeated(client, make_user, monkeypatch):
    make_user(email="lang@roros.example")
    stale = _stale_token(client, 13, monkeypatch, path="/auth/login")
    form = {"csrf_token": stale, "email": "lang@roros.example", "password": PASSWORD}
    response = client.post("/auth/login", data=form, headers=OURS)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "lang@roros.example" in page
    assert PASSWORD not in page
    assert 'name="password"' not in page
    assert "Passord og vedlegg blir ikke tatt vare på" in page


def test_the_api_answers_json_still(client):
    response = client.post("/api/v1/proposals", data={"x": "1"}, headers=OURS)
    assert response.status_code in {400, 405}
    assert response.is_json
