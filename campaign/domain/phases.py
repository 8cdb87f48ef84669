"""Phase dates and lifecycle: how long a phase lasts, its state on a day, when its state changes."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from campaign.domain.model import FundingStatus, Phase, PhaseStatus

DEFAULT_PHASE_MONTHS = 3


def phase_end(starts_on: date, months: int = DEFAULT_PHASE_MONTHS) -> date:
    """The last day of a phase of `months` months starting on `starts_on`.

    It is the day before the same day `months` months later; where that day does not exist
    (30 February), the phase ends on the last day of that month.
    """
    if months < 1:
        raise ValueError(f"a phase lasts at least one month, not {months}")
    month_index = starts_on.month - 1 + months
    year, month = starts_on.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    if starts_on.day > last_day:
        return date(year, month, last_day)
    return date(year, month, starts_on.day) - timedelta(days=1)


def phase_status(phase: Phase, local_today: date) -> PhaseStatus:
    """The phase's lifecycle state on `local_today`, a date in the timezone of the hub asking.

    Only confirmed funding makes a phase active. A phase still waiting for funding stays
    planned until its last day, so funds that come late still start it; once its dates have
    passed unfunded, or its funding is declined, or it is cancelled, it is cancelled.
    """
    funded = phase.funding_status is FundingStatus.CONFIRMED
    if phase.cancelled or phase.funding_status is FundingStatus.DECLINED:
        return PhaseStatus.CANCELLED
    if local_today > phase.ends_on:
        return PhaseStatus.COMPLETED if funded else PhaseStatus.CANCELLED
    if not funded or local_today < phase.starts_on:
        return PhaseStatus.PLANNED
    return PhaseStatus.ACTIVE


def phase_status_at(phase: Phase, at: datetime, timezone: str) -> PhaseStatus:
    """The phase's status at the aware instant `at`, seen from a hub in `timezone`."""
    return phase_status(phase, at.astimezone(ZoneInfo(timezone)).date())


def is_active_at(phase: Phase, at: datetime, timezone: str) -> bool:
    return phase_status_at(phase, at, timezone) is PhaseStatus.ACTIVE


# --- Transitions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """A phase reaching `state` at a hub at the aware instant `at` (planned is where it starts)."""

    state: PhaseStatus
    at: datetime


FINAL = frozenset({PhaseStatus.COMPLETED, PhaseStatus.CANCELLED})
END_OF_TIME = datetime.max.replace(tzinfo=UTC)


def local_midnight(day: date, timezone: str) -> datetime:
    """The first instant of `day` at a hub in `timezone`, in UTC.

    Where the clocks jump over midnight (Santiago in September), the day starts at the jump:
    the local 00:00 that does not exist is read with the offset before it, which is that instant.
    """
    try:
        return datetime.combine(day, time(), ZoneInfo(timezone)).astimezone(UTC)
    except OverflowError:  # the first or last days a datetime can hold: as far as it goes
        return (
            datetime.min.replace(tzinfo=UTC) if day.year == 1 else datetime.max.replace(tzinfo=UTC)
        )


def transition_instants(
    phase: Phase,
    timezone: str,
    funding_confirmed_at: datetime | None = None,
    cancelled_at: datetime | None = None,
) -> list[Transition]:
    """The states `phase` reaches at a hub in `timezone`, in order, each at most once.

    The phase's state at any instant is `phase_status` on the hub's local date, with the facts
    known at that instant: its funding counts as confirmed from `funding_confirmed_at` (None:
    before the phase, when its funding is confirmed; a phase declined or cancelled after a
    confirmation passes the confirmation's instant), and it is cancelled from `cancelled_at`
    (the cancellation or the decline; None: before its first day). So it becomes active at the
    local midnight of its first day or at the confirmation if that is later and within its
    dates, completes at the local midnight after its last day, and is cancelled at the
    cancellation, or at that midnight when its dates ran out unfunded. Completed and cancelled
    are final: a decision taken after either changes nothing here (the services refuse it).
    """
    zone = ZoneInfo(timezone)
    start = local_midnight(phase.starts_on, timezone)
    last_day = phase.ends_on >= date.max
    end = END_OF_TIME if last_day else local_midnight(phase.ends_on + timedelta(days=1), timezone)
    dropped = phase.cancelled or phase.funding_status is FundingStatus.DECLINED
    confirmed = phase.funding_status is FundingStatus.CONFIRMED or (
        dropped and funding_confirmed_at is not None
    )
    cancel = (cancelled_at or start) if dropped else None

    def known_at(at: datetime) -> Phase:
        funded = confirmed and (funding_confirmed_at is None or at >= funding_confirmed_at)
        return replace(
            phase,
            funding_status=FundingStatus.CONFIRMED if funded else FundingStatus.PENDING,
            cancelled=cancel is not None and at >= cancel,
        )

    changes = {start} if last_day else {start, end}
    if confirmed and funding_confirmed_at is not None:
        changes.add(funding_confirmed_at.astimezone(UTC))
    if cancel is not None:
        changes.add(cancel.astimezone(UTC))
    found: list[Transition] = []
    state = PhaseStatus.PLANNED
    for at in sorted(changes):
        now = phase_status(known_at(at), at.astimezone(zone).date())
        if now is not state:
            found.append(Transition(now, at))
            if now in FINAL:
                break  # completed and cancelled are final, whatever is decided afterwards
        state = now
    return found


def state_at(transitions: list[Transition], at: datetime) -> PhaseStatus:
    """The state the transitions leave the phase in at `at` (planned before the first)."""
    reached = [t.state for t in transitions if t.at <= at]
    return reached[-1] if reached else PhaseStatus.PLANNED
