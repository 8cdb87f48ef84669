"""Whether the database is usable: it answers, and is at the schema the code expects."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from campaign.extensions import db
from campaign.persistence import engine, revisions


def check_database() -> dict[str, Any]:
    """/healthz's report: "ok" only when the database answers at the head revision. Cheap: a
    stat of the SQLite file, one pooled connection, two tiny queries; the head is read once."""
    dialect = db.engine.dialect.name
    expected = revisions.head()
    path = engine.sqlite_file()
    if path is not None and not path.exists():  # connecting could create an empty one
        return _degraded(dialect, expected, "missing", f"no database file at {path}")
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            revision = revisions.current(connection)
    except SQLAlchemyError as exc:
        return _degraded(dialect, expected, type(exc).__name__, "the database does not answer")
    at_head = revision == expected
    return {
        "status": "ok" if at_head else "degraded",
        "database": {
            "ok": at_head,
            "dialect": dialect,
            "revision": revision,
            "head": expected,
            "migrated": at_head,
            **({} if at_head else {"detail": _revision_problem(revision, expected)}),
        },
    }


def _degraded(dialect: str, expected: str, error: str, detail: str) -> dict[str, Any]:
    return {
        "status": "degraded",
        "database": {
            "ok": False,
            "dialect": dialect,
            "error": error,
            "detail": detail,
            "revision": None,
            "head": expected,
            "migrated": False,
        },
    }


def _revision_problem(revision: str | None, expected: str) -> str:
    if revision is None:
        return f"the database is not migrated (no schema revision; this code needs {expected})"
    known = "" if revisions.is_known(revision) else ", unknown to this code"
    return f"the database is at schema revision {revision}{known}; this code needs {expected}"


def startup_problem(app: Flask) -> str | None:
    """Why the server or the scheduler must not start on this database (one line), or None.
    From here on the app opens only an existing database: checking must not create one."""
    engine.require_existing_database(app)
    with app.app_context():
        report = check_database()["database"]
        where = db.engine.url.render_as_string(hide_password=True)
        db.engine.dispose()  # gunicorn forks its workers from this process: leave no connection
    if report["ok"]:
        return None
    upgrade = "run `campaign db upgrade`"
    if report.get("error") == "missing":
        return f"{report['detail']}: restore it, or {upgrade} to make a new one"
    if "error" in report:
        return f"the database at {where} does not answer ({report['error']})"
    revision = report["revision"]
    if revision is not None and not revisions.is_known(revision):
        return f"{report['detail']}: run the code that migrated it, or restore a backup"
    return f"{report['detail']}: {upgrade}"
