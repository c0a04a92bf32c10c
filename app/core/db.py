"""Database base class, column types and engine settings shared by every domain."""

from __future__ import annotations

import enum
import sqlite3
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry

#: Stable constraint names, so Alembic scripts are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 10_000


def upsert_insert(table: sa.Table) -> Any:
    """An INSERT with ``on_conflict_do_update`` (or ``_do_nothing``) for the dialect in use
    (SQLite or PostgreSQL, which spell it alike)."""
    from sqlalchemy.dialects import postgresql, sqlite

    from app.extensions import db

    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite has no time zone support, so values are normalised to UTC on the way in and
    marked as UTC on the way out; PostgreSQL gets ``timestamp with time zone``.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={
            datetime: UTCDateTime(),
            enum.Enum: sa.Enum(
                enum.Enum,
                native_enum=False,
                length=40,
                validate_strings=True,
                create_constraint=True,
            ),
        },
    )


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL, foreign keys and a busy timeout on every SQLite connection."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def configure_engines(app: Flask) -> None:
    """Make sure the folder of a SQLite file exists before the first connection. A SQLite
    file cannot drop a connection the way a database server can, so it gets no pre-ping
    (a ``SELECT 1`` on every checkout, which is every request)."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
        options.pop("pool_pre_ping", None)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        from pathlib import Path

        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


#: Full-text search lives only in the migrations: FTS5 tables on SQLite, tsvector columns
#: and their GIN indexes on PostgreSQL
_SEARCH_NAMES = ("search_vector",)


def _include_name(name: str | None, type_: str, _parent_names: Any) -> bool:
    """Leave full-text tables, columns and indexes out of autogenerate."""
    if name is None:
        return True
    if type_ == "table":
        return "_fts" not in name
    if type_ in ("column", "index"):
        return not any(part in name for part in _SEARCH_NAMES)
    return True


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write UTCDateTime as a plain DateTime(timezone=True), so scripts import no app code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def alembic_options() -> dict[str, Any]:
    """Options shared by migrations/env.py and the test that compares models and migrations."""
    return {
        "render_as_batch": True,
        "compare_type": True,
        "include_name": _include_name,
        "render_item": _render_item,
    }
