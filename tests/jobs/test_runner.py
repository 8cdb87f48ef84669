"""Two schedulers in one process, on SQLite and PostgreSQL: one runs the jobs, the other waits."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import pytest
from flask import Flask

from campaign.jobs.runner import run_scheduler
from campaign.services import job_runs


def _wait(what: str, check: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _ran(app: Flask, node: str) -> bool:
    with app.app_context():
        return any(
            run.node == node and run.outcome == job_runs.OK
            for run in job_runs.recent("phase-transitions")
        )


def test_the_waiting_scheduler_takes_over_when_the_first_one_stops(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="campaign.jobs.runner")
    app.config["SCHEDULER_LOCK_RETRY_S"] = 0.05
    stops = [threading.Event(), threading.Event()]
    threads = [
        threading.Thread(target=run_scheduler, args=(app, stops[n], f"node-{n}:{n}"))
        for n in range(2)
    ]
    try:
        threads[0].start()
        _wait("the first scheduler's jobs", lambda: _ran(app, "node-0:0"))
        threads[1].start()
        _wait(
            "the second one to wait",
            lambda: "waiting for the scheduler lock held by node-0:0" in caplog.text,
        )
        assert not _ran(app, "node-1:1")
        stops[0].set()
        threads[0].join(60)
        _wait("the second scheduler's jobs", lambda: _ran(app, "node-1:1"))
    finally:
        for stop in stops:
            stop.set()
        for thread in threads:
            if thread.is_alive():
                thread.join(60)
    assert "scheduler node-0:0 stopped" in caplog.text
    assert "took the scheduler lock as node-1:1" in caplog.text
    with app.app_context():
        runs = job_runs.recent(limit=100)
    assert {run.outcome for run in runs} == {job_runs.OK}
    assert {run.node for run in runs} == {"node-0:0", "node-1:1"}
