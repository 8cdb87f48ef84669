"""The scheduler's record of its job runs: which job ran, for which instant, where, how it ended."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from campaign.extensions import db
from campaign.persistence.schedule import JobRun
from campaign.services import clock

RUNNING, OK, FAILED, INTERRUPTED = "running", "ok", "failed", "interrupted"
# Runs are recorded every few seconds to minutes; older ones are dropped as new ones start.
KEPT_FOR = timedelta(days=30)
DETAIL_LENGTH = 500


def this_node() -> str:
    """This process, as the lock and the runs name it: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Run:
    id: int
    job: str
    node: str
    scheduled_for: datetime | None
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    detail: str


def _run(row: JobRun) -> Run:
    return Run(
        id=row.id,
        job=row.job,
        node=row.node,
        scheduled_for=row.scheduled_for,
        started_at=row.started_at,
        finished_at=row.finished_at,
        outcome=row.outcome,
        detail=row.detail,
    )


def start(job: str, scheduled_for: datetime, node: str) -> int:
    """Record that `job` starts now, for the instant `scheduled_for`; its id, for `finish`."""
    now = clock.now()
    db.session.execute(delete(JobRun).where(JobRun.job == job, JobRun.started_at < now - KEPT_FOR))
    row = JobRun(job=job, node=node, scheduled_for=scheduled_for, started_at=now, outcome=RUNNING)
    db.session.add(row)
    db.session.commit()
    return row.id


def finish(run_id: int, outcome: str, detail: str = "") -> None:
    """Record how the run ended: OK or FAILED, with a short detail (a summary, or the error)."""
    db.session.rollback()  # whatever the job left unfinished is not part of its record
    db.session.execute(
        update(JobRun)
        .where(JobRun.id == run_id)
        .values(outcome=outcome, detail=detail[:DETAIL_LENGTH], finished_at=clock.now())
    )
    db.session.commit()


def interrupt_others(node: str) -> int:
    """Mark as interrupted the runs another node left running: it held the lock and died
    (whoever calls this holds the lock now). How many."""
    done = db.session.execute(
        update(JobRun)
        .where(JobRun.outcome == RUNNING, JobRun.node != node)
        .values(outcome=INTERRUPTED, finished_at=clock.now())
    )
    db.session.commit()
    return int(done.rowcount or 0)  # type: ignore[attr-defined]


def last_success(job: str) -> datetime | None:
    """The latest instant `job` ran for successfully, or None if it never did."""
    return db.session.scalar(
        select(func.max(JobRun.scheduled_for)).where(JobRun.job == job, JobRun.outcome == OK)
    )


def recent(job: str | None = None, limit: int = 50) -> list[Run]:
    """The latest runs, newest first, of one job or of every job."""
    query = select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
    if job is not None:
        query = query.where(JobRun.job == job)
    return [_run(row) for row in db.session.scalars(query)]
