"""Administration: the write side. Every action is audit-logged; nothing commits here."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.auth.models import User, UserRole
from app.core.audit import audit
from app.core.models import MunicipalitySettings, Unit
from app.core.permissions import Role
from app.extensions import db


class AdminRuleError(Exception):
    """An administrative action that would break a rule; the message is for the user."""


def _active_admin_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(UserRole)
        .join(User)
        .where(UserRole.role == Role.admin, User.active.is_(True))
    )


def set_roles(actor: User, user: User, roles: set[Role]) -> tuple[set[Role], set[Role]]:
    """Give ``user`` exactly ``roles``; returns (granted, revoked)."""
    granted, revoked = roles - user.role_set, user.role_set - roles
    if granted and not user.is_confirmed:
        raise AdminRuleError(
            _l("Kontoen har ikke bekreftet e-postadressen og kan ikke få roller ennå.")
        )
    if Role.admin in revoked:
        if user.id == actor.id:
            raise AdminRuleError(_l("Du kan ikke fjerne din egen administratorrolle."))
        if user.active and _active_admin_count() <= 1:
            raise AdminRuleError(_l("Det må alltid være minst én aktiv administrator."))
    for role in sorted(revoked):  # sorted: the audit log reads the same on every run
        user.roles = [r for r in user.roles if r.role != role]
        audit(actor, "user.role_revoked", user, {"role": role.value})
    for role in sorted(granted):
        user.roles.append(UserRole(role=role))
        audit(actor, "user.role_granted", user, {"role": role.value})
    db.session.flush()
    return granted, revoked


def deactivate_user(actor: User, user: User) -> None:
    """Close an account: it can no longer log in, and its sessions end."""
    if user.id == actor.id:
        raise AdminRuleError(_l("Du kan ikke deaktivere din egen konto."))
    if user.has_role(Role.admin) and user.active and _active_admin_count() <= 1:
        raise AdminRuleError(_l("Det må alltid være minst én aktiv administrator."))
    if not user.active:
        return
    user.active = False
    ended = user.end_sessions()  # gone, so reactivating the account revives none
    audit(actor, "user.deactivated", user, {"sessions_ended": ended})


def reactivate_user(actor: User, user: User) -> None:
    if user.active:
        return
    user.active = True
    audit(actor, "user.reactivated", user)


def update_settings(actor: User, values: dict[str, Any]) -> MunicipalitySettings:
    """Save the municipality's settings; the audit entry lists what changed."""
    settings = db.session.scalar(sa.select(MunicipalitySettings).limit(1))
    if settings is None:
        settings = MunicipalitySettings(**values)
        db.session.add(settings)
        changes = {key: [None, _plain(value)] for key, value in values.items()}
    else:
        changes = {
            key: [_plain(getattr(settings, key)), _plain(value)]
            for key, value in values.items()
            if getattr(settings, key) != value
        }
        for key, value in values.items():
            setattr(settings, key, value)
    db.session.flush()
    if changes:
        audit(actor, "settings.updated", settings, changes)
    return settings


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of a setting for the audit log."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return getattr(value, "value", value)


def service_owners() -> list[User]:
    """Active users with the service owner role: the choices for a unit's contact."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.active.is_(True), User.roles.any(UserRole.role == Role.service_owner))
            .order_by(User.name, User.id)
        )
    )


def _check_unit(name: str, contact_id: int | None, unit: Unit | None = None) -> None:
    taken = db.session.scalar(
        sa.select(Unit.id).where(
            sa.func.lower(Unit.name) == name.lower(), Unit.id != (unit.id if unit else 0)
        )
    )
    if taken:
        raise AdminRuleError(_l("Det finnes allerede en enhet med det navnet."))
    if contact_id is not None and contact_id not in {u.id for u in service_owners()}:
        raise AdminRuleError(_l("Kontaktpersonen må være en aktiv tjenesteleder."))


def create_unit(actor: User, name: str, contact_id: int | None) -> Unit:
    """A new municipal unit, offered at once where units are chosen."""
    name = name.strip()
    _check_unit(name, contact_id)
    unit = Unit(name=name, contact_id=contact_id)
    db.session.add(unit)
    db.session.flush()
    audit(actor, "unit.created", unit, {"name": name, "contact": contact_id})
    return unit


def update_unit(actor: User, unit: Unit, name: str, contact_id: int | None) -> list[str]:
    """Rename the unit and set its contact; one audit entry per change."""
    name = name.strip()
    _check_unit(name, contact_id, unit)
    changed = []
    if unit.name != name:
        audit(actor, "unit.renamed", unit, {"from": unit.name, "to": name})
        unit.name = name
        changed.append("name")
    if unit.contact_id != contact_id:
        audit(actor, "unit.contact_changed", unit, {"from": unit.contact_id, "to": contact_id})
        unit.contact_id = contact_id
        changed.append("contact")
    db.session.flush()
    return changed


def set_unit_active(actor: User, unit: Unit, active: bool) -> None:
    """Deactivate a unit (kept on old records, not offered for new ones), or activate it."""
    if unit.active == active:
        return
    unit.active = active
    db.session.flush()
    audit(actor, "unit.reactivated" if active else "unit.deactivated", unit)
