"""The campaign scheduler: create_app() builds the Flask application."""

from __future__ import annotations

from typing import Any

from flask import Flask

from campaign.config import load_config
from campaign.web.application import CampaignFlask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, error handlers, commands."""
    app = CampaignFlask(__name__, template_folder="../templates", static_folder=None)
    app.config.update(load_config(config))
    app.instance_path = str(app.config["INSTANCE_PATH"])
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from campaign import persistence
    from campaign.extensions import babel, csrf, limiter, login_manager
    from campaign.persistence import engine
    from campaign.services import audit, clock, generation
    from campaign.web.i18n import select_locale

    clock.init_app(app)
    engine.init_app(app)
    persistence.load_models()
    generation.init_app(app)
    audit.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    limiter.init_app(app)


def register_blueprints(app: Flask) -> None:
    from campaign.web import (
        converters,
        health,
        i18n,
        identity,
        kiosk,
        openapi,
        pages,
        security,
        signin,
    )
    from campaign.web.player import fastpath

    converters.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(kiosk.bp)
    app.register_blueprint(signin.bp)
    pages.init_app(app)
    i18n.init_app(app)
    openapi.init_app(app)
    fastpath.init_app(app)
    identity.init_app(app)
    security.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from campaign.web import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from campaign.cli import commands

    commands.init_app(app)
