"""Command-line tools: flask users …, flask demo seed, flask translate …"""

from __future__ import annotations

import getpass
import subprocess
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app.core.permissions import Role
from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]
ROLE_CHOICE = click.Choice([r.value for r in Role])


def register(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(demo)
    app.cli.add_command(translate)
    app.cli.add_command(mail)


@click.group(cls=AppGroup, help="Manage accounts.")
def users() -> None:
    pass


@users.command("create", help="Create a confirmed account (for setting up staff).")
@click.argument("email")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", "roles", multiple=True, type=ROLE_CHOICE, help="Repeat for several.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def users_create(email: str, name: str, roles: tuple[str, ...], password: str) -> None:
    from app.auth import services
    from app.auth.forms import PASSWORD_MAX, PASSWORD_MIN
    from app.auth.passwords import password_weakness
    from app.core.audit import audit

    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise click.ClickException(
            f"The password must have at least {PASSWORD_MIN} and at most {PASSWORD_MAX} characters."
        )
    if password_weakness(password, [email, name]):
        raise click.ClickException(
            "The password is too easy to guess: it is among commonly used or leaked passwords, "
            "looks like one, or is built from the name or address. A few unrelated words make "
            "a good password."
        )
    if services.find_user_by_email(email):
        raise click.ClickException(f"An account with {email} exists already.")
    chosen = tuple(Role(r) for r in roles) or (Role.resident,)
    user = services.create_user(email, name, password, roles=chosen, confirmed=True)
    by = _cli_actor()
    audit(None, "user.created", user, {"roles": sorted(chosen), "via": "cli"}, actor_label=by)
    for role in dict.fromkeys(roles):  # each role asked for is a grant, found as one
        audit(None, "user.role_granted", user, {"role": role, "via": "cli"}, actor_label=by)
    db.session.commit()
    click.echo(f"Created {user.email} with roles {', '.join(sorted(chosen))}.")


def _cli_actor() -> str:
    """Who ran the command, as the audit log names them: "cli:" and the system account."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for this uid (a bare container)
        return "cli"


def _user_or_fail(email: str):  # type: ignore[no-untyped-def]
    from app.auth import services

    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with {email}.")
    return user


def _change_role(email: str, role: str, grant: bool) -> None:
    from app.auth import services
    from app.core.audit import audit

    user = _user_or_fail(email)
    change = services.grant_role if grant else services.revoke_role
    try:
        changed = change(user, Role(role))
    except services.UnconfirmedAccount as error:
        raise click.ClickException(
            f"{email} has not confirmed the address; an unconfirmed account gets no role."
        ) from error
    if changed:
        action = "user.role_granted" if grant else "user.role_revoked"
        audit(None, action, user, {"role": role, "via": "cli"}, actor_label=_cli_actor())
        click.echo(f"{email}: {role} {'granted' if grant else 'revoked'}.")
    else:
        click.echo(f"{email}: {role} {'was already held' if grant else 'was not held'}.")
    db.session.commit()


@users.command("grant", help="Give an account a role.")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
def users_grant(email: str, role: str) -> None:
    _change_role(email, role, grant=True)


@users.command("revoke", help="Take a role from an account.")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
def users_revoke(email: str, role: str) -> None:
    _change_role(email, role, grant=False)


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
