"""Flask's session cookie and Flask-WTF's CSRF token as app.core.cookies reads and makes
them, against Flask and Flask-WTF themselves; and session protection's identifier."""

from __future__ import annotations

import pytest
from flask_login.utils import _create_identifier
from flask_wtf.csrf import ValidationError, generate_csrf, validate_csrf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itsdangerous import timed

from app.auth.sessions import browser_identifier, session_identifier
from app.core.cookies import (
    csrf_token_valid,
    new_csrf_token,
    read_session,
    session_cookie,
)

#: What a header can hold in WSGI (latin-1, no control characters)
HEADER = st.text(st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"),
                 max_size=40)  # fmt: skip


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(address=st.one_of(st.none(), st.ip_addresses().map(str)),
       forwarded=st.one_of(st.none(), HEADER), agent=st.one_of(st.none(), HEADER))  # fmt: skip
def test_the_browser_identifier_is_flask_logins_own(app, address, forwarded, agent):
    """Sessions made by Flask-Login's own identifier (before this one took its place) match."""
    environ = {}
    if address is not None:
        environ["REMOTE_ADDR"] = address
    headers = {}
    if forwarded is not None:
        headers["X-Forwarded-For"] = forwarded
    if agent is not None:
        headers["User-Agent"] = agent
    with app.test_request_context(headers=headers, environ_base=environ) as context:
        if address is None:
            context.request.environ.pop("REMOTE_ADDR", None)
        if agent is None:
            context.request.environ.pop("HTTP_USER_AGENT", None)
        assert browser_identifier(context.request.environ) == _create_identifier()
        assert session_identifier() == _create_identifier()


def test_a_session_cookie_made_here_opens_in_flask_and_flasks_opens_here(app):
    values = {"_user_id": "abc", "_fresh": True, "_flashes": [("success", "Takk æøå")],
              "csrf_token": "0" * 40}  # fmt: skip
    name, cookie = session_cookie(app, values)
    assert name == "Set-Cookie"
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    client = app.test_client()
    client.set_cookie("session", cookie.split(";")[0].split("=", 1)[1])
    with client.session_transaction() as session:
        assert dict(session) == values
        session["lang"] = "nn"
    made_by_flask = client.get_cookie("session").value
    opened = read_session(app, {"HTTP_COOKIE": f"other=1; session={made_by_flask}"})
    assert dict(opened) == {**values, "lang": "nn"}


def test_a_permanent_session_keeps_its_expiry(app):
    _name, cookie = session_cookie(app, {"_permanent": True, "x": 1})
    assert "Expires=" in cookie
    assert "Expires=" not in session_cookie(app, {"x": 1})[1]


@pytest.mark.parametrize("cookie", [None, "", "session=", "session=forged.value.sig",
                                    "session=eyJ4IjoxfQ.AAAAAA.bad"])  # fmt: skip
def test_a_missing_or_forged_session_cookie_is_no_session(app, cookie):
    environ = {} if cookie is None else {"HTTP_COOKIE": cookie}
    assert read_session(app, environ) is None


def test_an_expired_session_cookie_is_no_session(app, monkeypatch):
    _name, cookie = session_cookie(app, {"x": 1})
    value = cookie.split(";")[0]
    assert read_session(app, {"HTTP_COOKIE": value}) == {"x": 1}
    later = timed.time.time() + app.permanent_session_lifetime.total_seconds() + 60
    monkeypatch.setattr(timed.time, "time", lambda: later)
    assert read_session(app, {"HTTP_COOKIE": value}) is None


def _flask_wtf_accepts(app, session: dict, token: str) -> bool:
    with app.test_request_context():
        from flask import session as flask_session

        flask_session.update(session)
        try:
            validate_csrf(token)
        except ValidationError:
            return False
        return True


def test_csrf_tokens_are_judged_as_flask_wtf_judges_them(app, monkeypatch):
    raw, token = new_csrf_token(app)
    with app.test_request_context():
        from flask import session as flask_session

        flask_made = generate_csrf()
        flask_raw = flask_session["csrf_token"]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    cases = [
        ({"csrf_token": raw}, token, True),
        ({"csrf_token": flask_raw}, flask_made, True),
        ({"csrf_token": raw}, flask_made, False),  # another session's token
        ({}, token, False),
        ({"csrf_token": raw}, "", False),
        ({"csrf_token": raw}, tampered, False),
        ({"csrf_token": raw}, "forged", False),
    ]
    for session, given_token, expected in cases:
        assert csrf_token_valid(app, session, given_token) is expected, (session, given_token)
        assert _flask_wtf_accepts(app, session, given_token) is expected, (session, given_token)
    # Only a session signed with our key could hold this; Flask-WTF raises TypeError on it
    assert csrf_token_valid(app, {"csrf_token": "ø"}, token) is False


def test_csrf_time_limit_is_flask_wtfs(app, monkeypatch):
    raw, token = new_csrf_token(app)
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 60)
    assert csrf_token_valid(app, {"csrf_token": raw}, token)
    later = timed.time.time() + 120
    monkeypatch.setattr(timed.time, "time", lambda: later)
    assert not csrf_token_valid(app, {"csrf_token": raw}, token)
    assert not _flask_wtf_accepts(app, {"csrf_token": raw}, token)


def test_a_new_secret_key_makes_new_serializers(app, monkeypatch):
    _name, cookie = session_cookie(app, {"x": 1})
    raw, token = new_csrf_token(app)
    monkeypatch.setattr(app, "secret_key", "another-secret-key")
    assert read_session(app, {"HTTP_COOKIE": cookie.split(";")[0]}) is None
    assert not csrf_token_valid(app, {"csrf_token": raw}, token)
