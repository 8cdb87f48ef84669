"""A consistent copy of the embedded SQLite database, taken while the app keeps running."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from campaign.extensions import db
from campaign.services.errors import Invalid

PAGES_PER_STEP = 256


def backup_sqlite(target: Path, progress: Callable[[int, int], None] | None = None) -> Path:
    """Copy the database page by page with SQLite's backup API into `target`, atomically."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database:
        raise Invalid(
            "backup copies the embedded SQLite database; for PostgreSQL use pg_dump instead"
        )
    target = target.resolve()
    if target.exists():
        raise Invalid(f"{target} already exists; choose a new file name")
    if not target.parent.is_dir():
        raise Invalid(f"folder {target.parent} does not exist")
    partial = target.with_name(f".{target.name}.partial")
    source = sqlite3.connect(url.database)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(
                copy,
                pages=PAGES_PER_STEP,
                progress=(lambda _s, remaining, total: progress(total - remaining, total))
                if progress
                else None,
            )
        finally:
            copy.close()
        os.replace(partial, target)
    finally:
        source.close()
        partial.unlink(missing_ok=True)
    return target
