"""A booking on a venue type: every zone of that type, in every hub, and no other; in plans too."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta
from pathlib import Path

import pytest
import tomli_w
from strategies import booking, local, message, network, phase, screen

from campaign.domain.eligibility import (
    booking_plays_at,
    playing_bookings,
    screens_covered,
    target_covers,
)
from campaign.domain.model import Network, Target, TargetKind
from campaign.domain.plan_writer import plan_to_document
from campaign.domain.plans import PlanError, parse_plan
from campaign.domain.playback import NetworkPlayback

GATES = "transit.airports.gates"
ARRIVALS = "transit.airports.arrivals_hall"
SCREENS = (
    screen("LIM-GAT-01", zone="GAT"),
    screen("LIM-ARR-01", zone="ARR"),
    screen("SCL-GAT-01", hub="SCL", zone="GAT"),
    screen("MAD-GAT-01", hub="MAD", zone="GAT"),
    screen("MAD-ARR-01", hub="MAD", zone="ARR"),
)
AT = local("America/Lima", 2026, 11, 28, 12)


def with_venues(net: Network) -> Network:
    """The zones named GAT are boarding gates, those named ARR arrivals halls."""
    kinds = {"GAT": GATES, "ARR": ARRIVALS}
    zones = {key: replace(z, venue_type=kinds[z.code]) for key, z in net.zones.items()}
    return replace(net, zones=zones)


def gates_network(**kwargs: object) -> Network:
    bookings = kwargs.pop("bookings", [booking("gates", "M1", on=f"venue:{GATES}")])
    return with_venues(
        network(messages=[message("M1")], bookings=bookings, screens=SCREENS, **kwargs)  # type: ignore[arg-type]
    )


def test_a_venue_target_covers_every_zone_of_its_type_in_every_hub_and_no_other() -> None:
    net = gates_network()
    reached = [s.code for s in screens_covered(Target(TargetKind.VENUE, GATES), net)]
    assert reached == ["LIM-GAT-01", "MAD-GAT-01", "SCL-GAT-01"]
    for code in ("LIM-GAT-01", "SCL-GAT-01", "MAD-GAT-01"):
        assert [b.key for b in playing_bookings(net.screens[code], net, AT)] == ["gates"]
    for code in ("LIM-ARR-01", "MAD-ARR-01"):
        assert playing_bookings(net.screens[code], net, AT) == []


def test_a_zone_without_a_venue_type_is_never_reached_by_one() -> None:
    untyped = screen("LIM-DEP-01")
    assert not target_covers(Target(TargetKind.VENUE, GATES), untyped, frozenset({1}))
    assert not target_covers(Target(TargetKind.VENUE, ""), untyped, frozenset({1}), "")
    assert target_covers(Target(TargetKind.VENUE, GATES), untyped, frozenset(), GATES)


def test_a_venue_booking_plays_only_where_a_phase_of_the_campaign_runs() -> None:
    net = gates_network(phases=[phase(1, {"LIM", "SCL"})])
    gates = net.bookings[0]
    assert booking_plays_at(gates, net.screens["LIM-GAT-01"], net, AT)
    assert booking_plays_at(gates, net.screens["SCL-GAT-01"], net, AT)
    assert not booking_plays_at(gates, net.screens["MAD-GAT-01"], net, AT)  # MAD: no phase


def test_the_engine_plays_venue_bookings_as_the_rules_say() -> None:
    late = booking("late", "M2", on=f"venue:{ARRIVALS}", window=(time(22), time(2)), priority=1)
    net = with_venues(
        network(
            messages=[message("M1"), message("M2")],
            bookings=[booking("gates", "M1", on=f"venue:{GATES}"), late],
            screens=SCREENS,
        )
    )
    engine = NetworkPlayback([net])
    start = local("America/Lima", 2026, 11, 27)
    for hour in range(0, 48, 1):
        at = start + timedelta(hours=hour)
        for code, shown in net.screens.items():
            expected = {b.message_key for b in playing_bookings(shown, net, at)}
            loop = engine.loop(code, at)
            played = {i.message_key for i in loop.items if i.booking_key}
            assert played == expected, (code, at)


def test_a_window_across_midnight_plays_at_one_and_not_at_three() -> None:
    late = booking("late", "M1", on=f"venue:{GATES}", window=(time(22), time(2)))
    net = gates_network(bookings=[late])
    lima = net.screens["LIM-GAT-01"]
    assert booking_plays_at(late, lima, net, local("America/Lima", 2026, 11, 28, 1))
    assert not booking_plays_at(late, lima, net, local("America/Lima", 2026, 11, 28, 3))
    assert booking_plays_at(late, lima, net, local("America/Lima", 2026, 11, 28, 23))


# --- Plans ---------------------------------------------------------------------------------------

DEMO = (Path(__file__).resolve().parents[2] / "schedules" / "peru-unido-2026.toml").read_text()
VENUE_BOOKING = """
[[bookings]]
key = "gates-evenings"
message = "where-to-report"
target = "venue:transit.airports.gates"
starts_on = 2026-09-01
ends_on = 2026-11-30
window = "22:00-02:00"
"""


def test_a_plan_books_a_venue_type_and_writes_it_back_the_same() -> None:
    plan = parse_plan(DEMO + VENUE_BOOKING, "plan.toml")
    gates = next(b for b in plan.bookings if b.key == "gates-evenings")
    assert gates.target == Target(TargetKind.VENUE, "transit.airports.gates")
    written = tomli_w.dumps(plan_to_document(plan))
    assert 'target = "venue:transit.airports.gates"' in written
    again = tomli_w.dumps(plan_to_document(parse_plan(written, "dump.toml")))
    assert again == written


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        (
            "venue:transit.airports.lounges",
            "bookings[gates-evenings].target: no zone has the venue type "
            "'transit.airports.lounges'",
        ),
        (
            "venue:Airport Gates",
            "bookings[gates-evenings].target: 'Airport Gates' is not a venue type code like "
            "\"transit.airports.departures\" (lowercase letters, digits and '_', parts joined "
            "by '.')",
        ),
    ],
)
def test_a_plan_naming_no_venue_type_in_use_is_refused(target: str, problem: str) -> None:
    text = DEMO + VENUE_BOOKING.replace("venue:transit.airports.gates", target)
    with pytest.raises(PlanError) as refused:
        parse_plan(text, "plan.toml")
    assert refused.value.problems == [f"plan.toml: {problem}"]
