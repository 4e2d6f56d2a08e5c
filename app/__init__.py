"""Accord: the sales & marketing SLA portal."""
import os

from flask import Flask

from app.config import load_config
from app.database import engine_options
from app.extensions import csrf, db, login_manager, migrate

BLUEPRINTS = (
    "app.auth:bp",
    "app.admin:bp",
    "app.reading:bp",
    "app.glossary:bp",
    "app.editing:bp",
    "app.versions:bp",
    "app.review:bp",
    "app.api:bp",
)


def create_app(overrides: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, error handlers, CLI."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_relative_config=True)
    app.config.update(load_config())
    if overrides:
        app.config.update(overrides)
    if "SQLALCHEMY_ENGINE_OPTIONS" not in app.config:
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config["SQLALCHEMY_DATABASE_URI"])

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
                    render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)

    from app import database, errors, notifications, security, templating, webhooks
    from app.api import shortcut
    from app.cli import register_cli

    database.configure_engine_events(app)
    _register_blueprints(app)
    errors.register_error_handlers(app)
    security.register_security_headers(app)
    templating.register_template_helpers(app)
    register_cli(app)
    notifications.connect_receivers(app)
    webhooks.init_app(app)
    shortcut.install(app)
    _trust_proxies(app)  # the outermost layer: every other one sees the client's own address
    return app


def _trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-For and -Proto from exactly ACCORD_TRUSTED_PROXIES proxies, no more."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    hops = app.config.get("ACCORD_TRUSTED_PROXIES", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _register_blueprints(app: Flask) -> None:
    import importlib

    for dotted in BLUEPRINTS:
        module_name, attribute = dotted.split(":")
        app.register_blueprint(getattr(importlib.import_module(module_name), attribute))
