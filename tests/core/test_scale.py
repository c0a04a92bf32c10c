"""The pieces for running on several workers: Redis for rate limits and for the job queue."""

from __future__ import annotations

import os
import uuid

import pytest
import redis
from huey import RedisHuey

from app.core import jobs
from app.extensions import db
from tests.conftest import csrf_token

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


def test_the_job_queue_can_live_in_redis(monkeypatch, redis_server):
    monkeypatch.setenv("HUEY_REDIS_URL", REDIS_URL)
    queue = jobs._make_huey()
    assert isinstance(queue, RedisHuey)
    queue.storage.flush_queue()
    queue.storage.enqueue(b"hello")
    assert queue.storage.dequeue() == b"hello"
    queue.storage.flush_queue()
