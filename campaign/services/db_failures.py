"""Database failures a client can wait out (a held lock) or an operator must fix (a full disk,
a database gone, unreachable or not migrated)."""

from __future__ import annotations

import logging
from typing import Literal

from sqlalchemy.exc import DBAPIError, OperationalError

from campaign.extensions import db

log = logging.getLogger(__name__)

Failure = Literal["locked", "full", "unavailable"]

# PostgreSQL SQLSTATEs: lock_timeout, deadlock, statement_timeout; disk full.
_LOCKED_STATES = frozenset({"55P03", "40P01", "57014"})
_FULL_STATES = frozenset({"53100"})
# SQLite's result codes (Python 3.11+ names them) and their messages.
_LOCKED_NAMES = frozenset({"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_BUSY_TIMEOUT"})
_FULL_NAMES = frozenset({"SQLITE_FULL"})
# The database cannot be used at all: PostgreSQL's connection errors (class 08), a server
# shutting down or starting (57P0x), a missing database, table or column (not migrated);
# SQLite's missing or unreadable file, its I/O errors, and a schema without the table.
_UNAVAILABLE_STATES = frozenset({"57P01", "57P02", "57P03", "3D000", "42P01", "42703"})
_UNAVAILABLE_NAMES = frozenset({"SQLITE_CANTOPEN", "SQLITE_NOTADB", "SQLITE_CORRUPT"})
_UNAVAILABLE_TEXTS = ("unable to open database file", "no such table", "no such column")


def classify(exc: BaseException) -> Failure | None:
    """Which failure: "locked" (a lock held too long), "full" (a full disk), "unavailable"
    (the database cannot be reached, opened or read as this code expects), or None."""
    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    name = getattr(orig, "sqlite_errorname", None)
    text = str(orig).lower()
    if state in _LOCKED_STATES or name in _LOCKED_NAMES or "database is locked" in text:
        return "locked"
    if state in _FULL_STATES or name in _FULL_NAMES or "database or disk is full" in text:
        return "full"
    if (
        exc.connection_invalidated
        # PostgreSQL's driver raises OperationalError for what is not the query's fault (SQLite
        # names its errors, and raises it for a syntax error too: that one stays a bug, a 500).
        or (isinstance(exc, OperationalError) and name is None)
        or (isinstance(state, str) and (state in _UNAVAILABLE_STATES or state.startswith("08")))
        or (
            isinstance(name, str)
            and (name in _UNAVAILABLE_NAMES or name.startswith("SQLITE_IOERR"))
        )
        or any(sign in text for sign in _UNAVAILABLE_TEXTS)
    ):
        return "unavailable"
    return None


def discard_transaction() -> None:
    """Roll the session back, so nothing of a failed request stays half-written."""
    try:
        db.session.rollback()
    except DBAPIError:  # the connection itself is gone: the pool gives a new one next time
        db.session.close()


def commit_bookkeeping(what: str) -> bool:
    """Commit a write no reader depends on (a last-use stamp). If the database refuses it
    (locked, full, read-only), log `what` (never a secret), roll back, and let the read go on."""
    try:
        db.session.commit()
    except DBAPIError as exc:
        log.warning("%s was not recorded: %s", what, type(exc.orig).__name__)
        discard_transaction()
        return False
    return True
