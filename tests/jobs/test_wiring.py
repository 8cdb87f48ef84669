"""The scheduler's wiring: which job runs when, what catches up after downtime, the edge trigger."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from campaign.jobs import tasks
from campaign.jobs.scheduler import EDGE_JOB, add_jobs, last_nightly, make_scheduler
from campaign.services import job_runs

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)  # 10:00 in Lima
EDGE = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # midnight in Lima: phase 2 starts
LIMA = ZoneInfo("America/Lima")
JOBS = {
    "prepare-renditions",
    "collect-unreferenced-files",
    "phase-transitions",
    EDGE_JOB,
    "reminders",
    "offline-screens",
    "nightly-rollup",
    "nightly-backup",
}


def _wired(app: Flask, now: datetime = NOW) -> BaseScheduler:
    """A scheduler with every job, started paused: the jobs are set, none runs."""
    scheduler = make_scheduler(app)
    add_jobs(scheduler, app, clock=lambda: now, node="test:1")
    scheduler.start(paused=True)
    return scheduler


@pytest.fixture
def wired(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[BaseScheduler]:
    monkeypatch.setattr(tasks, "next_transition", lambda _app, _at: EDGE)
    scheduler = _wired(app)
    yield scheduler
    scheduler.shutdown(wait=False)


def _interval(scheduler: BaseScheduler, job: str) -> timedelta:
    trigger = scheduler.get_job(job).trigger
    assert isinstance(trigger, IntervalTrigger)
    return trigger.interval


def test_every_job_runs_once_at_a_time_and_is_caught_up_once_after_downtime(
    wired: BaseScheduler,
) -> None:
    assert {job.id for job in wired.get_jobs()} == JOBS
    for job in wired.get_jobs():
        assert job.coalesce is True, job.id
        assert job.max_instances == 1, job.id
        assert job.misfire_grace_time >= 3600, job.id  # hours, not APScheduler's 1 s


def test_the_periodic_jobs_run_at_start_then_every_interval(
    app: Flask, wired: BaseScheduler
) -> None:
    assert (
        _interval(wired, "prepare-renditions").total_seconds() == app.config["RENDITION_INTERVAL_S"]
    )
    assert _interval(wired, "collect-unreferenced-files") == timedelta(hours=6)
    assert _interval(wired, "phase-transitions") <= timedelta(minutes=5)
    assert _interval(wired, "reminders") == timedelta(hours=1)
    assert _interval(wired, "offline-screens").total_seconds() == app.config["PLAYER_POLL_SECONDS"]
    for job in ("prepare-renditions", "phase-transitions", "reminders", "offline-screens"):
        assert wired.get_job(job).next_run_time == NOW, job
    assert wired.get_job("collect-unreferenced-files").next_run_time > NOW


def test_the_nightly_jobs_run_at_the_nightly_hour_in_the_campaign_timezone(
    app: Flask, wired: BaseScheduler
) -> None:
    for job in ("nightly-rollup", "nightly-backup"):
        trigger = wired.get_job(job).trigger
        assert isinstance(trigger, CronTrigger)
        assert str(trigger.timezone) == app.config["SCHEDULER_TIMEZONE"] == "America/Lima"
        fields = {field.name: str(field) for field in trigger.fields}
        assert fields["hour"] == str(app.config["NIGHTLY_HOUR"]) and fields["minute"] == "0"
        # Never made yet: caught up at start.
        assert wired.get_job(job).next_run_time == NOW


def test_a_nightly_job_made_last_night_waits_for_the_next_night(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks, "next_transition", lambda _app, _at: None)
    last_night = datetime(2026, 11, 28, 3, 0, tzinfo=LIMA)
    with app.app_context():
        run = job_runs.start("nightly-rollup", last_night, "test:0")
        job_runs.finish(run, job_runs.OK, "")
        # A failed backup does not count as made.
        run = job_runs.start("nightly-backup", last_night, "test:0")
        job_runs.finish(run, job_runs.FAILED, "disk full")
    scheduler = _wired(app)
    try:
        tonight = datetime(2026, 11, 29, 3, 0, tzinfo=LIMA)
        assert scheduler.get_job("nightly-rollup").next_run_time == tonight
        assert scheduler.get_job("nightly-backup").next_run_time == NOW
        assert scheduler.get_job(EDGE_JOB) is None  # no edge ahead
    finally:
        scheduler.shutdown(wait=False)


def test_a_nightly_job_runs_for_its_night_however_late_it_starts(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks, "next_transition", lambda _app, _at: None)
    seen: list[datetime] = []
    monkeypatch.setitem(tasks.TASKS, "nightly-rollup", lambda _app, at: seen.append(at))
    late = datetime(2026, 11, 28, 5, 30, tzinfo=LIMA)  # back up after a night down
    scheduler = _wired(app, late)
    try:
        job = scheduler.get_job("nightly-rollup")
        job.func(*job.args)
    finally:
        scheduler.shutdown(wait=False)
    night = datetime(2026, 11, 28, 3, 0, tzinfo=LIMA)
    assert seen == [night]
    with app.app_context():
        assert job_runs.last_success("nightly-rollup") == night


def test_the_next_phase_edge_has_a_date_trigger_set_again_after_each_run(
    wired: BaseScheduler, monkeypatch: pytest.MonkeyPatch
) -> None:
    edge = wired.get_job(EDGE_JOB)
    assert isinstance(edge.trigger, DateTrigger) and edge.next_run_time == EDGE
    later = EDGE + timedelta(days=90)

    def ran(_app: Flask, job: str, at: datetime, _node: str | None = None) -> tasks.Outcome:
        done = tasks.TransitionsDone((), upcoming.pop(0), None, None)
        return tasks.Outcome(job, at, True, done, "")

    upcoming: list[datetime | None] = [later, None]
    monkeypatch.setattr(tasks, "run", ran)
    sweep = wired.get_job("phase-transitions")
    sweep.func()
    assert wired.get_job(EDGE_JOB).next_run_time == later
    wired.get_job(EDGE_JOB).func()  # the edge itself: no edge after it
    assert wired.get_job(EDGE_JOB) is None


def test_the_last_nightly_time_is_the_latest_nightly_hour_passed_at_the_campaign_home() -> None:
    assert last_nightly(datetime(2026, 11, 28, 2, 59, tzinfo=LIMA), 3, "America/Lima") == (
        datetime(2026, 11, 27, 3, 0, tzinfo=LIMA)
    )
    assert last_nightly(datetime(2026, 11, 28, 3, 0, tzinfo=LIMA), 3, "America/Lima") == (
        datetime(2026, 11, 28, 3, 0, tzinfo=LIMA)
    )
    assert last_nightly(NOW, 3, "America/Lima").tzinfo == UTC


def test_a_job_that_fails_is_recorded_as_failed_and_the_next_run_goes_on(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[datetime] = []

    def flaky(_app: Flask, at: datetime) -> list[object]:
        calls.append(at)
        if len(calls) == 1:
            raise RuntimeError("mail server down")
        return []

    monkeypatch.setitem(tasks.TASKS, "reminders", flaky)
    failed = tasks.run(app, "reminders", NOW, "test:1")
    done = tasks.run(app, "reminders", NOW + timedelta(hours=1), "test:1")
    assert not failed.ok and "mail server down" in failed.detail
    assert done.ok
    with app.app_context():
        runs = job_runs.recent("reminders")
    assert [(r.outcome, r.node) for r in runs] == [("ok", "test:1"), ("failed", "test:1")]
    assert "RuntimeError: mail server down" in runs[1].detail
    assert all(r.finished_at is not None for r in runs)


def test_runs_left_open_by_a_dead_scheduler_are_closed_by_the_next_one(app: Flask) -> None:
    with app.app_context():
        job_runs.start("nightly-backup", NOW, "dead:1")
        mine = job_runs.start("reminders", NOW, "alive:2")
    assert tasks.interrupt_others(app, "alive:2") == 1
    with app.app_context():
        outcomes = {r.node: r.outcome for r in job_runs.recent()}
        job_runs.finish(mine, job_runs.OK)
    assert outcomes == {"dead:1": "interrupted", "alive:2": "running"}
