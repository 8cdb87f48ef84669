"""Database failures a client can wait out (a held lock) or an operator must fix (a full disk)."""

from __future__ import annotations

import logging
from typing import Literal

from sqlalchemy.exc import DBAPIError

from campaign.extensions import db

log = logging.getLogger(__name__)

Failure = Literal["locked", "full"]

# PostgreSQL SQLSTATEs: lock_timeout, deadlock, statement_timeout; disk full.
_LOCKED_STATES = frozenset({"55P03", "40P01", "57014"})
_FULL_STATES = frozenset({"53100"})
# SQLite's result codes (Python 3.11+ names them) and their messages.
_LOCKED_NAMES = frozenset({"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_BUSY_TIMEOUT"})
_FULL_NAMES = frozenset({"SQLITE_FULL"})


def classify(exc: BaseException) -> Failure | None:
    """Which failure: "locked" (a lock held too long), "full" (a full disk), or None."""
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
