"""Periodic tasks: each one opens an app context and makes one service call."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from campaign.services import playback, storage


def prepare_renditions(app: Flask, at: datetime) -> dict[str, int]:
    """Draw ahead the slides that screens will need, so no poll waits for Pillow."""
    with app.app_context():
        return playback.prepare_renditions(at)


def collect_unreferenced_files(app: Flask, at: datetime) -> int:
    """Remove stored pictures that nothing has named for longer than any player may show them."""
    with app.app_context():
        return storage.collect_unreferenced(at)
