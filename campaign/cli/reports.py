"""`campaign report`: plays, uptime and audience reports, as tables or CSV."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the commands (none yet)."""
