"""Rules 2 and 7 by hand-checked examples: takeovers, valid_until edges, DST in Madrid, Santiago."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from strategies import DEFAULT_SCREENS, booking, local, message, network, phase, utc

from campaign.domain.model import Network
from campaign.domain.playlist import PlaylistEngine, PlaylistSettings, build_playlist

LIM_DEP, _, _, SCL_DEP, _ = DEFAULT_SCREENS
MONDAY_NOON = local("America/Lima", 2024, 5, 6, 12, 0)


def two_messages(**options) -> Network:
    return network(
        messages=[message("M1"), message("M2")],
        bookings=[booking("B1", "M1"), booking("B2", "M2")],
        **options,
    )


# --- Rule 2: priority ---------------------------------------------------------------------------


def test_an_urgent_booking_takes_over_and_the_loop_comes_back() -> None:
    n = network(
        messages=[message("M1"), message("M2"), message("ALERT")],
        bookings=[
            booking("B1", "M1"),
            booking("B2", "M2", "zone:LIM/DEP"),
            booking("U1", "ALERT", "screen:LIM-DEP-01", priority=9, window=(time(9), time(10))),
        ],
    )
    engine = PlaylistEngine(n)
    before = engine.build("LIM-DEP-01", local("America/Lima", 2024, 5, 6, 8, 0))
    assert {i.message_key for i in before.items} == {"M1", "M2"}
    assert before.valid_until == local("America/Lima", 2024, 5, 6, 9, 0)
    urgent = engine.build("LIM-DEP-01", before.valid_until)
    assert {i.booking_key for i in urgent.items} == {"U1"}
    assert urgent.valid_until == local("America/Lima", 2024, 5, 6, 10, 0)
    after = engine.build("LIM-DEP-01", urgent.valid_until)
    assert after.version == before.version  # the normal loop, by itself
    assert after.valid_until == local("America/Lima", 2024, 5, 7, 9, 0)  # tomorrow's takeover
    neighbour = engine.build("LIM-DEP-02", local("America/Lima", 2024, 5, 6, 9, 30))
    assert {i.message_key for i in neighbour.items} == {"M1", "M2"}  # not targeted


# --- Rule 7: valid until ------------------------------------------------------------------------


def test_valid_until_is_capped_at_max_validity() -> None:
    n = two_messages()
    assert build_playlist(LIM_DEP, n, MONDAY_NOON).valid_until == MONDAY_NOON + timedelta(days=1)
    hour = PlaylistSettings(max_validity=timedelta(hours=1))
    assert build_playlist(LIM_DEP, n, MONDAY_NOON, hour).valid_until == utc(2024, 5, 6, 18, 0)


def test_valid_until_is_the_next_local_edge() -> None:
    n = network(
        messages=[message("M1"), message("M2")],
        bookings=[
            booking("B1", "M1"),
            booking("B2", "M2", window=(time(22), time(2)), weekdays=frozenset({0})),
        ],
    )
    engine = PlaylistEngine(n)
    walk = []
    at = MONDAY_NOON
    for _ in range(4):
        playlist = engine.build("LIM-DEP-01", at)
        walk.append(
            (
                playlist.valid_until.astimezone(ZoneInfo("America/Lima")).isoformat(),
                len(playlist.items),
            )
        )
        at = playlist.valid_until
    assert walk == [
        ("2024-05-06T22:00:00-05:00", 2),  # M1 alone until Monday 22:00
        ("2024-05-07T02:00:00-05:00", 4),  # Monday's window runs into Tuesday
        ("2024-05-08T02:00:00-05:00", 2),  # capped: 24 h, Tuesday night has no window
        ("2024-05-09T02:00:00-05:00", 2),
    ]


def test_a_phase_ending_is_a_local_midnight_edge() -> None:
    n = two_messages(phases=[phase(1, {"LIM"}, date(2024, 1, 1), date(2024, 5, 6))])
    late = utc(2024, 5, 7, 4, 0)  # Monday 23:00 in Lima, already Tuesday in UTC
    playlist = build_playlist(LIM_DEP, n, late)
    assert not playlist.is_fallback
    assert playlist.valid_until == utc(2024, 5, 7, 5, 0)  # midnight in Lima
    assert build_playlist(LIM_DEP, n, playlist.valid_until).is_fallback


def madrid_walk(n: Network, start: datetime, steps: int) -> list[tuple[str, bool]]:
    engine = PlaylistEngine(n, PlaylistSettings(max_validity=timedelta(hours=30)))
    walk = []
    for _ in range(steps):
        playlist = engine.build("MAD-DEP-01", start)
        walk.append(
            (playlist.valid_until.isoformat(), "W" in {i.booking_key for i in playlist.items})
        )
        start = playlist.valid_until
    return walk


def test_a_window_edge_in_the_spring_forward_gap_takes_effect_after_the_gap() -> None:
    # Madrid, 31 March 2024: 02:00 CET (01:00 UTC) becomes 03:00 CEST; 02:30 never happens.
    n = network(
        messages=[message("M1")],
        bookings=[booking("W", "M1", "hub:MAD", window=(time(2, 30), time(4)))],
    )
    assert madrid_walk(n, local("Europe/Madrid", 2024, 3, 31, 0, 0), 3) == [
        ("2024-03-31T01:00:00+00:00", False),  # plays from the first instant after the gap
        ("2024-03-31T02:00:00+00:00", True),  # until 04:00 CEST
        ("2024-04-01T00:30:00+00:00", False),  # next day 02:30 CEST
    ]


def test_a_window_in_the_repeated_fall_back_hour_plays_twice() -> None:
    # Madrid, 27 October 2024: 03:00 CEST (01:00 UTC) becomes 02:00 CET; 02:00-03:00 twice.
    n = network(
        messages=[message("M1")],
        bookings=[booking("W", "M1", "hub:MAD", window=(time(2, 30), time(3, 30)))],
    )
    assert madrid_walk(n, local("Europe/Madrid", 2024, 10, 27, 0, 0), 5) == [
        ("2024-10-27T00:30:00+00:00", False),  # 02:30 CEST
        ("2024-10-27T01:00:00+00:00", True),  # the clock goes back to 02:00: outside again
        ("2024-10-27T01:30:00+00:00", False),  # 02:30 CET, the second time
        ("2024-10-27T02:30:00+00:00", True),  # 03:30 CET
        ("2024-10-28T01:30:00+00:00", False),  # 02:30 CET on Monday
    ]


def test_santiago_midnight_that_never_happens_and_the_one_that_happens_twice() -> None:
    # 8 September 2024: 00:00 -04 (04:00 UTC) is 01:00 -03, so 8 September starts at 04:00 UTC.
    n = network(
        messages=[message("M1")],
        bookings=[booking("B1", "M1", "hub:SCL", starts_on=date(2024, 9, 8))],
    )
    playlist = build_playlist(SCL_DEP, n, local("America/Santiago", 2024, 9, 7, 22, 0))
    assert playlist.is_fallback and playlist.valid_until == utc(2024, 9, 8, 4, 0)
    assert not build_playlist(SCL_DEP, n, playlist.valid_until).is_fallback
    # 7 April 2024: 00:00 -03 (03:00 UTC) goes back to 23:00 -04 on the 6th; the 7th starts at
    # 00:00 -04 (04:00 UTC), after 6 April 23:00-24:00 has been lived twice.
    n = network(
        messages=[message("M1")],
        bookings=[booking("B1", "M1", "hub:SCL", starts_on=date(2024, 4, 7))],
    )
    playlist = build_playlist(SCL_DEP, n, local("America/Santiago", 2024, 4, 6, 22, 0))
    assert playlist.is_fallback and playlist.valid_until == utc(2024, 4, 7, 4, 0)
    assert build_playlist(SCL_DEP, n, utc(2024, 4, 7, 3, 30)).is_fallback  # 23:30 -04, the 6th
