"""Migrations: an empty database upgrades to head, and head matches the models."""

from __future__ import annotations

import flask_migrate
import pytest
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


# Autogenerate cannot reflect an index on an expression on SQLite, and says so; the next
# test checks that the one there is (ix_proposals_collecting) exists at head
@pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index ix_proposals_collecting"
)
@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index "
    "'ix_proposals_collecting'"
)
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


def test_the_indexes_on_expressions_are_there_at_head(app):
    """What the comparison above cannot see on SQLite: the front page's collecting list reads
    ix_proposals_collecting (on signature_count + paper_count), so a migration that recreates
    the proposals table must create it again."""
    sql = (
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'proposals'"
        if db.engine.dialect.name == "sqlite"
        else "SELECT indexname FROM pg_indexes WHERE tablename = 'proposals'"
    )
    with db.engine.connect() as conn:
        names = set(conn.exec_driver_sql(sql).scalars())
    assert {"ix_proposals_collecting", "ix_proposals_state_deadline"} <= names


def test_downgrade_to_base_and_back(app):
    db.session.remove()
    clear_tables(db.engine)
    flask_migrate.downgrade(revision="base")
    tables = set(sa.inspect(db.engine).get_table_names())
    assert tables <= {"alembic_version"}
    flask_migrate.upgrade()
    assert "users" in sa.inspect(db.engine).get_table_names()


def test_recreating_a_table_on_sqlite_keeps_the_rows_that_point_at_it(app, member, make_user):
    """The login-sessions migration drops users.login_token, which SQLite does by copying
    the users table and dropping the old one; with foreign keys on, that DROP deleted every
    panel member and cleared the actor of every audit entry. Upgrading through it now keeps
    them (on PostgreSQL the column is dropped in place)."""
    from app.core.audit import audit
    from app.core.models import AuditEntry
    from app.panel.models import PanelMember

    admin = make_user()
    volunteer = member(area="Brekken", birth_year=1980)
    audit(admin, "user.created", volunteer)
    db.session.commit()
    admin_id, volunteer_id = admin.id, volunteer.id
    db.session.remove()

    flask_migrate.downgrade(revision="3c6d1f0a9e27")  # before the login sessions
    flask_migrate.upgrade()

    assert db.session.scalar(sa.select(PanelMember.user_id)) == volunteer_id
    assert db.session.scalar(sa.select(AuditEntry.actor_id)) == admin_id
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
