"""ASVS 2.1.7: common, leaked and personal passwords are refused with advice, everywhere a
password is chosen (registration, reset, `flask users create`)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.auth import services
from app.auth.models import User
from app.auth.passwords import password_weakness
from app.core.demo import DEMO_USERS
from app.extensions import db
from tests.conftest import PASSWORD, login, outbox, submit

#: Each is at least 10 characters, so the length rule alone let them through before
WEAK = [
    "passord123",  # Norwegian "password" from the leaked lists, with 123
    "sommer2024",  # a common word and a year
    "Hemmelig123",  # capitalised, still on the list
    "qwertyuiop",  # a keyboard row, near the top of every list
    "password1234",  # on the list as it is
    "iloveyou12",
]
STRONG = "blåbær trapp kalender sykkel"  # a few unrelated words
ADVICE = "noen få ord som ikke hører sammen"


@pytest.mark.parametrize("password", WEAK)
def test_common_and_leaked_passwords_are_weak(app, password):
    assert password_weakness(password) is not None


def test_a_password_built_from_the_name_or_address_is_refused(app):
    known = ["Kari Nordmann", "kari.nordmann@roros.example"]
    assert password_weakness("kari.nordmann1") is None  # fine for anyone else
    message = password_weakness("kari.nordmann1", known)
    assert message is not None
    assert "navnet eller e-postadressen" in message


def test_long_passphrases_and_the_demo_passwords_pass(app):
    assert password_weakness(STRONG) is None
    assert password_weakness("x7#Q" + "kjempelang setning om fjell og vann " * 5) is None
    for email, name, password, _roles, _postal in DEMO_USERS:  # README lists them
        assert password_weakness(password, [email, name]) is None


def _register(client, password, **headers):
    return submit(
        client,
        "/auth/register",
        {
            "name": "Per Hansen",
            "email": "per@roros.example",
            "password": password,
            "password_confirm": password,
        },
        headers=headers,
    )


@pytest.mark.parametrize("password", WEAK)
def test_registration_refuses_a_weak_password_with_advice(client, password):
    response = _register(client, password)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "blant de mye brukte eller lekkede passordene" in html
    assert ADVICE in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    assert outbox() == []


def test_registration_refuses_the_own_name(client):
    response = _register(client, "per.hansen2024")
    assert "bygger på navnet eller e-postadressen din" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User)) is None


@pytest.mark.parametrize(
    ("language", "advice"),
    [
        ("nn", "nokre få ord som ikkje høyrer saman"),
        ("en", "a few unrelated words make a good password"),
    ],
)
def test_the_advice_is_in_the_readers_language(client, language, advice):
    response = _register(client, "passord123", **{"Accept-Language": language})
    assert advice in response.get_data(as_text=True)


def test_registration_accepts_a_long_passphrase(client):
    assert _register(client, STRONG).status_code == 302
    assert services.authenticate("per@roros.example", STRONG) is not None


def test_a_short_password_gets_the_length_message_alone(client):
    html = _register(client, "qwerty").get_data(as_text=True)
    assert "mellom 10 og 200 tegn" in html
    assert "lekkede" not in html


def _reset_link(client, make_user):
    user = make_user(email="glemt@roros.example", name="Gro Glemsk")
    submit(client, "/auth/reset", {"email": user.email})
    token = re.search(r"/auth/reset/(\S+)", outbox(user.email)[-1].body_text).group(1)
    return user, f"/auth/reset/{token}"


@pytest.mark.parametrize("password", [*WEAK[:2], "gro.glemsk123"])
def test_reset_refuses_a_weak_password(client, make_user, password):
    user, link = _reset_link(client, make_user)
    before = user.password_hash
    response = submit(client, link, {"password": password, "password_confirm": password})
    assert response.status_code == 200
    assert ADVICE in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash == before
    assert services.authenticate(user.email, password) is None


@pytest.mark.parametrize("password", [*WEAK[:2], "pia.passord2024"])
def test_a_password_change_refuses_a_weak_password(app, make_user, password):
    """/account/password applies the same check as registration and reset (the name of the
    account's owner included), and keeps the old password."""
    user = make_user(email="pia@roros.example", name="Pia Passord")
    client = login(app.test_client(), user)
    form = {"current_password": PASSWORD, "password": password, "password_confirm": password}
    response = submit(client, "/account/password", form)
    assert response.status_code == 200
    assert ADVICE in response.get_data(as_text=True)
    assert services.authenticate(user.email, PASSWORD) is not None
    assert services.authenticate(user.email, password) is None


def test_reset_accepts_a_long_passphrase(client, make_user):
    user, link = _reset_link(client, make_user)
    response = submit(client, link, {"password": STRONG, "password_confirm": STRONG})
    assert response.status_code == 302
    db.session.refresh(user)
    assert services.authenticate(user.email, STRONG) is not None


@pytest.mark.parametrize("password", [*WEAK[:3], "lea.leder2024"])
def test_users_create_refuses_a_weak_password(app, password):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "lea.leder@roros.example",
            "--name",
            "Lea Leder",
            "--password",
            password,
        ],
    )
    assert result.exit_code != 0
    assert "too easy to guess" in result.output
    assert db.session.scalar(sa.select(User)) is None


def test_users_create_accepts_a_long_passphrase(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "lea@roros.example", "--name", "Lea", "--password", STRONG]
    )
    assert result.exit_code == 0, result.output
    assert services.authenticate("lea@roros.example", STRONG) is not None


def test_the_password_lists_are_loaded_by_the_first_check_not_at_start():
    """zxcvbn's lists (11 MB) are not loaded by every worker that starts, only by one that
    checks a password (read in a fresh interpreter)."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys; from app import create_app; from config import TestConfig;"
        "create_app(TestConfig); print('zxcvbn' in sys.modules);"
        "from app.auth.passwords import password_weakness; password_weakness('passord123');"
        "print('zxcvbn' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["False", "True"]
