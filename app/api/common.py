"""What every API endpoint shares: the error shape, query parsing that answers 400, pages
with links, and ``public``: a rate limit per IP, a short cache, ETag and Last-Modified with
304 answers."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import current_app, g, request, url_for
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import ImmutableMultiDict

from app.core.cache import cached_value
from app.extensions import db, limiter

MAX_PER_PAGE = 100


class _Parser(FlaskParser):
    #: Bad query parameters are the client's mistake, answered like every other 400
    DEFAULT_VALIDATION_STATUS = 400


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = _Parser()


class _ErrorBody(ma.Schema):
    status = ma.fields.Integer(required=True, metadata={"description": "HTTP status"})
    title = ma.fields.String(required=True)
    message = ma.fields.String(required=True)
    details = ma.fields.Dict(metadata={"description": "What was wrong, per parameter"})


class ErrorSchema(ma.Schema):
    """Every error under /api/ has this shape (see app.core.errors)."""

    error = ma.fields.Nested(_ErrorBody, required=True)


class PageArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE  # a parameter this endpoint does not know is ignored

    page = ma.fields.Integer(
        load_default=1, validate=ma.validate.Range(1, 1_000_000), metadata={"example": 1}
    )
    per_page = ma.fields.Integer(
        load_default=20, validate=ma.validate.Range(1, MAX_PER_PAGE), metadata={"example": 20}
    )


class Links(ma.Schema):
    self = ma.fields.String(required=True)
    first = ma.fields.String(required=True)
    last = ma.fields.String(required=True)
    prev = ma.fields.String(allow_none=True)
    next = ma.fields.String(allow_none=True)


def page_schema(item: type[ma.Schema]) -> type[ma.Schema]:
    """A page of ``item``: the items, counts and links to the neighbouring pages."""
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item), required=True),
            "total": ma.fields.Integer(required=True),
            "page": ma.fields.Integer(required=True),
            "per_page": ma.fields.Integer(required=True),
            "pages": ma.fields.Integer(required=True),
            "links": ma.fields.Nested(Links, required=True),
        },
        name=f"{item.__name__.removesuffix('Schema')}Page",
    )


def page_of(
    source: sa.Select[Any] | list[Any],
    args: dict[str, Any],
    item: Callable[[Any], Any],
    rows: bool = False,
    total: int | None = None,
) -> dict:
    """One page of ``source`` (a statement, or a short list already in hand) as
    ``item(x)``, with the total and the links. ``rows``: the statement's rows rather than
    its first column (a select of several columns); ``total``: the statement's count, when
    the caller has it already."""
    page, per_page = args["page"], args["per_page"]
    if isinstance(source, list):
        total, found = len(source), source[(page - 1) * per_page : page * per_page]
    else:
        if total is None:
            counted = sa.select(sa.func.count()).select_from(source.order_by(None).subquery())
            total = db.session.scalar(counted) or 0
        paged = source.limit(per_page).offset((page - 1) * per_page)
        found = (db.session.execute(paged) if rows else db.session.scalars(paged)).all()
    pages = max(1, math.ceil(total / per_page))

    def link(n: int) -> str:
        query = {**request.args.to_dict(flat=False), "page": [str(n)]}
        return url_for(request.endpoint or "", **(request.view_args or {}), **query)

    return {
        "items": [item(x) for x in found],
        "total": total,
        "page": page,
        "per_page": per_page,
        "pages": pages,
        "links": {
            "self": link(page),
            "first": link(1),
            "last": link(pages),
            "prev": link(page - 1) if page > 1 else None,
            "next": link(page + 1) if page < pages else None,
        },
    }


def modified(*moments: datetime | None) -> None:
    """Tell ``public`` when what this answer shows last changed (the latest of these)."""
    known = [m for m in moments if m is not None]
    if known:
        latest = max(known)
        g.api_last_modified = max(latest, g.get("api_last_modified") or latest)


def latest(column: Any, *where: Any) -> datetime | None:
    return db.session.scalar(sa.select(sa.func.max(column)).where(*where))


#: Documented on every public endpoint (schemathesis holds the answers to them)
CONDITIONAL_HEADERS = {
    "ETag": {"description": "Changes when the answer changes", "schema": {"type": "string"}},
    "Last-Modified": {
        "description": "When the data shown last changed, where that is known",
        "schema": {"type": "string"},
    },
}
IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "An ETag from an earlier answer: 304 if nothing has changed",
}


def _api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def public(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve a read-only endpoint (under ``blp.arguments``, so it is given the parsed query):
    one rate limit per client address across the API (Flask-Limiter's shared limit); the
    same answer to everyone for ``API_CACHE_SECONDS``, kept by the path and the parameters
    the endpoint reads; ETag and Last-Modified, and 304 when the client has the answer."""

    @wraps(view)
    def answer(*args: Any, **kwargs: Any) -> Any:
        # The endpoint's links are made from request.args: only what it reads, as in the key
        request.args = ImmutableMultiDict(  # type: ignore[misc]
            [(k, v) for k, v in request.args.items(multi=True) if k in kwargs]
        )

        def compute() -> tuple[bytes, str, datetime | None]:
            g.api_last_modified = None
            response = view(*args, **kwargs)
            body = response.get_data()
            return body, hashlib.sha256(body).hexdigest()[:32], g.api_last_modified

        # With scheme and host, as the page cache keys: no answer may follow a forged Host
        key = ("api", request.scheme, request.host, request.path, sorted(kwargs.items()))
        body, etag, last_modified = cached_value(
            key, current_app.config["API_CACHE_SECONDS"], compute
        )
        response = current_app.response_class(body, mimetype="application/json")
        response.set_etag(etag)
        if last_modified is not None:
            response.last_modified = last_modified
        response.cache_control.public = True
        response.cache_control.max_age = current_app.config["API_CACHE_SECONDS"]
        return response.make_conditional(request)

    return limiter.shared_limit(_api_limit, scope="api")(answer)  # type: ignore[no-any-return]


def documented(blp: ApiBlueprint, schema: Any, *errors: int) -> Callable[..., Any]:
    """The 200 answer with its headers, 304, 429 and the given error statuses, documented."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        view = blp.response(200, schema, headers=CONDITIONAL_HEADERS)(view)
        view = blp.alt_response(304, description="Not modified since the ETag given")(view)
        for status in (*errors, 429):
            view = blp.alt_response(status, schema=ErrorSchema)(view)
        return blp.doc(parameters=[IF_NONE_MATCH])(view)

    return decorator


def iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None
