"""The audit log: every privileged action in the platform goes through ``audit``."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.core.models import AuditEntry
from app.core.owndata import register_own_data
from app.extensions import db


def audit(
    actor: Any,
    action: str,
    target: Any = None,
    details: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEntry:
    """Record that ``actor`` did ``action`` to ``target``, in the caller's transaction."""
    target_type = target_id = None
    if target is not None:
        db.session.flush()  # a new target needs its primary key
        target_type = target.__tablename__
        identity = sa.inspect(target).identity
        target_id = "/".join(str(part) for part in identity) if identity else None
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_label=actor_label or getattr(actor, "email", None) or "system",
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details or {},
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def audit_entries_about(user_id: int) -> sa.Select[tuple[AuditEntry]]:
    """Entries where the user acted or was acted upon."""
    return (
        sa.select(AuditEntry)
        .where(
            sa.or_(
                AuditEntry.actor_id == user_id,
                sa.and_(AuditEntry.target_type == "users", AuditEntry.target_id == str(user_id)),
            )
        )
        .order_by(AuditEntry.id)
    )


def _export(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "time": entry.created_at.isoformat(),
            "action": entry.action,
            "by_you": entry.actor_id == user.id,
            "target": f"{entry.target_type}/{entry.target_id}" if entry.target_type else None,
        }
        for entry in db.session.scalars(audit_entries_about(user.id))
    ]


def _anonymise(user: Any) -> None:
    """Keep the record of what was done, drop who did it."""
    db.session.execute(
        sa.update(AuditEntry)
        .where(AuditEntry.actor_id == user.id)
        .values(actor_id=None, actor_label=f"deleted-user-{user.id}")
    )


register_own_data("audit_log", _export, _anonymise)
