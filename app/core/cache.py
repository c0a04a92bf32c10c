"""A short-lived page cache for visitors who are not logged in.

Most traffic to a municipal site is anonymous visitors reading public pages. Such a page
is the same for everyone who asks in the same language, so it is rendered once and kept
in this process for ``PAGE_CACHE_SECONDS`` (10 s by default, 0 switches it off). A request
that carries a cookie of ours (a session, a remembered login) is never served from or
stored in the cache, nor is a response that was not a 200 or that wrote anything but a
CSRF token to the session (a flash message, say).

A page with a form (``@cached_for_visitors(csrf=True)``) is cached with a placeholder where
the CSRF token goes; each visitor gets a fresh token of their own put in its place.

``cached_fragment`` keeps the part of a page that is the same for logged-in readers too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, make_response, request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from app.core.i18n import select_locale

_pages: dict[tuple[str, ...], tuple[float, bytes, dict[str, str]]] = {}
_lock = threading.Lock()
MAX_PAGES = 2000
_TOKEN_SLOT = b"\x00csrf-token\x00"  # never in a rendered page: forms refuse NUL


def _cacheable_request() -> bool:
    if request.method != "GET" or current_app.config["PAGE_CACHE_SECONDS"] <= 0:
        return False
    cookie_names = {current_app.config["SESSION_COOKIE_NAME"], "remember_token"}
    return not cookie_names.intersection(request.cookies)


def _key() -> tuple[str, ...]:
    return (current_app.config["SQLALCHEMY_DATABASE_URI"], request.full_path, select_locale())


def _store(key: tuple[str, ...], body: bytes, content_type: str) -> None:
    expires = time.monotonic() + current_app.config["PAGE_CACHE_SECONDS"]
    with _lock:
        if len(_pages) >= MAX_PAGES:
            _pages.clear()
        _pages[key] = (expires, body, {"Content-Type": content_type})


def cached_for_visitors(view: Callable[..., Any] | None = None, *, csrf: bool = False) -> Any:
    """Serve ``view`` from the page cache to anonymous visitors."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not _cacheable_request():
                return view(*args, **kwargs)
            key = _key()
            token = generate_csrf().encode() if csrf else b""
            hit = _pages.get(key)
            if hit and hit[0] > time.monotonic():
                body = hit[1].replace(_TOKEN_SLOT, token) if csrf else hit[1]
                response = current_app.response_class(body, headers=hit[2])
            else:
                response = make_response(view(*args, **kwargs))
                if response.status_code == 200 and set(session) <= {"csrf_token"}:
                    body = response.get_data()
                    if csrf:
                        body = body.replace(token, _TOKEN_SLOT)
                    _store(key, body, response.headers["Content-Type"])
            response.vary.update(("Cookie", "Accept-Language"))
            return response

        return wrapped

    return decorator(view) if view is not None else decorator


def cached_fragment(name: str, render: Callable[[], str]) -> Markup:
    """A part of a page that is the same for every reader in a language, logged in or not
    (a gallery, say), rendered by ``render`` once per ``PAGE_CACHE_SECONDS`` in this process
    and kept beside the visitors' pages. The page around it (menus, buttons for the reader)
    is still rendered for each request. ``clear_page_cache`` forgets it."""
    if current_app.config["PAGE_CACHE_SECONDS"] <= 0:
        return Markup(render())  # noqa: S704 - our own autoescaped templates
    key = (current_app.config["SQLALCHEMY_DATABASE_URI"], f"fragment:{name}", select_locale())
    hit = _pages.get(key)
    if hit and hit[0] > time.monotonic():
        return Markup(hit[1].decode())  # noqa: S704 - stored from render() below
    html = render()
    _store(key, html.encode(), "text/html")
    return Markup(html)  # noqa: S704 - our own autoescaped templates


def clear_page_cache() -> None:
    with _lock:
        _pages.clear()
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
