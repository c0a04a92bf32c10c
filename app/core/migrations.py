"""`flask db …` (Flask-Migrate) without importing Flask-Migrate and Alembic in a web worker.

Alembic and the SQLAlchemy dialects it loads for its DDL (every one, PostgreSQL's asyncpg
and pg8000 included) take about 11 MB of a worker that never migrates. The app registers a
``db`` command group and an ``app.extensions["migrate"]`` that import Flask-Migrate the
first time the command line or a migration (``flask_migrate.upgrade()``, migrations/env.py)
asks for them; from then on both are Flask-Migrate's own.
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

#: Flask-Migrate's options: batch mode, so that SQLite can alter tables
OPTIONS = {"render_as_batch": True, "compare_type": True}


def _commands(extra: list[click.Command]) -> click.Group:
    """Flask-Migrate's ``db`` group, with ``extra`` commands beside its own."""
    from flask_migrate.cli import db as commands

    for command in extra:
        commands.add_command(command)
    return commands


class LazyMigrate:
    """``app.extensions["migrate"]`` until something reads it: then Flask-Migrate's own
    configuration (``_MigrateConfig``), set up for the app and put in its place."""

    def __init__(self, app: Flask, db: SQLAlchemy, directory: str, extra: list[click.Command]):
        self._app, self._db, self._directory, self._extra = app, db, directory, extra

    def load(self) -> Any:
        from flask_migrate import Migrate

        Migrate(self._app, self._db, directory=self._directory, **OPTIONS)  # replaces self
        _commands(self._extra)  # in the group Flask-Migrate has now put on the command line
        return self._app.extensions["migrate"]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.load(), name)


class LazyGroup(click.Group):
    """``flask db``: Flask-Migrate's command group, imported when the command line lists or
    runs one of its commands, with ``extra`` commands (``flask db backup``) beside them."""

    def __init__(self, extra: list[click.Command]) -> None:
        super().__init__(name="db", help="Perform database migrations.")
        self._extra = extra

    def list_commands(self, ctx: click.Context) -> list[str]:
        return _commands(self._extra).list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return _commands(self._extra).get_command(ctx, cmd_name)

    def make_context(self, info_name, args, parent=None, **extra):  # type: ignore[no-untyped-def]
        """Parsed and run by Flask-Migrate's group (its --directory and --x-arg options)."""
        return _commands(self._extra).make_context(info_name, args, parent=parent, **extra)


def init_app(app: Flask, db: SQLAlchemy, directory: str, extra: list[click.Command]) -> None:
    app.extensions["migrate"] = LazyMigrate(app, db, directory, extra)
    app.cli.add_command(LazyGroup(extra))
