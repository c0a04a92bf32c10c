"""Friendly error pages (JSON under /api/)."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, Response, g, jsonify, render_template, request
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.core.repost import repost_of
from app.core.security import same_origin_request
from app.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Noe var galt med forespørselen"),
          _l("Vi forsto ikke det som ble sendt. Gå tilbake og prøv igjen.")),
    403: (_l("Du har ikke tilgang"),
          _l("Du har ikke tilgang til denne siden. Logg inn med en bruker som har tilgang, "
             "eller kontakt kommunen hvis du mener dette er feil.")),
    404: (_l("Fant ikke siden"),
          _l("Siden finnes ikke, eller den er flyttet. Sjekk adressen, "
             "eller gå til forsiden.")),
    405: (_l("Dette går ikke her"),
          _l("Denne handlingen er ikke tillatt på denne adressen.")),
    413: (_l("For mye innhold"),
          _l("Det du sendte var for stort. Gjør teksten eller filen mindre og prøv igjen.")),
    429: (_l("For mange forsøk"),
          _l("Du har prøvd for mange ganger på kort tid. Vent litt og prøv igjen.")),
    500: (_l("Noe gikk galt hos oss"),
          _l("Det oppstod en feil hos oss. Ingenting av det du sendte er lagret halvveis. "
             "Prøv igjen om litt.")),
}  # fmt: skip
CSRF_MESSAGE = _l(
    "Skjemaet var utløpt eller manglet sikkerhetsnøkkel. Gå tilbake, last siden på nytt "
    "og send skjemaet igjen."
)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(  # type: ignore[no-untyped-def]
    code: int, message: str | None = None, details: dict[str, object] | None = None
):
    title, default_message = MESSAGES.get(code, MESSAGES[500])
    text = str(message or default_message)
    if wants_json():
        error: dict[str, object] = {"status": code, "title": str(title), "message": text}
        if details:
            error["details"] = details
        return jsonify(error=error), code
    if request_ctx.url_adapter is None:  # a Host that TRUSTED_HOSTS refuses: no links to make
        return Response(f"{title}\n\n{text}\n", code, mimetype="text/plain")
    g.error_page = True  # the page's settings may fall back (app.core.settings)
    return render_template("core/error.html", code=code, title=title, message=text), code


def render_form_expired():  # type: ignore[no-untyped-def]
    """The CSRF error for a form posted from one of our own pages: what the user wrote,
    in a new form with a fresh token (nothing done until they press the button)."""
    g.error_page = True
    return render_template("core/form_expired.html", repost=repost_of(request)), 400


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError):  # type: ignore[no-untyped-def]
        # A long proposal written past the token's lifetime is not lost; a form posted from
        # another site gets no such page, or a forgery would be one click from done
        if request.form and not wants_json() and same_origin_request():
            return render_form_expired()
        return render_error(400, str(CSRF_MESSAGE))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):  # type: ignore[no-untyped-def]
        code = error.code or 500
        if code not in MESSAGES:
            code = 400 if 400 <= code < 500 else 500
        # webargs (the API's query parameters) says what was wrong, per parameter
        messages = (getattr(error, "data", None) or {}).get("messages")
        response = render_error(code, details=messages.get("query", messages) if messages else None)
        if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            body, status = response
            return body, status, {"Allow": ", ".join(error.valid_methods)}
        return response

    @app.errorhandler(OverflowError)
    @app.errorhandler(sa.exc.DataError)
    def _out_of_range(_error: Exception):  # type: ignore[no-untyped-def]
        # A number or date beyond what the database or Python can hold (?page=10**30,
        # ?date_to=9999-12-31): the request is bad, not the server
        db.session.rollback()
        return render_error(400)

    @app.errorhandler(InternalServerError)
    @app.errorhandler(Exception)
    def _internal(error: Exception):  # type: ignore[no-untyped-def]
        if isinstance(error, HTTPException) and not isinstance(error, InternalServerError):
            return _http(error)
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)
