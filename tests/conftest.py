"""Fixtures: an app on a migrated database (SQLite file, or PostgreSQL from
TEST_DATABASE_URL), clients per role, and form helpers that go through CSRF."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from app import create_app
from app.auth import services as auth_services
from app.auth.models import User
from app.core.demo import RØROS
from app.core.models import MunicipalitySettings, OutboxMail
from app.core.permissions import Role
from app.core.settings import invalidate_settings
from app.extensions import cache, db, limiter
from config import TestConfig

pytest_plugins = [
    "tests.clock",
    "tests.proposals.fixtures",
    "tests.panel.fixtures",
    "tests.compass.fixtures",
    "tests.declarations.fixtures",
    "tests.moments.fixtures",
]

PASSWORD = "et langt passord 123"
_CSRF = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]+)"')


def drop_everything(engine: sa.Engine) -> None:
    """Leave an empty database: what `flask db upgrade` starts from on a fresh machine."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        else:
            conn.execute(sa.text("PRAGMA foreign_keys = OFF"))
            names = conn.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'table'"))
            # Full-text tables first: dropping one drops its shadow tables with it
            for name in sorted(names.scalars(), key=lambda n: not n.endswith("_fts")):
                conn.execute(sa.text(f'DROP TABLE IF EXISTS "{name}"'))
            # The connection goes back to the pool, which later tests share
            conn.execute(sa.text("PRAGMA foreign_keys = ON"))


def clear_tables(engine: sa.Engine) -> None:
    """Empty every table and start every id from 1 again, as on a fresh database.

    On PostgreSQL only the tables that hold rows are truncated (one query finds them): a
    TRUNCATE of all of them costs ~0.2 s, which over a thousand tests is minutes."""
    tables = [t.name for t in db.metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            probe = " UNION ALL ".join(
                f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in tables
            )
            filled = conn.execute(sa.text(probe)).scalars().all()
            if filled:
                names = ", ".join(f'"{t}"' for t in filled)
                conn.execute(sa.text(f"TRUNCATE {names} CASCADE"))
            conn.execute(sa.text(
                "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false) "
                "FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL"
            ))  # fmt: skip
        else:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'medvirke-test.sqlite3'}"
    )


@pytest.fixture(scope="session")
def config_class(database_url: str) -> type[TestConfig]:
    """TestConfig on a database migrated from empty to head, once per session."""

    class SessionConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(SessionConfig)
    with app.app_context():
        drop_everything(db.engine)
        flask_migrate.upgrade()
        db.engine.dispose()
    return SessionConfig


@pytest.fixture
def config_overrides() -> dict[str, object]:
    """Settings a test module changes for its app (override this fixture there)."""
    return {}


#: (web app, test-side app) per configuration, built once: building one costs ~0.1 s
_APPS: dict[type[TestConfig], tuple[Flask, Flask]] = {}


def _pair(config_class: type[TestConfig]) -> tuple[Flask, Flask]:
    """The web app and the test side's, sharing one cache as the threads of one worker do:
    what the test side commits clears what the web app kept."""
    app, test_side = create_app(config_class), create_app(config_class)
    test_side.extensions["cache"][cache] = app.extensions["cache"][cache]
    return app, test_side


def _apps(
    config_class: type[TestConfig], overrides: dict[str, object], own: bool
) -> tuple[Flask, Flask]:
    if overrides or own:  # a module's own settings, or routes a test adds: apps not kept
        return _pair(type("OverriddenConfig", (config_class,), dict(overrides)))
    if config_class not in _APPS:
        _APPS[config_class] = _pair(config_class)
    return _APPS[config_class]


@pytest.fixture
def app(
    request: pytest.FixtureRequest,
    config_class: type[TestConfig],
    config_overrides: dict[str, object],
) -> Iterator[Flask]:
    """The web app that clients talk to.

    Test code runs inside the context of a second app on the same database. Flask reuses
    an app context that is already pushed for the same app, so if the test held the web
    app's context, every request would share the test's `g` and database session and could
    see writes a view never committed. With two apps, each request gets its own, as in
    production, and the test sees only what was committed.

    The two apps are kept between tests with the same settings; each test starts with the
    settings as configured (a test's changes to ``app.config`` are undone), no rate-limit
    counts, empty caches and empty tables. A test that adds routes is marked ``own_app``.
    """
    own = request.node.get_closest_marker("own_app") is not None
    app, test_side = _apps(config_class, config_overrides, own)
    configs = [(a, dict(a.config)) for a in (app, test_side)]
    limiter.reset()
    with test_side.app_context():
        cache.clear()
        db.session.add(MunicipalitySettings(**RØROS))
        db.session.commit()
        invalidate_settings()
        yield app
        db.session.remove()
        clear_tables(db.engine)
        if config_overrides or own:
            db.engine.dispose()
            with app.app_context():
                db.engine.dispose()
    for kept, saved in configs:
        kept.config.clear()
        kept.config.update(saved)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(
        *roles: Role,
        email: str | None = None,
        name: str = "Kari Nordmann",
        confirmed: bool = True,
        password: str = PASSWORD,
        **fields: object,
    ) -> User:
        user = auth_services.create_user(
            email or f"bruker{next(counter)}@roros.example",
            name,
            password,
            roles=roles or (Role.resident,),
            confirmed=confirmed,
        )
        for key, value in fields.items():
            setattr(user, key, value)
        db.session.commit()
        return user

    return make


def login(client: FlaskClient, user: User) -> FlaskClient:
    """Log ``user`` in on ``client`` with a login session and Flask-Login's login_user, as a
    form login does (session protection's identifier of this client's address and User-Agent
    included, and the time the password was typed)."""
    from flask import request
    from flask import session as flask_session
    from flask_login import login_user

    from app.auth.reauth import mark_password_entered
    from app.auth.sessions import start_session

    with client.application.test_request_context(environ_base=client.environ_base):
        start_session(user, request.user_agent.string)
        db.session.commit()
        login_user(user)
        mark_password_entered(user)
        values = dict(flask_session)
    with client.session_transaction() as session:
        session.update(values)
    return client


ROLES = ["anonymous", "unconfirmed", "resident", "committee", "service_owner", "admin"]


@pytest.fixture
def client_for(app: Flask, make_user: Callable[..., User]) -> Callable[[str], FlaskClient]:
    """A client for one of ROLES, for permission matrices."""

    def make(role: str) -> FlaskClient:
        client = app.test_client()
        if role == "anonymous":
            return client
        if role == "unconfirmed":
            return login(client, make_user(confirmed=False))
        return login(client, make_user(Role(role)))

    return make


@pytest.fixture
def login_as(app: Flask, make_user: Callable[..., User]) -> Callable[..., FlaskClient]:
    def as_role(*roles: Role, confirmed: bool = True) -> FlaskClient:
        return login(app.test_client(), make_user(*roles, confirmed=confirmed))

    return as_role


@pytest.fixture
def resident_client(login_as: Callable[..., FlaskClient]) -> FlaskClient:
    return login_as(Role.resident)


@pytest.fixture
def committee_client(login_as: Callable[..., FlaskClient]) -> FlaskClient:
    return login_as(Role.committee)


@pytest.fixture
def service_owner_client(login_as: Callable[..., FlaskClient]) -> FlaskClient:
    return login_as(Role.service_owner)


@pytest.fixture
def admin_client(login_as: Callable[..., FlaskClient]) -> FlaskClient:
    return login_as(Role.admin)


def csrf_token(client: FlaskClient, path: str = "/auth/login") -> str:
    """The CSRF token a real browser would find in the page's form."""
    page = client.get(path)
    match = _CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return match.group(1)


def submit(client: FlaskClient, path: str, data: dict[str, object] | None = None, **kw: object):
    """POST ``data`` to ``path`` with a CSRF token taken from a page, like a browser.

    Every page with a form carries the session's token; the login page always has one.
    """
    return client.post(path, data={"csrf_token": csrf_token(client), **(data or {})}, **kw)


def outbox(to: str | None = None) -> list[OutboxMail]:
    stmt = sa.select(OutboxMail).order_by(OutboxMail.id)
    if to:
        stmt = stmt.where(OutboxMail.to_address == to)
    return list(db.session.scalars(stmt))


def mail_text(mail: OutboxMail) -> str:
    """All a recipient reads of a queued mail: the subject and the text and HTML parts."""
    return "\n".join((mail.subject, mail.body_text, mail.body_html or ""))


def count_queries(client: FlaskClient, path: str) -> int:
    """SQL statements the page runs (after one warm-up request fills the caches)."""
    statements = []

    def count(*_args):
        statements.append(1)

    assert client.get(path).status_code == 200
    with client.application.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)
