"""Caching inside Flask, with Flask-Caching, and the Cache-Control headers that go with it.

- ``cached_page``: a public page is kept whole for visitors who carry no cookie of ours, for
  ``PAGE_CACHE_SECONDS`` (0 switches it off). The key holds the scheme, host and path, the
  query parameters the view reads (it is given no others) and the language. A page is kept
  only when it is a plain 200 that sets no cookie and wrote nothing to the session (a form's
  CSRF token, a flashed message), so no visitor ever gets another's token or message.
- ``cached_fragment``: a part of a page that is the same for every reader in a language.
- ``cached_value``: anything else that is the same for everyone (the open API's answers).

Everything kept is named with the cache's *generation*, a random word kept in the cache
itself: a commit that wrote to the database draws a new one, so the next request of every
worker sharing the cache (Redis, ``CACHE_REDIS_URL``) renders afresh. The default in-process cache
(``SimpleCache``) holds at most ``CACHE_THRESHOLD`` entries of at most
``CACHE_MAX_ENTRY_BYTES`` each.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from flask import (
    Flask,
    Response,
    current_app,
    g,
    has_app_context,
    has_request_context,
    message_flashed,
    request,
)
from flask import session as flask_session
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.datastructures import ImmutableMultiDict

from app.extensions import cache

log = logging.getLogger(__name__)

GENERATION = "generation"
#: Set on g when this request's page may be kept whole and told to proxies as public
_PUBLIC = "medvirke_public_page"
_FLASHED = "medvirke_flashed"
_GENERATION = "medvirke_generation"


def generation() -> str:
    """The word every kept page, fragment and value is named with (read once a request). A
    word, not a counter: one lost from a full cache is drawn anew and never comes back, so
    nothing kept under it can be taken for fresh again."""
    if has_request_context() and _GENERATION in g:
        return g.get(_GENERATION)  # type: ignore[no-any-return]
    word = cache.get(GENERATION)
    if word is None:
        word = secrets.token_hex(8)
        if not cache.add(GENERATION, word, timeout=0):  # another worker drew one first
            word = cache.get(GENERATION) or word
    if has_request_context():
        setattr(g, _GENERATION, word)
    return word  # type: ignore[no-any-return]


def clear_page_cache() -> None:
    """Forget every kept page, fragment and value, in every worker sharing the cache."""
    cache.set(GENERATION, secrets.token_hex(8), timeout=0)
    if has_request_context():
        g.pop(_GENERATION, None)


def _key(*parts: object) -> str:
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:40]
    return f"{parts[0]}:{generation()}:{digest}"


def _visitor() -> bool:
    """A GET with no cookie of ours, while visitors' pages are kept at all."""
    if request.method not in ("GET", "HEAD") or current_app.config["PAGE_CACHE_SECONDS"] <= 0:
        return False
    ours = {
        current_app.config["SESSION_COOKIE_NAME"],
        current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
    }
    return not ours.intersection(request.cookies)


def _keepable(response: Response) -> bool:
    return (
        response.status_code == 200
        and not response.direct_passthrough
        and not response.is_streamed
        and "Set-Cookie" not in response.headers
        and not flask_session.modified
        and not g.get(_FLASHED)
        and len(response.get_data()) <= current_app.config["CACHE_MAX_ENTRY_BYTES"]
    )


def cached_page(*params: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Keep the view's page whole for visitors; ``params`` are the query parameters it reads.

    The view sees only those (``request.args`` holds nothing else), for every reader, so an
    unknown parameter neither makes a new entry nor changes the page."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            request.args = ImmutableMultiDict(  # type: ignore[misc]
                [(k, v) for k, v in request.args.items(multi=True) if k in params]
            )
            if not _visitor():
                return view(*args, **kwargs)
            query = urlencode(sorted(request.args.items(multi=True)))
            key = _key(
                "page",
                request.scheme,
                request.host,
                request.script_root,
                request.path,
                query,
                get_locale(),
            )
            kept = cache.get(key)
            if kept is not None:
                g.setdefault(_PUBLIC, True)
                body, headers = kept
                return current_app.response_class(body, headers=headers)
            response = current_app.make_response(view(*args, **kwargs))
            if _keepable(response):
                headers = [(n, v) for n, v in response.headers.items() if n != "Content-Length"]
                cache.set(
                    key,
                    (response.get_data(), headers),
                    timeout=current_app.config["PAGE_CACHE_SECONDS"],
                )
                g.setdefault(_PUBLIC, True)
            return response

        return wrapped

    return decorator


def cached_fragment(name: str, render: Callable[[], str]) -> Markup:
    """A part of a page that is the same for every reader in a language, logged in or not
    (a gallery, say), rendered by ``render`` once per ``PAGE_CACHE_SECONDS``; the page around
    it (menus, buttons for the reader) is still rendered for each request."""
    html = cached_value(
        ("fragment", name, get_locale()), current_app.config["PAGE_CACHE_SECONDS"], render
    )
    return Markup(html)  # noqa: S704 - our own autoescaped templates


def cached_value(parts: Iterable[object], seconds: int, compute: Callable[[], Any]) -> Any:
    """``compute()``, kept for ``seconds`` under ``parts`` (0: not kept): for what is the
    same for everyone and may be a little old, such as the open API's public answers."""
    if seconds <= 0:
        return compute()
    key = _key("value", *parts)
    kept = cache.get(key)
    if kept is None:
        kept = compute()
        cache.set(key, kept, timeout=seconds)
    return kept


def _on_flash(_app: Flask, **_extra: Any) -> None:
    setattr(g, _FLASHED, True)


def _cache_control(response: Response) -> Response:
    """Public for a visitor's kept page; private and not stored for an answer that writes a
    cookie or is for a logged-in reader; what a view said itself (the API's public answers,
    the same for everyone) and static files are left as they are."""
    if request.endpoint == "static":
        return response
    if flask_session.modified or "Set-Cookie" in response.headers:
        _private(response)
    elif g.get(_PUBLIC):
        response.cache_control.public = True
        response.cache_control.max_age = current_app.config["PAGE_CACHE_SECONDS"]
        response.vary.update(("Cookie", "Accept-Language"))
    elif not response.cache_control.public and current_user and current_user.is_authenticated:
        _private(response)
    return response


def _private(response: Response) -> None:
    response.cache_control.public = False
    response.cache_control.max_age = None
    response.cache_control.private = True
    response.cache_control.no_store = True


def _wrote(session: Session, *_args: Any) -> None:
    session.info["medvirke_wrote"] = True


def _orm_execute(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["medvirke_wrote"] = True


def _committed(session: Session) -> None:
    if session.info.pop("medvirke_wrote", False) and has_app_context():
        try:
            clear_page_cache()
        except Exception:  # the commit stands; kept pages go stale for PAGE_CACHE_SECONDS
            log.exception("could not clear the kept pages after a commit")


def _rolled_back(session: Session, *_args: Any) -> None:
    session.info.pop("medvirke_wrote", None)


def register(app: Flask) -> None:
    """Cache-Control on every answer; a commit that wrote clears what is kept."""
    app.after_request(_cache_control)
    message_flashed.connect(_on_flash, app)
    if not event.contains(Session, "after_commit", _committed):
        event.listen(Session, "after_flush", _wrote)
        event.listen(Session, "do_orm_execute", _orm_execute)
        event.listen(Session, "after_commit", _committed)
        event.listen(Session, "after_rollback", _rolled_back)
