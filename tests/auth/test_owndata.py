"""Export my data and delete my account, through the registry every domain plugs into."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.auth.models import User, UserRole
from app.core import owndata
from app.core.audit import audit
from app.core.models import AuditEntry, OutboxMail
from app.core.permissions import Role
from app.extensions import db
from tests.conftest import PASSWORD, login, submit


def test_export_holds_what_the_user_gave(client, make_user):
    user = make_user(Role.resident, email="eksport@roros.example", name="Eva Eksport",
                     postal_code="7374", birth_year=1988, language="nn")  # fmt: skip
    login(client, user)
    response = client.get("/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    account = data["account"]
    assert account["email"] == "eksport@roros.example"
    assert account["name"] == "Eva Eksport"
    assert (account["postal_code"], account["birth_year"], account["language"]) == (
        "7374", 1988, "nn",
    )  # fmt: skip
    assert account["roles"] == ["resident"]
    assert "password_hash" not in json.dumps(data)
    assert set(data) >= {"account", "audit_log", "mail", "exported"}


def test_export_requires_login(client):
    assert client.get("/account/export").status_code == 302


def test_a_domain_plugs_into_the_registry(client, make_user):
    calls = []
    owndata.register_own_data(
        "test_domain", lambda u: {"things": [u.email]}, lambda u: calls.append(u.id)
    )
    try:
        user = make_user(email="plug@roros.example")
        login(client, user)
        data = json.loads(client.get("/account/export").get_data(as_text=True))
        assert data["test_domain"] == {"things": ["plug@roros.example"]}
        user_id = user.id
        submit(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
        assert calls == [user_id]
    finally:
        owndata._handlers.pop("test_domain")


def test_delete_asks_for_password_and_confirmation(client, make_user):
    user = make_user(email="angrer@roros.example")
    login(client, user)
    page = client.get("/account/delete").get_data(as_text=True)
    assert "Du kan ikke angre" in page
    wrong = submit(client, "/account/delete", {"password": "feil passord!", "understood": "y"})
    assert "Passordet stemmer ikke" in wrong.get_data(as_text=True)
    unticked = submit(client, "/account/delete", {"password": PASSWORD})
    assert "Kryss av" in unticked.get_data(as_text=True)
    assert db.session.get(User, user.id) is not None


def test_delete_removes_login_and_personal_fields_and_pages_still_render(
    app, client, make_user, admin_client
):
    user = make_user(Role.committee, email="slett@roros.example", name="Sara Slett",
                     postal_code="7374", birth_year=1970)  # fmt: skip
    user_id = user.id
    audit(user, "test.action", user, {"note": "something Sara did"})
    db.session.commit()
    login(client, user)
    client.get("/")
    response = submit(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    assert response.status_code == 302
    db.session.expire_all()

    assert db.session.get(User, user_id) is None
    assert db.session.scalar(sa.select(User).where(User.email == "slett@roros.example")) is None
    assert db.session.scalars(sa.select(UserRole).where(UserRole.user_id == user_id)).all() == []
    assert (
        db.session.scalars(
            sa.select(OutboxMail).where(OutboxMail.to_address == "slett@roros.example")
        ).all()
        == []
    )
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "test.action"))
    assert entry.actor_id is None
    assert "slett@" not in entry.actor_label
    deleted = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "account.deleted"))
    assert deleted.details == {"user_id": user_id}

    assert client.get("/account").status_code == 302  # logged out
    login_again = submit(client, "/auth/login", {"email": "slett@roros.example",
                                                 "password": PASSWORD})  # fmt: skip
    assert "Feil e-postadresse eller passord" in login_again.get_data(as_text=True)

    audit_page = admin_client.get("/admin/audit")
    assert audit_page.status_code == 200
    html = audit_page.get_data(as_text=True)
    assert "slettet bruker" in html
    assert "Sara Slett" not in html
    assert "slett@roros.example" not in html


@pytest.mark.parametrize("path", ["/account/export", "/account/delete"])
def test_own_data_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/auth/login" in response.location
