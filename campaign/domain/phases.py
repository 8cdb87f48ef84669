"""Phase dates and status: how long a phase lasts and whether it is running on a given day."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
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
    """The phase's status on `local_today`, a date in the timezone of the hub asking."""
    if phase.funding_status is not FundingStatus.CONFIRMED:
        return PhaseStatus.UNFUNDED
    if local_today < phase.starts_on:
        return PhaseStatus.UPCOMING
    if local_today > phase.ends_on:
        return PhaseStatus.ENDED
    return PhaseStatus.ACTIVE


def phase_status_at(phase: Phase, at: datetime, timezone: str) -> PhaseStatus:
    """The phase's status at the aware instant `at`, seen from a hub in `timezone`."""
    return phase_status(phase, at.astimezone(ZoneInfo(timezone)).date())


def is_active_at(phase: Phase, at: datetime, timezone: str) -> bool:
    return phase_status_at(phase, at, timezone) is PhaseStatus.ACTIVE
