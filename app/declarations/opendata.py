"""Open data: the public side of service declarations as plain tables, for the open-data
export (sqlite-utils) and anyone else. No reporter names, emails or report texts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.core.models import Unit
from app.declarations import queries
from app.declarations.models import DeclarationVersion, Promise, Service


def open_data_tables(session: Session) -> list[dict[str, Any]]:
    return [
        {
            "name": "declarations_services",
            "description": "Municipal services with a service declaration, and their public "
            "figures: promises kept, broken-promise reports, answers in time, median answer time.",
            "pk": "id",
            "fts": ["name", "unit", "description"],
            "rows": _services(session),
        },
        {
            "name": "declarations_versions",
            "description": "Every published version of each service declaration, per language, "
            "with its sections, effective date and when it was superseded.",
            "pk": "id",
            "fts": ["about", "audience", "expectations", "price", "complaints", "contact"],
            "rows": _versions(session),
        },
        {
            "name": "declarations_promises",
            "description": "The promises of each published declaration version, with their "
            "measurable targets and how many said the promise was kept or not.",
            "pk": "id",
            "fts": ["text"],
            "rows": _promises(session),
        },
    ]


def _services(session: Session) -> Iterator[dict[str, Any]]:
    figures = queries.figures_by_service(session)
    rows = session.execute(
        sa.select(Service, Unit.name).join(Unit, Unit.id == Service.unit_id)
        .where(Service.active.is_(True)).order_by(Service.id)
    )  # fmt: skip
    for service, unit in rows:
        f = figures.get(service.id, queries.Figures())
        yield {"id": service.id, "slug": service.slug, "name": service.name, "unit": unit,
               "description": service.description, "focus_areas": list(service.focus_areas),
               "feedback_kept": f.kept, "feedback_not_kept": f.not_kept,
               "kept_share_percent": f.kept_share, "reports": f.reports,
               "answered_in_time_share_percent": f.in_time_share,
               "median_answer_working_days": f.median_days}  # fmt: skip


def _public_versions() -> sa.Select[tuple[DeclarationVersion]]:
    return (
        sa.select(DeclarationVersion)
        .join(Service, Service.id == DeclarationVersion.service_id)
        .where(Service.active.is_(True), DeclarationVersion.status.in_(queries.PUBLIC_STATUSES))
        .order_by(DeclarationVersion.id)
    )


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _versions(session: Session) -> Iterator[dict[str, Any]]:
    for v in session.scalars(_public_versions()):
        yield {"id": v.id, "service_id": v.service_id, "language": v.language,
               "version": v.number, "status": v.status.value,
               "effective_from": _iso(v.effective_from), "published_at": _iso(v.published_at),
               "superseded_at": _iso(v.superseded_at), "reviewed_on": _iso(v.reviewed_on),
               "about": v.about, "audience": v.audience, "expectations": v.expectations,
               "price": v.price, "complaints": v.complaints, "contact": v.contact}  # fmt: skip


def _promises(session: Session) -> Iterator[dict[str, Any]]:
    versions = _public_versions().subquery()
    rows = session.execute(
        sa.select(Promise, versions.c.service_id)
        .join(versions, versions.c.id == Promise.version_id)
        .order_by(Promise.id)
    )
    for p, service_id in rows:
        yield {"id": p.id, "version_id": p.version_id, "service_id": service_id,
               "position": p.position, "text": p.text, "target_value": p.target_value,
               "target_unit": p.target_unit.value if p.target_unit else None,
               "kept": p.kept_count, "not_kept": p.not_kept_count}  # fmt: skip
