"""The audit trail: who changed what, when, from where."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Hook change recording into the app's sessions."""
