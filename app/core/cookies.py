"""Flask's session cookie and Flask-WTF's CSRF token, read and made in front of Flask.

Two paths answer without Flask's request machinery: the visitors' page cache
(``app.core.cache.VisitorPages``) and one-click signing (``app.proposals.signing``). What they
read and write here is what Flask's ``SecureCookieSessionInterface`` and Flask-WTF read and
write, with the app's own settings and serializers; tests check both ways round (a cookie
made here opens in Flask, a token Flask-WTF refuses is refused here).

Only for Flask's own cookie sessions: ``cookie_sessions(app)`` says whether they are in use.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Any, ClassVar, cast

from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer, want_bytes
from werkzeug.http import dump_cookie, parse_cookie

CSRF_SALT = "wtf-csrf-token"  # Flask-WTF's

_serializers: dict[tuple[Any, ...], URLSafeTimedSerializer] = {}


def cookie_sessions(app: Flask) -> bool:
    """Whether the app keeps its sessions in Flask's own signed cookies."""
    return type(app.session_interface) is SecureCookieSessionInterface and bool(app.secret_key)


def _interface(app: Flask) -> SecureCookieSessionInterface:
    return cast(SecureCookieSessionInterface, app.session_interface)


class _KeyCachingSigner(TimestampSigner):
    """itsdangerous' TimestampSigner with each derived key computed once: it derives the key
    (an HMAC of the salt) again for every value it signs or checks. The same signatures."""

    _derived: ClassVar[dict[tuple[Any, ...], bytes]] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        secret = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        key = (secret, self.salt, self.key_derivation, self.digest_method)
        derived = self._derived.get(key)
        if derived is None:
            derived = self._derived[key] = super().derive_key(secret_key)
        return derived


def _session_serializer(app: Flask) -> URLSafeTimedSerializer:
    """Flask's serializer for the session cookie (get_signing_serializer: the same keys,
    fallbacks first, salt, JSON tags and signer settings), made once per key (Flask makes one
    for every request)."""
    fallbacks = tuple(app.config["SECRET_KEY_FALLBACKS"] or ())
    interface = _interface(app)
    key = ("session", app.secret_key, fallbacks, interface.salt, interface.serializer,
           interface.key_derivation, interface.digest_method)  # fmt: skip
    serializer = _serializers.get(key)
    if serializer is None:
        serializer = _serializers[key] = URLSafeTimedSerializer(
            [*fallbacks, app.secret_key],  # type: ignore[list-item]
            salt=interface.salt,
            serializer=interface.serializer,
            signer=_KeyCachingSigner,
            signer_kwargs={
                "key_derivation": interface.key_derivation,
                "digest_method": interface.digest_method,
            },
        )
    return serializer


def _csrf_serializer(app: Flask) -> URLSafeTimedSerializer:
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    key = ("csrf", secret)
    serializer = _serializers.get(key)
    if serializer is None:
        serializer = _serializers[key] = URLSafeTimedSerializer(
            secret, salt=CSRF_SALT, signer=_KeyCachingSigner
        )
    return serializer


def read_session(app: Flask, environ: dict[str, Any]) -> SecureCookieSession | None:
    """The session in this request's cookie, opened as Flask opens it; None when there is no
    cookie or it does not check out (Flask would start an empty session)."""
    value = parse_cookie(environ.get("HTTP_COOKIE")).get(_interface(app).get_cookie_name(app))
    if not value:
        return None
    max_age = int(app.permanent_session_lifetime.total_seconds())
    try:
        return SecureCookieSession(_session_serializer(app).loads(value, max_age=max_age))
    except BadData:
        return None


def session_cookie(app: Flask, session: dict[str, Any] | SecureCookieSession) -> tuple[str, str]:
    """The Set-Cookie header Flask's save_session writes for this (non-empty) session."""
    interface = _interface(app)
    if not isinstance(session, SecureCookieSession):
        session = SecureCookieSession(session)
    cookie = dump_cookie(
        interface.get_cookie_name(app),
        _session_serializer(app).dumps(dict(session)),
        expires=interface.get_expiration_time(app, session),
        domain=interface.get_cookie_domain(app),
        path=interface.get_cookie_path(app),
        secure=interface.get_cookie_secure(app),
        httponly=interface.get_cookie_httponly(app),
        samesite=interface.get_cookie_samesite(app),
        partitioned=interface.get_cookie_partitioned(app),
        max_size=app.config["MAX_COOKIE_SIZE"],
    )
    return "Set-Cookie", cookie


def new_csrf_token(app: Flask) -> tuple[str, str]:
    """A new CSRF secret for the session and the signed token for the form, as Flask-WTF's
    generate_csrf makes them."""
    raw = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324 - as Flask-WTF makes it
    return raw, _csrf_serializer(app).dumps(raw)


def csrf_field(app: Flask) -> str:
    return app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def csrf_token_valid(app: Flask, session: dict[str, Any], token: str) -> bool:
    """Flask-WTF's validate_csrf: the signed token, within its time limit, holds the secret
    kept in the session."""
    field = csrf_field(app)
    if not token or field not in session:
        return False
    try:
        limit = app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
        raw = _csrf_serializer(app).loads(token, max_age=limit)
        return hmac.compare_digest(session[field], raw)
    except (BadData, TypeError):  # TypeError: compare_digest and a value that is not ASCII
        return False
