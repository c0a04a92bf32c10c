"""Choosing the reader's language and formatting for it."""

from __future__ import annotations

from flask import current_app, request, session
from flask_login import current_user

#: Primary language tags a browser may send, mapped to our catalogues.
_ACCEPT_MAP = {"nb": "nb", "no": "nb", "nn": "nn", "en": "en"}

LANGUAGE_NAMES = {"nb": "Norsk bokmål", "nn": "Norsk nynorsk", "en": "English"}


def supported() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def from_accept_language() -> str | None:
    """The first language in the browser's Accept-Language we have a catalogue for."""
    for value, _quality in request.accept_languages:
        primary = value.lower().replace("_", "-").split("-")[0]
        language = _ACCEPT_MAP.get(primary)
        if language in supported():
            return language
    return None


def select_locale() -> str:
    """The user's chosen language, else the session's, else the browser's, else nb."""
    if current_user and current_user.is_authenticated and current_user.language in supported():
        return current_user.language
    chosen = session.get("lang")
    if chosen in supported():
        return chosen
    return from_accept_language() or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]
