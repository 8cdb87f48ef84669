"""The management API under /api/v1: campaigns, places, messages, bookings, assets, users."""

from __future__ import annotations

from flask_smorest import Api


def register(api: Api) -> None:
    """Register the management blueprints on the API (each module adds its own)."""
