"""Periodic jobs, called with a given instant."""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.jobs import tasks
from campaign.jobs.scheduler import add_jobs
from campaign.persistence.media import Rendition

AT = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)  # 10:00 in Lima, demo phase 1 live


def _renditions(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Rendition))


def test_prepare_renditions_draws_every_slide_the_screens_need_once(demo: Flask) -> None:
    first = tasks.prepare_renditions(demo, AT)
    assert first["drawn"] > 0 and first["failed"] == 0
    assert first["drawn"] == first["needed"]
    stored = _renditions(demo)
    again = tasks.prepare_renditions(demo, AT)
    assert again["drawn"] == 0  # made once, then reused
    assert _renditions(demo) == stored


def test_the_scheduler_runs_the_rendition_job_at_start_and_every_interval(app: Flask) -> None:
    scheduler = BackgroundScheduler(timezone=UTC)
    add_jobs(scheduler, app, clock=lambda: AT)
    job = scheduler.get_job("prepare-renditions")
    assert job is not None
    assert job.trigger.interval.total_seconds() == app.config["RENDITION_INTERVAL_S"]
    assert job.next_run_time == AT


def test_load_command_draws_the_slides_after_loading(app: Flask, runner) -> None:
    from tests.conftest import DEMO_PLAN

    result = runner.invoke(args=["load", str(DEMO_PLAN)])
    assert result.exit_code == 0, result.output
    assert "Slides:" in result.output


def test_the_scheduler_collects_unreferenced_files_every_six_hours(app: Flask) -> None:
    scheduler = BackgroundScheduler(timezone=UTC)
    add_jobs(scheduler, app, clock=lambda: AT)
    job = scheduler.get_job("collect-unreferenced-files")
    assert job is not None and job.trigger.interval.total_seconds() == 6 * 3600


def test_collecting_keeps_every_file_a_row_names(demo: Flask) -> None:
    from datetime import timedelta

    tasks.prepare_renditions(demo, AT)
    stored = _renditions(demo)
    removed = tasks.collect_unreferenced_files(demo, AT + timedelta(days=30))
    assert removed == 0 and _renditions(demo) == stored
