"""The nightly backup completes, in bounded time, while another process writes to the database
nonstop (as gunicorn's workers do): SQLite's page-stepped backup restarts on every write."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask

from campaign.extensions import db
from campaign.services import backup
from tests.conftest import make_test_app, reset_database

NIGHT = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)  # 03:00 in Lima
ROWS = 20_000  # about 10 MB: the copy takes long enough for many writes to land during it
BOUND_S = 15.0
# A writer with the app's pragmas, committing one row every couple of milliseconds.
WRITER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], timeout=30)
connection.execute("PRAGMA journal_mode=WAL")
connection.execute("PRAGMA busy_timeout=5000")
connection.execute("PRAGMA synchronous=NORMAL")
while True:
    connection.execute("INSERT INTO load (payload) VALUES (?)", ("y" * 500,))
    connection.commit()
    time.sleep(0.002)
"""


@pytest.fixture
def loaded_app(tmp_path: Path) -> Flask:
    app = make_test_app(
        f"sqlite:///{tmp_path / 'campaign.db'}", tmp_path, BACKUP_DIR=tmp_path / "backups"
    )
    with app.app_context():
        reset_database()
        db.engine.dispose()
    setup = sqlite3.connect(tmp_path / "campaign.db")
    setup.execute("CREATE TABLE load (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
    setup.executemany("INSERT INTO load (payload) VALUES (?)", [("x" * 500,)] * ROWS)
    setup.commit()
    setup.close()
    return app


def _highest_committed(path: Path) -> int:
    reader = sqlite3.connect(path, timeout=30)
    try:
        return int(reader.execute("SELECT max(id) FROM load").fetchone()[0])
    finally:
        reader.close()


def test_the_nightly_backup_completes_and_is_consistent_under_a_constant_write_load(
    loaded_app: Flask, tmp_path: Path
) -> None:
    database = tmp_path / "campaign.db"
    done: list[backup.NightlyBackup] = []

    def run_backup() -> None:
        with loaded_app.app_context():
            done.append(backup.nightly_backup(NIGHT))

    copier = threading.Thread(target=run_backup, daemon=True)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(database)])
    try:
        deadline = time.monotonic() + 10
        while _highest_committed(database) < ROWS + 20:
            assert writer.poll() is None and time.monotonic() < deadline, "no writes"
            time.sleep(0.01)
        committed_before = _highest_committed(database)  # every row committed before it starts
        started = time.monotonic()
        copier.start()
        copier.join(BOUND_S)
        took = time.monotonic() - started
        finished = not copier.is_alive()
        still_writing = writer.poll() is None
        committed_after = _highest_committed(database)
    finally:
        writer.kill()
        writer.wait(10)
        if copier.ident is not None:  # started: once the writes stop, any copy ends
            copier.join(60)
    assert finished, (
        f"the backup did not finish within {BOUND_S:.0f} s of constant writes ({took:.1f} s)"
    )
    assert still_writing and committed_after > committed_before, "the writer was held up"
    assert done[0].made and done[0].path is not None
    copy = sqlite3.connect(done[0].path)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count, highest = copy.execute("SELECT count(*), max(id) FROM load").fetchone()
        tables = {name for (name,) in copy.execute("SELECT name FROM sqlite_master")}
    finally:
        copy.close()
    assert highest >= committed_before, "a row committed before the backup began is missing"
    assert count == highest, "the copy has holes: it is not one snapshot"
    assert {table.name for table in db.metadata.sorted_tables} <= tables
    assert not list(done[0].path.parent.glob(".*.partial"))
