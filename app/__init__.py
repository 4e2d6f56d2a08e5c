"""Accord: the sales & marketing SLA portal."""
import os

from flask import Flask

from app import i18n, routing
from app.config import load_config
from app.database import engine_options
from app.extensions import csrf, db, login_manager, migrate


def create_app(overrides: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, error handlers, CLI."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_relative_config=True)
    routing.install_converters(app)
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
    i18n.init_app(app)

    from app import database, errors, notifications, security, signals, templating, transactions, urls
    from app.api.auth import skip_sessions_for_tokens
    from app.cli import register_cli

    database.configure_engine_events(app)
    _register_blueprints(app)
    errors.register_error_handlers(app)
    security.register_security_headers(app)
    templating.register_template_helpers(app)
    register_cli(app)
    transactions.init_app(app)  # after the CLI: it wraps every command
    notifications.prepare_mail_log(app)
    signals.connect_receivers(app)  # everything that happens on submit, send-back and publish
    skip_sessions_for_tokens(app)  # wraps the session interface: after any other change to it
    urls.register_host_check(app)  # last: it wraps every other layer
    _trust_proxies(app)  # the outermost layer: every other one sees the client's own address
    return app


def _trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-For and -Proto from exactly ACCORD_TRUSTED_PROXIES proxies, no more."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    hops = app.config.get("ACCORD_TRUSTED_PROXIES", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _register_blueprints(app: Flask) -> None:
    from app import adherence, admin, api, auth, crm, editing, glossary, leads, reading, review, versions

    for area in (auth, admin, crm, reading, glossary, editing, versions, review, adherence, leads, api):
        app.register_blueprint(area.bp)
