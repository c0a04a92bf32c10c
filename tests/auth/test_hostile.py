"""The shared hostile strings through every form of the accounts domain."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from tests.conftest import PASSWORD, login, submit
from tests.hostile import HOSTILE_STRINGS, must_be_refused

CONTROL_MESSAGE = "kontrolltegn"


def _assert_safe(response):
    assert response.status_code < 500
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    assert "<img src=x onerror" not in html
    return html


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_register_form(client, value):
    response = submit(
        client,
        "/auth/register",
        {"name": value, "email": value, "password": value, "password_confirm": value},
    )
    _assert_safe(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_register_name_alone(client, value):
    response = submit(
        client,
        "/auth/register",
        {"name": value, "email": "h@roros.example", "password": PASSWORD,
         "password_confirm": PASSWORD},
    )  # fmt: skip
    html = _assert_safe(response)
    stored = db.session.scalar(sa.select(User.name))
    if must_be_refused(value):
        assert CONTROL_MESSAGE in html
        assert stored is None
    elif value.strip() and len(value.strip()) <= 120 and "\n" not in value:
        assert stored == value.strip()
    else:
        assert stored is None
        assert response.status_code == 200


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_login_form(client, value):
    _assert_safe(submit(client, "/auth/login", {"email": value, "password": value}))
    _assert_safe(submit(client, "/auth/login", {"email": "a@roros.example", "password": value}))


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_reset_forms(client, value):
    _assert_safe(submit(client, "/auth/reset", {"email": value}))
    _assert_safe(client.get("/auth/reset/" + value.replace("/", "")[:500]))


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_account_form(client, make_user, value):
    user = make_user(name="Før Endring")
    login(client, user)
    response = submit(
        client,
        "/account",
        {"name": value, "postal_code": value, "birth_year": value, "language": value},
    )
    _assert_safe(response)
    db.session.refresh(user)
    assert user.name == "Før Endring"  # nothing saved when any field is refused


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_account_name_is_escaped_where_shown(client, make_user, value):
    user = make_user(postal_code="7374")
    login(client, user)
    response = submit(
        client,
        "/account",
        {"name": value, "postal_code": "7374", "birth_year": "", "language": "nb"},
    )
    html = _assert_safe(response)
    db.session.refresh(user)
    if must_be_refused(value):
        assert CONTROL_MESSAGE in html
        assert user.name == "Kari Nordmann"
    if user.name == value.strip() and "<" in value:
        page = client.get("/account").get_data(as_text=True)
        assert value.strip() not in page  # escaped, not raw
        assert "&lt;" in page


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_language_chooser(client, value):
    response = client.get(f"/language/{value[:200].replace('/', '')}", query_string={"next": value})
    assert response.status_code in {302, 404}
    if response.status_code == 404:
        return
    assert response.location.startswith("/")
    assert not response.location.startswith("//")
