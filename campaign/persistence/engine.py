"""Binds the database to an app: SQLite pragmas, and the migrations where they are run."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

from campaign.extensions import db
from campaign.persistence import revisions

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets players read while a manager writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _existing_file_only(app: Flask) -> Any:
    """A "do_connect" hook: when the app says the database must exist, open the SQLite file
    with mode=rw, so that a missing file is an error rather than a new, empty database."""

    def do_connect(_dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]) -> None:
        if not app.config.get("DATABASE_MUST_EXIST") or cparams.get("uri"):
            return  # creating is allowed (migrations, tests), or the URL is a URI of its own
        filename = cargs[0] if cargs else cparams.get("database")
        if not filename or filename == ":memory:":
            return
        uri = f"file:{quote(os.path.abspath(filename))}?mode=rw"
        if cargs:
            cargs[0] = uri
        else:
            cparams["database"] = uri
        cparams["uri"] = True

    return do_connect


def _file_identity(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _same_file_guard(app: Flask, path: str) -> tuple[Any, Any]:
    """ "connect" and "checkout" hooks: when the database must exist, a pooled connection whose
    file was moved away or replaced is dropped and opened again (and so fails, or reaches the
    restored file). SQLite would otherwise go on reading, and writing, a deleted file: changes
    lost while /healthz, which looks at the path, says the database is gone. One stat a checkout."""

    def connect(_dbapi_connection: Any, record: Any) -> None:
        record.info["sqlite_file"] = _file_identity(path)

    def checkout(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if not app.config.get("DATABASE_MUST_EXIST"):
            return
        if _file_identity(path) != record.info.get("sqlite_file"):
            raise DisconnectionError(f"the database file {path} was moved, removed or replaced")

    return connect, checkout


def init_app(app: Flask) -> None:
    uri: str = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    revisions.stamp_created_schemas()
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "do_connect", _existing_file_only(app))
            database = engine.url.database
            if database and database != ":memory:" and not database.startswith("file:"):
                connect, checkout = _same_file_guard(app, os.path.abspath(database))
                event.listen(engine, "connect", connect)
                event.listen(engine, "checkout", checkout)


def require_existing_database(app: Flask) -> None:
    """From now on, open the database only if it exists (SQLite would make an empty one): for
    the server and the scheduler. Connections already open are closed, so every one is checked."""
    app.config["DATABASE_MUST_EXIST"] = True
    with app.app_context():
        db.engine.dispose()


def sqlite_file() -> Path | None:
    """The current app's SQLite file, or None (another database, or one in memory)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def init_migrations(app: Flask) -> None:
    """Give the app Alembic's migrations (the `db` commands). Only the command line needs them:
    Alembic is imported here, so web workers never load it."""
    from flask_migrate import Migrate

    Migrate(app, db, directory=str(MIGRATIONS), render_as_batch=True)
