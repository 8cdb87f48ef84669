"""A consistent copy of the embedded SQLite database, taken while the app keeps running."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

from campaign.extensions import db
from campaign.services.errors import Invalid

log = logging.getLogger(__name__)

# The nightly copies: named by the instant they are made for (UTC), so only these are pruned.
NIGHTLY_NAME = "campaign-{:%Y-%m-%dT%H%M%S}Z.db"
NIGHTLY_PATTERN = re.compile(r"campaign-\d{4}-\d{2}-\d{2}T\d{6}Z\.db")


def _database_file() -> str | None:
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return url.database


def _copy(source_path: str, target: Path) -> None:
    """VACUUM INTO a partial file, then move it into place: one read transaction, so the copy
    is the database as it was when it began, however much others write meanwhile."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(source_path, timeout=30)
    try:
        source.execute("VACUUM INTO ?", (str(partial),))
    finally:
        source.close()
    try:
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def backup_sqlite(target: Path) -> Path:
    """Copy the database into `target` (a new file), consistently and atomically."""
    source = _database_file()
    if source is None:
        raise Invalid(
            "backup copies the embedded SQLite database; for PostgreSQL use pg_dump instead"
        )
    target = target.resolve()
    if target.exists():
        raise Invalid(f"{target} already exists; choose a new file name")
    if not target.parent.is_dir():
        raise Invalid(f"folder {target.parent} does not exist")
    _copy(source, target)
    return target


@dataclass(frozen=True)
class NightlyBackup:
    path: Path | None  # None: nothing to copy (PostgreSQL)
    made: bool  # False when the copy for this night was already there
    removed: tuple[Path, ...]  # older copies deleted, beyond the number kept


def nightly_backup(at: datetime) -> NightlyBackup:
    """The copy for the night of `at` in BACKUP_DIR, once (made again, it is left as it is),
    keeping the last BACKUPS_KEPT of the copies this job made. Skipped on PostgreSQL."""
    source = _database_file()
    if source is None:
        log.info("nightly backup skipped: the database is not SQLite (back it up with pg_dump)")
        return NightlyBackup(path=None, made=False, removed=())
    folder = Path(current_app.config["BACKUP_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / NIGHTLY_NAME.format(at.astimezone(UTC))
    made = not target.exists()
    if made:
        _copy(source, target)
    kept = max(1, int(current_app.config["BACKUPS_KEPT"]))
    ours = sorted(p for p in folder.iterdir() if NIGHTLY_PATTERN.fullmatch(p.name))
    removed = tuple(ours[:-kept])
    for path in removed:
        path.unlink(missing_ok=True)
    return NightlyBackup(path=target, made=made, removed=removed)
