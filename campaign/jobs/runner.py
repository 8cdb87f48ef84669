"""The `campaign scheduler` process: wait for the lock, run the jobs while holding it."""

from __future__ import annotations

import logging
import threading

from flask import Flask

from campaign.jobs import tasks
from campaign.jobs.scheduler import add_jobs, describe_jobs, make_scheduler
from campaign.services import job_runs
from campaign.services.scheduler_lock import SchedulerLock, scheduler_lock

log = logging.getLogger(__name__)


def lock_for(app: Flask, node: str) -> SchedulerLock:
    return scheduler_lock(app.config["SQLALCHEMY_DATABASE_URI"], node)


def hold_and_run(
    app: Flask, lock: SchedulerLock, stop: threading.Event, node: str, retry_s: float
) -> None:
    """With the lock held: run the jobs until `stop` is set or the lock is lost."""
    closed = tasks.interrupt_others(app, node)
    if closed:
        log.info("closed %d run(s) the previous scheduler left unfinished", closed)
    scheduler = make_scheduler(app)
    add_jobs(scheduler, app, node=node)
    scheduler.start()
    try:
        for line in describe_jobs(scheduler):
            log.info("scheduled %s", line)
        while not stop.wait(retry_s):
            if not lock.held():
                log.warning("lost the scheduler lock; stopping the jobs until it is free again")
                break
    finally:
        scheduler.shutdown(wait=True)  # the jobs running finish; none starts


def run_scheduler(app: Flask, stop: threading.Event, node: str | None = None) -> None:
    """Wait for the scheduler lock (trying every SCHEDULER_LOCK_RETRY_S), run the jobs while
    holding it, go back to waiting if it is lost; until `stop` is set (SIGTERM, Ctrl+C)."""
    node = node or job_runs.this_node()
    retry_s = float(app.config["SCHEDULER_LOCK_RETRY_S"])
    lock = lock_for(app, node)
    waiting = False
    try:
        while not stop.is_set():
            if not lock.acquire():
                if not waiting:
                    holder = lock.holder() or "another process"
                    log.info("waiting for the scheduler lock held by %s", holder)
                    waiting = True
                stop.wait(retry_s)
                continue
            waiting = False
            log.info("took the scheduler lock as %s", node)
            try:
                hold_and_run(app, lock, stop, node, retry_s)
            except Exception:  # the database went away at start, say: let go, then try again
                log.exception("the scheduler stopped on an error; trying again")
                lock.release()
                stop.wait(retry_s)
            finally:
                lock.release()
    finally:
        lock.release()
        dispose = getattr(lock, "dispose", None)
        if dispose is not None:
            dispose()
    log.info("scheduler %s stopped", node)
