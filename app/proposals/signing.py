"""One-click signing, answered in front of Flask.

Signing is the busiest write there is (the last days of a campaign, a link shared widely),
and nearly every request is the same one: a logged-in resident's browser posts the sign
form (its CSRF token, perhaps "notify") to ``/proposals/<id>/sign`` and is sent back to the
proposal with a thank-you. ``OneClickSigning`` answers that one in front of Flask, with the
checks and the service the route uses, done the same way:

- Flask's session cookie, opened as Flask opens it (``app.core.cookies``);
- session protection's check that the session is this browser's, with the identifier
  Flask-Login itself uses (``app.auth.sessions``), and the signer read by login token as one
  row (``services.signer_by_token``: an active account, as Flask-Login's loader and
  login_required would take it);
- the CSRF token checked as Flask-WTF checks it, the Referer too over HTTPS;
- the Host checked against ``TRUSTED_HOSTS`` and the way back built with Flask's own URL
  adapter for the request;
- ``services.sign`` and one commit; the mail it queued handed to
  delivery (``mail.deliver_committed``);
- the thank-you flashed into the session and the redirect with the headers every response
  gets (``security.security_headers``) and the session cookie Flask would write.

Anything else goes on to Flask untouched (the body put back as it came), and Flask answers
as it always does: not a small form post, no session or one Flask-Login must judge (another
browser, a remember-me cookie to renew), a token that does not check out, a Host that is not
trusted, a refusal to explain (not ready to sign, signed already, closed: the route says
what to do) and any error (the error page). Nothing is done twice: what was tried is rolled
back before Flask is asked. The tests send the same requests both ways and compare.
"""

from __future__ import annotations

import functools
import io
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

import sqlalchemy as sa
from flask import Flask, Request, message_flashed
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import same_origin
from markupsafe import escape
from werkzeug.exceptions import SecurityError
from werkzeug.utils import redirect

from app.auth.sessions import login_token_of
from app.core.cookies import (
    cookie_sessions,
    csrf_field,
    csrf_token_valid,
    read_session,
    session_cookie,
)
from app.core.db import writers_in_turn
from app.core.i18n import locale_for
from app.core.mail import deliver_committed
from app.core.security import security_headers
from app.extensions import db
from app.proposals import services

log = logging.getLogger(__name__)

THANKS = _l("Takk! Underskriften din er registrert.")

#: The route's path, written as url_for writes it (Flask answers other spellings)
_PATH = re.compile(r"/proposals/([1-9][0-9]{0,17})/sign")
#: A sign form is a token and a checkbox; anything bigger is not one
MAX_FORM_BYTES = 2048
_FALSE = ("false", "")  # WTForms' BooleanField takes these for unticked
_SLOT = "\x00"  # where the location goes in the redirect page (never in a URL we build)

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class OneClickSigning:
    """WSGI middleware: signs for the common request, hands every other one to ``inner``."""

    def __init__(self, app: Flask, inner: WSGIApp) -> None:
        self.app = app
        self.inner = inner

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Any:
        if environ.get("REQUEST_METHOD") == "POST":
            match = _PATH.fullmatch(environ.get("PATH_INFO", ""))
            if match is not None and cookie_sessions(self.app):
                form = _read_form(environ)
                if form is not None:
                    answer = self._sign(environ, int(match[1]), form)
                    if answer is not None:
                        start_response("302 FOUND", answer[1])
                        return [answer[0]]
        return self.inner(environ, start_response)

    def _sign(self, environ: dict[str, Any], proposal_id: int, form: dict[str, str]
              ) -> tuple[bytes, list[tuple[str, str]]] | None:  # fmt: skip
        """Sign and answer (the body and headers of the redirect), or None for Flask to."""
        app = self.app
        session = read_session(app, environ)
        if session is None or "_remember" in session:  # Flask-Login renews or clears it
            return None
        if app.config.get("REMEMBER_COOKIE_REFRESH_EACH_REQUEST"):  # Flask-Login renews it
            return None
        token = login_token_of(session, environ)
        if token is None or not csrf_token_valid(app, session, form.get(csrf_field(app), "")):
            return None
        request = app.request_class(environ)
        with app.app_context():
            adapter = self._url_adapter(request)
            if adapter is None or not self._referrer_allowed(request):
                return None
            try:
                signer = services.signer_by_token(token)
                if signer is None:
                    return None
                location = adapter.build("proposals.detail", {"proposal_id": proposal_id})
                accept_language = environ.get("HTTP_ACCEPT_LANGUAGE")
                thanks = _thanks(locale_for(signer.language, session, accept_language, app.config))
                notify = form.get("notify", "") not in _FALSE
                with writers_in_turn(db.engine):  # a refusal's text is the route's to make
                    services.sign(signer, proposal_id, notify=notify)
                    db.session.commit()
            except (services.ProposalError, sa.exc.IntegrityError):
                db.session.rollback()  # the route explains the refusal
                return None
            except Exception:
                log.exception("signing in front of Flask failed; Flask answers the request")
                db.session.rollback()
                return None
            # Signed: from here on the answer is the redirect, whatever else happens
            deliver_committed()
            try:
                _flash(app, session, thanks, "success")
            except Exception:
                log.exception("a message_flashed receiver failed; the signature is kept")
        body = _redirect_page(location)
        return body, [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Location", location),
            # as Flask's after-request functions and save_session add them, in that order
            *security_headers(app.config),
            ("Vary", "Cookie"),
            session_cookie(app, session),
        ]

    def _url_adapter(self, request: Request) -> Any:
        """Flask's URL adapter for the request; None for a Host that TRUSTED_HOSTS refuses."""
        try:
            return self.app.create_url_adapter(request)
        except SecurityError:
            return None

    def _referrer_allowed(self, request: Request) -> bool:
        """Flask-WTF's check over HTTPS (WTF_CSRF_SSL_STRICT): a Referer from this host."""
        if not (request.is_secure and self.app.config["WTF_CSRF_SSL_STRICT"]):
            return True
        referrer = request.referrer
        try:
            return bool(referrer) and same_origin(referrer, f"https://{request.host}/")
        except ValueError:  # a Referer urlparse cannot read (a bad port): Flask's to refuse
            return False


def _read_form(environ: dict[str, Any]) -> dict[str, str] | None:
    """The first value of each field of a small URL-encoded form, the body put back for Flask
    to read again; None for anything else."""
    content_type = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded" or "HTTP_TRANSFER_ENCODING" in environ:
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= MAX_FORM_BYTES:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    try:
        fields = parse_qsl(body.decode(), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return None
    form: dict[str, str] = {}
    for name, value in fields:
        form.setdefault(name, value)
    return form


@functools.cache
def _thanks(locale: str) -> str:
    with force_locale(locale):
        return str(THANKS)


@functools.cache
def _redirect_template() -> str:
    return redirect(_SLOT).get_data(as_text=True)


def _redirect_page(location: str) -> bytes:
    """The page of Werkzeug's (and so Flask's) redirect to ``location``, made from one made
    once, without a Response object per request."""
    return _redirect_template().replace(_SLOT, str(escape(location))).encode()


def _flash(app: Flask, session: dict[str, Any], message: str, category: str) -> None:
    """flask.flash, into a session opened here."""
    flashes = session.get("_flashes", [])
    flashes.append((category, message))
    session["_flashes"] = flashes
    message_flashed.send(app, _async_wrapper=app.ensure_sync, message=message, category=category)
