"""Someone registers another person's address and logs in without confirming it: the
account holds none of that person's data, cannot delete it, gets no role, and the owner's
click on the confirmation link does not hand the account over."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.auth import services as auth_services
from app.auth.models import User
from app.core.mail import queue_mail
from app.core.models import OutboxMail
from app.core.owndata import export_user_data
from app.core.permissions import Role
from app.extensions import db
from app.moments.models import Nomination
from tests.conftest import PASSWORD, login, outbox, submit

VICTIM = "offer@roros.example"
SECRET_STORY = "Hemmelig historie om Siri som bare offeret kjenner"


def _victim_data(make_nomination) -> Nomination:
    """The owner of the address sent a nomination without an account, and got mail."""
    nomination = make_nomination(nominator_email=VICTIM, story=SECRET_STORY)
    queue_mail(VICTIM, "confirm_email", "nb", user=None, link="http://x/c", hours=48)
    db.session.commit()
    return nomination


def _attacker(client) -> User:
    submit(
        client,
        "/auth/register",
        {"name": "Angriper", "email": VICTIM, "password": PASSWORD, "password_confirm": PASSWORD},
    )
    user = db.session.scalar(sa.select(User).where(User.email == VICTIM))
    assert user is not None
    assert not user.is_confirmed
    submit(client, "/auth/login", {"email": VICTIM, "password": PASSWORD})
    return user


def test_an_unconfirmed_account_exports_none_of_the_owners_data(client, make_nomination):
    _victim_data(make_nomination)
    attacker = _attacker(client)
    response = client.get("/account/export")
    assert response.status_code == 302  # to the account page: confirm first
    assert SECRET_STORY not in response.get_data(as_text=True)
    assert "bekrefte e-postadressen" in client.get(response.location).get_data(as_text=True)
    # and the domains' own-data readers match nothing by address for it
    data = export_user_data(db.session.get(User, attacker.id))
    assert data["moments"]["nominations"] == []
    assert data["mail"] == []


def test_an_unconfirmed_account_deletes_none_of_the_owners_data(client, make_nomination):
    nomination = _victim_data(make_nomination)
    _attacker(client)
    mails_before = len(outbox(VICTIM))
    response = submit(client, "/account/delete", {"password": PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(User).where(User.email == VICTIM)) is not None
    kept = db.session.get(Nomination, nomination.id)
    assert kept.nominator_email == VICTIM
    assert kept.story == SECRET_STORY
    assert len(outbox(VICTIM)) == mails_before
    # anonymising it directly leaves the owner's rows alone as well
    auth_services.delete_account(db.session.scalar(sa.select(User).where(User.email == VICTIM)))
    db.session.commit()
    assert db.session.get(Nomination, nomination.id).nominator_email == VICTIM
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMail)
            .where(OutboxMail.to_address == VICTIM)
        )
        == mails_before
    )


def test_the_owner_clicking_the_link_does_not_confirm_the_attackers_account(app, client):
    attacker_browser = client
    attacker = _attacker(attacker_browser)
    [mail] = [m for m in outbox(VICTIM) if m.template == "confirm_email"]
    link = re.search(r"https?://\S+/auth/confirm/\S+", mail.body_text).group(0)
    path = "/" + link.split("/", 3)[3]

    owner = app.test_client()  # the owner of the address, who never knew the password
    response = owner.get(path)
    assert response.status_code == 302
    assert "/auth/login" in response.location
    db.session.expire_all()
    assert not db.session.get(User, attacker.id).is_confirmed
    assert attacker_browser.get("/account").status_code == 200  # nothing handed over


def test_confirming_ends_the_accounts_other_sessions(app, client, make_user):
    user = make_user(email="egen@roros.example", confirmed=False)
    other_browser = login(app.test_client(), user)
    assert other_browser.get("/account").status_code == 200
    auth_services.send_confirmation(user)
    db.session.commit()
    mail = outbox("egen@roros.example")[-1]
    path = (
        "/" + re.search(r"https?://\S+/auth/confirm/\S+", mail.body_text).group(0).split("/", 3)[3]
    )
    login(client, user)
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    assert "E-postadressen din er bekreftet" in page
    assert client.get("/account").status_code == 200  # this session goes on
    assert other_browser.get("/account").status_code == 302  # the other one has ended


def test_no_role_for_an_unconfirmed_account(app, client, make_user):
    target = make_user(email="ubekreftet@roros.example", confirmed=False)
    result = app.test_cli_runner().invoke(args=["users", "grant", target.email, "committee"])
    assert result.exit_code != 0
    assert "not confirmed" in result.output

    admin = make_user(Role.admin)
    login(client, admin)
    response = submit(
        client, f"/admin/users/{target.id}/roles", {"roles": ["resident", "committee"]}
    )
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "kan ikke få roller" in page
    db.session.expire_all()
    assert Role.committee not in db.session.get(User, target.id).role_set
