"""Accounts: the write side. Services flush; the view commits."""

from __future__ import annotations

import functools
import hashlib
import hmac
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from app.auth.models import LoginSession, User, UserRole
from app.auth.queries import active_sessions, device_label
from app.core.audit import audit
from app.core.db import utcnow
from app.core.links import BadLink, ExpiredLink, absolute_url, read_signed_token, signed_token
from app.core.mail import queue_mail
from app.core.owndata import anonymise_everywhere, export_user_data, register_own_data
from app.core.permissions import Role
from app.extensions import db

_DUMMY_PASSWORD = "not a real password, only here for timing"  # noqa: S105


@functools.cache
def _argon2(time_cost: int, memory_cost: int) -> tuple[PasswordHasher, str]:
    """An argon2id hasher, and a hash that is verified when no account matches the email
    (so a wrong email costs as long as a wrong password)."""
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)
    return hasher, hasher.hash(_DUMMY_PASSWORD)


def _costs() -> tuple[int, int]:
    return current_app.config["ARGON2_TIME_COST"], current_app.config["ARGON2_MEMORY_COST"]


def _hasher() -> PasswordHasher:
    return _argon2(*_costs())[0]


class AuthError(Exception):
    """A rule of the accounts domain was broken."""


class UnconfirmedAccount(AuthError):
    """The account's address is not confirmed, so it may not hold a role."""


class InvalidToken(AuthError):
    pass


class ExpiredToken(AuthError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str,
    name: str,
    password: str,
    roles: tuple[Role, ...] = (Role.resident,),
    language: str | None = None,
    confirmed: bool = False,
    password_hash: str | None = None,
) -> User:
    """Add an account holding ``roles``; the caller has checked the email is free (and may
    pass the password's hash, already made)."""
    user = User(
        email=normalise_email(email),
        name=name,
        password_hash=password_hash or hash_password(password),
        language=language,
        confirmed_at=utcnow() if confirmed else None,
    )
    user.roles = [UserRole(role=role) for role in dict.fromkeys(roles)]
    db.session.add(user)
    db.session.flush()
    return user


def register_user(name: str, email: str, password: str, language: str) -> User | None:
    """Register a resident and mail a confirmation link.

    If the address already has an account, that account's owner is told by mail instead,
    so the form never reveals which addresses are registered. Returns the new user or None.
    """
    # The same expensive work on both paths: the password is hashed whether or not the
    # address is taken, so the answer's time does not tell (203 ms against 12 ms before)
    password_hash = hash_password(password)
    existing = find_user_by_email(email)
    if existing is not None:
        queue_mail(
            existing.email,
            "already_registered",
            existing.language or language,
            login_url=absolute_url("auth.login"),
            reset_url=absolute_url("auth.reset_request"),
        )
        return None
    user = create_user(email, name, password, language=language, password_hash=password_hash)
    send_confirmation(user)
    return user


def _mail_signed_link(
    user: User, template: str, language: str, endpoint: str, salt: str, payload: dict[str, Any]
) -> None:
    """Queue ``template`` with a signed, expiring link to ``endpoint`` (its ``link``).

    The address may not be the account holder's yet, so the mail carries nothing anyone
    typed (not even the name): a stranger's text never goes out from the municipality.
    """
    max_age = current_app.config[_MAX_AGE_SETTING[salt]]
    token = signed_token(salt, payload)
    queue_mail(
        user.email,
        template,
        language,
        link=absolute_url(endpoint, token=token),
        hours=max_age // 3600,
    )


_MAX_AGE_SETTING = {
    "confirm-email": "CONFIRM_TOKEN_MAX_AGE",
    "reset-password": "RESET_TOKEN_MAX_AGE",
}


def send_confirmation(user: User) -> None:
    """Queue a mail with a signed link that confirms the address (valid 48 hours)."""
    payload = {"uid": user.id, "email": user.email}
    _mail_signed_link(user, "confirm_email", user.language or "nb", "auth.confirm",
                      "confirm-email", payload)  # fmt: skip


def confirm_email(token: str, actor: User) -> User:
    """Confirm the address of ``actor``, the logged-in account a confirmation token names.

    Confirming needs both the mail and the password: someone who registered another
    person's address cannot have that person confirm it for them by clicking the link (they
    are sent to log in, and cannot). Confirming ends every other session of the account."""
    data = _load(token, "confirm-email")
    if actor.id != data.get("uid") or actor.email != data.get("email"):
        raise InvalidToken
    if actor.confirmed_at is None:
        actor.confirmed_at = utcnow()
        ended = actor.end_sessions(keep=actor.login_session)
        audit(actor, "auth.email_confirmed", actor, {"sessions_ended": ended})
    return actor


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same cost either way)."""
    user = find_user_by_email(email)
    if user is None:
        _verify(_argon2(*_costs())[1], password)
        return None
    if not _verify(user.password_hash, password):
        return None
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def confirm_password(user: User, password: str, purpose: str | None) -> bool:
    """Whether ``password`` is the logged-in ``user``'s, asked again before a sensitive
    action (``purpose``, the page's endpoint); either answer goes into the audit log."""
    confirmed = _verify(user.password_hash, password)
    action = "auth.reauth" if confirmed else "auth.reauth_failed"
    audit(user, action, user, {"for": purpose})
    return confirmed


def _address_unless_known(user: User | None, email: str) -> dict[str, str]:
    """An entry about an account names it by id (and goes with it when it is deleted). An
    address without an account is not written out, only a keyed digest of it, so that
    repeated attempts on one address can be told apart from a spread of guesses."""
    if user is not None:
        return {}
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, normalise_email(email).encode(), hashlib.sha256).hexdigest()
    return {"address_digest": digest[:16]}


def record_failed_login(email: str) -> None:
    """Note a failed login in the audit log: against the account when the address has one
    (its owner sees it in the export), never with the password that was tried."""
    user = find_user_by_email(email)
    audit(
        None, "auth.login_failed", user, _address_unless_known(user, email), actor_label="anonymous"
    )


def request_password_reset(email: str, language: str) -> None:
    """Mail a reset link if the address has an active account, and otherwise a mail that
    says there is none: both paths queue one mail, so neither the answer nor its time tells
    whether the address is registered (the form is rate-limited per address of the asker)."""
    user = find_user_by_email(email)
    audit(
        None,
        "auth.reset_requested",
        user,
        _address_unless_known(user, email),
        actor_label="anonymous",
    )
    if user is None or not user.active:
        queue_mail(
            normalise_email(email),
            "reset_unknown",
            language,
            register_url=absolute_url("auth.register"),
        )
        return
    payload = {"uid": user.id, "t": _reset_stamp(user)}
    _mail_signed_link(user, "reset_password", user.language or language,
                      "auth.reset_password", "reset-password", payload)  # fmt: skip


def _reset_stamp(user: User) -> str:
    """A reset link names the password it replaces (by a digest), so it works once."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def user_for_reset_token(token: str) -> User:
    """The user a reset token was issued to; a used token (password changed) is invalid."""
    data = _load(token, "reset-password")
    user = db.session.get(User, data.get("uid"))
    if (
        user is None
        or not user.active
        or not hmac.compare_digest(_reset_stamp(user), str(data.get("t")))
    ):
        raise InvalidToken
    return user


def _replace_password(user: User, password: str, keep: LoginSession | None) -> None:
    """A new password ends every session of the account but ``keep``."""
    user.password_hash = hash_password(password)
    ended = user.end_sessions(keep=keep)
    audit(user, "auth.password_changed", user, {"sessions_ended": ended})


def set_password(user: User, password: str) -> None:
    """Set a new password from a reset link: every session of the account ends."""
    _replace_password(user, password, keep=None)
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()  # the reset link proved the address


def change_password(user: User, current: str, password: str) -> bool:
    """Change the logged-in user's password if ``current`` is right; the other sessions end
    and this one goes on. False (and nothing changed) for a wrong current password."""
    if authenticate(user.email, current) is None:
        return False
    _replace_password(user, password, keep=user.login_session)
    return True


def update_profile(
    user: User, *, name: str, postal_code: str | None, birth_year: int | None, language: str
) -> None:
    """Save the fields of the account page."""
    user.name = name
    user.postal_code = postal_code or None
    user.birth_year = birth_year
    user.language = language


def grant_role(user: User, role: Role) -> bool:
    """Give ``user`` a role; False if already held. An unconfirmed account gets none."""
    if role in user.role_set:
        return False
    if not user.is_confirmed:
        raise UnconfirmedAccount(user.email)
    user.roles.append(UserRole(role=role))
    db.session.flush()
    return True


def revoke_role(user: User, role: Role) -> bool:
    """Take a role from ``user``; False if not held."""
    held = [r for r in user.roles if r.role == role]
    for r in held:
        user.roles.remove(r)
    db.session.flush()
    return bool(held)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _load(token: str, salt: str) -> dict[str, Any]:
    try:
        return read_signed_token(token, salt, current_app.config[_MAX_AGE_SETTING[salt]])
    except ExpiredLink as exc:
        raise ExpiredToken from exc
    except BadLink as exc:
        raise InvalidToken from exc


def _export_account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "name": user.name,
        "postal_code": user.postal_code,
        "birth_year": user.birth_year,
        "language": user.language,
        "roles": sorted(r.value for r in user.role_set),
        "created": user.created_at.isoformat(),
        "confirmed": user.confirmed_at.isoformat() if user.confirmed_at else None,
        "last_login": user.last_login_at.isoformat() if user.last_login_at else None,
        "active": user.active,
        "sessions": [
            {
                "started": login.created_at.isoformat(),
                "last_seen": login.last_seen_on.isoformat(),
                "device": device_label(login.user_agent),
            }
            for login in db.session.scalars(active_sessions(user))
        ],
    }


def _anonymise_account(_user: User) -> None:
    """Nothing here: delete_account removes the account row itself, after every domain."""


register_own_data("account", _export_account, _anonymise_account)


def export_data(user: User) -> dict[str, Any]:
    """Everything Medvirke holds about ``user``, by section, for /account/export."""
    return {
        "exported": utcnow().isoformat(),
        "format": "medvirke-own-data/1",
        **export_user_data(user),
    }


def delete_account(user: User) -> None:
    """Delete the account: every domain anonymises its part, then the login itself goes.

    Contributions stay where they were and show as "deleted user".
    """
    user_id = user.id
    anonymise_everywhere(user)
    db.session.delete(user)
    db.session.flush()
    audit(None, "account.deleted", details={"user_id": user_id}, actor_label="self")
