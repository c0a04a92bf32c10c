"""Roles and the decorators that guard whole endpoints."""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import login_manager


class Role(enum.StrEnum):
    resident = "resident"
    committee = "committee"
    service_owner = "service_owner"
    admin = "admin"


ROLE_LABELS = {
    Role.resident: _l("Innbygger"),
    Role.committee: _l("Utvalgsmedlem"),
    Role.service_owner: _l("Tjenesteleder"),
    Role.admin: _l("Administrator"),
}


def role_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Only logged-in users holding at least one of ``roles`` may call the endpoint."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def can_participate(user: Any) -> bool:
    """Whether ``user`` may take part (propose, sign, answer): logged in and confirmed."""
    return bool(user.is_authenticated and user.is_confirmed)


def confirmed_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Logged-in, confirmed users only; an unconfirmed user is told why and where to go."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not can_participate(current_user):
            flash(
                _("Du må bekrefte e-postadressen din før du kan delta. "
                  "Vi har sendt deg en lenke; du kan be om en ny på kontosiden."),
                "warning",
            )  # fmt: skip
            return redirect(url_for("account.profile"))
        return view(*args, **kwargs)

    return wrapped
