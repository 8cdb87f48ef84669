"""`campaign preview-link`: make, list and revoke partner preview links."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the commands (none yet)."""
