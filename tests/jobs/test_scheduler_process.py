"""Real `campaign scheduler` processes on one SQLite instance: one runs, the other takes over."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

CAMPAIGN = str(Path(sys.executable).with_name("campaign"))
T = TypeVar("T")
# The jobs that run at every start and not again for minutes, and the nightly ones, caught up
# at start only when last night's run is missing.
AT_START = ("phase-transitions", "reminders", "prepare-renditions")
NIGHTLY = ("nightly-rollup", "nightly-backup")

pytestmark = pytest.mark.slow


@pytest.fixture
def instance(tmp_path: Path) -> dict[str, str]:
    """A migrated instance with the demo loaded (slides drawn), and the environment to run it."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        CAMPAIGN_INSTANCE=str(tmp_path),
        CAMPAIGN_SECRET_KEY="scheduler-test",
        CAMPAIGN_SCHEDULER_LOCK_RETRY_S="0.2",
    )
    for args in (["db", "upgrade"], ["load", "--demo"]):
        subprocess.run(
            [CAMPAIGN, *args], env=env, capture_output=True, text=True, timeout=300, check=True
        )
    return env


class Scheduler:
    """One `campaign scheduler` process, its log in a file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self._out = log.open("wb")
        self.process = subprocess.Popen(
            [CAMPAIGN, "scheduler"],
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.node = f"{os.uname().nodename}:{self.process.pid}"

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, sig: int = signal.SIGKILL) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._out.close()


@pytest.fixture
def start(instance: dict[str, str], tmp_path: Path) -> Iterator[Callable[[str], Scheduler]]:
    started: list[Scheduler] = []

    def _start(name: str) -> Scheduler:
        scheduler = Scheduler(instance, tmp_path / f"{name}.log")
        started.append(scheduler)
        return scheduler

    yield _start
    for scheduler in started:
        scheduler.stop()
        print(f"--- {scheduler.log.name} ({scheduler.node})\n{scheduler.text()}")  # on failure


def _query(tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(f"file:{tmp_path / 'campaign.db'}?mode=ro", uri=True, timeout=10)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def _wait(what: str, check: Callable[[], T | None], timeout: float = 120) -> T:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _runs(tmp_path: Path) -> list[tuple[str, str, str]]:
    return [  # type: ignore[misc]
        tuple(row)
        for row in _query(tmp_path, "SELECT job, node, outcome FROM job_runs ORDER BY id")
    ]


def _transitions(tmp_path: Path) -> tuple[int, int]:
    rows = _query(tmp_path, "SELECT count(*) FROM phase_transitions")[0][0]
    audited = _query(
        tmp_path,
        "SELECT count(*) FROM audit_events"
        " WHERE entity = 'phase_transitions' AND action = 'insert'",
    )[0][0]
    return int(rows), int(audited)  # type: ignore[call-overload]


def _finished_at_start(tmp_path: Path, node: str, jobs: tuple[str, ...] = AT_START) -> bool:
    done = {job for job, by, outcome in _runs(tmp_path) if by == node and outcome == "ok"}
    return set(jobs) <= done


def test_two_schedulers_started_at_once_run_each_job_once_and_the_second_takes_over(
    start: Callable[[str], Scheduler], tmp_path: Path
) -> None:
    first, second = start("first"), start("second")
    holder = _wait(
        "one scheduler to take the lock",
        lambda: next((s for s in (first, second) if "took the scheduler lock" in s.text()), None),
    )
    waiter = second if holder is first else first
    _wait(
        "the jobs run at start",
        lambda: _finished_at_start(tmp_path, holder.node, AT_START + NIGHTLY),
    )
    _wait("the other one to wait", lambda: "waiting for the scheduler lock" in waiter.text())
    assert f"waiting for the scheduler lock held by {holder.node}" in waiter.text()
    assert "took the scheduler lock" not in waiter.text()
    runs = _runs(tmp_path)
    assert {node for _, node, _ in runs} == {holder.node}
    for job in AT_START + NIGHTLY:
        assert sum(1 for name, _, _ in runs if name == job) == 1, job
    assert _transitions(tmp_path) == (1, 1)  # the demo's phase 1 began at LIM: once

    holder.stop(signal.SIGKILL)
    killed_at = time.monotonic()
    _wait("the waiting scheduler to take over", lambda: "took the scheduler lock" in waiter.text())
    assert time.monotonic() - killed_at < 10
    _wait("its jobs run at start", lambda: _finished_at_start(tmp_path, waiter.node))
    assert _transitions(tmp_path) == (1, 1)  # caught up again, recorded once all the same
    runs = _runs(tmp_path)
    assert {node for _, node, _ in runs} == {holder.node, waiter.node}
    assert all(outcome != "running" for _, node, outcome in runs if node == holder.node)
    for job in AT_START:  # once by each
        assert sum(1 for name, _, _ in runs if name == job) == 2, job
    for job in NIGHTLY:  # last night's were made by the first: not again
        assert [node for name, node, _ in runs if name == job] == [holder.node], job
    assert len(list((tmp_path / "backups").glob("campaign-*Z.db"))) == 1

    waiter.stop(signal.SIGTERM)
    assert waiter.process.returncode == 0
    assert f"scheduler {waiter.node} stopped" in waiter.text()
