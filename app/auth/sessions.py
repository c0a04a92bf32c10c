"""What Flask-Login keeps in the session cookie, read without loading a user."""

from __future__ import annotations

from flask import session

from app.extensions import login_manager


def session_identifier() -> str:
    """The identifier of this request's browser (address and User-Agent) that Flask-Login's
    session protection keeps as "_id" at login and compares on every request."""
    return login_manager._session_identifier_generator()


def trusted_login_token() -> str | None:
    """The login token in this request's session when Flask-Login would take the session as
    it is: a token in the session and the browser it was made for. None when Flask-Login
    must judge (no token, only a remember-me cookie, another address or User-Agent)."""
    token = session.get("_user_id")
    if token is None or session.get("_id") != session_identifier():
        return None
    return token
