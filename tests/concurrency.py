"""Running requests at the same moment, for tests of races (one signature per person, one
winner per month)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def at_once(calls: list[Callable[[], Any]], timeout: float = 120) -> list[Any]:
    """Start every call in its own thread, released together by a barrier; return their
    results in the order they finished. Fails the test with the first errors raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(call())
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not errors, errors[:3]
    return results


def in_workers(config_class: type, job: Callable[[], Any], workers: int = 2) -> list[Any]:
    """Run ``job`` in ``workers`` job-worker processes' stead, all at the same moment: each
    thread has an app of its own (its own engine, pool, session and connection), as
    separate worker hosts do, and runs the job inside that app's context."""
    from app import create_app
    from app.extensions import db

    apps = [create_app(config_class) for _ in range(workers)]

    def run(worker_app: Any) -> Any:
        with worker_app.app_context():
            try:
                return job()
            finally:
                db.session.remove()

    try:
        return at_once([lambda a=a: run(a) for a in apps])
    finally:
        for worker_app in apps:
            with worker_app.app_context():
                db.engine.dispose()
