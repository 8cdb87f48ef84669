"""When reminders fall due: before a phase ends with its next phase unfunded, and before a
booking runs out. Pure rules on local dates; the caller says which day it is where."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from campaign.domain.model import FundingStatus, Phase, PhaseStatus
from campaign.domain.phases import phase_status


@dataclass(frozen=True)
class Step:
    """One threshold of a countdown: `days_before` the end, on `due_on`."""

    days_before: int
    due_on: date


def steps(ends_on: date, days: Iterable[int]) -> tuple[Step, ...]:
    """The thresholds before `ends_on`, earliest first (30, 14, 7 days before)."""
    return tuple(
        Step(d, ends_on - timedelta(days=d)) for d in sorted(set(days), reverse=True) if d >= 0
    )


def reached(ends_on: date, days: Iterable[int], local_today: date) -> tuple[Step, ...]:
    """The thresholds reached on `local_today` (their day has come, the end has not passed)."""
    if local_today > ends_on:
        return ()
    return tuple(s for s in steps(ends_on, days) if s.due_on <= local_today)


def to_send(
    ends_on: date, days: Iterable[int], local_today: date
) -> tuple[Step | None, tuple[Step, ...]]:
    """The one reminder to send today and the earlier ones it stands for.

    Only the latest threshold reached goes out: a job that first runs 10 days before the end
    sends the 14-day reminder and marks the 30-day one as skipped, not both at once."""
    found = reached(ends_on, days, local_today)
    if not found:
        return None, ()
    return found[-1], found[:-1]


def next_phase(phase: Phase, phases: Sequence[Phase]) -> Phase | None:
    """The phase after `phase`: the one numbered next, else the next to start."""
    numbered = next((p for p in phases if p.number == phase.number + 1), None)
    if numbered is not None:
        return numbered
    later = [p for p in phases if p.starts_on > phase.starts_on and p.number != phase.number]
    return min(later, key=lambda p: (p.starts_on, p.number), default=None)


def needs_funding(phase: Phase, following: Phase | None, local_today: date) -> bool:
    """Whether the team must be told that `phase` ends with `following` not funded: the phase
    plays (or is funded and will), and the next one is neither funded nor cancelled."""
    if following is None:
        return False
    status = phase_status(phase, local_today)
    running = status is PhaseStatus.ACTIVE or (
        status is PhaseStatus.PLANNED and phase.funding_status is FundingStatus.CONFIRMED
    )
    if not running:
        return False
    return (
        following.funding_status is not FundingStatus.CONFIRMED
        and phase_status(following, local_today) is not PhaseStatus.CANCELLED
    )


def runs_out(starts_on: date, ends_on: date, days: int, local_today: date) -> Step | None:
    """The run-out reminder of a booking that plays and ends within `days` (None otherwise)."""
    step = Step(days, ends_on - timedelta(days=days))
    if starts_on <= local_today <= ends_on and step.due_on <= local_today:
        return step
    return None


def continued(ends_on: date, others: Iterable[tuple[date, date]]) -> bool:
    """Whether another booking (its first and last day) carries on from `ends_on`: it starts
    by the next day and ends later."""
    after = ends_on + timedelta(days=1)
    return any(start <= after and end > ends_on for start, end in others)
