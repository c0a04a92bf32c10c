"""Absolute links for mail and feeds, built on SITE_URL (also outside a request), and the
signed, expiring tokens that confirmation links carry."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


def absolute_url(endpoint: str, **values: Any) -> str:
    """``https://site/path`` for ``endpoint``, whether or not a request is active."""
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(
        site.netloc, script_name=site.path or "/", url_scheme=site.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


class BadLink(Exception):
    """A signed link that was altered, or made for something else."""


class ExpiredLink(BadLink):
    """A genuine signed link that is too old; ``payload`` is what it carried."""

    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__("expired")
        self.payload = payload


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def signed_token(salt: str, payload: dict[str, Any]) -> str:
    """A URL-safe token carrying ``payload``, signed with the secret key and ``salt``."""
    return _serializer(salt).dumps(payload)


def read_signed_token(token: str, salt: str, max_age: int) -> dict[str, Any]:
    """The payload of a token from ``signed_token``; BadLink or ExpiredLink otherwise."""
    serializer = _serializer(salt)
    try:
        data = serializer.loads(token, max_age=max_age)
    except SignatureExpired as exc:
        payload = serializer.load_payload(exc.payload) if exc.payload is not None else None
        if not isinstance(payload, dict):
            raise BadLink from exc
        raise ExpiredLink(payload) from exc
    except BadSignature as exc:
        raise BadLink from exc
    if not isinstance(data, dict):
        raise BadLink
    return data
