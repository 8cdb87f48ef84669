"""The player API: what screens call to get their playlist and report what they played."""

from __future__ import annotations

from flask_smorest import Api


def register(api: Api) -> None:
    """Register the player blueprints on the API (each module adds its own)."""
