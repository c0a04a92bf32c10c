"""The application factory and the configuration classes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from config import DEFAULT_SECRET_KEY, Config, DevelopmentConfig, ProductionConfig, TestConfig

ROOT = Path(__file__).resolve().parents[2]


def test_test_config_is_applied(app):
    assert app.config["TESTING"] is True
    assert app.config["BABEL_DEFAULT_LOCALE"] == "nb"
    assert app.config["MAX_CONTENT_LENGTH"] > 0
    for blueprint in ("core", "auth", "account"):
        assert blueprint in app.blueprints


class _Production(ProductionConfig):
    SECRET_KEY = "x" * 48
    SITE_URL = "https://medvirke.roros.example"
    TRUSTED_HOSTS = ["medvirke.roros.example"]


def test_production_refuses_default_secret_key():
    class Prod(_Production):
        SECRET_KEY = DEFAULT_SECRET_KEY

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Prod)


def test_production_refuses_short_secret_key():
    class Prod(_Production):
        SECRET_KEY = "short"  # noqa: S105

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Prod)


@pytest.mark.parametrize(
    "site_url", ["", "http://medvirke.roros.example", "https://", "medvirke.roros.example"]
)
def test_production_refuses_to_start_without_a_public_https_address(site_url):
    """Links in mail and feeds are made from SITE_URL; without it they would point at
    127.0.0.1 or at plain http."""

    class Prod(_Production):
        SITE_URL = site_url

    with pytest.raises(RuntimeError, match="SITE_URL"):
        create_app(Prod)


def test_production_refuses_to_start_without_trusted_hosts():
    """Without TRUSTED_HOSTS a forged Host header would be answered."""

    class Prod(_Production):
        TRUSTED_HOSTS = None

    with pytest.raises(RuntimeError, match="TRUSTED_HOSTS"):
        create_app(Prod)


def test_production_starts_with_a_real_secret_and_secure_cookies(config_class):
    class Prod(_Production):
        SQLALCHEMY_DATABASE_URI = config_class.SQLALCHEMY_DATABASE_URI

    app = create_app(Prod)
    with app.app_context():
        db.engine.dispose()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["DEMO_ALLOWED"] is False
    assert app.config["TRUSTED_HOSTS"] == ["medvirke.roros.example"]


def test_config_reads_environment():
    """config.py takes its values from the environment (read in a fresh interpreter)."""
    env = {
        **os.environ,
        "DATABASE_URL": "postgresql://u@db.example:5432/medvirke",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/3",
        "MAIL_PORT": "2525",
        "MAIL_USE_TLS": "true",
        "SECRET_KEY": "k" * 40,
    }
    code = (
        "import json, config; c = config.Config; print(json.dumps([c.SQLALCHEMY_DATABASE_URI,"
        " c.RATELIMIT_STORAGE_URI, c.MAIL_PORT, c.MAIL_USE_TLS, c.SECRET_KEY]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    url, limiter_uri, port, tls, key = json.loads(out)
    assert url == "postgresql+psycopg://u@db.example:5432/medvirke"
    assert limiter_uri == "redis://127.0.0.1:6379/3"
    assert (port, tls, key) == (2525, True, "k" * 40)


def test_config_classes_differ_where_they_must():
    assert issubclass(DevelopmentConfig, Config)
    assert TestConfig.TESTING is True
    # Production sends real mail unless told otherwise (the suite's shell sets nothing)
    assert ProductionConfig.MAIL_BACKEND == "smtp"
    assert DevelopmentConfig.MAIL_BACKEND == "console"
    assert TestConfig.MAIL_BACKEND == "memory"


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas only apply to SQLite")
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(sa.text("PRAGMA busy_timeout")).scalar() >= 5000


def test_foreign_keys_are_enforced(app):
    from app.auth.models import UserRole
    from app.core.permissions import Role

    db.session.add(UserRole(user_id=987654, role=Role.admin))
    with pytest.raises(sa.exc.IntegrityError, match="(?i)foreign key"):
        db.session.flush()
    db.session.rollback()


def test_a_web_worker_loads_no_migration_tools_nor_unused_queue_backends(tmp_path):
    """gunicorn's import of wsgi, then a page: no Alembic or Flask-Migrate (only `flask db`
    needs them), and huey without psycopg's or Redis's client when neither is used."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUEY_", "MEDVIRKE_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'web.sqlite3'}", MEDVIRKE_ENV="development")
    code = (
        "import sys, wsgi; wsgi.app.test_client().get('/auth/login');"
        " print(' '.join(m for m in ('alembic', 'flask_migrate', 'psycopg', 'redis')"
        " if m in sys.modules) or 'none')"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter, a fixed command
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert out.stdout.strip() == "none", out.stderr


def test_flask_db_migrates_from_the_command_line(tmp_path):
    """`flask db upgrade` and `flask db current` (Flask-Migrate, loaded by the command) on a
    fresh database, and `flask db backup` beside them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUEY_", "MEDVIRKE_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}", MEDVIRKE_ENV="development")
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "wsgi", "db"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own flask, fixed commands
            [*flask, *args], env=env, cwd=ROOT, capture_output=True, text=True
        )

    listed = run("--help")
    assert "upgrade" in listed.stdout, listed.stderr
    assert "backup" in listed.stdout
    assert run("upgrade").returncode == 0
    current = run("current")
    assert "(head)" in current.stdout, current.stderr
    backup = run("backup", str(tmp_path / "copy.sqlite3"))
    assert backup.returncode == 0, backup.stderr
    assert (tmp_path / "copy.sqlite3").stat().st_size > 0
