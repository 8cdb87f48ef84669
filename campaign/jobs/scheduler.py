"""APScheduler wiring: which task runs when, in the one scheduler process holding the lock."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from campaign.jobs import tasks
from campaign.services import job_runs
from campaign.services.clock import clock_of

log = logging.getLogger(__name__)

COLLECT_EVERY = timedelta(hours=6)
REMIND_EVERY = timedelta(hours=1)
# Phase edges have a date trigger of their own; this sweep (and the one at start) catches up
# an edge missed while no scheduler ran, or one moved by an edit since the trigger was set.
TRANSITIONS_SWEEP = timedelta(minutes=5)
EDGE_JOB = "phase-edge"
NIGHTLY_JOBS = ("nightly-rollup", "nightly-backup")
WORKERS = 4


def job_defaults(app: Flask) -> dict[str, object]:
    """Each job once at a time; after downtime a missed run is made once, if within hours."""
    return {
        "coalesce": True,
        "misfire_grace_time": int(app.config["SCHEDULER_MISFIRE_GRACE_S"]),
        "max_instances": 1,
    }


def last_nightly(at: datetime, hour: int, timezone: str) -> datetime:
    """The latest nightly time (`hour`:00 local in `timezone`) at or before `at`, in UTC."""
    zone = ZoneInfo(timezone)
    local = at.astimezone(zone)
    slot = datetime.combine(local.date(), time(hour), zone)
    if slot > local:
        slot = datetime.combine(local.date() - timedelta(days=1), time(hour), zone)
    return slot.astimezone(UTC)


class _Jobs:
    """The jobs of one scheduler; each call runs its task for "now" and records the run."""

    def __init__(
        self, scheduler: BaseScheduler, app: Flask, clock: Callable[[], datetime], node: str
    ) -> None:
        self.scheduler = scheduler
        self.app = app
        self.clock = clock
        self.node = node
        self.hour = int(app.config["NIGHTLY_HOUR"])
        self.timezone = str(app.config["SCHEDULER_TIMEZONE"])
        # The sweep and the edge's trigger may fire together: one records, then the other.
        self._transitions = threading.Lock()

    def run(self, job: str) -> None:
        tasks.run(self.app, job, self.clock(), self.node)

    def publish(self) -> None:
        """Every second or two: not recorded in job_runs (that would be 40,000 rows a day),
        only logged; `campaign jobs once publish-playlists` runs it recorded."""
        try:
            done = tasks.publish_playlists(self.app, self.clock())
        except Exception:
            log.exception("publishing the playlists failed; the next run tries again")
            return
        if done.summary():
            log.info("job publish-playlists: %s", done.summary())

    def nightly(self, job: str) -> None:
        """A nightly job runs for the night it belongs to, however late it starts."""
        tasks.run(self.app, job, last_nightly(self.clock(), self.hour, self.timezone), self.node)

    def transitions(self) -> None:
        with self._transitions:
            at = self.clock()
            outcome = tasks.run(self.app, "phase-transitions", at, self.node)
            if outcome.ok:
                upcoming = outcome.result.next_transition
            else:
                try:
                    upcoming = tasks.next_transition(self.app, at)
                except Exception:
                    log.exception("cannot find the next phase edge; the sweep will try again")
                    return
            self.arm_edge(upcoming)

    def arm_edge(self, upcoming: datetime | None) -> None:
        """Set the date trigger on the next phase edge (replacing the one set before)."""
        if upcoming is None:
            if self.scheduler.get_job(EDGE_JOB) is not None:
                self.scheduler.remove_job(EDGE_JOB)
            return
        self.scheduler.add_job(
            self.transitions,
            "date",
            run_date=upcoming,
            id=EDGE_JOB,
            name="phase transitions at the next edge",
            replace_existing=True,
        )

    def nightly_due(self, job: str, now: datetime) -> bool:
        """Whether the last night's run of `job` is missing: then it is caught up at start."""
        last = tasks.last_success(self.app, job)
        return last is None or last < last_nightly(now, self.hour, self.timezone)


def add_jobs(
    scheduler: BaseScheduler,
    app: Flask,
    clock: Callable[[], datetime] | None = None,
    node: str | None = None,
) -> None:
    """Every periodic job, on `scheduler`; those that catch up after downtime run at start."""
    clock = clock or clock_of(app).now
    jobs = _Jobs(scheduler, app, clock, node or job_runs.this_node())
    now = clock()
    interval = int(app.config["RENDITION_INTERVAL_S"])
    poll = int(app.config["PLAYER_POLL_SECONDS"])
    scheduler.add_job(
        jobs.run,
        "interval",
        args=["prepare-renditions"],
        seconds=interval,
        id="prepare-renditions",
        name="draw the slides screens need",
        next_run_time=now,  # once at start, then every interval
    )
    scheduler.add_job(
        jobs.run,
        "interval",
        args=["collect-unreferenced-files"],
        seconds=COLLECT_EVERY.total_seconds(),
        id="collect-unreferenced-files",
        name="remove pictures nothing names",
        next_run_time=now + COLLECT_EVERY,
    )
    scheduler.add_job(
        jobs.transitions,
        "interval",
        seconds=TRANSITIONS_SWEEP.total_seconds(),
        id="phase-transitions",
        name="record phase starts and ends",
        next_run_time=now,  # at start: an edge passed while down is recorded once, now
    )
    scheduler.add_job(
        jobs.run,
        "interval",
        args=["reminders"],
        seconds=REMIND_EVERY.total_seconds(),
        id="reminders",
        name="send the reminders due",
        next_run_time=now,
    )
    scheduler.add_job(
        jobs.run,
        "interval",
        args=["offline-screens"],
        seconds=poll,
        id="offline-screens",
        name="mark silent screens offline",
        next_run_time=now,
    )
    if app.config.get("PUBLISH_DIR", ""):  # publishing is on
        scheduler.add_job(
            jobs.publish,
            "interval",
            seconds=float(app.config.get("PUBLISH_INTERVAL_S", 2)),
            id="publish-playlists",
            name="publish the playlists that changed",
            next_run_time=now,
        )
    for job, what in zip(NIGHTLY_JOBS, ("roll up the plays", "back up the database"), strict=True):
        nightly = CronTrigger(hour=jobs.hour, minute=0, timezone=ZoneInfo(jobs.timezone))
        scheduler.add_job(
            jobs.nightly,
            nightly,
            args=[job],
            id=job,
            name=what,
            # Last night's run missing (down at the time, or failed): caught up once, now.
            next_run_time=now
            if jobs.nightly_due(job, now)
            else nightly.get_next_fire_time(None, now),
        )
    try:
        jobs.arm_edge(tasks.next_transition(app, now))
    except Exception:  # the sweep at start arms it as well
        log.exception("cannot find the next phase edge yet")


def make_scheduler(app: Flask) -> BackgroundScheduler:
    """A scheduler with the project's defaults, its jobs not added yet: its threads run the
    jobs while the process's main thread keeps watch on the lock."""
    return BackgroundScheduler(
        timezone=UTC,
        job_defaults=job_defaults(app),
        executors={"default": ThreadPoolExecutor(WORKERS)},
    )


def describe_jobs(scheduler: BaseScheduler) -> list[str]:
    """One line per scheduled job: its id, what it does, its trigger and its next run."""
    lines = []
    for job in sorted(scheduler.get_jobs(), key=lambda j: j.id):
        upcoming = getattr(job, "next_run_time", None)
        when = upcoming.astimezone(UTC).isoformat(timespec="seconds") if upcoming else "pending"
        lines.append(f"{job.id} ({job.name}): {job.trigger}; next {when}")
    return lines
