"""The Medvirke application factory."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import DEFAULT_SECRET_KEY, Config, ProductionConfig

ROOT = Path(__file__).resolve().parent.parent


class BoundedInt(IntegerConverter):
    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):  # type: ignore[no-untyped-def]  # noqa: A002
        super().__init__(url_map, fixed_digits, min, max, signed)


def _require_public_address(config: dict[str, object]) -> None:
    """Production needs SITE_URL (https, for links in mail and feeds) and TRUSTED_HOSTS (so
    that a forged Host header is refused, not answered)."""
    site = urlsplit(str(config["SITE_URL"] or ""))
    if site.scheme != "https" or not site.hostname:
        raise RuntimeError(
            "Refusing to start in production without SITE_URL=https://<public host>."
        )
    if not config["TRUSTED_HOSTS"]:
        raise RuntimeError(
            "Refusing to start in production without TRUSTED_HOSTS (the public host names)."
        )


def create_app(config_class: type[Config] = Config) -> Flask:
    """Build the application: configuration, extensions, blueprints, handlers."""
    app = Flask(__name__, instance_path=str(ROOT / "instance"))
    app.config.from_object(config_class)
    # <int:id> in a URL never exceeds what the databases can store (a longer number: 404)
    app.url_map.converters["int"] = BoundedInt
    if issubclass(config_class, ProductionConfig) and (
        app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY or len(app.config["SECRET_KEY"]) < 32
    ):
        raise RuntimeError("Refusing to start in production without a SECRET_KEY (32+ chars).")
    if issubclass(config_class, ProductionConfig):
        _require_public_address(app.config)

    from app.core import cache, cli, errors, i18n, jobs, mail, migrations, security, templating
    from app.core.db import configure_engines
    from app.extensions import babel, csrf, db, limiter, login_manager
    from app.extensions import cache as cache_extension

    configure_engines(app)
    db.init_app(app)
    migrations.init_app(app, db, str(ROOT / "migrations"), extra=[cli.db_backup])
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    cache_extension.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    i18n.install_template_gettext(app)
    i18n.settle_locale_early(app)

    # Proposals first: the order of its own-data section (in /account/export) and its demo
    # seeder among the domains' is the one they have always had
    from app import proposals  # noqa: F401

    # isort: split
    from app.admin import bp as admin_bp
    from app.auth import account_bp
    from app.auth import bp as auth_bp
    from app.compass import bp as compass_bp
    from app.compass.opendata import opendata_bp
    from app.core.routes import bp as core_bp
    from app.declarations import bp as declarations_bp
    from app.moments import bp as moments_bp
    from app.panel import bp as panel_bp
    from app.proposals import bp as proposals_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(account_bp, url_prefix="/account")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(proposals_bp, url_prefix="/proposals")
    app.register_blueprint(panel_bp, url_prefix="/panel")
    app.register_blueprint(compass_bp, url_prefix="/compass")
    app.register_blueprint(opendata_bp, url_prefix="/opendata")
    app.register_blueprint(declarations_bp, url_prefix="/declarations")
    app.register_blueprint(moments_bp, url_prefix="/moments")

    from app.api import init_api

    init_api(app)

    errors.register(app)
    mail.register(app)
    jobs.configure(app)
    security.register(app)
    templating.register(app)
    cli.register(app)
    cache.register(app)
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops:  # the client's address and scheme as the trusted proxies saw them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    return app
