"""/api/v1/declarations: services with their figures, the current declaration in every
language, and every published version. Never a reporter, a comment or a feedback row."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import abort

from app.api.common import (
    ApiBlueprint,
    PageArgs,
    documented,
    iso,
    latest,
    modified,
    page_of,
    page_schema,
    public,
)
from app.core.links import absolute_url
from app.declarations import queries
from app.declarations.models import DeclarationVersion, Service
from app.extensions import db

blp = ApiBlueprint(
    "api_declarations",
    __name__,
    url_prefix="/api/v1/declarations",
    description="Serviceerklæringer: what each municipal service promises, in which "
    "languages, every published version, and the public figures (promises kept, reports "
    "answered in time, median working days to answer).",
)

SECTIONS = ("about", "audience", "expectations", "price", "complaints", "contact")


class FiguresSchema(ma.Schema):
    kept = ma.fields.Integer(required=True)
    not_kept = ma.fields.Integer(required=True)
    kept_share = ma.fields.Float(allow_none=True, metadata={"description": "Percent"})
    reports = ma.fields.Integer(required=True)
    answered_in_time_share = ma.fields.Float(allow_none=True, metadata={"description": "Percent"})
    median_working_days = ma.fields.Float(allow_none=True)


class ServiceSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    url = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    unit = ma.fields.String(required=True)
    focus_areas = ma.fields.List(ma.fields.Integer(), required=True)
    languages = ma.fields.List(ma.fields.String(), required=True)
    figures = ma.fields.Nested(FiguresSchema, required=True)


class PromiseSchema(ma.Schema):
    position = ma.fields.Integer(required=True)
    text = ma.fields.String(required=True)
    target_value = ma.fields.Integer(allow_none=True)
    target_unit = ma.fields.String(
        allow_none=True, metadata={"description": "working_days or hours"}
    )
    kept = ma.fields.Integer(required=True)
    not_kept = ma.fields.Integer(required=True)


class VersionSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    language = ma.fields.String(required=True)
    number = ma.fields.Integer(required=True)
    status = ma.fields.String(
        required=True, validate=ma.validate.OneOf(["published", "superseded"])
    )
    effective_from = ma.fields.String(allow_none=True)
    published_at = ma.fields.String(allow_none=True)
    superseded_at = ma.fields.String(allow_none=True)
    reviewed_on = ma.fields.String(allow_none=True)
    sections = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True,
                              metadata={"description": "Markdown per section"})  # fmt: skip
    promises = ma.fields.List(ma.fields.Nested(PromiseSchema), required=True)


class ServiceDetailSchema(ServiceSchema):
    description = ma.fields.String(required=True)
    current = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(VersionSchema),
                             required=True, metadata={"description": "Per language"})  # fmt: skip


def _figures(f: queries.Figures) -> dict[str, Any]:
    return {"kept": f.kept, "not_kept": f.not_kept, "kept_share": f.kept_share,
            "reports": f.reports, "answered_in_time_share": f.in_time_share,
            "median_working_days": f.median_days}  # fmt: skip


def _service(row: queries.ServiceRow) -> dict[str, Any]:
    return {"slug": row.slug, "url": absolute_url("declarations.detail", slug=row.slug),
            "name": row.name, "unit": row.unit, "focus_areas": row.focus_areas,
            "languages": row.languages, "figures": _figures(row.figures)}  # fmt: skip


def _version(v: DeclarationVersion) -> dict[str, Any]:
    return {
        "id": v.id, "language": v.language, "number": v.number, "status": v.status.value,
        "effective_from": iso(v.effective_from), "published_at": iso(v.published_at),
        "superseded_at": iso(v.superseded_at), "reviewed_on": iso(v.reviewed_on),
        "sections": {name: getattr(v, name) for name in SECTIONS},
        "promises": [
            {"position": p.position, "text": p.text, "target_value": p.target_value,
             "target_unit": p.target_unit.value if p.target_unit else None,
             "kept": p.kept_count, "not_kept": p.not_kept_count}
            for p in sorted(v.promises, key=lambda p: p.position)
        ],
    }  # fmt: skip


def _public_service(slug: str) -> tuple[Service, queries.ServiceRow]:
    rows = {r.slug: r for r in queries.public_services(db.session)}
    service = db.session.scalar(queries.service_by_slug(slug))
    if service is None or slug not in rows:
        abort(404)
    return service, rows[slug]


def _changed() -> None:
    modified(latest(DeclarationVersion.published_at), latest(DeclarationVersion.superseded_at))


@blp.route("")
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@public
@documented(blp, page_schema(ServiceSchema), 400)
def list_services(page: int, per_page: int) -> dict[str, Any]:
    """Services with a published declaration, by name, with their figures."""
    _changed()
    rows = queries.public_services(db.session)
    return page_of(rows, {"page": page, "per_page": per_page}, _service)


@blp.route("/<slug>")
@public
@documented(blp, ServiceDetailSchema, 404)
def get_service(slug: str) -> dict[str, Any]:
    """One service: its figures and its current declaration in every language there is."""
    service, row = _public_service(slug)
    _changed()
    current = queries.current_versions(db.session, service.id)
    return {**_service(row), "description": service.description,
            "current": {lang: _version(v) for lang, v in sorted(current.items())}}  # fmt: skip


@blp.route("/<slug>/versions")
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@public
@documented(blp, page_schema(VersionSchema), 400, 404)
def list_versions(slug: str, page: int, per_page: int) -> dict[str, Any]:
    """Every published and superseded version of one service's declaration, by language,
    newest first."""
    service, _row = _public_service(slug)
    _changed()
    stmt = queries.versions(service.id).options(sa.orm.selectinload(DeclarationVersion.promises))
    return page_of(stmt, {"page": page, "per_page": per_page}, _version)
