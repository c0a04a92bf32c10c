"""Accounts: the read side."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.models import LoginSession, User
from app.auth.sessions import oldest_valid_start

#: (what the User-Agent header holds, the name people know), first match wins: Edge, Opera
#: and Samsung's browser also say "Chrome", and Chrome also says "Safari"
_BROWSERS = (
    (("Edg/", "EdgA/", "EdgiOS/"), "Edge"),
    (("OPR/", "Opera"), "Opera"),
    (("SamsungBrowser/",), "Samsung Internet"),
    (("Firefox/", "FxiOS/"), "Firefox"),
    (("Chromium/",), "Chromium"),
    (("Chrome/", "CriOS/"), "Chrome"),
    (("Safari/",), "Safari"),
)
#: iPhones and iPads say "like Mac OS X", and Android says "Linux"
_SYSTEMS = (
    (("iPhone",), "iPhone"),
    (("iPad",), "iPad"),
    (("Android",), "Android"),
    (("Windows",), "Windows"),
    (("CrOS",), "ChromeOS"),
    (("Macintosh", "Mac OS X"), "macOS"),
    (("Linux",), "Linux"),
)


def _first(user_agent: str, names: tuple[tuple[tuple[str, ...], str], ...]) -> str | None:
    return next((name for marks, name in names if any(m in user_agent for m in marks)), None)


def device_label(user_agent: str) -> str:
    """The browser and system a User-Agent header names, in plain words ("Firefox på
    Windows"); no more than it says, and "ukjent nettleser" when it says nothing we know."""
    browser, system = _first(user_agent, _BROWSERS), _first(user_agent, _SYSTEMS)
    if browser and system:
        return _("%(browser)s på %(system)s", browser=browser, system=system)
    return browser or system or _("Ukjent nettleser")


def active_sessions(user: User) -> sa.Select[tuple[LoginSession]]:
    """The account's sessions that still open it, the most recently used first."""
    return (
        sa.select(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.created_at > oldest_valid_start())
        .order_by(LoginSession.last_seen_on.desc(), LoginSession.id.desc())
    )
