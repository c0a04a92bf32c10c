"""A short-lived page cache for visitors who are not logged in.

Most traffic to a municipal site is anonymous visitors reading public pages. Such a page
is the same for everyone who asks in the same language, so it is rendered once and kept
in this process for ``PAGE_CACHE_SECONDS`` (10 s by default, 0 switches it off). A request
that carries a cookie of ours (a session, a remembered login) is never served from or
stored in the cache, nor is a response that was not a 200 or that wrote anything but a
CSRF token to the session (a flash message, say).

A view says its answer may be kept (``@cached_for_visitors``, or ``keep_whole`` for the open
API); ``VisitorPages``, in front of Flask, keeps the whole response (with the headers every
response gets) and answers the next visitor from it: no routing, no session, no login
lookup. A page with a form (``@cached_for_visitors(csrf=True)``) is kept with a placeholder
where the CSRF token goes; each visitor gets a fresh token of their own put in its place.

``cached_fragment`` keeps the part of a page that is the same for logged-in readers too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, current_app, make_response, request, session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from app.core.cookies import cookie_sessions, csrf_field, new_csrf_token, session_cookie
from app.core.i18n import locale_for
from app.core.ratelimit import over_api_limit

_lock = threading.Lock()
MAX_PAGES = 2000
_TOKEN_SLOT = b"\x00csrf-token\x00"  # never in a rendered page: forms refuse NUL
#: Set in the WSGI environ by a view whose answer may be kept whole (see ``keep_whole``)
WHOLE = "medvirke.visitor_page"


def keep_whole(seconds: int, token: bytes = b"", api_limited: bool = False) -> None:
    """Let ``VisitorPages`` keep this request's answer for ``seconds`` if it is a 200 for a
    visitor without our cookies: ``token`` is the CSRF token in the page (replaced for each
    visitor), ``api_limited`` that each copy served counts against ``API_RATE_LIMIT``."""
    request.environ[WHOLE] = (str(get_locale()), token, seconds, api_limited)


def _cacheable_request() -> bool:
    if request.method != "GET" or current_app.config["PAGE_CACHE_SECONDS"] <= 0:
        return False
    cookie_names = {current_app.config["SESSION_COOKIE_NAME"], "remember_token"}
    return not cookie_names.intersection(request.cookies)


def cached_for_visitors(view: Callable[..., Any] | None = None, *, csrf: bool = False) -> Any:
    """Let anonymous visitors get ``view``'s answer from the page cache."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            response = make_response(view(*args, **kwargs))
            if (
                _cacheable_request()
                and response.status_code == 200
                and set(session) <= {"csrf_token"}
            ):
                token = generate_csrf().encode() if csrf else b""
                keep_whole(current_app.config["PAGE_CACHE_SECONDS"], token)
            response.vary.update(("Cookie", "Accept-Language"))
            return response

        return wrapped

    return decorator(view) if view is not None else decorator


class VisitorPages:
    """WSGI middleware in front of Flask: answers a visitor without our cookies from the whole
    response kept for the page (status 200, every header, the body), as ``cached_for_visitors``
    allowed it, in the language the browser asks for. Anything else goes on to Flask.

    A page with a form is kept without its CSRF token; each visitor gets a new token and the
    session cookie that holds it, made as Flask-WTF and Flask make them (a test posts a form
    with such a token)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.inner = app.wsgi_app

    def _key(self, environ: dict[str, Any]) -> tuple[str, ...] | None:
        config = self.app.config
        if environ.get("REQUEST_METHOD") != "GET":
            return None
        if "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ:
            return None  # Flask answers conditions (304)
        cookies = environ.get("HTTP_COOKIE", "")
        # A false alarm ("mysession=") only sends the request on to Flask, which looks closer
        if f"{config['SESSION_COOKIE_NAME']}=" in cookies or "remember_token=" in cookies:
            return None
        language = locale_for(None, {}, environ.get("HTTP_ACCEPT_LANGUAGE"), config)
        # The scheme and host too: links are made from SITE_URL, but should a page ever follow
        # the request's Host header, a forged one must not leave its links in everyone's copy
        return (config["SQLALCHEMY_DATABASE_URI"], environ.get("wsgi.url_scheme", ""),
                environ.get("HTTP_HOST", ""), environ.get("SCRIPT_NAME", ""),
                environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
                language)  # fmt: skip

    def _fresh_token(self) -> tuple[bytes, tuple[str, str]]:
        """A new CSRF token for a form and the session cookie that holds its secret half."""
        raw, token = new_csrf_token(self.app)
        return token.encode(), session_cookie(self.app, {csrf_field(self.app): raw})

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        key = self._key(environ)
        if key is None:
            return self.inner(environ, start_response)
        hit = _whole.get(key)
        if hit and hit[0] > time.monotonic():
            _expires, content, headers, with_token, api_limited = hit
            if api_limited:
                address = environ.get("REMOTE_ADDR") or "127.0.0.1"  # as Flask-Limiter reads it
                if over_api_limit(self.app.config, address) is not None:
                    return self.inner(environ, start_response)  # Flask answers 429
            if not with_token:
                start_response("200 OK", list(headers))
                return [content]
            token, cookie = self._fresh_token()
            content = content.replace(_TOKEN_SLOT, token)
            start_response("200 OK", [*_sized(headers, len(content)), cookie])
            return [content]
        answer: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = self.inner(environ, capture)
        allowed = environ.get(WHOLE)
        if not allowed or allowed[0] != key[-1] or not answer or not answer[0].startswith("200 "):
            return body
        _language, token, seconds, api_limited = allowed
        # A form's token is made here only for Flask's own cookie sessions, as _fresh_token does
        if seconds <= 0 or (token and not cookie_sessions(self.app)):
            return body
        session_cookie = f"{self.app.config['SESSION_COOKIE_NAME']}="
        cookies = [value for name, value in answer[1] if name.lower() == "set-cookie"]
        if (not token and cookies) or not all(c.startswith(session_cookie) for c in cookies):
            return body
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        kept_headers = tuple((n, v) for n, v in answer[1] if n.lower() != "set-cookie")
        kept = content.replace(token, _TOKEN_SLOT) if token else content
        expires = time.monotonic() + seconds
        with _lock:
            if len(_whole) >= MAX_PAGES:
                _whole.clear()
            _whole[key] = (expires, kept, kept_headers, bool(token), api_limited)
        return [content]


def _sized(headers: tuple[tuple[str, str], ...], length: int) -> list[tuple[str, str]]:
    return [(n, str(length) if n.lower() == "content-length" else v) for n, v in headers]


#: key → (expires, body, headers, whether it holds a token slot, whether it counts against
#: the API's rate limit)
_whole: dict[tuple[str, ...], tuple[float, bytes, tuple[tuple[str, str], ...], bool, bool]] = {}


def cached_fragment(name: str, render: Callable[[], str]) -> Markup:
    """A part of a page that is the same for every reader in a language, logged in or not
    (a gallery, say), rendered by ``render`` once per ``PAGE_CACHE_SECONDS`` in this process
    and kept beside the visitors' pages. The page around it (menus, buttons for the reader)
    is still rendered for each request. ``clear_page_cache`` forgets it."""
    key = (current_app.config["SQLALCHEMY_DATABASE_URI"], f"fragment:{name}", str(get_locale()))
    html = remember(key, current_app.config["PAGE_CACHE_SECONDS"], render)
    return Markup(html)  # noqa: S704 - our own autoescaped templates


def clear_page_cache() -> None:
    with _lock:
        _whole.clear()
        _values.clear()


_values: dict[tuple[object, ...], tuple[float, Any]] = {}


def remember(key: tuple[object, ...], seconds: float, compute: Callable[[], Any]) -> Any:
    """``compute()``, kept in this process for ``seconds`` under ``key`` (0: not kept). For
    what is expensive and may be a little old, such as the open API's public answers."""
    if seconds <= 0:
        return compute()
    now = time.monotonic()
    hit = _values.get(key)
    if hit and hit[0] > now:
        return hit[1]
    value = compute()
    with _lock:
        if len(_values) >= MAX_PAGES:
            _values.clear()
        _values[key] = (now + seconds, value)
    return value
