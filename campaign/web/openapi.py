"""The API's OpenAPI document (flask-smorest), shared by the player and management APIs."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api


class CampaignApi(Api):  # type: ignore[misc]
    def _register_error_handlers(self) -> None:
        """Errors are answered by campaign.web.errors, in one shape for the whole app."""


api = CampaignApi()

API_CONFIG = {
    "API_TITLE": "Campaign scheduler API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
}


def init_app(app: Flask) -> None:
    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    api.init_app(app)
    api.spec.components.security_scheme(
        "screenToken", {"type": "http", "scheme": "bearer", "description": "A screen's token"}
    )
    api.spec.components.security_scheme(
        "apiToken", {"type": "http", "scheme": "bearer", "description": "A personal API token"}
    )
    from campaign.web import api as management
    from campaign.web import player

    player.register(api)
    management.register(api)
