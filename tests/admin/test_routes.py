"""Administration: permissions, actions, audit rows, settings validation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app.admin import services
from app.auth.models import User
from app.core.models import AuditEntry, MunicipalitySettings
from app.core.permissions import Role
from app.extensions import db
from tests.conftest import PASSWORD, ROLES, login, submit
from tests.hostile import HOSTILE_STRINGS, must_be_refused


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


SETTINGS = {
    "name": "Røros kommune",
    "number": "5025",
    "kind": "kommune",
    "population": "5700",
    "postal_codes": "7374\n7372, 7370",
    "areas": "Røros sentrum\nBrekken",
    "electoral_period_start": "2023-10-01",
    "electoral_period_end": "2027-09-30",
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/admin/"),
        ("GET", "/admin/users"),
        ("GET", "/admin/users/{id}"),
        ("POST", "/admin/users/{id}/roles"),
        ("GET", "/admin/users/{id}/deactivate"),
        ("POST", "/admin/users/{id}/deactivate"),
        ("POST", "/admin/users/{id}/reactivate"),
        ("GET", "/admin/settings"),
        ("POST", "/admin/settings"),
        ("GET", "/admin/audit"),
    ],
)
def test_permission_matrix(client_for, make_user, role, method, path):
    target = make_user(email="target@roros.example")
    client = client_for(role)
    url = path.format(id=target.id)
    if method == "GET":
        response = client.get(url)
    else:
        # committee is a role the target does not hold: a grant would leave an audit row
        response = submit(client, url, {"roles": ["resident", "committee"], **SETTINGS})
    if role == "anonymous":
        assert response.status_code == 302
        assert "/auth/login" in response.location
    elif role == "admin":
        assert response.status_code in {200, 302}
    else:
        assert response.status_code == 403
    if role != "admin":
        assert _audit("user.role_granted") == []
        db.session.refresh(target)
        assert target.active


def test_search_users(admin_client, make_user):
    make_user(name="Berit Brekken", email="berit@roros.example")
    make_user(name="Ola Glåmos", email="ola@roros.example", active=False)
    html = admin_client.get("/admin/users?q=brekken").get_data(as_text=True)
    assert "Berit Brekken" in html
    assert "Ola Glåmos" not in html
    html = admin_client.get("/admin/users?status=inactive").get_data(as_text=True)
    assert "Ola Glåmos" in html
    assert "Berit Brekken" not in html
    html = admin_client.get("/admin/users?q=%25").get_data(as_text=True)  # a literal %
    assert "Berit Brekken" not in html


def test_users_are_paged(admin_client, make_user):
    for i in range(30):
        make_user(name=f"Person {i:02d}")
    first = admin_client.get("/admin/users").get_data(as_text=True)
    second = admin_client.get("/admin/users?page=2").get_data(as_text=True)
    assert "Neste side" in first
    assert "Person 00" in first
    assert "Person 00" not in second
    assert "31 brukere" in first  # 30 + the admin


def test_grant_and_revoke_roles_are_audited(admin_client, make_user):
    target = make_user(Role.resident)
    response = submit(admin_client, f"/admin/users/{target.id}/roles",
                      {"roles": ["resident", "committee"]})  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(target)
    assert target.role_set == {Role.resident, Role.committee}
    [entry] = _audit("user.role_granted")
    assert entry.target_type == "users"
    assert entry.target_id == str(target.id)
    assert entry.details == {"role": "committee"}

    submit(admin_client, f"/admin/users/{target.id}/roles", {"roles": ["committee"]})
    db.session.refresh(target)
    assert target.role_set == {Role.committee}
    assert [e.details for e in _audit("user.role_revoked")] == [{"role": "resident"}]
    html = admin_client.get("/admin/audit?action=role").get_data(as_text=True)
    assert "user.role_revoked" in html
    assert "user.role_granted" in html


def test_role_changes_name_the_administrator_and_nothing_secret(app, make_user):
    admin = make_user(Role.admin, email="sjef@roros.example")
    client = login(app.test_client(), admin)
    target = make_user(Role.resident)
    submit(client, f"/admin/users/{target.id}/roles", {"roles": ["admin", "committee"]})
    submit(client, f"/admin/users/{target.id}/roles", {"roles": ["committee"]})
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.details) for e in entries] == [
        ("user.role_revoked", {"role": "resident"}),
        ("user.role_granted", {"role": "admin"}),
        ("user.role_granted", {"role": "committee"}),
        ("user.role_revoked", {"role": "admin"}),
    ]
    assert {(e.actor_id, e.actor_label, e.target_id) for e in entries} == {
        (admin.id, "sjef@roros.example", str(target.id))
    }
    assert PASSWORD not in repr([(e.details, e.actor_label) for e in entries])


def test_unknown_role_is_refused(admin_client, make_user):
    target = make_user(Role.resident)
    submit(admin_client, f"/admin/users/{target.id}/roles", {"roles": ["king"]})
    db.session.refresh(target)
    assert target.role_set == {Role.resident}


def test_deactivate_asks_first_then_ends_the_session(app, admin_client, make_user):
    target = make_user(email="closing@roros.example")
    target_client = login(app.test_client(), target)
    page = admin_client.get(f"/admin/users/{target.id}/deactivate").get_data(as_text=True)
    assert "Ja, deaktiver kontoen" in page
    db.session.refresh(target)
    assert target.active  # a GET changes nothing
    assert submit(admin_client, f"/admin/users/{target.id}/deactivate").status_code == 302
    db.session.refresh(target)
    assert not target.active
    assert target_client.get("/account").status_code == 302
    assert len(_audit("user.deactivated")) == 1
    submit(admin_client, f"/admin/users/{target.id}/reactivate")
    db.session.refresh(target)
    assert target.active
    assert len(_audit("user.reactivated")) == 1
    assert target_client.get("/account").status_code == 302  # no old session comes back


def test_reactivation_revives_no_remembered_browser(app, admin_client, make_user):
    target = make_user(email="remembered@roros.example")
    browser = app.test_client()
    form = {"email": target.email, "password": PASSWORD, "remember": "y"}
    assert submit(browser, "/auth/login", form).status_code == 302
    remember = browser.get_cookie("remember_token")
    assert remember is not None
    assert remember.expires is not None  # "remember me" lasts REMEMBER_DAYS, not a year
    assert (remember.expires - datetime.now(UTC)).days <= 30
    copy = app.test_client()  # only the remember-me cookie, as a thief would hold it
    copy.set_cookie("remember_token", remember.value)
    assert copy.get("/account").status_code == 200
    submit(admin_client, f"/admin/users/{target.id}/deactivate")
    submit(admin_client, f"/admin/users/{target.id}/reactivate")
    stale = app.test_client()
    stale.set_cookie("remember_token", remember.value)
    assert stale.get("/account").status_code == 302


def test_an_admin_cannot_lock_themselves_out(app, make_user):
    admin = make_user(Role.admin)
    client = login(app.test_client(), admin)
    page = submit(client, f"/admin/users/{admin.id}/roles", {"roles": ["resident"]},
                  follow_redirects=True)  # fmt: skip
    assert "din egen administratorrolle" in page.get_data(as_text=True)
    submit(client, f"/admin/users/{admin.id}/deactivate")
    db.session.refresh(admin)
    assert admin.active
    assert admin.has_role(Role.admin)


def test_the_last_admin_stays(make_user):
    actor = make_user(Role.admin)
    other = make_user(Role.admin)
    services.set_roles(actor, other, {Role.resident})  # two admins: fine
    db.session.commit()
    third = make_user(Role.resident)
    with pytest.raises(services.AdminRuleError, match="Det må alltid være minst én aktiv"):
        services.deactivate_user(third, actor)  # the only admin left


def test_settings_are_saved_and_audited(admin_client):
    response = submit(admin_client, "/admin/settings", SETTINGS)
    assert response.status_code == 302
    settings = db.session.scalar(sa.select(MunicipalitySettings))
    db.session.refresh(settings)
    assert settings.population == 5700
    assert settings.postal_codes == ["7374", "7372", "7370"]
    assert settings.areas == ["Røros sentrum", "Brekken"]
    [entry] = _audit("settings.updated")
    assert entry.details["population"] == [5681, 5700]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("population", "0", "minst 1"),
        ("population", "-5", "minst 1"),
        ("population", "mange", "helt tall"),
        ("number", "50251", "fire sifre"),
        ("postal_codes", "7374\n12345", "12345"),
        ("electoral_period_end", "2020-01-01", "slutte etter"),
        ("electoral_period_start", "1. oktober", "åååå-mm-dd"),
        ("kind", "by", "alternativene"),
    ],
)
def test_settings_refuse_bad_input(admin_client, field, value, message):
    response = submit(admin_client, "/admin/settings", {**SETTINGS, field: value})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    settings = db.session.scalar(sa.select(MunicipalitySettings))
    db.session.refresh(settings)
    assert settings.population == 5681
    assert _audit("settings.updated") == []


def test_audit_filters(admin_client, make_user):
    target = make_user()
    submit(admin_client, f"/admin/users/{target.id}/roles", {"roles": ["committee"]})
    html = admin_client.get("/admin/audit?action=deactivated").get_data(as_text=True)
    assert "0 hendelser" in html
    html = admin_client.get("/admin/audit?target_type=users&date_from=2000-01-01").get_data(
        as_text=True
    )
    assert "user.role_granted" in html
    html = admin_client.get("/admin/audit?date_to=2000-01-01").get_data(as_text=True)
    assert "0 hendelser" in html
    assert "<code>user.role_granted</code>" not in html


def test_a_users_page_links_to_that_users_audit_entries(admin_client, make_user):
    first, second = make_user(), make_user()
    submit(admin_client, f"/admin/users/{first.id}/roles", {"roles": ["committee"]})
    submit(admin_client, f"/admin/users/{second.id}/roles", {"roles": ["admin"]})
    page = admin_client.get(f"/admin/users/{first.id}").get_data(as_text=True)
    link = f"/admin/audit?target_type=users&amp;target_id={first.id}"
    assert link in page
    html = admin_client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "2 hendelser" in html  # committee granted, resident revoked
    assert f"users #{first.id}" in html
    assert f"users #{second.id}" not in html


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_hostile_strings_in_admin_forms(admin_client, value):
    for path in ("/admin/users", "/admin/audit"):
        query = {"q": value, "action": value, "actor": value, "role": value}
        response = admin_client.get(path, query_string=query)
        assert response.status_code == 200
        assert "<script>alert" not in response.get_data(as_text=True)
    response = submit(admin_client, "/admin/settings", {**SETTINGS, "name": value, "areas": value})
    assert response.status_code in {200, 302}
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    settings = db.session.scalar(sa.select(MunicipalitySettings))
    db.session.refresh(settings)
    if must_be_refused(value) or not value.strip() or len(value.strip()) > 120 or "\n" in value:
        assert settings.name == "Røros kommune"
    else:
        assert settings.name == value.strip()
        assert "<script>" not in admin_client.get("/").get_data(as_text=True)


def test_admin_link_only_for_admins(admin_client, resident_client):
    assert 'href="/admin/"' in admin_client.get("/").get_data(as_text=True)
    assert 'href="/admin/"' not in resident_client.get("/").get_data(as_text=True)


def test_unknown_user_is_404(admin_client):
    assert admin_client.get("/admin/users/999999").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_user_list_queries_do_not_grow_with_the_number_of_users(admin_client, make_user):
    from tests.conftest import count_queries

    for i in range(5):
        make_user(Role.committee, name=f"Få {i}")
    few = count_queries(admin_client, "/admin/users")
    for i in range(40):
        make_user(Role.committee, name=f"Mange {i}")
    many = count_queries(admin_client, "/admin/users")
    assert few == many


def test_population_shares_are_saved_and_bad_lines_refused(admin_client):
    good = {**SETTINGS, "age_shares": "18-29: 13\n30-44: 17,5", "area_shares": "Brekken: 9"}
    assert submit(admin_client, "/admin/settings", good).status_code == 302
    settings = db.session.scalar(sa.select(MunicipalitySettings))
    db.session.refresh(settings)
    assert settings.age_shares == {"18-29": 13.0, "30-44": 17.5}
    assert settings.area_shares == {"Brekken": 9.0}
    page = admin_client.get("/admin/settings").get_data(as_text=True)
    assert "30-44: 17.5" in page
    bad = submit(admin_client, "/admin/settings", {**good, "age_shares": "atten til tjueni"})
    assert "navn: prosent" in bad.get_data(as_text=True)
    bad = submit(admin_client, "/admin/settings", {**good, "area_shares": "Brekken: 120"})
    assert "navn: prosent" in bad.get_data(as_text=True)
    db.session.refresh(settings)
    assert settings.area_shares == {"Brekken": 9.0}
