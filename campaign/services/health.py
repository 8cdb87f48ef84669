"""Whether the database answers, and at which schema revision."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from campaign.extensions import db


def check_database() -> dict[str, Any]:
    dialect = db.engine.dialect.name
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            revision = _revision(connection)
    except SQLAlchemyError as exc:
        return {
            "status": "degraded",
            "database": {"ok": False, "dialect": dialect, "error": type(exc).__name__},
        }
    return {
        "status": "ok",
        "database": {
            "ok": True,
            "dialect": dialect,
            "revision": revision,
            "migrated": revision is not None,
        },
    }


def _revision(connection: Any) -> str | None:
    try:
        row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    except SQLAlchemyError:
        connection.rollback()
        return None
    return row[0] if row else None
