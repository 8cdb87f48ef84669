"""Periodic tasks: each opens an app context, acts as the scheduler and makes its service calls.

Every task takes the instant it runs for and gives the same state run twice, or late, as run
once on time. `run` records a run in `job_runs` and never lets a task's error out.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask

from campaign.services import (
    backup,
    connectivity,
    job_runs,
    phase_lifecycle,
    playback,
    publishing,
    reminders,
    rollup,
    storage,
)
from campaign.services.audit import Actor, acting_as

log = logging.getLogger(__name__)

# A phase edge this close is drawn ahead: its slides are ready before the first poll after it.
DRAW_AHEAD = timedelta(minutes=15)
# Two jobs drawing at once would draw the same slides twice, taking the web workers' CPU.
_drawing = threading.Lock()


def _prepare(at: datetime) -> dict[str, int]:
    with _drawing:
        return playback.prepare_renditions(at)


@contextmanager
def _as_scheduler(app: Flask, node: str | None = None) -> Iterator[None]:
    label = f"scheduler {node or job_runs.this_node()}"
    with app.app_context(), acting_as(Actor(source="scheduler", label=label)):
        yield


def prepare_renditions(app: Flask, at: datetime) -> dict[str, int]:
    """Draw ahead the slides that screens will need, so no poll waits for Pillow."""
    with _as_scheduler(app):
        return _prepare(at)


def collect_unreferenced_files(app: Flask, at: datetime) -> int:
    """Remove stored pictures that nothing has named for longer than any player may show them."""
    with _as_scheduler(app):
        return storage.collect_unreferenced(at)


@dataclass(frozen=True)
class TransitionsDone:
    recorded: tuple[phase_lifecycle.RecordedTransition, ...]
    next_transition: datetime | None
    drawn_now: dict[str, int] | None  # slides drawn for the transitions just recorded
    drawn_ahead: dict[str, int] | None  # slides drawn for the next edge, when it is near

    def summary(self) -> str:
        made = "; ".join(
            f"{t.campaign} phase {t.phase_number} {t.state} at {t.hub_code}"
            f" ({t.at:%Y-%m-%d %H:%M}Z)"
            for t in self.recorded
        )
        upcoming = f"{self.next_transition:%Y-%m-%d %H:%M}Z" if self.next_transition else "none"
        ahead = f", drawn ahead {self.drawn_ahead['drawn']}" if self.drawn_ahead else ""
        return f"recorded {len(self.recorded)}{': ' + made if made else ''}; next {upcoming}{ahead}"


def phase_transitions(app: Flask, at: datetime) -> TransitionsDone:
    """Record every phase start and end at every hub up to `at` (each once, however late), draw
    the slides they change, and the slides of the next edge if it is near."""
    with _as_scheduler(app):
        recorded = tuple(phase_lifecycle.record_transitions(at))
        drawn_now = _prepare(at) if recorded else None
        upcoming = phase_lifecycle.next_transition_after(at)
        drawn_ahead = None
        if upcoming is not None and upcoming - at <= DRAW_AHEAD:
            drawn_ahead = _prepare(upcoming)
    return TransitionsDone(recorded, upcoming, drawn_now, drawn_ahead)


def next_transition(app: Flask, at: datetime) -> datetime | None:
    """The next phase start or end at any hub after `at`, or None."""
    with _as_scheduler(app):
        return phase_lifecycle.next_transition_after(at)


def send_reminders(app: Flask, at: datetime) -> Any:
    """Send the reminders due at `at` that have not gone out yet."""
    with _as_scheduler(app):
        return reminders.send_due(at)


def mark_offline_screens(app: Flask, at: datetime) -> Any:
    """Mark the screens silent for too long as offline (and the ones back as online)."""
    with _as_scheduler(app):
        return connectivity.sweep(at)


def publish_playlists(app: Flask, at: datetime) -> publishing.PublishRun:
    """Republish the playlists changed since the last run; remove those of revoked tokens."""
    with _as_scheduler(app):
        return publishing.publish_all(at)


def roll_up_plays(app: Flask, at: datetime) -> rollup.RollupResult:
    """Remake the plays' daily roll-up for the complete days before `at`."""
    with _as_scheduler(app):
        return rollup.roll_up(at)


def back_up_database(app: Flask, at: datetime) -> backup.NightlyBackup:
    """The nightly copy of the embedded database for the night of `at`, the oldest pruned."""
    with _as_scheduler(app):
        return backup.nightly_backup(at)


TASKS: dict[str, Callable[[Flask, datetime], Any]] = {
    "prepare-renditions": prepare_renditions,
    "collect-unreferenced-files": collect_unreferenced_files,
    "phase-transitions": phase_transitions,
    "reminders": send_reminders,
    "offline-screens": mark_offline_screens,
    "publish-playlists": publish_playlists,
    "nightly-rollup": roll_up_plays,
    "nightly-backup": back_up_database,
}


def describe(result: Any) -> str:
    """A run's result in a line, for its record."""
    if hasattr(result, "summary"):
        return str(result.summary())
    if isinstance(result, dict):
        return ", ".join(f"{key} {value}" for key, value in result.items())
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        parts = []
        for field in dataclasses.fields(result):
            value = getattr(result, field.name)
            if isinstance(value, list | tuple | set | frozenset):
                value = len(value)
            parts.append(f"{field.name} {value}")
        return ", ".join(parts)
    if isinstance(result, list | tuple):
        return f"{len(result)} done" if result else ""
    return "" if result is None else str(result)


@dataclass(frozen=True)
class Outcome:
    job: str
    at: datetime
    ok: bool
    result: Any
    detail: str


def run(app: Flask, job: str, at: datetime, node: str | None = None) -> Outcome:
    """Run the task `job` for the instant `at`, recorded in job_runs as started, then ok or
    failed; an error is logged and recorded, never raised."""
    node = node or job_runs.this_node()
    task = TASKS[job]
    try:
        with app.app_context():
            run_id = job_runs.start(job, at, node)
            try:
                result = task(app, at)
            except Exception as exc:
                log.exception("job %s for %s failed", job, at.isoformat())
                detail = f"{type(exc).__name__}: {exc}"
                job_runs.finish(run_id, job_runs.FAILED, detail)
                return Outcome(job, at, False, None, detail)
            detail = describe(result)
            job_runs.finish(run_id, job_runs.OK, detail)
    except Exception as exc:  # the record itself could not be written: the database is down
        log.exception("job %s for %s could not be recorded", job, at.isoformat())
        return Outcome(job, at, False, None, f"{type(exc).__name__}: {exc}")
    # A run that did nothing (most of the frequent ones) is not worth a line at INFO.
    log.log(logging.INFO if detail else logging.DEBUG, "job %s for %s: %s", job, at, detail)
    return Outcome(job, at, True, result, detail)


def last_success(app: Flask, job: str) -> datetime | None:
    with app.app_context():
        return job_runs.last_success(job)


def interrupt_others(app: Flask, node: str) -> int:
    """Close the runs a dead scheduler left open (called by the one that took the lock)."""
    with app.app_context():
        return job_runs.interrupt_others(node)
