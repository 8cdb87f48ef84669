"""The single-scheduler lock: one holder at a time, free again when the holder dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from campaign.services.scheduler_lock import (
    AdvisoryLock,
    FileLock,
    lock_file,
    scheduler_lock,
)


def test_the_lock_of_an_sqlite_database_is_a_file_beside_it(tmp_path: Path) -> None:
    lock = scheduler_lock(f"sqlite:///{tmp_path / 'campaign.db'}", "here:1")
    assert isinstance(lock, FileLock)
    assert lock.path == tmp_path / "campaign.db.scheduler.lock"
    assert lock_file(make_url("sqlite://")) is None


def test_a_second_file_lock_waits_until_the_first_lets_go(tmp_path: Path) -> None:
    path = tmp_path / "campaign.db.scheduler.lock"
    first, second = FileLock(path, "host-a:1"), FileLock(path, "host-b:2")
    try:
        assert first.acquire() and first.held()
        assert not second.acquire() and not second.held()
        assert second.holder() == "host-a:1"
        first.release()
        assert second.acquire() and second.holder() == "host-b:2"
        assert not first.acquire()
    finally:
        first.release()
        second.release()


def test_a_file_lock_whose_file_is_removed_is_lost(tmp_path: Path) -> None:
    path = tmp_path / "campaign.db.scheduler.lock"
    lock = FileLock(path, "host-a:1")
    try:
        assert lock.acquire()
        path.unlink()
        assert not lock.held()
    finally:
        lock.release()


def test_the_file_lock_is_free_again_when_its_holder_is_killed(tmp_path: Path) -> None:
    path = tmp_path / "campaign.db.scheduler.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path;"
            "from campaign.services.scheduler_lock import FileLock;"
            f"lock = FileLock(Path({str(path)!r}), 'child:1'); assert lock.acquire();"
            "print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    waiter = FileLock(path, "parent:2")
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert not waiter.acquire() and waiter.holder() == "child:1"
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
        assert waiter.acquire()
    finally:
        waiter.release()
        if holder.poll() is None:
            holder.kill()
            holder.wait(10)
        if holder.stdout is not None:
            holder.stdout.close()


@pytest.mark.postgres
def test_a_second_advisory_lock_waits_until_the_first_connection_closes(
    postgres_url: str,
) -> None:
    url = make_url(postgres_url)
    first, second = AdvisoryLock(url, "host-a:1"), AdvisoryLock(url, "host-b:2")
    try:
        assert first.acquire() and first.held()
        assert not second.acquire() and not second.held()
        assert second.holder() == "host-a:1"
        assert first.acquire()  # asking again while holding it keeps it
        first.release()
        deadline = time.monotonic() + 10
        while not second.acquire():
            assert time.monotonic() < deadline, "the lock was not freed with its connection"
            time.sleep(0.1)
        assert second.held() and first.holder() == "host-b:2"
        assert not first.acquire()
    finally:
        first.dispose()
        second.dispose()


@pytest.mark.postgres
def test_an_advisory_lock_whose_connection_is_cut_is_lost_and_taken_over(
    postgres_url: str,
) -> None:
    url = make_url(postgres_url)
    first, second = AdvisoryLock(url, "host-a:1"), AdvisoryLock(url, "host-b:2")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        assert first.acquire()
        with admin.connect() as connection:  # as if the holder's machine had vanished
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = 'campaign scheduler host-a:1'"
                )
            )
        deadline = time.monotonic() + 10
        while first.held():
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert second.acquire() and not first.acquire()
    finally:
        first.dispose()
        second.dispose()
        admin.dispose()
