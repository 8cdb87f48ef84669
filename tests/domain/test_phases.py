"""Phase length (month ends, leap years) and phase status in a hub's timezone."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import PROPERTY, phase

from campaign.domain.model import FundingStatus, PhaseStatus
from campaign.domain.phases import (
    DEFAULT_PHASE_MONTHS,
    is_active_at,
    phase_end,
    phase_status,
    phase_status_at,
)


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [
        (date(2024, 1, 31), date(2024, 4, 30)),  # 31 April does not exist: last day of April
        (date(2023, 11, 30), date(2024, 2, 29)),  # leap year: 30 February -> 29 February
        (date(2022, 11, 30), date(2023, 2, 28)),  # common year: 30 February -> 28 February
        (date(2023, 11, 29), date(2024, 2, 28)),  # 29 February exists: the day before it
        (date(2024, 3, 1), date(2024, 5, 31)),
        (date(2024, 12, 15), date(2025, 3, 14)),  # across the new year
        (date(2024, 1, 1), date(2024, 3, 31)),
        (date(2024, 2, 29), date(2024, 5, 28)),
    ],
)
def test_a_phase_lasts_three_months_to_the_day_before(starts_on: date, ends_on: date) -> None:
    assert phase_end(starts_on) == ends_on


def test_phase_end_with_other_lengths() -> None:
    assert phase_end(date(2024, 1, 31), months=1) == date(2024, 2, 29)
    assert phase_end(date(2024, 1, 15), months=12) == date(2025, 1, 14)
    assert phase_end(date(2024, 8, 31), months=6) == date(2025, 2, 28)


@pytest.mark.parametrize("months", [0, -3])
def test_a_phase_lasts_at_least_a_month(months: int) -> None:
    with pytest.raises(ValueError, match="at least one month"):
        phase_end(date(2024, 1, 1), months)


@PROPERTY
@given(st.dates(date(1990, 1, 1), date(2090, 12, 31)), st.integers(1, 24))
def test_phase_end_properties(starts_on: date, months: int) -> None:
    end = phase_end(starts_on, months)
    after = end + timedelta(days=1)  # the first day the phase no longer runs
    month_index = starts_on.month - 1 + months
    year, month = starts_on.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    if starts_on.day <= last_day:  # same day of the month, `months` later
        assert after == date(year, month, starts_on.day)
    else:  # that day does not exist: the phase runs to the end of that month
        assert end == date(year, month, last_day)
    assert 28 * months - 3 <= (after - starts_on).days <= 31 * months
    assert phase_end(starts_on + timedelta(days=1), months) >= end  # later start, later end


@PROPERTY
@given(st.dates(date(2000, 1, 1), date(2060, 12, 31)))
def test_default_length_is_three_months(starts_on: date) -> None:
    assert DEFAULT_PHASE_MONTHS == 3
    assert phase_end(starts_on) == phase_end(starts_on, 3)
    assert 89 <= (phase_end(starts_on) - starts_on).days + 1 <= 92


# --- Status -------------------------------------------------------------------------------------

MARCH = phase(1, {"LIM"}, date(2024, 3, 1), date(2024, 5, 31))


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2024, 2, 29), PhaseStatus.UPCOMING),
        (date(2024, 3, 1), PhaseStatus.ACTIVE),  # the first day counts
        (date(2024, 4, 15), PhaseStatus.ACTIVE),
        (date(2024, 5, 31), PhaseStatus.ACTIVE),  # the last day counts
        (date(2024, 6, 1), PhaseStatus.ENDED),
    ],
)
def test_status_boundaries(today: date, status: PhaseStatus) -> None:
    assert phase_status(MARCH, today) is status


@pytest.mark.parametrize("funding", [FundingStatus.PENDING, FundingStatus.DECLINED])
@pytest.mark.parametrize("today", [date(2024, 2, 1), date(2024, 4, 1), date(2024, 7, 1)])
def test_unfunded_is_never_active(funding: FundingStatus, today: date) -> None:
    unfunded = phase(1, {"LIM"}, date(2024, 3, 1), date(2024, 5, 31), funding)
    assert phase_status(unfunded, today) is PhaseStatus.UNFUNDED
    noon = datetime.combine(today, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    assert not is_active_at(unfunded, noon, "America/Lima")


def test_the_hub_timezone_decides_the_date() -> None:
    # 1 March 2024 03:00 UTC is still 29 February, 22:00 in Lima but 04:00 on 1 March in Madrid.
    at = datetime(2024, 3, 1, 3, 0, tzinfo=UTC)
    assert phase_status_at(MARCH, at, "America/Lima") is PhaseStatus.UPCOMING
    assert phase_status_at(MARCH, at, "Europe/Madrid") is PhaseStatus.ACTIVE
    assert not is_active_at(MARCH, at, "America/Lima")
    assert is_active_at(MARCH, at, "Europe/Madrid")
    # The last evening in Lima is already the first ended day in UTC.
    evening = datetime(2024, 5, 31, 23, 30, tzinfo=ZoneInfo("America/Lima"))
    assert is_active_at(MARCH, evening, "America/Lima")
    assert phase_status_at(MARCH, evening, "UTC") is PhaseStatus.ENDED


@PROPERTY
@given(
    st.datetimes(datetime(2024, 1, 1), datetime(2024, 8, 1), timezones=st.just(UTC)),
    st.sampled_from(["America/Lima", "America/Santiago", "Europe/Madrid", "Pacific/Auckland"]),
)
def test_status_at_is_status_on_the_local_date(at: datetime, timezone: str) -> None:
    today = at.astimezone(ZoneInfo(timezone)).date()
    assert phase_status_at(MARCH, at, timezone) is phase_status(MARCH, today)
    assert is_active_at(MARCH, at, timezone) == (MARCH.starts_on <= today <= MARCH.ends_on)
