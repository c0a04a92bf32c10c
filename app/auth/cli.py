"""flask users …: create accounts and change their roles from the command line."""

from __future__ import annotations

import getpass

import click
from flask.cli import AppGroup

from app.auth import bp, services
from app.auth.forms import PASSWORD_MAX, PASSWORD_MIN
from app.auth.passwords import password_weakness
from app.core.audit import audit
from app.core.permissions import Role
from app.extensions import db

ROLE_CHOICE = click.Choice([r.value for r in Role])


@click.group(cls=AppGroup, help="Manage accounts.")
def users() -> None:
    pass


@users.command("create", help="Create a confirmed account (for setting up staff).")
@click.argument("email")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", "roles", multiple=True, type=ROLE_CHOICE, help="Repeat for several.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def users_create(email: str, name: str, roles: tuple[str, ...], password: str) -> None:
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
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with {email}.")
    return user


def _change_role(email: str, role: str, grant: bool) -> None:
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


#: the auth blueprint has no CLI group of its own, so this is ``flask users``
bp.cli.add_command(users)
