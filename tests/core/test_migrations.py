"""Migrations: an empty database upgrades to head, and head matches the models."""

from __future__ import annotations

import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from app.core.db import alembic_options
from app.extensions import db
from tests.conftest import clear_tables, drop_everything


def _head() -> str:
    return ScriptDirectory(current_app.extensions["migrate"].directory).get_current_head()


def test_empty_database_upgrades_to_head_and_matches_models(app):
    db.session.remove()
    drop_everything(db.engine)
    assert sa.inspect(db.engine).get_table_names() == []

    flask_migrate.upgrade()

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts=alembic_options())
        assert context.get_current_revision() == _head()
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
    clear_tables(db.engine)  # leave the database as the fixture expects


def test_downgrade_to_base_and_back(app):
    db.session.remove()
    clear_tables(db.engine)
    flask_migrate.downgrade(revision="base")
    tables = set(sa.inspect(db.engine).get_table_names())
    assert tables <= {"alembic_version"}
    flask_migrate.upgrade()
    assert "users" in sa.inspect(db.engine).get_table_names()
