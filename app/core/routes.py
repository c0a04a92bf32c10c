"""Front page, statements, health check and the language chooser."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session
from flask_login import current_user

from app.core import frontpage
from app.core.cache import cached_page
from app.core.forms import safe_next
from app.extensions import db

bp = Blueprint("core", __name__, template_folder="templates")


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
