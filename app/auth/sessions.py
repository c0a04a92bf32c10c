"""Login sessions: the write side of who is logged in where. Services flush; views commit.

Flask-Login keeps ``User.get_id()`` in its session and its remember-me cookie. That id is
the token of a row in ``login_sessions`` (Flask-Login's alternative-id pattern), so a row
deleted here ends every copy of both cookies, wherever they are.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.auth.models import USER_AGENT_MAX, LoginSession, User, token_digest
from app.core.audit import audit
from app.core.dates import today
from app.core.db import utcnow
from app.extensions import db


class NoSuchSession(Exception):
    """The session is not one of the account's (ended already, or someone else's)."""


def oldest_valid_start() -> datetime:
    """A session started before this has expired: remember-me lasts this long, at most."""
    return utcnow() - current_app.config["REMEMBER_COOKIE_DURATION"]


def start_session(user: User, user_agent: str) -> LoginSession:
    """Open a login session for ``user``; ``login_user`` then keeps its token in the cookies."""
    token = secrets.token_urlsafe(32)
    login = LoginSession(
        user_id=user.id,
        token_digest=token_digest(token),
        last_seen_on=today(),
        user_agent=user_agent[:USER_AGENT_MAX],
    )
    db.session.add(login)
    db.session.flush()
    user.attach_login_session(login, token)
    return login


#: Every logged-in request runs this one indexed SELECT, built once, not per request; with
#: the account's roles (a row or two), which every page asks for (the menu shows admins theirs)
_USER_BY_SESSION = (
    sa.select(User, LoginSession)
    .options(joinedload(User.roles))
    .join(LoginSession, LoginSession.user_id == User.id)
    .where(
        LoginSession.token_digest == sa.bindparam("digest"),
        LoginSession.created_at > sa.bindparam("oldest"),
        User.active.is_(True),
    )
)


def user_for_token(token: str) -> User | None:
    """The active account whose unexpired session has this token (Flask-Login's loader)."""
    found = (
        db.session.execute(
            _USER_BY_SESSION, {"digest": token_digest(token), "oldest": oldest_valid_start()}
        )
        .unique()
        .first()
    )
    if found is None:
        return None
    user, login = found
    user.attach_login_session(login, token)
    _note_seen(login)
    return user


def _note_seen(login: LoginSession) -> None:
    """Record the day a session was used, once a day. This is bookkeeping apart from the
    request's own work, so it commits on its own: a GET (which commits nothing) counts, and
    a request that fails leaves its rollback to itself."""
    day = today()
    if login.last_seen_on >= day:
        return
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(LoginSession)
            .where(LoginSession.id == login.id, LoginSession.last_seen_on < day)
            .values(last_seen_on=day)
        )
    set_committed_value(login, "last_seen_on", day)


def log_out(user: User) -> None:
    """End the session this request runs in (the logout button)."""
    login = user.login_session
    if login is not None:
        db.session.execute(sa.delete(LoginSession).where(LoginSession.id == login.id))
    audit(user, "auth.logout", user, {"session": login.id if login else None})


def end_session(actor: User, session_id: int) -> bool:
    """End one of ``actor``'s own sessions ("log out this one"); True if it was the session
    of this request. Another account's session id is refused and changes nothing."""
    ended = db.session.execute(
        sa.delete(LoginSession).where(
            LoginSession.id == session_id, LoginSession.user_id == actor.id
        )
    ).rowcount  # type: ignore[attr-defined]
    if not ended:
        raise NoSuchSession(session_id)
    audit(actor, "auth.session_ended", actor, {"session": session_id})
    current = actor.login_session
    return current is not None and current.id == session_id


def end_all_sessions(actor: User) -> int:
    """End every session of ``actor``, this one too ("log out everywhere")."""
    ended = actor.end_sessions()
    audit(actor, "auth.sessions_ended", actor, {"sessions_ended": ended})
    return ended


def end_expired_sessions() -> int:
    """Delete the sessions that no longer open anything (the nightly job)."""
    return db.session.execute(  # type: ignore[attr-defined, no-any-return]
        sa.delete(LoginSession).where(LoginSession.created_at <= oldest_valid_start())
    ).rowcount
