"""The job queue's scheduler: only a worker with WORKER_SCHEDULER on runs periodic jobs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from huey import crontab

from app.core import jobs

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def queue(monkeypatch, tmp_path):
    """A queue of the worker's kind in a file of its own, not run at once."""
    monkeypatch.delenv("HUEY_REDIS_URL", raising=False)
    monkeypatch.delenv("HUEY_IMMEDIATE", raising=False)
    monkeypatch.setenv("HUEY_SQLITE_PATH", str(tmp_path / "huey.sqlite3"))
    return jobs._make_huey()


def _periodic_runs(app, queue, monkeypatch, setting: bool, **options) -> int:
    """Start a real consumer of ``queue`` (as `huey_consumer` does) on a worker whose app
    has WORKER_SCHEDULER=``setting``, long enough for its scheduler's first round, and
    count the runs of a job scheduled for every minute."""
    app.config["WORKER_SCHEDULER"] = setting
    monkeypatch.setattr(jobs, "_worker_app", app)
    ran = threading.Event()
    queue.periodic_task(crontab(), name="every_minute")(ran.set)
    ping = queue.task(name="ping")(lambda: "pong")
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = queue.create_consumer(workers=1, **options)
    consumer.start()
    try:
        assert ping().get(blocking=True, timeout=10) == "pong"  # the worker is consuming
        ran.wait(timeout=2)
    finally:
        consumer.stop(graceful=True)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    return int(ran.is_set())


def test_a_worker_runs_periodic_jobs_with_the_scheduler_setting_on(app, queue, monkeypatch):
    assert _periodic_runs(app, queue, monkeypatch, setting=True) == 1


def test_a_worker_with_the_setting_off_only_consumes(app, queue, monkeypatch):
    assert _periodic_runs(app, queue, monkeypatch, setting=False) == 0


def test_hueys_no_periodic_flag_still_turns_the_scheduler_off(app, queue, monkeypatch):
    assert _periodic_runs(app, queue, monkeypatch, setting=True, periodic=False) == 0


@pytest.mark.parametrize(
    ("env", "expected"), [(None, "True"), ("false", "False"), ("true", "True")]
)
def test_the_setting_comes_from_the_environment_and_is_on_by_default(env, expected):
    """On by default, so a single host needs nothing; the other hosts set it to false."""
    environ = {k: v for k, v in os.environ.items() if k != "WORKER_SCHEDULER"}
    if env is not None:
        environ["WORKER_SCHEDULER"] = env
    code = "import config; print(config.Config.WORKER_SCHEDULER)"
    out = subprocess.run(  # noqa: S603 - our own interpreter, a fixed command
        [sys.executable, "-c", code], env=environ, cwd=ROOT, capture_output=True, text=True
    )
    assert out.stdout.strip() == expected, out.stderr
