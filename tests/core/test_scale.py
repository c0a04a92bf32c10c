"""The pieces for running on several workers: Redis for rate limits and for the job queue."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

from app.extensions import db
from tests.conftest import csrf_token

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="module")
def redis_server() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not running at {REDIS_URL}")
        pytest.skip(f"Redis is not running at {REDIS_URL}")
    return client


@pytest.fixture
def config_overrides(redis_server):
    return {
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"medvirke-test-{uuid.uuid4().hex}",
    }


def test_rate_limits_are_counted_in_redis(app, config_class, config_overrides, redis_server):
    """A second app instance (as another worker would be) sees the first one's count."""
    from app import create_app

    worker_a = app.test_client()
    data = {"csrf_token": csrf_token(worker_a), "email": "a@roros.example", "password": "x" * 12}
    statuses = [worker_a.post("/auth/login", data=data).status_code for _ in range(10)]
    assert statuses == [200] * 10

    # A new app starts a new limiter storage: in memory the count would start again at 0
    other = create_app(type("OtherWorker", (config_class,), dict(config_overrides)))
    try:
        worker_b = other.test_client()
        data_b = {**data, "csrf_token": csrf_token(worker_b)}
        assert worker_b.post("/auth/login", data=data_b).status_code == 429
    finally:
        with other.app_context():
            db.engine.dispose()  # its pooled connection is closed, not left to the collector
    prefix = config_overrides["RATELIMIT_KEY_PREFIX"]
    for key in redis_server.keys(f"*{prefix}*"):
        redis_server.delete(key)


def test_the_job_queue_can_live_in_redis(redis_server):
    """HUEY_REDIS_URL in the environment a process starts with: its queue is in Redis (the
    job module loads huey with Redis then, and without it otherwise)."""
    code = (
        "from huey import RedisHuey; from app.core import jobs; q = jobs.huey;"
        " assert isinstance(q, RedisHuey), q; q.storage.flush_queue();"
        " q.storage.enqueue(b'hello'); print(q.storage.dequeue()); q.storage.flush_queue()"
    )
    env = {**os.environ, "HUEY_REDIS_URL": REDIS_URL}
    out = subprocess.run(  # noqa: S603 - our own interpreter, a fixed command
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert out.stdout.strip() == "b'hello'", out.stderr


def test_a_redis_queue_named_too_late_is_refused_clearly():
    """Set after huey was loaded without Redis, HUEY_REDIS_URL is refused with a message."""
    env = {k: v for k, v in os.environ.items() if k != "HUEY_REDIS_URL"}
    code = (
        "import os; from app.core import jobs; os.environ['HUEY_REDIS_URL'] = 'redis://x';"
        " jobs._make_huey()"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter, a fixed command
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode != 0
    assert "HUEY_REDIS_URL was set after the job queue was loaded" in out.stderr
