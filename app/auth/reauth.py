"""The password again before sensitive actions (ASVS 3.7.1): an administrator who
changes roles, (de)activates accounts or changes settings has typed the password in the
last 10 minutes, at login or when asked. A remembered login ("remember me") never counts.

A page asked for (GET) sends the administrator to the password page and back. A form
posted (POST) gets the password page in its place, carrying what was posted (with
``app.core.repost``) back to the same address, where the password is checked first and
the action then done: nothing the administrator wrote is lost. A wrong password counts
against the login rate limit (per IP) and goes into the audit log; so does a right one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import confirm_login, current_user

from app.auth import services
from app.auth.forms import ReauthForm
from app.auth.models import User
from app.core.repost import repost_of
from app.extensions import db, limiter, login_manager

#: How long a typed password lets sensitive actions through
VALID_SECONDS = 10 * 60
_SESSION_KEY = "_password_at"
_FIELD = "reauth_password"


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


#: Logins (every attempt) and password confirmations (failed ones) share one budget per IP
login_attempts = limiter.shared_limit(_login_limit, scope="password", methods=["POST"])
confirmation_attempts = limiter.shared_limit(
    _login_limit,
    scope="password",
    methods=["POST"],
    exempt_when=lambda: _FIELD not in request.form,
    deduct_when=lambda _response: bool(g.get("password_refused")),
)


def mark_password_entered(user: User) -> None:
    """Note in the session that ``user`` has just typed the password (at login, say)."""
    session[_SESSION_KEY] = [user.id, int(time.time())]


def password_entered_recently() -> bool:
    """Whether the logged-in user typed the password in this session in the last 10 min."""
    entered = session.get(_SESSION_KEY)
    if not (isinstance(entered, list) and len(entered) == 2 and entered[0] == current_user.id):
        return False
    return 0 <= time.time() - entered[1] < VALID_SECONDS


def confirm(form: ReauthForm) -> bool:
    """Check the password on ``form`` and note the answer in the audit log. A right one is
    written in the request's transaction, which the action that follows commits (or the
    password page, when that is all the request does); a refused one is committed here,
    as it ends the request with nothing else to keep."""
    if not form.validate_on_submit():
        return False
    user = current_user._get_current_object()
    if services.confirm_password(user, form.reauth_password.data, purpose=request.endpoint):
        mark_password_entered(user)
        confirm_login()  # Flask-Login's "fresh" login, for whatever asks for one
        return True
    g.password_refused = True
    db.session.commit()
    form.reauth_password.errors.append(_("Passordet stemmer ikke."))
    return False


def render_prompt(form: ReauthForm, carry: bool):  # type: ignore[no-untyped-def]
    """The password page; with ``carry`` it brings along what this request posted."""
    repost = repost_of(request, skip=("csrf_token", _FIELD)) if carry else None
    return render_template("auth/reauth.html", form=form, repost=repost)


def recent_password_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Ask for the password before ``view`` unless it was typed in the last 10 minutes."""

    @confirmation_attempts
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if password_entered_recently():
            return view(*args, **kwargs)
        if request.method != "POST":
            return redirect(url_for("auth.reauth", next=request.full_path.removesuffix("?")))
        form = ReauthForm()
        if _FIELD in request.form and confirm(form):
            return view(*args, **kwargs)
        return render_prompt(form, carry=True)

    return wrapped
