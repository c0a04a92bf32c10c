"""Command-line tools: flask demo seed, flask translate …, flask mail send, flask db backup
(flask users … is the accounts' own, in app.auth.cli)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def register(app: Flask) -> None:
    app.cli.add_command(demo)
    app.cli.add_command(translate)
    app.cli.add_command(mail)


@click.group(cls=AppGroup, help="Demo data.")
def demo() -> None:
    pass


@demo.command("seed", help="Seed the Røros demo (idempotent; refused in production).")
def demo_seed() -> None:
    if not current_app.config.get("DEMO_ALLOWED"):
        raise click.ClickException("The demo seed is refused under ProductionConfig.")
    from app.core.demo import seed

    for line in seed():
        click.echo(line)


@click.group(cls=AppGroup, help="Translation catalogues (pybabel).")
def translate() -> None:
    pass


def _pybabel(*args: str) -> None:
    exe = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(exe), *args], check=True, cwd=ROOT)  # noqa: S603


@translate.command("extract", help="Extract messages into translations/messages.pot.")
def translate_extract() -> None:
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output",
             "-o", "translations/messages.pot", ".")  # fmt: skip


@translate.command("update", help="Merge messages.pot into every catalogue.")
def translate_update() -> None:
    _pybabel(
        "update",
        "-i",
        "translations/messages.pot",
        "-d",
        "translations",
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )


@translate.command("compile", help="Compile the catalogues to .mo files.")
def translate_compile() -> None:
    _pybabel("compile", "-d", "translations")


@click.group(cls=AppGroup, help="The mail outbox.")
def mail() -> None:
    pass


@mail.command("send", help="Send pending mail (once, or keep running with --loop).")
@click.option("--loop", is_flag=True, help="Keep running, checking every --interval seconds.")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between rounds.")
def mail_send(loop: bool, interval: float) -> None:
    from app.core.mail import deliver_pending

    while True:
        sent = deliver_pending()
        if sent or not loop:
            click.echo(f"Sent {sent} mail(s).")
        if not loop:
            return
        time.sleep(interval)


@click.command("backup", help="Copy the SQLite database to PATH while the app runs.")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def db_backup(path: Path) -> None:
    """SQLite's online backup: a consistent copy of the database file, taken page by page
    while workers go on reading and writing (a plain ``cp`` of a database in WAL mode may
    miss what is still in the -wal file). The copy is written beside PATH and renamed into
    place when whole and checked, so PATH is never half a database."""
    import os
    import sqlite3

    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise click.ClickException(
            "db backup copies a SQLite database file; back up PostgreSQL with pg_dump."
        )
    path = path.resolve()
    if not path.parent.is_dir():
        raise click.ClickException(f"No folder {path.parent} to write the backup in.")
    partial = path.with_name(f".{path.name}.partial")
    source = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
            check = target.execute("PRAGMA integrity_check").fetchone()[0]
            pages = target.execute("PRAGMA page_count").fetchone()[0]
        finally:
            target.close()
    finally:
        source.close()
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"The copy failed its integrity check: {check}")
    os.replace(partial, path)
    click.echo(f"Backed up {url.database} to {path} ({pages} pages, integrity ok).")
