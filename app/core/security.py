"""Security headers on every response, and the CSRF check every form POST goes through."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask_wtf import csrf

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def security_headers(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The headers every response gets (a response may bring its own Content-Security-Policy)."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if config.get("SESSION_COOKIE_SECURE"):
        headers.append(("Strict-Transport-Security", "max-age=31536000"))
    return headers


class CSRFProtect(csrf.CSRFProtect):
    """Flask-WTF's CSRF protection, where a malformed Referer fails the check (400).

    Over HTTPS Flask-WTF compares the Referer's origin with ours through urllib, which
    raises ValueError for a port that is no number (https://host:x/) or a broken IPv6 host;
    uncaught, that was a 500 on any POST."""

    def protect(self, apply_exemptions: bool = False) -> None:
        try:
            super().protect(apply_exemptions=apply_exemptions)
        except ValueError as error:
            raise csrf.CSRFError("The referrer header is malformed.") from error


def same_origin_request() -> bool:
    """Whether the browser says the request came from a page of this site.

    Browsers send Sec-Fetch-Site, or at least Origin, with every form POST; a request
    that says neither (or "null") does not count as ours."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site == "same-origin"
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source or source == "null":
        return False
    try:
        parts = urlsplit(source)
    except ValueError:  # a broken IPv6 host
        return False
    return (parts.scheme, parts.netloc.lower()) == (request.scheme, request.host.lower())


def register(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in security_headers(app.config):
            if name == "Content-Security-Policy":  # a page may have set a stricter one
                response.headers.setdefault(name, value)
            else:
                response.headers[name] = value
        return response
