"""Phase length (month ends, leap years), phase status in a hub's timezone, and the instants a
phase changes state (daylight saving time included)."""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import BASE_DAYS, PROPERTY, SPAN_DAYS, phase

from campaign.domain.model import FundingStatus, PhaseStatus
from campaign.domain.phases import (
    DEFAULT_PHASE_MONTHS,
    FINAL,
    Transition,
    is_active_at,
    local_midnight,
    phase_end,
    phase_status,
    phase_status_at,
    state_at,
    transition_instants,
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
        (date(2024, 2, 29), PhaseStatus.PLANNED),
        (date(2024, 3, 1), PhaseStatus.ACTIVE),  # the first day counts
        (date(2024, 4, 15), PhaseStatus.ACTIVE),
        (date(2024, 5, 31), PhaseStatus.ACTIVE),  # the last day counts
        (date(2024, 6, 1), PhaseStatus.COMPLETED),
    ],
)
def test_status_boundaries(today: date, status: PhaseStatus) -> None:
    assert phase_status(MARCH, today) is status


@pytest.mark.parametrize("funding", [FundingStatus.PENDING, FundingStatus.DECLINED])
@pytest.mark.parametrize("today", [date(2024, 2, 1), date(2024, 4, 1), date(2024, 7, 1)])
def test_unfunded_is_never_active(funding: FundingStatus, today: date) -> None:
    unfunded = phase(1, {"LIM"}, date(2024, 3, 1), date(2024, 5, 31), funding)
    assert phase_status(unfunded, today) is not PhaseStatus.ACTIVE
    noon = datetime.combine(today, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    assert not is_active_at(unfunded, noon, "America/Lima")


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2024, 2, 1), PhaseStatus.PLANNED),
        (date(2024, 4, 1), PhaseStatus.PLANNED),  # late funds can still start it
        (date(2024, 5, 31), PhaseStatus.PLANNED),
        (date(2024, 6, 1), PhaseStatus.CANCELLED),  # its dates passed unfunded
    ],
)
def test_a_phase_waiting_for_funding_stays_planned_until_its_dates_pass(
    today: date, status: PhaseStatus
) -> None:
    pending = phase(1, {"LIM"}, date(2024, 3, 1), date(2024, 5, 31), FundingStatus.PENDING)
    assert phase_status(pending, today) is status


@pytest.mark.parametrize("today", [date(2024, 2, 1), date(2024, 4, 1), date(2024, 7, 1)])
def test_declined_or_cancelled_is_cancelled_on_every_day(today: date) -> None:
    declined = phase(1, {"LIM"}, date(2024, 3, 1), date(2024, 5, 31), FundingStatus.DECLINED)
    assert phase_status(declined, today) is PhaseStatus.CANCELLED
    assert phase_status(replace(MARCH, cancelled=True), today) is PhaseStatus.CANCELLED


def test_the_hub_timezone_decides_the_date() -> None:
    # 1 March 2024 03:00 UTC is still 29 February, 22:00 in Lima but 04:00 on 1 March in Madrid.
    at = datetime(2024, 3, 1, 3, 0, tzinfo=UTC)
    assert phase_status_at(MARCH, at, "America/Lima") is PhaseStatus.PLANNED
    assert phase_status_at(MARCH, at, "Europe/Madrid") is PhaseStatus.ACTIVE
    assert not is_active_at(MARCH, at, "America/Lima")
    assert is_active_at(MARCH, at, "Europe/Madrid")
    # The last evening in Lima is already the first ended day in UTC.
    evening = datetime(2024, 5, 31, 23, 30, tzinfo=ZoneInfo("America/Lima"))
    assert is_active_at(MARCH, evening, "America/Lima")
    assert phase_status_at(MARCH, evening, "UTC") is PhaseStatus.COMPLETED


@PROPERTY
@given(
    st.datetimes(datetime(2024, 1, 1), datetime(2024, 8, 1), timezones=st.just(UTC)),
    st.sampled_from(["America/Lima", "America/Santiago", "Europe/Madrid", "Pacific/Auckland"]),
)
def test_status_at_is_status_on_the_local_date(at: datetime, timezone: str) -> None:
    today = at.astimezone(ZoneInfo(timezone)).date()
    assert phase_status_at(MARCH, at, timezone) is phase_status(MARCH, today)
    assert is_active_at(MARCH, at, timezone) == (MARCH.starts_on <= today <= MARCH.ends_on)


# --- Transitions ----------------------------------------------------------------------------------

ACTIVE, COMPLETED = PhaseStatus.ACTIVE, PhaseStatus.COMPLETED
PLANNED, CANCELLED = PhaseStatus.PLANNED, PhaseStatus.CANCELLED
ZONES = ["America/Lima", "America/Santiago", "Europe/Madrid", "Pacific/Auckland", "UTC"]
MICRO = timedelta(microseconds=1)


def lima(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo("America/Lima"))


def test_a_funded_phase_is_active_from_its_first_local_midnight_to_the_one_after_its_last_day() -> (
    None
):
    assert transition_instants(MARCH, "America/Lima") == [
        Transition(ACTIVE, lima(2024, 3, 1)),
        Transition(COMPLETED, lima(2024, 6, 1)),
    ]
    # The same dates start five hours earlier in UTC... and an hour later in Madrid's.
    madrid = transition_instants(MARCH, "Europe/Madrid")
    assert [t.at for t in madrid] == [
        datetime(2024, 2, 29, 23, tzinfo=UTC),
        datetime(2024, 5, 31, 22, tzinfo=UTC),
    ]


def test_santiago_starts_a_day_at_the_jump_when_midnight_does_not_exist() -> None:
    # 8 September 2024: Santiago's clocks jump from 24:00 (-04) to 01:00 (-03).
    spring = phase(1, {"SCL"}, date(2024, 9, 8), date(2024, 9, 30))
    active = transition_instants(spring, "America/Santiago")[0]
    assert active == Transition(ACTIVE, datetime(2024, 9, 8, 4, tzinfo=UTC))
    assert active.at.astimezone(ZoneInfo("America/Santiago")).hour == 1  # 01:00 is the first hour
    # 6 April 2024: 24:00 (-03) falls back to 23:00 (-04); 7 April starts once, at 00:00 -04.
    autumn = phase(2, {"SCL"}, date(2024, 3, 1), date(2024, 4, 6))
    completed = transition_instants(autumn, "America/Santiago")[-1]
    assert completed == Transition(COMPLETED, datetime(2024, 4, 7, 4, tzinfo=UTC))


def test_late_funding_starts_the_phase_at_the_confirmation() -> None:
    pending = phase(1, {"LIM"}, date(2024, 3, 1), date(2024, 5, 31), FundingStatus.PENDING)
    confirmed = replace(pending, funding_status=FundingStatus.CONFIRMED)
    decided = lima(2024, 4, 10, 15, 30)
    assert transition_instants(confirmed, "America/Lima", funding_confirmed_at=decided) == [
        Transition(ACTIVE, decided),
        Transition(COMPLETED, lima(2024, 6, 1)),
    ]
    early = lima(2024, 1, 5, 9)  # confirmed before the phase: it starts on its first day
    assert transition_instants(confirmed, "America/Lima", early)[0] == Transition(
        ACTIVE, lima(2024, 3, 1)
    )


def test_a_phase_that_runs_out_unfunded_is_cancelled_at_its_end() -> None:
    pending = phase(1, {"LIM"}, date(2024, 3, 1), date(2024, 5, 31), FundingStatus.PENDING)
    assert transition_instants(pending, "America/Lima") == [Transition(CANCELLED, lima(2024, 6, 1))]


def test_cancelling_or_declining_ends_it_at_that_instant() -> None:
    stopped = lima(2024, 4, 2, 11)
    assert transition_instants(replace(MARCH, cancelled=True), "America/Lima", None, stopped) == [
        Transition(ACTIVE, lima(2024, 3, 1)),
        Transition(CANCELLED, stopped),
    ]
    declined = replace(MARCH, funding_status=FundingStatus.DECLINED)
    confirmed = lima(2024, 3, 20, 8)  # it had been confirmed late, then was declined
    assert transition_instants(declined, "America/Lima", confirmed, stopped) == [
        Transition(ACTIVE, confirmed),
        Transition(CANCELLED, stopped),
    ]
    before = lima(2024, 2, 1, 10)  # declined before it started: it never ran
    assert transition_instants(declined, "America/Lima", None, before) == [
        Transition(CANCELLED, before)
    ]
    unknown = transition_instants(declined, "America/Lima")  # no instant known: at its start
    assert unknown == [Transition(CANCELLED, lima(2024, 3, 1))]


def test_state_at_reads_the_transitions() -> None:
    done = transition_instants(MARCH, "America/Lima")
    assert state_at(done, lima(2024, 2, 29, 23, 59)) is PLANNED
    assert state_at(done, lima(2024, 3, 1)) is ACTIVE
    assert state_at(done, lima(2024, 6, 1) - MICRO) is ACTIVE
    assert state_at(done, lima(2024, 6, 1)) is COMPLETED


@PROPERTY
@given(st.sampled_from(BASE_DAYS), st.integers(-2, SPAN_DAYS), st.sampled_from(ZONES))
def test_local_midnight_is_where_the_local_date_turns(base: date, offset: int, tz: str) -> None:
    day = base + timedelta(days=offset)
    midnight = local_midnight(day, tz)
    zone = ZoneInfo(tz)
    assert midnight.astimezone(zone).date() == day
    assert (midnight - MICRO).astimezone(zone).date() == day - timedelta(days=1)


def instants(base: date) -> st.SearchStrategy[datetime]:
    start = datetime.combine(base - timedelta(days=3), datetime.min.time())
    return st.datetimes(start, start + timedelta(days=SPAN_DAYS + 8), timezones=st.just(UTC))


@st.composite
def lifecycles(draw: st.DrawFn) -> tuple[object, ...]:
    base = draw(st.sampled_from(BASE_DAYS))
    first = base + timedelta(days=draw(st.integers(0, SPAN_DAYS // 2)))
    last = first + timedelta(days=draw(st.integers(0, SPAN_DAYS // 2)))
    funding = draw(st.sampled_from(list(FundingStatus)))
    cancelled = draw(st.booleans())
    drawn = phase(1, {"X"}, first, last, funding)
    drawn = replace(drawn, cancelled=cancelled)
    confirmed_at = draw(st.none() | instants(base))
    cancelled_at = draw(st.none() | instants(base))
    return drawn, draw(st.sampled_from(ZONES)), confirmed_at, cancelled_at, draw(instants(base))


@PROPERTY
@given(lifecycles())
def test_transitions_agree_with_the_status_once_the_decisions_are_known(
    drawn: tuple[object, ...],
) -> None:
    subject, tz, confirmed_at, cancelled_at, at = drawn
    assert isinstance(subject, type(MARCH)) and isinstance(tz, str) and isinstance(at, datetime)
    found = transition_instants(subject, tz, confirmed_at, cancelled_at)  # type: ignore[arg-type]
    states = [t.state for t in found]
    assert PLANNED not in states and len(set(states)) == len(states)  # each state once
    assert [t.at for t in found] == sorted(t.at for t in found)
    zone = ZoneInfo(tz)
    for t in found:
        local = t.at.astimezone(zone).date()
        if t.state is ACTIVE:
            assert subject.starts_on <= local <= subject.ends_on
        if t.state is COMPLETED:
            assert t.at >= local_midnight(subject.ends_on + timedelta(days=1), tz)
    assert all(t.state not in FINAL for t in found[:-1])  # nothing follows the end
    known = [i for i in (confirmed_at, cancelled_at) if isinstance(i, datetime)]
    dropped = subject.cancelled or subject.funding_status is FundingStatus.DECLINED
    if dropped and cancelled_at is None:  # an unknown instant is taken as the first day's
        known.append(local_midnight(subject.starts_on, tz))
    ended = [t.at for t in found if t.state in FINAL]
    in_order = not ended or all(i <= ended[0] for i in known)  # no decision after the end
    if in_order and all(at >= i for i in known):
        # Once every decision has been taken, the transitions say what the status says.
        assert state_at(found, at) is phase_status_at(subject, at, tz)


@PROPERTY
@given(st.sampled_from(BASE_DAYS), st.integers(0, SPAN_DAYS), st.sampled_from(ZONES))
def test_a_funded_phase_runs_exactly_its_local_days(base: date, length: int, tz: str) -> None:
    funded = phase(1, {"X"}, base, base + timedelta(days=length))
    active, completed = transition_instants(funded, tz)
    assert (active.state, completed.state) == (ACTIVE, COMPLETED)
    zone = ZoneInfo(tz)
    assert (active.at - MICRO).astimezone(zone).date() == funded.starts_on - timedelta(days=1)
    assert (completed.at - MICRO).astimezone(zone).date() == funded.ends_on
    assert completed.at.astimezone(zone).date() == funded.ends_on + timedelta(days=1)
    assert is_active_at(funded, active.at, tz) and not is_active_at(funded, active.at - MICRO, tz)
