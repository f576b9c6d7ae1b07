"""The expert help center: policy articles, decision wizards and search, in es, de and en."""

from __future__ import annotations

from typing import Any

from flask import Flask

from helpcenter import i18n
from helpcenter.config import Config
from helpcenter.extensions import babel, compress, csrf, db, htmx, limiter, migrate


def create_app(config: Any = None) -> Flask:
    app = Flask(__name__)
    app.config.from_object(config if config is not None else Config())

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    from helpcenter.auth.access import preferred_timezone

    babel.init_app(app, locale_selector=i18n.locale_selector, timezone_selector=preferred_timezone)
    csrf.init_app(app)
    limiter.init_app(app)
    htmx.init_app(app)
    compress.init_app(app)
    i18n.init_app(app)

    from helpcenter import errors, security, templating
    from helpcenter.admin import bp as admin_bp
    from helpcenter.api import bp as api_bp
    from helpcenter.articles import bp as articles_bp
    from helpcenter.auth import access as auth_access
    from helpcenter.auth import bp as auth_bp
    from helpcenter.cli import register_commands
    from helpcenter.core import bp as core_bp
    from helpcenter.search.views import bp as search_bp
    from helpcenter.wizards.views import bp as wizards_bp
    from helpcenter.wizards.views import step_url

    templating.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    auth_access.init_app(app)
    app.register_blueprint(core_bp)
    app.register_blueprint(articles_bp)
    app.register_blueprint(wizards_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.jinja_env.globals["step_url"] = step_url
    register_commands(app)
    return app


def _migrations_dir() -> Any:
    from helpcenter.config import PROJECT_ROOT

    return PROJECT_ROOT / "migrations"
