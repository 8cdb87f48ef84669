"""Rule 1 (which bookings play on a screen) and rule 2 (only the highest priority), part by part."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import (
    DEFAULT_SCREENS,
    PROPERTY,
    booking,
    local,
    message,
    network,
    phase,
    scenarios,
    screen,
    windows,
)

from campaign.domain.eligibility import (
    DAY_US,
    booking_plays_at,
    daily_window,
    day_timeline,
    highest_priority,
    index_network,
    intervals_on,
    is_scheduled_on,
    playing_bookings,
    wall_micros,
    window_day,
)
from campaign.domain.model import FundingStatus, MessageStatus, Orientation, Screen
from campaign.domain.playlist import PlaylistEngine

LIM_DEP = DEFAULT_SCREENS[0]  # LIM-DEP-01, landscape
MONDAY = date(2024, 5, 6)
NOON = local("America/Lima", 2024, 5, 6, 12, 0)


def plays(b, *, at: datetime = NOON, on: Screen = LIM_DEP, **network_options) -> bool:
    options = {"messages": [message("M1")], **network_options}
    return booking_plays_at(b, on, network(bookings=[b], **options), at)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (MessageStatus.APPROVED, True),
        (MessageStatus.PAUSED, False),
        (MessageStatus.RETIRED, False),
        (MessageStatus.IN_REVIEW, False),
        (MessageStatus.DRAFT, False),
    ],
)
def test_only_approved_messages_play(status: MessageStatus, expected: bool) -> None:
    assert plays(booking("B1", "M1"), messages=[message("M1", status=status)]) is expected


def test_a_message_missing_a_campaign_language_plays_in_the_ones_it_has() -> None:
    # A language added to the campaign after approval never takes the message off the screens.
    spanish_only = message("M1", languages=("es",))
    assert plays(booking("B1", "M1"), messages=[spanish_only])
    in_none = message("M1", languages=("qu",))  # no text in any campaign language: nothing to show
    assert not plays(booking("B1", "M1"), messages=[in_none])
    assert not plays(booking("B1", "NOPE"))  # a booking of an unknown message neither


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("hub:LIM", True),
        ("hub:MAD", False),
        ("zone:LIM/DEP", True),
        ("zone:LIM/ARR", False),
        ("zone:MAD/DEP", False),  # same zone code, other hub
        ("screen:LIM-DEP-01", True),
        ("screen:LIM-DEP-02", False),
        ("phase:1", True),
        ("phase:2", False),  # LIM is not in phase 2
        ("phase:x", False),
    ],
)
def test_targets(spec: str, expected: bool) -> None:
    phases = [phase(1, {"LIM", "SCL"}), phase(2, {"MAD"})]
    assert plays(booking("B1", "M1", spec), phases=phases) is expected


def test_a_phase_target_needs_that_phase_active() -> None:
    phases = [phase(1, {"LIM"}), phase(2, {"LIM"}, date(2024, 6, 1), date(2024, 8, 31))]
    assert plays(booking("B1", "M1", "phase:1"), phases=phases)
    assert not plays(booking("B1", "M1", "phase:2"), phases=phases)  # upcoming on 6 May
    assert plays(booking("B1", "M1", "phase:2"), phases=phases, at=NOON + timedelta(days=30))


@pytest.mark.parametrize(
    "phases",
    [
        [],
        [phase(1, {"MAD"})],  # LIM in no phase
        [phase(1, {"LIM"}, date(2024, 1, 1), date(2024, 5, 5))],  # ended the day before
        [phase(1, {"LIM"}, funding=FundingStatus.PENDING)],
        [phase(1, {"LIM"}, funding=FundingStatus.DECLINED)],
    ],
)
def test_nothing_plays_unless_the_hub_is_in_an_active_phase(phases) -> None:
    assert not plays(booking("B1", "M1", "screen:LIM-DEP-01"), phases=phases)


@pytest.mark.parametrize(
    ("orientation", "expected"),
    [(None, True), (Orientation.LANDSCAPE, True), (Orientation.PORTRAIT, False)],
)
def test_orientation(orientation: Orientation | None, expected: bool) -> None:
    assert plays(booking("B1", "M1", orientation=orientation)) is expected


def test_dates_are_inclusive_and_weekdays_count() -> None:
    assert plays(booking("B1", "M1", starts_on=MONDAY, ends_on=MONDAY))
    assert not plays(booking("B1", "M1", starts_on=MONDAY + timedelta(1)))
    assert not plays(booking("B1", "M1", ends_on=MONDAY - timedelta(1)))
    assert plays(booking("B1", "M1", weekdays=frozenset({0})))  # 6 May 2024 is a Monday
    assert not plays(booking("B1", "M1", weekdays=frozenset({1, 2, 3, 4, 5, 6})))


def test_dates_are_local_to_the_hub() -> None:
    # 7 May 03:00 UTC is still Monday 6 May, 22:00 in Lima, but Tuesday 05:00 in Madrid.
    b = booking("B1", "M1", "hub:LIM", starts_on=MONDAY, ends_on=MONDAY)
    late = datetime.fromisoformat("2024-05-07T03:00:00+00:00")
    assert plays(b, at=late)
    assert not plays(booking("B1", "M1", "hub:MAD", ends_on=MONDAY), on=DEFAULT_SCREENS[4], at=late)


def test_the_daily_window_is_start_inclusive_end_exclusive() -> None:
    b = booking("B1", "M1", window=(time(9), time(17)))
    assert not plays(b, at=local("America/Lima", 2024, 5, 6, 8, 59, 59))
    assert plays(b, at=local("America/Lima", 2024, 5, 6, 9, 0))
    assert plays(b, at=local("America/Lima", 2024, 5, 6, 16, 59, 59))
    assert not plays(b, at=local("America/Lima", 2024, 5, 6, 17, 0))


def test_a_window_crossing_midnight_belongs_to_the_day_it_starts() -> None:
    monday_nights = booking("B1", "M1", weekdays=frozenset({0}), window=(time(22), time(2)))
    at = lambda *args: local("America/Lima", *args)  # noqa: E731
    assert plays(monday_nights, at=at(2024, 5, 6, 23, 0))  # Monday night
    assert plays(monday_nights, at=at(2024, 5, 7, 1, 0))  # Tuesday 01:00 is Monday's window
    assert not plays(monday_nights, at=at(2024, 5, 7, 2, 0))
    assert not plays(monday_nights, at=at(2024, 5, 6, 1, 0))  # Sunday's window: not Sunday
    assert not plays(monday_nights, at=at(2024, 5, 7, 22, 30))  # Tuesday night
    from_tuesday = booking("B1", "M1", starts_on=MONDAY + timedelta(1), window=(time(22), time(2)))
    assert not plays(from_tuesday, at=at(2024, 5, 7, 1, 0))  # Monday's window: before the range
    assert plays(from_tuesday, at=at(2024, 5, 8, 1, 0))
    until_monday = booking("B1", "M1", ends_on=MONDAY, window=(time(22), time(2)))
    assert plays(until_monday, at=at(2024, 5, 7, 1, 30))  # the last window runs past its date


def test_window_day() -> None:
    b = booking("B1", "M1", window=(time(22), time(2)))
    assert window_day(b, datetime(2024, 5, 7, 1, 0)) == MONDAY
    assert window_day(b, datetime(2024, 5, 6, 22, 0)) == MONDAY
    assert window_day(b, datetime(2024, 5, 6, 12, 0)) is None
    assert window_day(booking("B1", "M1"), datetime(2024, 5, 6, 0, 0)) == MONDAY
    half_open = booking("B1", "M1", window=(time(20), time(2)))
    assert window_day(half_open, datetime(2024, 5, 6, 2, 0)) is None


def test_half_open_and_empty_windows() -> None:
    evenings = replace(booking("B1", "M1"), window_start=time(20))  # no end: until midnight
    assert daily_window(evenings) == (20 * 3600 * 1_000_000, DAY_US)
    mornings = replace(booking("B1", "M1"), window_end=time(6))  # no start: from midnight
    assert daily_window(mornings) == (0, 6 * 3600 * 1_000_000)
    assert plays(mornings, at=local("America/Lima", 2024, 5, 6, 5, 59))
    assert not plays(mornings, at=local("America/Lima", 2024, 5, 6, 6, 0))
    same = booking("B1", "M1", window=(time(8), time(8)))  # loaders refuse it: all day, not never
    assert daily_window(same) == (0, DAY_US)


def test_intervals_on_a_day() -> None:
    hour = 3600 * 1_000_000
    nights = booking("B1", "M1", starts_on=MONDAY, ends_on=MONDAY, window=(time(22), time(2)))
    assert intervals_on(nights, MONDAY) == [(22 * hour, DAY_US)]
    assert intervals_on(nights, MONDAY + timedelta(1)) == [(0, 2 * hour)]
    assert intervals_on(booking("B2", "M1"), MONDAY) == [(0, DAY_US)]
    assert intervals_on(booking("B3", "M1", starts_on=MONDAY + timedelta(1)), MONDAY) == []


def test_highest_priority_only() -> None:
    normal, urgent, also_urgent = (
        booking("B1", "M1"),
        booking("U1", "M1", priority=5),
        booking("U2", "M1", priority=5),
    )
    assert highest_priority([normal, urgent, also_urgent]) == [urgent, also_urgent]
    assert highest_priority([normal]) == [normal]
    assert highest_priority([]) == []


def test_timeline_keeps_the_top_priority_and_merges_equal_neighbours() -> None:
    hour = 3600 * 1_000_000
    n = network(
        messages=[message("M1")],
        bookings=[
            booking("B1", "M1"),
            booking("U1", "M1", priority=1, window=(time(9), time(10))),
            booking("B2", "M1", window=(time(9, 30), time(12))),
        ],
    )
    candidates = index_network(n).candidates(LIM_DEP)
    timeline = day_timeline(candidates, frozenset({1}), MONDAY)
    assert timeline.starts == (0, 9 * hour, 10 * hour, 12 * hour)
    assert timeline.sets == (frozenset({0}), frozenset({1}), frozenset({0, 2}), frozenset({0}))
    assert day_timeline(candidates, frozenset(), MONDAY).sets == (frozenset(),)


# --- Properties ---------------------------------------------------------------------------------


@PROPERTY
@given(windows(), st.integers(-2, 2), st.integers(0, 24 * 60 - 1), st.frozensets(st.integers(0, 6)))
def test_intervals_agree_with_window_day(window, shift, minute, weekdays) -> None:
    """The day-at-once form of rule 1d (used by the engine) says what the literal form says."""
    end = MONDAY + timedelta(2)
    b = booking("B1", "M1", starts_on=MONDAY, ends_on=end, window=window, weekdays=weekdays)
    day = MONDAY + timedelta(shift)
    wall = datetime.combine(day, time()) + timedelta(minutes=minute)
    window_of = window_day(b, wall)
    literal = window_of is not None and is_scheduled_on(b, window_of)
    micros = wall_micros(wall.time())
    by_interval = any(start <= micros < end for start, end in intervals_on(b, day))
    assert by_interval == literal


@PROPERTY
@given(scenarios())
def test_the_index_and_timelines_match_the_literal_rules(scenario) -> None:
    """What the engine finds through its index and day timelines is what rules 1 and 2 say when
    every booking of the network is checked one by one."""
    n, at = scenario
    engine = PlaylistEngine(n)
    for s in n.screens.values():
        for instant in [at + timedelta(hours=hours) for hours in range(0, 36, 3)]:
            expected = [b.key for b in playing_bookings(s, n, instant)]
            assert sorted(expected) == [b.key for b in engine.playing(s, instant)]


def test_a_screen_outside_the_network_is_judged_by_its_own_fields() -> None:
    n = network(messages=[message("M1")], bookings=[booking("B1", "M1", "zone:LIM/GATE")])
    gate = screen("LIM-GATE-09", zone="GATE")
    assert [b.key for b in PlaylistEngine(n).playing(gate, NOON)] == ["B1"]
