"""ASVS 3.7.1: an administrator types the password again before changing roles,
deactivating or reactivating accounts or changing settings, unless it was typed (at login
or when asked) in the last 10 minutes. What was posted is carried through the prompt."""

from __future__ import annotations

import html
import re
import time

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.core.models import AuditEntry, MunicipalitySettings
from app.core.permissions import Role
from app.extensions import db
from tests.admin.test_routes import SETTINGS
from tests.conftest import PASSWORD, login, submit

PROMPT = "Bekreft med passordet ditt"
WRONG = "Passordet stemmer ikke"


@pytest.fixture
def admin(make_user) -> User:
    return make_user(Role.admin, email="admin@roros.example")


@pytest.fixture
def target(make_user) -> User:
    return make_user(Role.resident, email="target@roros.example")


def _typed_minutes_ago(client, minutes: float) -> None:
    with client.session_transaction() as session:
        user_id, _at = session["_password_at"]
        session["_password_at"] = [user_id, int(time.time() - minutes * 60)]


@pytest.fixture
def stale_admin(app, admin):
    """An administrator who logged in 11 minutes ago."""
    client = login(app.test_client(), admin)
    _typed_minutes_ago(client, 11)
    return client


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def _prompt_form(page: str) -> dict[str, list[str]]:
    """What a browser sends from the password page (before the password is typed)."""
    data: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page):
        data.setdefault(name, []).append(html.unescape(value))
    return data


def _roles(user: User) -> set[Role]:
    db.session.expire_all()
    return db.session.get(User, user.id).role_set


def test_a_role_change_waits_for_the_password_then_is_done(stale_admin, target):
    url = f"/admin/users/{target.id}/roles"
    asked = submit(stale_admin, url, {"roles": ["resident", "committee"]})
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert PROMPT in page
    assert f'action="{url}"' in page
    assert _roles(target) == {Role.resident}  # nothing done yet
    assert "user.role_granted" not in _actions()

    data = _prompt_form(page)
    assert data["roles"] == ["resident", "committee"]  # what was posted rides along
    done = stale_admin.post(url, data={**data, "reauth_password": PASSWORD})
    assert done.status_code == 302
    assert _roles(target) == {Role.resident, Role.committee}
    assert _actions() == ["auth.reauth", "user.role_granted"]

    # The password now counts for 10 minutes: the next change is done at once
    again = submit(stale_admin, url, {"roles": ["committee"]})
    assert again.status_code == 302
    assert _roles(target) == {Role.committee}


def test_a_wrong_password_changes_nothing(stale_admin, target):
    url = f"/admin/users/{target.id}/roles"
    page = submit(stale_admin, url, {"roles": ["admin"]}).get_data(as_text=True)
    wrong = stale_admin.post(url, data={**_prompt_form(page), "reauth_password": "feil passord 9"})
    assert wrong.status_code == 200
    html_page = wrong.get_data(as_text=True)
    assert WRONG in html_page
    assert PROMPT in html_page
    assert "feil passord 9" not in html_page
    assert _prompt_form(html_page)["roles"] == ["admin"]  # still carried for another try
    assert _roles(target) == {Role.resident}
    [entry] = db.session.scalars(sa.select(AuditEntry)).all()
    assert entry.action == "auth.reauth_failed"
    assert entry.details == {"for": "admin.set_roles"}
    assert "feil passord" not in repr(entry.details)
    # and the next action is still asked for
    assert PROMPT in submit(stale_admin, url, {"roles": ["admin"]}).get_data(as_text=True)


def test_within_ten_minutes_there_is_no_prompt(app, admin, target):
    client = login(app.test_client(), admin)
    _typed_minutes_ago(client, 9)
    response = submit(client, f"/admin/users/{target.id}/roles", {"roles": ["committee"]})
    assert response.status_code == 302
    assert _roles(target) == {Role.committee}
    assert "auth.reauth" not in _actions()


def test_a_form_login_counts_a_remembered_one_does_not(app, admin, target):
    browser = app.test_client()
    form = {"email": admin.email, "password": PASSWORD, "remember": "y"}
    assert submit(browser, "/auth/login", form).status_code == 302
    url = f"/admin/users/{target.id}/roles"
    assert submit(browser, url, {"roles": ["committee"]}).status_code == 302  # just typed
    remembered = app.test_client()  # a browser that comes back with the remember-me cookie
    remembered.set_cookie("remember_token", browser.get_cookie("remember_token").value)
    asked = submit(remembered, url, {"roles": ["resident"]})
    assert PROMPT in asked.get_data(as_text=True)
    assert _roles(target) == {Role.committee}


def test_a_page_asks_first_and_comes_back(stale_admin):
    response = stale_admin.get("/admin/settings")
    assert response.status_code == 302
    assert response.location == "/auth/reauth?next=/admin/settings"
    page = stale_admin.get(response.location).get_data(as_text=True)
    assert PROMPT in page
    wrong = submit(stale_admin, response.location, {"reauth_password": "feil passord 9"})
    assert WRONG in wrong.get_data(as_text=True)
    right = submit(stale_admin, response.location, {"reauth_password": PASSWORD})
    assert right.location == "/admin/settings"
    assert stale_admin.get("/admin/settings").status_code == 200
    assert _actions() == ["auth.reauth_failed", "auth.reauth"]


def test_the_password_page_leads_only_within_the_site(stale_admin):
    url = "/auth/reauth?next=https://evil.example/"
    assert submit(stale_admin, url, {"reauth_password": PASSWORD}).location == "/"


def test_settings_posted_late_are_saved_after_the_password(stale_admin):
    hostile = {**SETTINGS, "population": "5700", "name": "Røros <script>alert(1)</script>"}
    asked = submit(stale_admin, "/admin/settings", hostile)
    page = asked.get_data(as_text=True)
    assert PROMPT in page
    assert "<script>alert" not in page  # carried escaped
    data = _prompt_form(page)
    assert data["population"] == ["5700"]
    stale_admin.post("/admin/settings", data={**data, "reauth_password": PASSWORD})
    settings = db.session.scalar(sa.select(MunicipalitySettings))
    db.session.refresh(settings)
    assert settings.population == 5700
    assert settings.name == "Røros <script>alert(1)</script>"


def test_deactivation_and_reactivation_ask_too(stale_admin, target):
    url = f"/admin/users/{target.id}/deactivate"
    assert stale_admin.get(url).location == f"/auth/reauth?next={url}"
    page = submit(stale_admin, url).get_data(as_text=True)
    assert PROMPT in page
    db.session.refresh(target)
    assert target.active
    stale_admin.post(url, data={**_prompt_form(page), "reauth_password": PASSWORD})
    db.session.refresh(target)
    assert not target.active

    _typed_minutes_ago(stale_admin, 11)
    url = f"/admin/users/{target.id}/reactivate"
    page = submit(stale_admin, url).get_data(as_text=True)
    assert PROMPT in page
    db.session.refresh(target)
    assert not target.active
    stale_admin.post(url, data={**_prompt_form(page), "reauth_password": PASSWORD})
    db.session.refresh(target)
    assert target.active
    assert _actions() == ["auth.reauth", "user.deactivated", "auth.reauth", "user.reactivated"]


def test_failed_confirmations_count_against_the_login_limit(app, stale_admin, target):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    url = f"/admin/users/{target.id}/roles"
    page = submit(stale_admin, url, {"roles": ["committee"]}).get_data(as_text=True)
    data = _prompt_form(page)
    wrong = {**data, "reauth_password": "feil passord 9"}
    # A failed login from the same address spends the same budget
    submit(app.test_client(), "/auth/login", {"email": "x@roros.example", "password": "x" * 12})
    statuses = [stale_admin.post(url, data=wrong).status_code for _ in range(2)]
    assert statuses == [200, 200]
    refused = stale_admin.post(url, data={**data, "reauth_password": PASSWORD})
    assert refused.status_code == 429  # even the right password, until the limit passes
    assert _roles(target) == {Role.resident}
    assert _actions().count("auth.reauth_failed") == 2


def test_right_confirmations_do_not_spend_the_login_limit(app, stale_admin, target):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    url = f"/admin/users/{target.id}/roles"
    for roles in (["committee"], ["resident"], ["committee"]):
        _typed_minutes_ago(stale_admin, 11)
        page = submit(stale_admin, url, {"roles": roles}).get_data(as_text=True)
        done = stale_admin.post(url, data={**_prompt_form(page), "reauth_password": PASSWORD})
        assert done.status_code == 302
    assert _roles(target) == {Role.committee}
