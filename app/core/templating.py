"""What every template can use: settings, navigation, the shared forms, filters."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from flask import Flask, current_app, g, has_request_context, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, get_locale, get_timezone
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_context

from app.core.charts import distribution_height
from app.core.descriptions import page_description
from app.core.forms import LogoutForm
from app.core.i18n import LANGUAGE_NAMES, catalogue
from app.core.markdown import render_markdown
from app.core.permissions import ROLE_LABELS
from app.core.settings import get_settings, settings_for_error_page

#: Main navigation: (endpoint, label). A section appears once its blueprint is registered.
NAVIGATION = [
    ("proposals.index", _l("Forslag")),
    ("panel.index", _l("Brukerpanel")),
    ("declarations.index", _l("Serviceerklæringer")),
    ("moments.index", _l("Serviceøyeblikk")),
    ("compass.index", _l("Kompass")),
]


def fixed_url(endpoint: str, **values: Any) -> str:
    """url_for for links that are the same on every page, built once per process.

    The key includes the script root, so a site mounted under a prefix still gets the
    right links.
    """
    key = (request.script_root, endpoint, tuple(sorted(values.items())))
    url = _fixed_urls.get(key)
    if url is None:
        url = _fixed_urls[key] = url_for(endpoint, **values)
    return url


_fixed_urls: dict[tuple[object, ...], str] = {}


def asset_url(endpoint: str, filename: str) -> str:
    """The URL of a static file with its content's digest in it (``?v=…``), so that a proxy
    or browser may keep it for a year: a new release with a changed file has a new URL.
    ``endpoint`` is ``static`` or a blueprint's ``<name>.static``."""
    digest = _asset_digests.get((endpoint, filename))
    if digest is None:
        blueprint = endpoint.rpartition(".")[0]
        folder = (current_app.blueprints[blueprint] if blueprint else current_app).static_folder
        content = (Path(folder or "") / filename).read_bytes()
        digest = _asset_digests[(endpoint, filename)] = hashlib.sha256(content).hexdigest()[:12]
    return fixed_url(endpoint, filename=filename, v=digest)


_asset_digests: dict[tuple[str, str], str] = {}
_group_symbols: dict[str, str] = {}


def format_number(value: object, locale: str | None = None) -> str:
    """Whole numbers with the locale's digit grouping ("5 681" in nb, "5,681" in en), fast;
    anything else through Babel. ``locale``: the reader's, when the caller has it already."""
    if not isinstance(value, int) or isinstance(value, bool):
        return format_decimal(value)  # type: ignore[no-any-return]
    if -1000 < value < 1000:
        return str(value)
    locale = locale or str(get_locale())
    symbol = _group_symbols.get(locale)
    if symbol is None:
        symbol = _group_symbols[locale] = Locale.parse(locale).number_symbols["latn"]["group"]
    return f"{value:,}".replace(",", symbol)


@pass_context
def _number_filter(context: Any, value: object) -> str:
    """The ``number`` filter, in the page's language as the context has it."""
    return format_number(value, context.get("current_language"))


def format_day(value: date | datetime | None, fmt: str = "medium") -> str:
    """The ``date`` filter: Babel's date in the reader's language and time zone, formatted
    once per value (a page shows the same few dates on many rows, and every request shows
    this month's): kept in a bounded cache, as the catalogues and the zone never change."""
    if value is None:
        return format_date(value, fmt)  # type: ignore[no-any-return]  # today, as Babel does
    # A time's day depends on the zone it is seen in; a day is the same in every zone
    zone = str(get_timezone()) if isinstance(value, datetime) else ""
    return _format_day(value, fmt, str(get_locale()), zone)


@lru_cache(maxsize=2048)
def _format_day(value: date | datetime, fmt: str, _locale: str, _zone: str) -> str:
    return format_date(value, fmt)  # type: ignore[no-any-return]


def render_shared(template_name: str, **context: Any) -> str:
    """Render a part of a page that is the same for every reader in a language (what
    ``cached_fragment`` keeps): with the app's globals, filters and the language's catalogue,
    but no context processors, so nothing of the reader (their name, roles, forms, tokens)
    can get into it, and none of that is worked out for it."""
    template = current_app.jinja_env.get_template(template_name)
    return template.render(_catalogue=catalogue(), **context)


def register(app: Flask) -> None:
    app.jinja_env.globals["fixed_url"] = fixed_url
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["page_description"] = page_description
    # the <img> tags of the panel's results and the declarations' figures: each chart's height
    app.jinja_env.globals["distribution_height"] = distribution_height
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["date"] = format_day
    app.jinja_env.filters["number"] = _number_filter
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals() -> dict[str, Any]:
        if not has_request_context():  # mail rendered by a worker or a command
            return {"municipality": get_settings(), "_catalogue": catalogue()}
        user = current_user._get_current_object()
        navigation = [
            (fixed_url(endpoint), label, request.endpoint == endpoint)
            for endpoint, label in NAVIGATION
            if endpoint in app.view_functions
        ]
        return {
            # An error page renders even when reading the settings is what failed
            "municipality": settings_for_error_page() if g.get("error_page") else get_settings(),
            "navigation": navigation,
            "here": request.full_path.removesuffix("?"),
            "language_names": LANGUAGE_NAMES,
            "role_labels": ROLE_LABELS,
            # formdata=None: never read the request here (it may be the one that failed)
            "logout_form": LogoutForm(None) if user.is_authenticated else None,
            "user": user,
            "_catalogue": catalogue(),
            "current_language": str(get_locale()),
        }
