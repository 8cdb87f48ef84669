"""APScheduler wiring: which task runs how often, in one process per deployment."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from campaign.jobs import tasks
from campaign.services.clock import clock_of

log = logging.getLogger(__name__)


def add_jobs(
    scheduler: BaseScheduler, app: Flask, clock: Callable[[], datetime] | None = None
) -> None:
    clock = clock or clock_of(app).now
    interval = app.config["RENDITION_INTERVAL_S"]

    def prepare() -> None:
        counts = tasks.prepare_renditions(app, clock())
        log.info("renditions prepared: %s", counts)

    def collect() -> None:
        removed = tasks.collect_unreferenced_files(app, clock())
        log.info("unreferenced files removed: %d", removed)

    scheduler.add_job(
        collect,
        "interval",
        hours=6,
        id="collect-unreferenced-files",
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(
        prepare,
        "interval",
        seconds=interval,
        id="prepare-renditions",
        next_run_time=clock(),  # once at start, then every interval
        max_instances=1,
        coalesce=True,
    )


def background_scheduler(app: Flask) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=UTC, daemon=True)
    add_jobs(scheduler, app)
    return scheduler


def blocking_scheduler(app: Flask) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=UTC)
    add_jobs(scheduler, app)
    return scheduler
