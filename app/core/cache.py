"""A short-lived page cache for visitors who are not logged in.

Most traffic to a municipal site is anonymous visitors reading public pages. Such a page
is the same for everyone who asks in the same language, so it is rendered once and kept
in this process for ``PAGE_CACHE_SECONDS`` (10 s by default, 0 switches it off). A request
that carries a cookie of ours (a session, a remembered login) is never served from or
stored in the cache, nor is a response that wrote to the session (a flash message, a
CSRF token) or that was not a 200.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, make_response, request, session

from app.core.i18n import select_locale

_pages: dict[tuple[str, ...], tuple[float, bytes, dict[str, str]]] = {}
_lock = threading.Lock()
MAX_PAGES = 2000


def _cacheable_request() -> bool:
    if request.method != "GET" or current_app.config["PAGE_CACHE_SECONDS"] <= 0:
        return False
    cookie_names = {current_app.config["SESSION_COOKIE_NAME"], "remember_token"}
    return not cookie_names.intersection(request.cookies)


def cached_for_visitors(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve ``view`` from the page cache to anonymous visitors."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not _cacheable_request():
            return view(*args, **kwargs)
        key = (current_app.config["SQLALCHEMY_DATABASE_URI"], request.full_path, select_locale())
        now = time.monotonic()
        hit = _pages.get(key)
        if hit and hit[0] > now:
            return current_app.response_class(hit[1], headers=hit[2])
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200 and not session.modified:
            headers = {"Content-Type": response.headers["Content-Type"]}
            with _lock:
                if len(_pages) >= MAX_PAGES:
                    _pages.clear()
                _pages[key] = (now + current_app.config["PAGE_CACHE_SECONDS"],
                               response.get_data(), headers)  # fmt: skip
        response.vary.update(("Cookie", "Accept-Language"))
        return response

    return wrapped


def clear_page_cache() -> None:
    with _lock:
        _pages.clear()
