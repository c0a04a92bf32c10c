"""Login sessions end when they should: each test copies a browser's cookies, as someone who
got hold of them would, and checks what the copy still opens."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.auth.jobs import end_expired_sessions_nightly
from app.auth.models import LoginSession, User
from app.auth.queries import device_label
from app.core.dates import today
from app.core.db import utcnow
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.extensions import db
from tests.conftest import PASSWORD, login, outbox, submit

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
NEW_PASSWORD = "et helt nytt passord 456"


def browser(app: Flask, user: User, agent: str = FIREFOX, remember: bool = False) -> FlaskClient:
    """A browser that logged in through the login form."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    form = {"email": user.email, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    assert submit(client, "/auth/login", form).status_code == 302
    return client


def copy(app: Flask, client: FlaskClient, cookie: str) -> FlaskClient:
    """Another machine holding only a copy of ``client``'s ``cookie``."""
    name = app.config["SESSION_COOKIE_NAME"] if cookie == "session" else "remember_token"
    kept = client.get_cookie(name)
    assert kept is not None, f"{client} has no {name} cookie"
    thief = app.test_client()
    thief.environ_base["HTTP_USER_AGENT"] = "curl/8.5"
    thief.set_cookie(name, kept.value)
    return thief


def opens_account(client: FlaskClient) -> bool:
    response = client.get("/account")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def sessions_of(user: User) -> list[LoginSession]:
    db.session.expire_all()
    stmt = sa.select(LoginSession).where(LoginSession.user_id == user.id)
    return list(db.session.scalars(stmt.order_by(LoginSession.id)))


@pytest.mark.parametrize("cookie", ["session", "remember"])
def test_a_copied_cookie_opens_nothing_once_its_browser_logs_out(app, make_user, cookie):
    user = make_user()
    own = browser(app, user, remember=True)
    stolen = copy(app, own, cookie)
    assert opens_account(stolen)  # the copy works while the session lasts
    assert submit(own, "/auth/logout").status_code == 302
    assert not opens_account(own)
    assert not opens_account(stolen)  # the server ended the session, not just the browser
    assert sessions_of(user) == []


def test_logging_out_ends_only_that_browsers_session(app, make_user):
    user = make_user()
    laptop, phone = browser(app, user), browser(app, user, IPHONE)
    submit(laptop, "/auth/logout")
    assert not opens_account(laptop)
    assert opens_account(phone)
    assert len(sessions_of(user)) == 1


def test_logging_in_again_in_the_same_browser_ends_its_earlier_session(app, make_user):
    first, second = make_user(), make_user()
    shared = browser(app, first, remember=True)
    stolen = copy(app, shared, "remember")
    form = {"email": second.email, "password": PASSWORD}
    assert submit(shared, "/auth/login", form).status_code == 302
    assert not opens_account(stolen)
    assert sessions_of(first) == []
    assert len(sessions_of(second)) == 1


@pytest.mark.parametrize("cookie", ["session", "remember"])
def test_deactivation_ends_every_session_and_reactivation_revives_none(
    app, make_user, admin_client, cookie
):
    user = make_user()
    stolen = copy(app, browser(app, user, remember=True), cookie)
    other = browser(app, user, IPHONE)
    assert opens_account(stolen)
    submit(admin_client, f"/admin/users/{user.id}/deactivate")
    assert sessions_of(user) == []
    assert not opens_account(stolen)
    assert not opens_account(other)
    submit(admin_client, f"/admin/users/{user.id}/reactivate")
    assert not opens_account(stolen)
    assert not opens_account(other)
    [entry] = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "user.deactivated")
    )
    assert entry.details == {"sessions_ended": 2}


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, make_user):
    user = make_user()
    here = browser(app, user)
    phone = browser(app, user, IPHONE)
    stolen = copy(app, browser(app, user, remember=True), "remember")
    page = here.get("/account/password").get_data(as_text=True)
    assert "blir du logget ut på alle andre" in page
    wrong = {
        "current_password": "ikke passordet mitt",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
    }
    refused = submit(here, "/account/password", wrong)
    assert "Passordet stemmer ikke" in refused.get_data(as_text=True)
    assert opens_account(phone)  # a wrong current password changes nothing
    right = {**wrong, "current_password": PASSWORD}
    response = submit(here, "/account/password", right, follow_redirects=True)
    assert "Passordet er endret" in response.get_data(as_text=True)
    assert opens_account(here)
    assert not opens_account(phone)
    assert not opens_account(stolen)
    assert len(sessions_of(user)) == 1
    db.session.refresh(user)
    again = app.test_client()
    assert (
        submit(again, "/auth/login", {"email": user.email, "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_a_password_change_confirms_no_address(app, make_user):
    """Unlike a reset link, the account page proves nothing about the address."""
    user = make_user(confirmed=False)
    here = browser(app, user)
    form = {
        "current_password": PASSWORD,
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
    }
    assert submit(here, "/account/password", form).status_code == 302
    db.session.refresh(user)
    assert not user.is_confirmed


def test_a_password_reset_ends_every_session(app, make_user):
    user = make_user()
    laptop = browser(app, user)
    stolen = copy(app, browser(app, user, IPHONE, remember=True), "remember")
    submit(app.test_client(), "/auth/reset", {"email": user.email})
    link = re.search(r"/auth/reset/\S+", outbox(user.email)[-1].body_text).group(0)
    form = {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    assert submit(laptop, link, form).status_code == 302  # reset from a logged-in browser
    assert not opens_account(laptop)
    assert not opens_account(stolen)
    assert sessions_of(user) == []


def test_the_account_page_lists_the_sessions_and_ends_exactly_the_one_chosen(app, make_user):
    user = make_user()
    laptop, phone = browser(app, user), browser(app, user, IPHONE)
    page = laptop.get("/account").get_data(as_text=True)
    assert "Firefox på Windows" in page
    assert "Safari på iPhone" in page
    assert page.count("Denne økten") == 1
    assert page.count("Logg ut denne") == 1  # the other one; this one logs out as usual
    this_one, phones = (s.id for s in sessions_of(user))
    assert f"/account/sessions/{phones}/end" in page
    assert f"/account/sessions/{this_one}/end" not in page
    response = submit(laptop, f"/account/sessions/{phones}/end", follow_redirects=True)
    assert "Den andre innloggingen er logget ut" in response.get_data(as_text=True)
    assert not opens_account(phone)
    assert opens_account(laptop)
    assert [s.id for s in sessions_of(user)] == [this_one]
    [entry] = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "auth.session_ended")
    )
    assert (entry.actor_id, entry.target_id, entry.details) == (
        user.id,
        str(user.id),
        {"session": phones},
    )


def test_ending_this_browsers_own_session_from_the_list_logs_it_out(app, make_user):
    user = make_user()
    laptop = browser(app, user)
    [this_one] = sessions_of(user)
    response = submit(laptop, f"/account/sessions/{this_one.id}/end", follow_redirects=True)
    assert "Du er logget ut" in response.get_data(as_text=True)
    assert not opens_account(laptop)


def test_no_one_ends_another_accounts_session(app, make_user):
    """Posting another account's session id (or one that is gone) changes nothing and says so."""
    victim, attacker = make_user(), make_user()
    victims = browser(app, victim)
    attackers = browser(app, attacker, IPHONE)
    [target] = sessions_of(victim)
    for session_id in (target.id, target.id + 1000):
        response = submit(attackers, f"/account/sessions/{session_id}/end", follow_redirects=True)
        assert response.status_code == 200
        assert "Den innloggingen finnes ikke på kontoen din" in response.get_data(as_text=True)
    assert opens_account(victims)
    assert opens_account(attackers)
    assert [s.id for s in sessions_of(victim)] == [target.id]
    assert attackers.post(f"/account/sessions/{target.id}/end").status_code == 400  # no CSRF
    assert not db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "auth.session_ended")
    ).all()


def test_log_out_everywhere_asks_first_then_ends_every_session(app, make_user):
    user = make_user()
    here = browser(app, user)
    phone = browser(app, user, IPHONE)
    stolen = copy(app, browser(app, user, remember=True), "remember")
    assert "/account/sessions/end-all" in here.get("/account").get_data(as_text=True)
    page = here.get("/account/sessions/end-all").get_data(as_text=True)
    assert "Ja, logg ut overalt" in page
    assert len(sessions_of(user)) == 3  # the question changes nothing
    response = submit(here, "/account/sessions/end-all")
    assert response.location.endswith("/auth/login")
    assert not any(opens_account(c) for c in (here, phone, stolen))
    assert sessions_of(user) == []
    [entry] = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "auth.sessions_ended")
    )
    assert entry.details == {"sessions_ended": 3}


def test_no_session_token_reaches_the_audit_log(app, make_user):
    user = make_user()
    laptop = browser(app, user, remember=True)
    phone = browser(app, user, IPHONE)
    tokens = []
    for client in (laptop, phone):
        with client.session_transaction() as session:
            tokens.append(session["_user_id"])
    tokens.append(laptop.get_cookie("remember_token").value)
    phones = sessions_of(user)[1].id
    submit(laptop, f"/account/sessions/{phones}/end")
    submit(laptop, "/auth/logout")
    written = repr([(e.actor_label, e.details) for e in db.session.scalars(sa.select(AuditEntry))])
    assert "auth.session_ended" in repr(db.session.scalars(sa.select(AuditEntry.action)).all())
    for token in tokens:
        assert token.split("|")[0] not in written
    assert not any(s.token_digest in tokens for s in sessions_of(user))  # only digests kept


def test_a_session_ends_when_remember_me_would_and_is_cleared_at_night(app, make_user):
    user = make_user()
    old, fresh = browser(app, user, remember=True), browser(app, user, IPHONE)
    stolen = copy(app, old, "remember")
    first, _ = sessions_of(user)
    first.created_at = utcnow() - app.config["REMEMBER_COOKIE_DURATION"] - timedelta(minutes=1)
    db.session.commit()
    assert not opens_account(old)
    assert not opens_account(stolen)
    assert opens_account(fresh)
    assert "Safari på iPhone" in fresh.get("/account").get_data(as_text=True)
    assert "Firefox på Windows" not in fresh.get("/account").get_data(as_text=True)
    assert end_expired_sessions_nightly.call_local() == 1
    assert len(sessions_of(user)) == 1


def test_remember_me_lasts_at_most_thirty_days_whatever_is_configured():
    code = "import config; print(config.Config.REMEMBER_COOKIE_DURATION.days)"
    for days, expected in (("365", "30"), ("7", "7")):
        env = {**os.environ, "REMEMBER_DAYS": days}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == expected


def test_last_seen_is_written_once_a_day(app, make_user):
    user = make_user()
    laptop = browser(app, user)
    [login_session] = sessions_of(user)
    login_session.last_seen_on = today() - timedelta(days=3)
    db.session.commit()
    updates = []

    def note(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("UPDATE LOGIN_SESSIONS"):
            updates.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        assert opens_account(laptop)  # a GET, which commits nothing of its own
        assert opens_account(laptop)
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    assert len(updates) == 1
    [login_session] = sessions_of(user)
    assert login_session.last_seen_on == today()


def test_the_export_lists_the_sessions_without_their_tokens(app, make_user):
    user = make_user()
    laptop = browser(app, user)
    with laptop.session_transaction() as session:
        token = session["_user_id"]
    body = laptop.get("/account/export").get_data(as_text=True)
    assert "Firefox på Windows" in body
    assert token not in body
    assert sessions_of(user)[0].token_digest not in body


def test_deleting_the_account_deletes_its_sessions(app, make_user):
    user = make_user()
    laptop = browser(app, user)
    form = {"password": PASSWORD, "understood": "y"}
    assert submit(laptop, "/account/delete", form).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginSession)) == 0


def test_a_helper_login_gets_a_session_of_its_own(app, make_user):
    """The tests' login() goes through a login session like the form does."""
    user = make_user(Role.committee)
    client = login(app.test_client(), user)
    assert opens_account(client)
    assert len(sessions_of(user)) == 1


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (FIREFOX, "Firefox på Windows"),
        (IPHONE, "Safari på iPhone"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36",
            "Chrome på macOS",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge på Windows",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
            "Samsung Internet på Android",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Firefox på Linux",
        ),
        ("curl/8.5", "Ukjent nettleser"),
        ("", "Ukjent nettleser"),
    ],
)
def test_the_user_agent_is_told_in_plain_words(app, agent, label):
    with app.test_request_context():
        assert device_label(agent) == label
