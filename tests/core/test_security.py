"""Security over HTTPS as in production: Flask-WTF's CSRF check, Referer included, answers
every failure with the CSRF error page (400), a malformed Referer too."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token

HTTPS = "https://localhost"
CSRF_PAGE = "Skjemaet var utløpt eller manglet sikkerhetsnøkkel"


@pytest.fixture
def config_overrides():
    return {
        "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_SECURE": True,
        "PREFERRED_URL_SCHEME": "https",
        "SITE_URL": HTTPS,
    }


def _log_in(client, token: str, referrer: str):  # type: ignore[no-untyped-def]
    form = {"csrf_token": token, "email": "ingen@roros.example", "password": "feil passord 123"}
    return client.post("/auth/login", data=form, base_url=HTTPS, headers={"Referer": referrer})


def test_a_post_from_our_own_page_passes_the_check(app):
    client = app.test_client()
    answer = _log_in(client, csrf_token(client), f"{HTTPS}/auth/login")
    assert answer.status_code == 200  # the login page again: wrong password, not CSRF
    assert CSRF_PAGE not in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    "referrer",
    [
        "https://localhost:x/",  # a port that is not a number
        "https://localhost:99999/",  # a port out of range
        "https://[::1/",  # an IPv6 host never closed
        "https://evil.example/",  # well formed, another site
    ],
)
def test_a_malformed_or_foreign_referrer_is_the_csrf_page(app, referrer):
    client = app.test_client()
    answer = _log_in(client, csrf_token(client), referrer)
    assert answer.status_code == 400
    assert CSRF_PAGE in answer.get_data(as_text=True)
