"""Configuration, read only from environment variables."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
DEFAULT_SECRET_KEY = "dev-secret-key-change-me"  # noqa: S105 - refused in production


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _list(name: str) -> list[str] | None:
    value = os.environ.get(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else None


def _database_url(default_file: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the old driver; use psycopg 3.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgres://")
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    return f"sqlite:///{INSTANCE_DIR / default_file}"


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url("medvirke.sqlite3")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)

    BABEL_DEFAULT_LOCALE = "nb"
    BABEL_DEFAULT_TIMEZONE = "Europe/Oslo"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = ("nb", "nn", "en")

    #: A form's CSRF token lasts this many hours (it is also renewed at login); a form sent
    #: later is shown again with what was written, to check and send (app.core.errors)
    WTF_CSRF_TIME_LIMIT = _int("CSRF_TOKEN_HOURS", 12) * 3600

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    #: Signatures per account (a person signs a proposal once; this stops a script)
    SIGN_RATE_LIMIT = os.environ.get("SIGN_RATE_LIMIT", "30 per minute;500 per day")
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    RESET_RATE_LIMIT = os.environ.get("RESET_RATE_LIMIT", "5 per minute;20 per hour")
    #: Per IP, on feedback and broken-promise reports about service declarations (together)
    DECLARATION_FEEDBACK_RATE_LIMIT = os.environ.get(
        "DECLARATION_FEEDBACK_RATE_LIMIT", "10 per minute;100 per day"
    )
    #: Working days a service has to answer a broken-promise report (avvik)
    REPORT_ANSWER_WORKING_DAYS = _int("REPORT_ANSWER_WORKING_DAYS", 10)
    NOMINATION_RATE_LIMIT = os.environ.get("NOMINATION_RATE_LIMIT", "5 per minute;20 per hour")

    #: Brukerpanel: no published survey figure, nor any that can be worked out from them,
    #: describes this many answers or fewer, and a stored response keeps a profile attribute
    #: only where at least this many of the audience share it. Never below 5.
    ANONYMITY_K = max(5, _int("ANONYMITY_K", 5))

    #: How many proxies in front of the app set X-Forwarded-For and -Proto (0: none)
    TRUSTED_PROXY_HOPS = _int("TRUSTED_PROXY_HOPS", 0)
    #: Host names the app answers to (comma-separated; unset: any, outside production)
    TRUSTED_HOSTS = _list("TRUSTED_HOSTS")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    #: "Remember me" lasts this many days, 30 at most (Flask-Login's default is a year); a
    #: login session ends this long after it began, remembered or not
    REMEMBER_COOKIE_DURATION = timedelta(days=max(1, min(_int("REMEMBER_DAYS", 30), 30)))

    #: console (print), smtp, or memory (tests: mark sent without sending)
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    #: Send mail right after the request commits; the worker retries what failed
    MAIL_DELIVER_INLINE = _bool("MAIL_DELIVER_INLINE", True)
    MAIL_FROM = os.environ.get("MAIL_FROM", "Medvirke <ikke-svar@medvirke.localhost>")
    #: Absolute base for links in mail, e.g. https://medvirke.roros.kommune.no
    #: (unset: the development server's own address, on PORT, which `make run PORT=N` sets)
    SITE_URL = os.environ.get("SITE_URL") or f"http://127.0.0.1:{_int('PORT', 5000)}"

    #: argon2id cost; the defaults are argon2-cffi's recommended (RFC 9106 low-memory) profile
    ARGON2_TIME_COST = _int("ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_COST = _int("ARGON2_MEMORY_COST", 65536)

    #: Flask-Caching: in this process by default; Redis (CACHE_REDIS_URL) when several workers
    #: run, so that a write clears what every worker keeps at once
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL")
    CACHE_TYPE = os.environ.get("CACHE_TYPE", "RedisCache" if CACHE_REDIS_URL else "SimpleCache")
    CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "medvirke:")
    CACHE_DEFAULT_TIMEOUT = 0  # everything kept is given its own time
    #: The in-process cache's bound: this many entries of at most CACHE_MAX_ENTRY_BYTES each
    CACHE_THRESHOLD = _int("CACHE_THRESHOLD", 300)
    CACHE_MAX_ENTRY_BYTES = _int("CACHE_MAX_ENTRY_BYTES", 256 * 1024)

    #: How long the municipality's settings are kept before they are read again
    SETTINGS_CACHE_SECONDS = _int("SETTINGS_CACHE_SECONDS", 30)

    #: How long public pages are kept for visitors who are not logged in (0: never)
    PAGE_CACHE_SECONDS = _int("PAGE_CACHE_SECONDS", 10)

    #: The open API (/api/v1): requests per client IP, and how long answers are kept
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")
    API_CACHE_SECONDS = _int("API_CACHE_SECONDS", 10)
    API_TITLE = "Medvirke"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"

    #: Run background jobs at once in the calling process instead of through the worker
    HUEY_IMMEDIATE = _bool("HUEY_IMMEDIATE", False)
    #: Whether this host's job worker runs the scheduled jobs. With several worker hosts
    #: exactly one has it on; the others only consume the queue (or each job runs on each)
    WORKER_SCHEDULER = _bool("WORKER_SCHEDULER", True)

    #: How long each process keeps the compass's live indicators before computing them again
    COMPASS_CACHE_SECONDS = _int("COMPASS_CACHE_SECONDS", 60)
    #: Where the open-data export is written and /opendata/ serves it from
    OPENDATA_DIR = os.environ.get("OPENDATA_DIR", str(INSTANCE_DIR / "opendata"))

    CONFIRM_TOKEN_MAX_AGE = 48 * 3600
    RESET_TOKEN_MAX_AGE = 2 * 3600

    DEMO_ALLOWED = True


class DevelopmentConfig(Config):
    DEBUG = False  # `flask run --debug` turns the debugger on explicitly
    ENV_NAME = "development"


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    #: Required in production (create_app refuses to start without them): the public https
    #: address links in mail and feeds are made from, and the host names the app answers to
    SITE_URL = os.environ.get("SITE_URL", "")
    TRUSTED_HOSTS = _list("TRUSTED_HOSTS")
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    #: The worker sends mail, so no request waits for the SMTP server
    MAIL_DELIVER_INLINE = _bool("MAIL_DELIVER_INLINE", False)
    DEMO_ALLOWED = False


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "TEST_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'test.sqlite3'}"
    )
    RATELIMIT_STORAGE_URI = "memory://"
    CACHE_TYPE = "SimpleCache"
    MAIL_BACKEND = "memory"
    HUEY_IMMEDIATE = True
    PAGE_CACHE_SECONDS = 0  # each test sees fresh pages; the cache has its own tests
    API_CACHE_SECONDS = 0
    COMPASS_CACHE_SECONDS = 0  # the same for the compass's indicators
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024  # cheap hashing keeps the suite fast; still argon2id
    SITE_URL = "http://localhost"


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}


def config_from_env() -> type[Config]:
    """The configuration class named by MEDVIRKE_ENV (development by default)."""
    return CONFIGS[os.environ.get("MEDVIRKE_ENV", "development")]
