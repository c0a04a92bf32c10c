"""Signers of a SQLite file queue for their turn (app.core.db.writers_in_turn): another
process holding the turn keeps a writer waiting until it lets go, threads of one process
take turns too, and PostgreSQL or an in-memory database is left alone."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.core.db import writers_in_turn

HOLD = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("holding", flush=True)
sys.stdin.readline()
"""


@contextlib.contextmanager
def _held_elsewhere(database: Path) -> Iterator[Callable[[], None]]:
    """Another process holds the turn for ``database``; call the result to let it go."""
    command = [sys.executable, "-c", HOLD, f"{database}-writers.lock"]
    pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "text": True}
    with subprocess.Popen(command, **pipes) as holder:  # type: ignore[call-overload]
        try:
            assert holder.stdout.readline().strip() == "holding"

            def let_go() -> None:
                holder.stdin.write("done\n")
                holder.stdin.flush()

            yield let_go
        finally:
            holder.kill()


def _enters(engine: sa.Engine) -> tuple[threading.Thread, threading.Event, threading.Event]:
    """A thread that takes its turn and waits there until told to leave."""
    entered, leave = threading.Event(), threading.Event()

    def run() -> None:
        with writers_in_turn(engine):
            entered.set()
            leave.wait(10)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, entered, leave


def test_a_writer_waits_while_another_process_has_the_turn(tmp_path: Path):
    database = tmp_path / "medvirke.sqlite3"
    engine = sa.create_engine(f"sqlite:///{database}")
    with _held_elsewhere(database) as let_go:
        thread, entered, leave = _enters(engine)
        assert not entered.wait(0.5)  # still the other process's turn
        let_go()
        assert entered.wait(10)  # its turn came when the other let go
        leave.set()
        thread.join(10)


def test_threads_of_one_process_take_turns(tmp_path: Path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'medvirke.sqlite3'}")
    first, first_in, first_leave = _enters(engine)
    assert first_in.wait(10)
    second, second_in, second_leave = _enters(engine)
    assert not second_in.wait(0.3)
    first_leave.set()
    assert second_in.wait(10)
    second_leave.set()
    first.join(10)
    second.join(10)


def test_the_turn_is_given_back_when_the_write_fails(tmp_path: Path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'medvirke.sqlite3'}")
    with pytest.raises(RuntimeError), writers_in_turn(engine):
        raise RuntimeError("refused")
    thread, entered, leave = _enters(engine)
    assert entered.wait(10)
    leave.set()
    thread.join(10)


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:",
                                 "postgresql+psycopg://postgres@127.0.0.1:5432/test"])  # fmt: skip
def test_nothing_to_queue_for_elsewhere(url: str, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    engine = sa.create_engine(url)  # not connected: writers_in_turn reads only the URL
    with writers_in_turn(engine), writers_in_turn(engine):  # no lock to wait for, even nested
        pass
    assert list(tmp_path.iterdir()) == []


def test_a_writer_waits_no_longer_than_sqlites_busy_timeout(tmp_path: Path, monkeypatch):
    """Should the turn never come (a holder stuck), the writer goes on without it after the
    busy timeout, and SQLite's own locking decides, as it would have without turns."""
    monkeypatch.setattr("app.core.db.SQLITE_BUSY_TIMEOUT_MS", 300)
    database = tmp_path / "medvirke.sqlite3"
    engine = sa.create_engine(f"sqlite:///{database}")
    with _held_elsewhere(database):
        thread, entered, leave = _enters(engine)
        assert not entered.wait(0.1)
        assert entered.wait(5)  # the holder still holds: it went on without its turn
        leave.set()
        thread.join(10)


def test_no_lock_file_no_turns(tmp_path: Path, caplog):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'gone' / 'medvirke.sqlite3'}")
    with writers_in_turn(engine), writers_in_turn(engine):  # nothing to wait for
        pass
    assert "no writers' lock file" in caplog.text
