"""Choosing the reader's language and formatting for it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

#: Primary language tags a browser may send, mapped to our catalogues.
_ACCEPT_MAP = {"nb": "nb", "no": "nb", "nn": "nn", "en": "en"}

K = TypeVar("K")

LANGUAGE_NAMES = {"nb": "Norsk bokmål", "nn": "Norsk nynorsk", "en": "English"}


def first_supported(accepted: Iterable[tuple[str, float]], languages: Iterable[str]
                    ) -> str | None:  # fmt: skip
    """The first of the browser's languages (best first) that is one of ``languages``."""
    for value, _quality in accepted:
        primary = value.lower().replace("_", "-").split("-")[0]
        language = _ACCEPT_MAP.get(primary)
        if language in languages:
            return language
    return None


def select_locale() -> str:
    """The user's chosen language, else the session's, else the browser's, else nb."""
    if not has_request_context():  # a worker or a command: the default, unless forced
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated:
        return request_locale(current_user.language)
    return request_locale(None)


def request_locale(user_language: str | None) -> str:
    """select_locale for a user whose language is already known (None: anonymous)."""
    return locale_for(user_language, session, request.headers.get("Accept-Language"),
                      current_app.config)  # fmt: skip


def locale_for(user_language: str | None, session: Mapping[str, Any],
               accept_language: str | None, config: Mapping[str, Any]) -> str:  # fmt: skip
    """The user's language, else the one chosen in the session, else the browser's first
    (from the Accept-Language header), else the default; also in front of Flask."""
    languages = config["LANGUAGES"]
    if user_language in languages:
        return user_language  # type: ignore[return-value]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen  # type: ignore[no-any-return]
    accepted = parse_accept_header(accept_language, LanguageAccept)
    return first_supported(accepted, languages) or config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


_translated: dict[tuple[int, str], tuple[Mapping[Any, Any], dict[Any, str]]] = {}


def translated(labels: Mapping[K, Any]) -> dict[K, str]:
    """``labels`` (a module's constant of lazy_gettext strings) in the reader's language,
    translated once per process and language: lists show a label on every row, and each
    lazy string would otherwise go through Flask-Babel's lookup every time it is shown."""
    key = (id(labels), str(get_locale()))
    found = _translated.get(key)
    if found is None or found[0] is not labels:
        found = _translated[key] = (labels, {k: str(v) for k, v in labels.items()})
    return found[1]


def catalogue():  # type: ignore[no-untyped-def]
    """The catalogue of the current (or forced) locale; templates get it once per render."""
    return get_translations()


@pass_context
def _template_gettext(context: Any, message: str, **variables: Any) -> str:
    text = (context.get("_catalogue") or catalogue()).ugettext(message)
    if not context.eval_ctx.autoescape:
        return text % variables if variables else text
    # Format only when there is something to put in: most messages have no placeholders
    return _put_in(text, variables) if variables else Markup(text)  # noqa: S704 - see _put_in


@pass_context
def _template_ngettext(context: Any, singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    text = (context.get("_catalogue") or catalogue()).ungettext(singular, plural, num)
    return _put_in(text, variables) if context.eval_ctx.autoescape else text % variables


def _put_in(text: str, variables: dict[str, Any]) -> Markup:
    """``Markup(text) % variables`` (our own catalogue's message, as Jinja itself trusts it,
    each value escaped), without Markup's per-value helper objects: numbers stay numbers for
    ``%(num)d``, everything else is escaped once."""
    escaped = {
        name: value if isinstance(value, int | float) else escape(value)
        for name, value in variables.items()
    }
    return Markup(text % escaped)  # noqa: S704 - the values are escaped just above


def settle_locale_early(app: Flask) -> None:
    """Choose the request's language before the view runs: a message flashed after the
    view's commit would otherwise reload the (expired) user just to pick its language."""

    @app.before_request
    def _settle() -> None:  # returns None: a value would become the response
        get_locale()


def install_template_gettext(app: Flask) -> None:
    """Templates call gettext dozens of times a page; give them a fast path.

    Same results as Flask-Babel's callables with Jinja's newstyle gettext (autoescaped,
    named placeholders), but the catalogue is looked up once per request and a message
    without placeholders is not run through %-formatting (so write "%", never "%%").
    """
    app.jinja_env.globals.update(
        _=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext
    )
