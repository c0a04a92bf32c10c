"""Background jobs with huey: SQLite storage in instance/ by default, Redis at scale.

The worker is `make worker` (huey_consumer app.worker.huey). Tests and `HUEY_IMMEDIATE=true`
run tasks at once in the calling process. Later domains add scheduled jobs with
``periodic(...)`` (reminders, monthly snapshots, the open-data export); only a worker with
``WORKER_SCHEDULER`` on enqueues them, so with several worker hosts each job runs once.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from flask import Flask, has_app_context


def _without_unused_backends() -> list[str]:
    """Before huey is first imported in a web worker: hide the optional libraries huey
    imports for what this process never uses (about 14 MB of a worker): psycopg for its
    PostgreSQL queue, and redis unless HUEY_REDIS_URL names the queue (read when the
    process starts, as the queue itself is made then). Each is hidden only while huey
    loads (``_restore``), so the app's own use of them (psycopg for a PostgreSQL database,
    redis for the cache or the limiter) is untouched. The worker (``huey_consumer``)
    imports huey itself before the app, with all of them."""
    if "huey" in sys.modules:
        return []
    unused = ["psycopg"] + ([] if os.environ.get("HUEY_REDIS_URL") else ["redis"])
    hidden = [name for name in unused if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    return hidden


def _restore(hidden: list[str]) -> None:
    for name in hidden:
        del sys.modules[name]


_hidden = _without_unused_backends()
try:
    from huey import Huey, RedisHuey, SqliteHuey, crontab
    from huey.consumer import Consumer
finally:
    _restore(_hidden)

INSTANCE_DIR = Path(__file__).resolve().parents[2] / "instance"


class _OneScheduler(Huey):
    """A consumer of this queue runs the scheduler only where WORKER_SCHEDULER is on.

    Every consumer that runs huey's scheduler enqueues every periodic job, so on two worker
    hosts each job would run twice. With the setting off a consumer starts as
    ``huey_consumer --no-periodic`` does; that flag still turns it off on any host."""

    def create_consumer(self, **options: Any) -> Consumer:
        options["periodic"] = options.get("periodic", True) and runs_scheduler()
        return super().create_consumer(**options)


class _SqliteHuey(_OneScheduler, SqliteHuey):
    pass


class _RedisHuey(_OneScheduler, RedisHuey):
    pass


def runs_scheduler() -> bool:
    """Whether this host's worker enqueues the periodic jobs (WORKER_SCHEDULER)."""
    return bool(_app().config["WORKER_SCHEDULER"])


def _make_huey() -> Huey:
    immediate = os.environ.get("HUEY_IMMEDIATE", "").lower() in {"1", "true", "yes"}
    redis_url = os.environ.get("HUEY_REDIS_URL")
    if redis_url and "redis" in _hidden:
        raise RuntimeError(
            "HUEY_REDIS_URL was set after the job queue was loaded without Redis: set it in "
            "the environment the process starts with."
        )
    if redis_url:
        return _RedisHuey("medvirke", url=redis_url, immediate=immediate)
    INSTANCE_DIR.mkdir(exist_ok=True)
    return _SqliteHuey(
        "medvirke",
        filename=os.environ.get("HUEY_SQLITE_PATH", str(INSTANCE_DIR / "huey.sqlite3")),
        immediate=immediate,
    )


huey = _make_huey()
_worker_app: Flask | None = None


def configure(app: Flask) -> None:
    """Tests (and anyone setting HUEY_IMMEDIATE) run tasks in the calling process."""
    if app.config.get("HUEY_IMMEDIATE"):
        huey.immediate = True


def use_app(app: Flask) -> None:
    """Hand the worker its Flask app: app.worker creates it before the consumer starts (core
    imports no domain, so it cannot create the app itself)."""
    global _worker_app
    _worker_app = app


def _app() -> Flask:
    """The Flask app a worker process runs tasks in."""
    if _worker_app is None:
        raise RuntimeError("No app for the jobs: start the worker as huey_consumer app.worker.huey")
    return _worker_app


def in_app_context(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run a task inside an app context: the caller's (immediate mode) or the worker's."""

    @wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            return fn(*args, **kwargs)
        with _app().app_context():
            return fn(*args, **kwargs)

    return run


def periodic(schedule: crontab, name: str) -> Callable[[Callable[[], Any]], Any]:
    """Register a scheduled job, run by the worker: ``@periodic(crontab(minute="0"), "x")``."""

    def decorator(fn: Callable[[], Any]) -> Any:
        return huey.periodic_task(schedule, name=name)(in_app_context(fn))

    return decorator


def first_run(name: str, period: str) -> bool:
    """Claim ``period``'s run of the job ``name`` in the caller's transaction: True for the
    first worker to ask, False for any other (or for a second run in the same period).

    Run it before the job reads anything, so that on SQLite the claim is the transaction's
    first statement; on PostgreSQL a second claimant waits for the first to commit and then
    finds the row taken (``ON CONFLICT DO NOTHING``: no error, no savepoint). If the job
    fails and its transaction rolls back, so does the claim.
    """
    from app.core.db import upsert_insert
    from app.core.models import JobRun
    from app.extensions import db

    claimed = db.session.execute(
        upsert_insert(JobRun.__table__)
        .values(name=name, period=period)
        .on_conflict_do_nothing()
        .returning(JobRun.name)
    ).first()
    return claimed is not None
