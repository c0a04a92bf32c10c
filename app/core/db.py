"""Database base class, column types and engine settings shared by every domain."""

from __future__ import annotations

import contextlib
import enum
import fcntl
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
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

log = logging.getLogger(__name__)


def upsert_insert(table: sa.Table) -> Any:
    """An INSERT with ``on_conflict_do_update`` for the dialect in use (SQLite or
    PostgreSQL, which spell it alike)."""
    from sqlalchemy.dialects import postgresql, sqlite

    from app.extensions import db

    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


class DriverStatement:
    """A Core statement compiled once per dialect and run on the DB-API cursor of the
    session's connection, inside the session's transaction (commit and rollback stay the
    session's, and so do its after_commit hooks).

    For the few hottest statements only (a signature's): SQLAlchemy's own execution (an
    execution context, parameter and result objects) costs several times the statement
    itself there. Nothing else changes: bind values pass through the columns' own bind
    processors and returned values through their result processors, as in
    ``Connection.execute``, and a driver error is raised as SQLAlchemy's (``sa.exc.*``).
    What it skips is the engine's events: echo and statement listeners do not see it.
    """

    def __init__(self, statement: sa.Executable) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, dialect: sa.Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = _Compiled(self.statement, dialect)
        return found

    def rows(self, session: Any, **values: Any) -> list[tuple[Any, ...]]:
        """Run with ``values`` (one per bind parameter) in ``session``'s transaction."""
        connection = session.connection()
        dialect = connection.dialect
        compiled = self._for(dialect)
        sql, arguments = compiled.sql, compiled.arguments(values)
        cursor = connection.connection.driver_connection.cursor()
        try:
            cursor.execute(sql, arguments)
            fetched = cursor.fetchall() if cursor.description is not None else []
        except dialect.loaded_dbapi.Error as error:
            raise sa.exc.DBAPIError.instance(
                sql, arguments, error, dialect.loaded_dbapi.Error, dialect=dialect
            ) from error
        finally:
            cursor.close()
        results = compiled.results
        return [
            tuple(process(v) if process else v for process, v in zip(results, row, strict=True))
            for row in fetched
        ]

    def first(self, session: Any, **values: Any) -> tuple[Any, ...] | None:
        found = self.rows(session, **values)
        return found[0] if found else None


class _Compiled:
    """A DriverStatement for one dialect: its SQL, the bind processors by the names the SQL
    uses, the Python-side column defaults SQLAlchemy's execution would compute (an
    onupdate=utcnow, say) and the result processors of the columns it returns."""

    def __init__(self, statement: sa.Executable, dialect: sa.Dialect) -> None:
        compiled = self.compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        self.binds = {  # bind_names: parameter -> the name the SQL uses
            name: param.type.dialect_impl(dialect).bind_processor(dialect)
            for param, name in compiled.bind_names.items()
        }
        self.defaults = [(c.key, c.default) for c in compiled.insert_prefetch]
        self.defaults += [(c.key, c.onupdate) for c in compiled.update_prefetch]
        columns = getattr(statement, "selected_columns", None)
        if columns is None:  # INSERT/UPDATE ... RETURNING
            descriptions = statement.returning_column_descriptions  # type: ignore[attr-defined]
            columns = [description["expr"] for description in descriptions]
        self.results = [
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        ]

    def arguments(self, values: dict[str, Any]) -> Any:
        """The driver's parameters: positional for qmark (SQLite), named for pyformat."""
        for key, default in self.defaults:
            if key not in values:
                values[key] = default.arg(None) if default.is_callable else default.arg
        params = self.compiled.construct_params(values)  # with the statement's own literals
        for name, process in self.binds.items():
            if process is not None and name in params:
                params[name] = process(params[name])
        if self.compiled.positional:
            return [params[name] for name in self.compiled.positiontup]
        return params


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


_writer_locks: dict[tuple[int, str], tuple[threading.Lock, int | None]] = {}
_writer_locks_guard = threading.Lock()
#: How often a writer whose turn it is not looks again (a signature holds the turn ~0.2 ms)
_TURN_POLL_S = 0.0002


def _forget_writer_locks() -> None:
    """In a forked child: the parent's locks and lock files are not the child's."""
    global _writer_locks_guard
    _writer_locks_guard = threading.Lock()
    _writer_locks.clear()


os.register_at_fork(after_in_child=_forget_writer_locks)


def _writer_lock(database: str) -> tuple[threading.Lock, int | None]:
    """This process's lock and open lock file for a SQLite file; no file (None) when it
    cannot be opened, and then writers go without turns, as SQLite alone would have them."""
    key = (os.getpid(), database)
    with _writer_locks_guard:
        found = _writer_locks.get(key)
        if found is None:
            try:
                fd: int | None = os.open(f"{database}-writers.lock", os.O_RDWR | os.O_CREAT, 0o660)
            except OSError:
                log.warning("no writers' lock file beside %s; writers go without turns", database,
                            exc_info=True)  # fmt: skip
                fd = None
            found = _writer_locks[key] = (threading.Lock(), fd)
        return found


def _take_turn(fd: int, deadline: float) -> bool:
    """Take the lock file's turn, looking again every _TURN_POLL_S until ``deadline``."""
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(_TURN_POLL_S)


@contextlib.contextmanager
def writers_in_turn(engine: Engine) -> Iterator[None]:
    """Around a short, busy write transaction on a SQLite file (a signature): writers take
    turns on an advisory lock on a file beside the database (``<file>-writers.lock``; flock)
    and look for their turn every fifth of a millisecond. Without it, a writer that finds the
    database locked sleeps in SQLite's busy handler, a millisecond at the least and longer
    each time, which under load costs more than the transaction. Threads of one process
    take turns on a lock of their own first (flock does not tell them apart). A writer waits
    for its turn no longer than SQLite's busy timeout, then goes on without it (SQLite's own
    locking still holds). Nothing on PostgreSQL, which locks rows, or in memory."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    lock, fd = _writer_lock(database)
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    locked = lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    turn = locked and fd is not None and _take_turn(fd, deadline)
    try:
        yield
    finally:
        if turn:
            fcntl.flock(fd, fcntl.LOCK_UN)  # type: ignore[arg-type]
        if locked:
            lock.release()
