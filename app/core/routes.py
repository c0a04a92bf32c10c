"""Front page, statements, health check and the language chooser."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
)
from flask_login import current_user

from app.core import frontpage
from app.core.cache import cached_page
from app.core.forms import safe_next
from app.extensions import db

bp = Blueprint("core", __name__, template_folder="templates")

#: The icons at fixed addresses change rarely; a day in caches
ICON_MAX_AGE = 24 * 3600


@bp.get("/")
@cached_page()
def index():  # type: ignore[no-untyped-def]
    """The front page: the municipality's participation at a glance, from the sections the
    domains register (app.core.frontpage); a logged-in reader's own sections first."""
    found = frontpage.sections(current_user)
    return render_template(
        "core/index.html",
        own=[s for s in found if s.own],
        public=[s for s in found if not s.own],
    )


@bp.get("/accessibility")
@cached_page()
def accessibility():  # type: ignore[no-untyped-def]
    """Tilgjengelighetserklæring."""
    return render_template("core/accessibility.html")


@bp.get("/privacy")
@cached_page()
def privacy():  # type: ignore[no-untyped-def]
    """Personvernerklæring."""
    return render_template("core/privacy.html")


@bp.get("/language/<code>")
def set_language(code: str):  # type: ignore[no-untyped-def]
    """Remember the chosen language in the session and, when logged in, on the account.

    A plain link, so the chooser works without JavaScript and pages need no form for it;
    the worst a forged link can do is change someone's language.
    """
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated and current_user.language != code:
            current_user.language = code
            db.session.commit()
    return redirect(safe_next(request.args.get("next")))


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    """Liveness and database check for load balancers."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/favicon.ico")
def favicon():  # type: ignore[no-untyped-def]
    """Browsers ask for /favicon.ico whatever the page links to; they get the SVG icon (a 404
    here is an error in every page's console)."""
    return _icon("medvirke.svg")


@bp.get("/apple-touch-icon.png")
def apple_touch_icon():  # type: ignore[no-untyped-def]
    """iOS asks for this at the root when saving the site to the home screen."""
    return _icon("apple-touch-icon.png")


def _icon(name: str):  # type: ignore[no-untyped-def]
    return send_from_directory(
        Path(current_app.static_folder or "") / "icons", name, max_age=ICON_MAX_AGE
    )
