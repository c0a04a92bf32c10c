"""Administration of the municipal units: list, add, rename, contact, deactivate."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.core.models import AuditEntry, Unit
from app.core.permissions import Role
from app.extensions import db
from tests.conftest import ROLES, submit
from tests.hostile import HOSTILE_STRINGS, must_be_refused


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def _units() -> list[Unit]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Unit).order_by(Unit.id)))


def _unit(unit_id: int) -> Unit:
    db.session.expire_all()
    return db.session.get(Unit, unit_id)


@pytest.fixture
def unit(make_unit):
    return make_unit("Hjemmetjenesten")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/admin/units"),
        ("POST", "/admin/units"),
        ("GET", "/admin/units/{id}"),
        ("POST", "/admin/units/{id}"),
        ("GET", "/admin/units/{id}/deactivate"),
        ("POST", "/admin/units/{id}/deactivate"),
        ("POST", "/admin/units/{id}/reactivate"),
    ],
)
def test_permission_matrix(client_for, unit, role, method, path):
    client = client_for(role)
    url = path.format(id=unit.id)
    if method == "GET":
        response = client.get(url)
    else:
        response = submit(client, url, {"name": "Ny enhet", "contact": "0"})
    if role == "admin":
        assert response.status_code in {200, 302}
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)
        assert [u.name for u in _units()] == ["Hjemmetjenesten"]
        assert _units()[0].active
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_add_rename_set_contact_and_deactivate_are_audited(admin_client, make_user, unit):
    owner = make_user(Role.service_owner, name="Tone Tjenesteleder")
    resident = make_user(Role.resident, name="Rita Resident")
    page = admin_client.get("/admin/units").get_data(as_text=True)
    assert "Hjemmetjenesten" in page
    assert "Tone Tjenesteleder" in page  # offered as contact
    assert "Rita Resident" not in page  # not a service owner

    assert (
        submit(
            admin_client, "/admin/units", {"name": "Kultur og bibliotek", "contact": str(owner.id)}
        ).status_code
        == 302
    )
    added = _units()[-1]
    assert (added.name, added.contact_id) == ("Kultur og bibliotek", owner.id)
    assert len(_audit("unit.created")) == 1

    submit(admin_client, f"/admin/units/{unit.id}", {"name": "Hjemmebaserte tjenester",
                                                      "contact": str(owner.id)})  # fmt: skip
    renamed = _unit(unit.id)
    assert renamed.name == "Hjemmebaserte tjenester"
    assert renamed.contact_id == owner.id
    assert _audit("unit.renamed")[0].details == {"from": "Hjemmetjenesten",
                                                 "to": "Hjemmebaserte tjenester"}  # fmt: skip
    assert _audit("unit.contact_changed")[0].details == {"from": None, "to": owner.id}

    refused = submit(admin_client, f"/admin/units/{unit.id}",
                     {"name": "Hjemmebaserte tjenester", "contact": str(resident.id)})  # fmt: skip
    assert "alternativene" in refused.get_data(as_text=True)
    assert _unit(unit.id).contact_id == owner.id

    confirm = admin_client.get(f"/admin/units/{unit.id}/deactivate").get_data(as_text=True)
    assert "Ja, deaktiver enheten" in confirm
    assert _unit(unit.id).active  # a GET changes nothing
    submit(admin_client, f"/admin/units/{unit.id}/deactivate")
    assert not _units()[0].active
    admin_client.get("/admin/units")  # shows the flash message
    assert f'<option value="{unit.id}"' not in admin_client.get("/moments/nominate").get_data(
        as_text=True
    )
    submit(admin_client, f"/admin/units/{unit.id}/reactivate")
    assert _units()[0].active
    assert [len(_audit(a)) for a in ("unit.deactivated", "unit.reactivated")] == [1, 1]


def test_a_name_is_used_once(admin_client, unit):
    page = submit(admin_client, "/admin/units", {"name": "hjemmetjenesten", "contact": "0"})
    assert "finnes allerede en enhet" in page.get_data(as_text=True)
    assert len(_units()) == 1


def test_unknown_unit_is_404(admin_client):
    assert admin_client.get("/admin/units/999999").status_code == 404
    assert admin_client.get("/admin/units/99999999999999").status_code == 404


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_hostile_strings_in_the_unit_form(admin_client, unit, value):
    for url in ("/admin/units", f"/admin/units/{unit.id}"):
        response = submit(admin_client, url, {"name": value, "contact": value})
        assert response.status_code == 200  # the contact is not a choice: refused
        assert "<script>alert" not in response.get_data(as_text=True)
    assert [u.name for u in _units()] == ["Hjemmetjenesten"]
    response = submit(admin_client, "/admin/units", {"name": value, "contact": "0"})
    assert response.status_code in {200, 302}
    assert "<script>alert" not in admin_client.get("/admin/units").get_data(as_text=True)
    names = [u.name for u in _units()]
    if must_be_refused(value) or not value.strip() or len(value.strip()) > 120 or "\n" in value:
        assert names == ["Hjemmetjenesten"]
    else:
        assert names == ["Hjemmetjenesten", value.strip()]
