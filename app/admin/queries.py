"""Administration: the read side."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth.models import User, UserRole
from app.core.models import AuditEntry, Unit
from app.core.permissions import Role
from app.extensions import db

OSLO = ZoneInfo("Europe/Oslo")


def _contains(column: sa.ColumnElement[str], text: str) -> sa.ColumnElement[bool]:
    """Case-insensitive substring match with LIKE wildcards in ``text`` taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.func.lower(column).like(f"%{escaped}%", escape="\\")


def users(q: str | None = None, role: str | None = None, status: str | None = None) -> sa.Select:
    stmt = sa.select(User).options(selectinload(User.roles)).order_by(User.name, User.id)
    if q:
        stmt = stmt.where(sa.or_(_contains(User.name, q), _contains(User.email, q)))
    if role:
        stmt = stmt.where(User.roles.any(UserRole.role == Role(role)))
    if status == "active":
        stmt = stmt.where(User.active.is_(True))
    elif status == "inactive":
        stmt = stmt.where(User.active.is_(False))
    elif status == "unconfirmed":
        stmt = stmt.where(User.confirmed_at.is_(None))
    return stmt


def _start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=OSLO).astimezone(UTC)


def audit_entries(
    action: str | None = None,
    actor: str | None = None,
    target_type: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    target_id: str | None = None,
) -> sa.Select:
    """Newest first; dates are whole days in Oslo time."""
    stmt = sa.select(AuditEntry).order_by(AuditEntry.id.desc())
    if action:
        stmt = stmt.where(_contains(AuditEntry.action, action))
    if actor:
        stmt = stmt.where(_contains(AuditEntry.actor_label, actor))
    if target_type:
        stmt = stmt.where(AuditEntry.target_type == target_type)
    if target_id:
        stmt = stmt.where(AuditEntry.target_id == target_id)
    if date_from:
        stmt = stmt.where(AuditEntry.created_at >= _start_of_day(date_from))
    if date_to:
        stmt = stmt.where(AuditEntry.created_at < _start_of_day(date_to + timedelta(days=1)))
    return stmt


def audit_actions() -> list[str]:
    """Every action that appears in the log, for the filter's suggestions."""
    return list(db.session.scalars(sa.select(AuditEntry.action).distinct().order_by("action")))


def units() -> sa.Select:
    """Every unit with its contact's name, active ones first, by name."""
    return (
        sa.select(Unit, User.name.label("contact"))
        .outerjoin(User, User.id == Unit.contact_id)
        .order_by(Unit.active.desc(), Unit.name)
    )
