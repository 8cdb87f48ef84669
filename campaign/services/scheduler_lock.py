"""The single-scheduler lock: a PostgreSQL advisory lock, or a file lock beside SQLite's file.

Either one is released by the system when its holder dies, even on kill -9: the file lock by
the kernel, the advisory lock when PostgreSQL ends the holder's session (its connection closes;
TCP keepalives end it within about half a minute if the holder's machine vanishes).
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

# pg_try_advisory_lock(bigint): "CAMP" in ASCII. Below 2**31, so pg_locks shows it as objid.
ADVISORY_KEY = 0x43414D50
APPLICATION_NAME = "campaign scheduler "
_KEEPALIVES = (
    "tcp_keepalives_idle = 10",
    "tcp_keepalives_interval = 5",
    "tcp_keepalives_count = 3",
)
_HOLDER = text(
    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
    " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0"
    " AND l.objid::bigint = :key AND l.objsubid = 1"
    " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)
_HELD = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 0"
    " AND objid::bigint = :key AND objsubid = 1 AND pid = pg_backend_pid()"
)


class SchedulerLock(Protocol):
    """Held by at most one process per database."""

    def acquire(self) -> bool:
        """Take the lock if it is free (never waits); True if this process holds it now."""

    def held(self) -> bool:
        """Whether this process still holds it (False once the connection or file is lost)."""

    def holder(self) -> str:
        """Who holds it (host:pid), as far as can be told; "" if unknown or free."""

    def release(self) -> None:
        """Let it go (closing what held it); acquire may be called again later."""


class FileLock:
    """An exclusive flock on a file; the file names its holder (host:pid)."""

    def __init__(self, path: Path, node: str) -> None:
        self.path = path
        self.node = node
        self._fd: int | None = None

    def acquire(self) -> bool:
        if self._fd is not None:
            return self.held()
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{self.node}\n".encode(), 0)
        os.fsync(fd)
        self._fd = fd
        return True

    def held(self) -> bool:
        # Someone removing the file would let a second process lock a new one: then it is lost.
        if self._fd is None:
            return False
        try:
            return os.stat(self.path).st_ino == os.fstat(self._fd).st_ino
        except OSError:
            return False

    def holder(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8").strip()
        except OSError:
            return ""

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the last descriptor releases the flock


class AdvisoryLock:
    """pg_try_advisory_lock on a connection of its own, kept open while the lock is held."""

    def __init__(self, url: URL, node: str, key: int = ADVISORY_KEY) -> None:
        self.node = node
        self.key = key
        self._engine = create_engine(
            url,
            poolclass=NullPool,
            isolation_level="AUTOCOMMIT",
            connect_args={"application_name": (APPLICATION_NAME + node)[:63]},
        )
        self._connection: Connection | None = None

    def _connect(self) -> Connection:
        if self._connection is None:
            connection = self._engine.connect()
            # The server notices a vanished holder (its machine, not only its process) in ~30 s.
            for setting in _KEEPALIVES:
                connection.exec_driver_sql(f"SET {setting}")
            self._connection = connection
        return self._connection

    def _drop(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            try:
                connection.close()
            except SQLAlchemyError:
                connection.invalidate()

    def acquire(self) -> bool:
        try:
            connection = self._connect()
            if connection.execute(_HELD, {"key": self.key}).scalar():
                return True
            return bool(
                connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
                ).scalar()
            )
        except SQLAlchemyError as exc:
            log.warning("cannot reach the database for the scheduler lock: %s", exc)
            self._drop()
            return False

    def held(self) -> bool:
        if self._connection is None:
            return False
        try:
            return bool(self._connection.execute(_HELD, {"key": self.key}).scalar())
        except SQLAlchemyError as exc:
            log.warning("lost the scheduler lock's connection: %s", exc)
            self._drop()
            return False

    def holder(self) -> str:
        try:
            with self._engine.connect() as connection:
                name = connection.execute(_HOLDER, {"key": self.key}).scalar()
        except SQLAlchemyError:
            return ""
        return str(name or "").removeprefix(APPLICATION_NAME)

    def release(self) -> None:
        self._drop()  # the session ends, and the lock with it

    def dispose(self) -> None:
        self.release()
        self._engine.dispose()


class ProcessLock:
    """For a database only this process can open (SQLite in memory): always free."""

    def __init__(self) -> None:
        self._held = False

    def acquire(self) -> bool:
        self._held = True
        return True

    def held(self) -> bool:
        return self._held

    def holder(self) -> str:
        return ""

    def release(self) -> None:
        self._held = False


def lock_file(url: URL) -> Path | None:
    """Where the lock of an SQLite database lives: `<db>.scheduler.lock` beside its file."""
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        return None
    path = Path(url.database).resolve()
    return path.with_name(f"{path.name}.scheduler.lock")


def scheduler_lock(database_url: str | URL, node: str) -> SchedulerLock:
    """The lock for the database at `database_url`, taken in the name of `node` (host:pid)."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        return AdvisoryLock(url, node)
    path = lock_file(url)
    return FileLock(path, node) if path is not None else ProcessLock()
