"""Backups of the embedded database: consistent under writes, nightly, the last few kept."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from campaign.extensions import db
from campaign.services import backup
from tests.conftest import make_test_app, reset_database

NIGHT = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)  # 03:00 in Lima


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Flask:
    app = make_test_app(
        f"sqlite:///{tmp_path / 'campaign.db'}",
        tmp_path,
        BACKUP_DIR=tmp_path / "backups",
        BACKUPS_KEPT=3,
    )
    with app.app_context():
        reset_database()
        db.engine.dispose()
    return app


def _database(app: Flask) -> str:
    with app.app_context():
        return str(db.engine.url.database)


def test_a_backup_taken_while_another_connection_writes_is_complete_and_consistent(
    sqlite_app: Flask, tmp_path: Path
) -> None:
    path = _database(sqlite_app)
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE load (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
    # A few megabytes, so that the copy takes long enough for many writes to land during it.
    setup.executemany("INSERT INTO load (payload) VALUES (?)", [("x" * 500,)] * 20_000)
    setup.commit()
    setup.close()
    committed = 0
    writing = threading.Event()
    stop = threading.Event()

    def write() -> None:
        nonlocal committed
        writer = sqlite3.connect(path, timeout=30)
        try:
            while not stop.is_set():
                writer.execute("INSERT INTO load (payload) VALUES (?)", ("y" * 500,))
                writer.commit()
                committed += 1
                writing.set()
        finally:
            writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        assert writing.wait(10)
        before = 20_000 + committed  # every row committed before the copy starts
        with sqlite_app.app_context():
            target = backup.backup_sqlite(tmp_path / "copy.db")
        during = committed
    finally:
        stop.set()
        thread.join(30)
    assert during > before - 20_000, "the writer kept writing while the copy was made"
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = copy.execute("SELECT count(*), max(id) FROM load").fetchone()
    finally:
        copy.close()
    assert rows[0] >= before and rows[0] == rows[1]  # nothing lost, no hole: one snapshot
    assert not list(tmp_path.glob(".*.partial"))


def test_the_nightly_backup_is_made_once_a_night_and_the_last_few_are_kept(
    sqlite_app: Flask, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    mine = folder / "notes.db"  # not one the job made: never removed
    mine.write_text("keep me")
    with sqlite_app.app_context():
        first = backup.nightly_backup(NIGHT)
        again = backup.nightly_backup(NIGHT)
        assert first.made and not again.made and again.path == first.path
        for n in range(1, 5):
            backup.nightly_backup(NIGHT + timedelta(days=n))
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "campaign-2026-11-30T080000Z.db",
        "campaign-2026-12-01T080000Z.db",
        "campaign-2026-12-02T080000Z.db",
        "notes.db",
    ]
    copy = sqlite3.connect(folder / names[-2])
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM hubs").fetchone()[0] == 0
    finally:
        copy.close()


@pytest.mark.postgres
def test_the_nightly_backup_is_skipped_on_postgresql(_postgres_schema: str, tmp_path: Path) -> None:
    app = make_test_app(_postgres_schema, tmp_path, BACKUP_DIR=tmp_path / "backups")
    with app.app_context():
        done = backup.nightly_backup(NIGHT)
        db.engine.dispose()
    assert done.path is None and not done.made
    assert not (tmp_path / "backups").exists()
