"""With Redis (CACHE_REDIS_URL), every worker process shares what is kept: a committee
member's change through one process is seen at once by a visitor served by another."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from app.core.permissions import Role
from app.extensions import db
from app.moments.models import Winner
from tests.conftest import login
from tests.moments.fixtures import committee_edits_story

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PREFIX = f"medvirke-test-{secrets.token_hex(4)}:"


def _redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not running at {REDIS_URL}")
        pytest.skip(f"Redis is not running at {REDIS_URL}")


@pytest.fixture
def config_overrides():
    return {
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": PREFIX,
        "PAGE_CACHE_SECONDS": 60,
    }


@pytest.fixture
def workers(app, database_url):  # type: ignore[no-untyped-def]
    """gunicorn with two worker processes on the test database, caching in the same Redis."""
    _redis_or_skip()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "MEDVIRKE_ENV": "development",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "CACHE_REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": PREFIX,
        "PAGE_CACHE_SECONDS": "60",
        "MAIL_BACKEND": "console",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).close()  # noqa: S310
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("gunicorn did not start")
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=15)
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{PREFIX}*"))
    if keys:
        client.delete(*keys)


def _pages(base: str, path: str, n: int = 6) -> list[str]:
    """The page as several visitors get it (gunicorn spreads them over its workers)."""
    pages = []
    for _ in range(n):
        with urllib.request.urlopen(base + path, timeout=10) as answer:  # noqa: S310
            assert "Set-Cookie" not in answer.headers
            pages.append(answer.read().decode())
    return pages


def test_a_change_through_one_process_is_seen_by_visitors_of_the_others(
    app, workers, make_user, winner, approved
):
    won = winner(citation="Første begrunnelse.")
    other = approved()
    committee = login(app.test_client(), make_user(Role.committee))
    assert all("Første begrunnelse." in page for page in _pages(workers, "/moments/"))
    with db.engine.begin() as conn:  # outside the app: every worker still has the kept page
        conn.execute(sa.update(Winner).where(Winner.id == won.id).values(citation="Ny tekst."))
    assert all("Første begrunnelse." in page for page in _pages(workers, "/moments/"))
    committee_edits_story(committee, other)
    assert all("Ny tekst." in page for page in _pages(workers, "/moments/"))
