"""What Flask-Login keeps in the session cookie, read without loading a user."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from flask import request

from app.extensions import login_manager


def browser_identifier(environ: dict[str, Any]) -> str:
    """Session protection's identifier of the browser behind a request, from its WSGI environ:
    what Flask-Login's own _create_identifier makes (the SHA-512 of the client's address, the
    first in X-Forwarded-For when there is one, and its User-Agent, written as Flask-Login
    writes them), so sessions made before or by Flask-Login itself still match. Flask-Login
    uses this one (see below), and so does signing in front of Flask (app.proposals.signing)."""
    address = environ.get("HTTP_X_FORWARDED_FOR", environ.get("REMOTE_ADDR"))
    if address is not None:
        address = address.encode("utf-8").split(b",")[0].strip()
    agent = environ.get("HTTP_USER_AGENT")
    if agent is not None:
        agent = agent.encode("utf-8")
    return hashlib.sha512(f"{address}|{agent}".encode()).hexdigest()


def install() -> None:
    """Have Flask-Login make its identifier with browser_identifier."""
    login_manager._session_identifier_generator = session_identifier


def session_identifier() -> str:
    """The identifier of this request's browser (address and User-Agent) that Flask-Login's
    session protection keeps as "_id" at login and compares on every request."""
    return browser_identifier(request.environ)


def login_token_of(values: Mapping[str, Any], environ: dict[str, Any]) -> str | None:
    """The login token in a session's ``values`` when Flask-Login would take the session as
    it is: a token, and the browser (the request's WSGI ``environ``) it was made for. None
    when Flask-Login must judge (no token, only a remember-me cookie, another address or
    User-Agent)."""
    token = values.get("_user_id")
    if token is None or values.get("_id") != browser_identifier(environ):
        return None
    return token
