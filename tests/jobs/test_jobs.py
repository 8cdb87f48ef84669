"""Periodic jobs, called with a given instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.jobs import tasks
from campaign.jobs.scheduler import add_jobs, make_scheduler
from campaign.persistence.audit import AuditEvent
from campaign.persistence.campaigns import PhaseTransition
from campaign.persistence.media import Rendition
from campaign.persistence.player import PlayRollup
from campaign.persistence.schedule import Reminder
from campaign.services import job_runs, playback

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
    tasks.prepare_renditions(demo, AT)
    stored = _renditions(demo)
    removed = tasks.collect_unreferenced_files(demo, AT + timedelta(days=30))
    assert removed == 0 and _renditions(demo) == stored


# ------------------------------------------------------------------ phase transitions

EDGE = datetime(2027, 2, 6, 5, 0, tzinfo=UTC)  # midnight in Lima: the demo's phase 1 ends


def _transitions(app: Flask) -> tuple[int, int]:
    """Phase transitions recorded, and their insertions in the audit trail."""
    with app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(PhaseTransition))
        audited = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.entity == "phase_transitions", AuditEvent.action == "insert")
        )
    return rows, audited


def test_a_transition_missed_while_the_scheduler_was_down_is_recorded_once_at_restart(
    demo: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(playback, "prepare_renditions", lambda at, **_: {"drawn": 0})
    assert tasks.run(demo, "phase-transitions", AT).ok  # phase 1 began at LIM: recorded
    assert _transitions(demo) == (1, 1)
    # The last run before the scheduler went down: 10 minutes before the edge.
    before = tasks.run(demo, "phase-transitions", EDGE - timedelta(minutes=10))
    assert before.result.recorded == () and before.result.next_transition == EDGE
    # Back 20 minutes after it: the sweep at start records it, once, at the instant it happened.
    back = EDGE + timedelta(minutes=20)
    scheduler = make_scheduler(demo)
    add_jobs(scheduler, demo, clock=lambda: back, node="test:2")
    scheduler.start(paused=True)
    try:
        sweep = scheduler.get_job("phase-transitions")
        assert sweep.next_run_time == back
        sweep.func()
        sweep.func()
        # And the date trigger waits for the edge after that one.
        assert scheduler.get_job("phase-edge").next_run_time > EDGE
    finally:
        scheduler.shutdown(wait=False)
    assert _transitions(demo) == (2, 2)
    with demo.app_context():
        state, at = db.session.execute(
            select(PhaseTransition.state, PhaseTransition.at).order_by(PhaseTransition.at.desc())
        ).first()
        runs = job_runs.recent("phase-transitions")
    assert (state, at) == ("completed", EDGE)
    assert "recorded 1: peru-unido-contra-la-trata phase 1 completed at LIM" in runs[1].detail
    assert runs[0].detail.startswith("recorded 0;")


def test_the_slides_of_a_phase_edge_a_few_minutes_ahead_are_drawn_before_it(
    demo: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn_for: list[datetime] = []
    monkeypatch.setattr(
        playback, "prepare_renditions", lambda at, **_: drawn_for.append(at) or {"drawn": 0}
    )
    tasks.run(demo, "phase-transitions", AT)
    assert drawn_for == [AT]  # for the transition just recorded
    tasks.run(demo, "phase-transitions", EDGE - timedelta(hours=1))
    assert drawn_for == [AT]  # the edge is an hour away: not yet
    done = tasks.run(demo, "phase-transitions", EDGE - timedelta(minutes=10))
    assert drawn_for == [AT, EDGE]
    assert "drawn ahead" in done.detail


def test_slides_drawn_ahead_of_an_edge_are_there_for_the_first_poll_after_it(demo: Flask) -> None:
    tasks.run(demo, "phase-transitions", EDGE - timedelta(minutes=10))
    with demo.app_context():
        shown = playback.Playback().screen_playlist("LIM-ARR-01", EDGE, draw=False)
    assert shown.items and all(item.asset is not None for item in shown.items)


# ------------------------------------------------------------------ the other jobs


def test_every_job_run_twice_for_the_same_instant_leaves_the_same_state(
    demo: Flask, tmp_path: Path
) -> None:
    demo.config["BACKUP_DIR"] = tmp_path / "backups"
    night = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    for job in ("reminders", "offline-screens", "nightly-rollup", "nightly-backup"):
        first = tasks.run(demo, job, night)
        assert first.ok, first.detail
        before = _state(demo, tmp_path)
        again = tasks.run(demo, job, night)
        assert again.ok, again.detail
        assert _state(demo, tmp_path) == before, job
    with demo.app_context():
        runs = job_runs.recent()
    assert len(runs) == 8 and {run.outcome for run in runs} == {"ok"}
    assert {run.scheduled_for for run in runs} == {night}


def _state(app: Flask, tmp_path: Path) -> tuple[object, ...]:
    with app.app_context():
        audited = db.session.scalar(select(func.count()).select_from(AuditEvent))
        rollups = db.session.scalar(select(func.count()).select_from(PlayRollup))
        reminders = db.session.scalar(select(func.count()).select_from(Reminder))
    folder = tmp_path / "backups"
    backups = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    return audited, rollups, reminders, backups


def test_jobs_once_runs_one_job_for_a_given_instant_and_records_it(demo: Flask) -> None:
    runner = demo.test_cli_runner()
    result = runner.invoke(
        args=["jobs", "once", "phase-transitions", "--at", "2026-11-28T15:00:00+00:00"]
    )
    assert result.exit_code == 0, result.output
    assert "recorded 1: peru-unido-contra-la-trata phase 1 active at LIM" in result.output
    assert _transitions(demo) == (1, 1)
    again = runner.invoke(args=["jobs", "once", "phase-transitions", "--at", "2026-11-28T15:00"])
    assert again.exit_code == 0 and "recorded 0" in again.output
    assert _transitions(demo) == (1, 1)
    unknown = runner.invoke(args=["jobs", "once", "coffee"])
    assert unknown.exit_code != 0 and "nightly-backup" in unknown.output
