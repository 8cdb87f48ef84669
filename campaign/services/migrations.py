"""Database migrations, for the command line only (web workers never load Alembic)."""

from __future__ import annotations

from flask import Flask

from campaign.persistence.engine import init_migrations


def enable(app: Flask) -> Flask:
    """Make `campaign db upgrade` and the other `db` commands available on `app`."""
    init_migrations(app)
    return app
