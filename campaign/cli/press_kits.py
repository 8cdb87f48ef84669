"""`campaign press-kit`: a phase's approved materials as a ZIP, per language."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the commands (none yet)."""
