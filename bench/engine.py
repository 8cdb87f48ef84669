"""Benchmark of the playlist engine: every screen once, and every change point over a week."""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall
from decimal import Decimal

from campaign.domain.eligibility import playing_bookings
from campaign.domain.model import (
    ALL_WEEKDAYS,
    Booking,
    Campaign,
    FundingStatus,
    Hub,
    HubKind,
    Message,
    MessageStatus,
    MessageText,
    Network,
    Orientation,
    Phase,
    Screen,
    Target,
    TargetKind,
    Zone,
)
from campaign.domain.playback import NetworkPlayback

SEED = 20240324
AT = datetime(2024, 3, 27, 15, 0, tzinfo=UTC)  # the week after spans Europe's spring forward,
WEEK = timedelta(days=7)  # Santiago's fall back is 6 April: we walk 27 March - 3 April
TIMEZONES = (
    "America/Lima",
    "America/Lima",
    "America/Bogota",
    "America/Mexico_City",
    "America/Santiago",  # DST
    "America/New_York",  # DST
    "Europe/Madrid",  # DST
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "America/Havana",  # DST, changing at local midnight
)
ZONES = ("DEP", "ARR", "BAG", "GATE")
SCREENS_PER_HUB = 20
REPEATS = 3
CONTROL = "control_literal_rules_per_screen_ms"
PHASE_DATES = (
    (date(2024, 1, 1), date(2024, 12, 31)),
    (date(2024, 2, 1), date(2024, 6, 30)),
    (date(2023, 12, 1), date(2024, 3, 30)),
)


def _text(rng: random.Random, lang: str) -> MessageText:
    words = [f"{lang}{i}" for i in range(rng.randint(6, 45))]
    return MessageText(headline=" ".join(words[:4]), body=" ".join(words[4:]), hotline="0800")


def synthetic_network(scale: int = 1, seed: int = SEED) -> Network:
    """60×scale hubs, 1,200×scale screens, 500×scale messages, 2,000×scale bookings.

    The network is `scale` blocks drawn alike (block k from seed + k): 60 hubs in mixed timezones
    in three phases of 20 (the third ending mid-week, two hubs in none), 20 screens a hub, 500
    messages (a few paused, in review or missing English; the campaign's first ten are its
    fallback), 2,000 bookings aimed inside the block. Block 0 is the scale-1 network, so a
    growth ratio of 2.0 means the engine's cost is linear in the network's size."""
    parts = [_block(k, random.Random(seed + k)) for k in range(scale)]
    return Network(
        campaign=Campaign("bench", {"es": "Banco", "en": "Bench"}),
        phases=tuple(phase for part in parts for phase in part.phases),
        hubs={code: hub for part in parts for code, hub in part.hubs.items()},
        zones={key: zone for part in parts for key, zone in part.zones.items()},
        screens={code: screen for part in parts for code, screen in part.screens.items()},
        messages={key: message for part in parts for key, message in part.messages.items()},
        bookings=tuple(booking for part in parts for booking in part.bookings),
    )


def _block(k: int, rng: random.Random) -> Network:
    codes = [f"H{60 * k + i:03d}" for i in range(60)]
    hubs = {
        code: Hub(code, f"Hub {code}", HubKind.AIRPORT, TIMEZONES[i % len(TIMEZONES)])
        for i, code in enumerate(codes)
    }
    phases = [
        _phase(3 * k + n + 1, codes[20 * n : 20 * n + (18 if n == 2 else 20)], *dates)
        for n, dates in enumerate(PHASE_DATES)
    ]
    zones = {(h, z): Zone(h, z, z, language_policy=None) for h in codes for z in ZONES}
    policies = (None, None, None, "alternate", "bilingual", "es")
    screens = {}
    for h in codes:
        for n in range(SCREENS_PER_HUB):
            code = f"{h}-{ZONES[n % len(ZONES)]}-{n:02d}"
            orientation = Orientation.PORTRAIT if n % 3 == 0 else Orientation.LANDSCAPE
            screens[code] = Screen(
                code, h, ZONES[n % len(ZONES)], orientation, 1920, 1080, rng.choice(policies)
            )
    statuses = [MessageStatus.APPROVED] * 17 + [MessageStatus.PAUSED, MessageStatus.IN_REVIEW]
    messages = {}
    for i in range(500 * k, 500 * (k + 1)):
        langs = ("es", "en") if rng.random() > 0.03 else ("es",)  # a few lack English
        messages[f"M{i:05d}"] = Message(
            key=f"M{i:05d}",
            version=rng.randint(1, 4),
            status=MessageStatus.APPROVED if i < 10 else rng.choice(statuses),
            texts={lang: _text(rng, lang) for lang in langs},
            is_fallback=i < 10,
        )
    message_keys, screen_codes = sorted(messages), sorted(screens)
    phase_numbers = [phase.number for phase in phases]
    bookings = tuple(
        _booking(rng, i, codes, screen_codes, message_keys, phase_numbers)
        for i in range(2000 * k, 2000 * (k + 1))
    )
    return Network(Campaign("bench", {}), tuple(phases), hubs, zones, screens, messages, bookings)


def _phase(number: int, hub_codes: list[str], starts_on: date, ends_on: date) -> Phase:
    return Phase(
        number, f"Phase {number}", starts_on, ends_on, FundingStatus.CONFIRMED,
        frozenset(hub_codes), budget=Decimal(100_000),
    )  # fmt: skip


def _booking(
    rng: random.Random,
    i: int,
    hubs: list[str],
    screens: list[str],
    messages: list[str],
    phases: list[int],
) -> Booking:
    roll = rng.random()
    if roll < 0.01:
        target = Target(TargetKind.PHASE, str(rng.choice(phases)))
    elif roll < 0.35:
        target = Target(TargetKind.HUB, rng.choice(hubs))
    elif roll < 0.75:
        target = Target(TargetKind.ZONE, f"{rng.choice(hubs)}/{rng.choice(ZONES)}")
    else:
        target = Target(TargetKind.SCREEN, rng.choice(screens))
    starts_on = AT.date() + timedelta(days=rng.randint(-60, 10))
    window = (None, None)
    roll = rng.random()
    if roll < 0.3:
        start = rng.randint(5, 20)
        window = (wall(start, rng.choice((0, 30))), wall(start + rng.randint(1, 3)))
    elif roll < 0.4:
        window = (wall(rng.randint(20, 23)), wall(rng.randint(1, 5)))  # crosses midnight
    return Booking(
        key=f"B{i:06d}",
        message_key=rng.choice(messages),
        target=target,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=rng.randint(3, 90)),
        weekdays=ALL_WEEKDAYS if rng.random() < 0.8 else frozenset(rng.sample(range(7), 5)),
        window_start=window[0],
        window_end=window[1],
        weight=rng.choice((1, 1, 1, 2, 3, 5)),
        priority=1 if rng.random() < 0.03 else 0,
        slot_duration_s=rng.choice((8, 10, 15)),
        orientation=rng.choice((None, None, None, Orientation.LANDSCAPE, Orientation.PORTRAIT)),
    )


def build_all(network: Network) -> int:
    """(a) Every screen's loop at AT, with a fresh engine (index and caches included): the same
    `NetworkPlayback` the poll and the previews are answered by."""
    engine = NetworkPlayback([network])
    for code in network.screens:
        engine.loop(code, AT)
    return len(network.screens)


def walk_week(network: Network) -> int:
    """(b) Every screen, from AT, rebuilt at each valid_until until a week has passed."""
    engine = NetworkPlayback([network])
    end = AT + WEEK
    builds = 0
    for code in network.screens:
        at = AT
        while at < end:
            at = engine.loop(code, at).valid_until
            builds += 1
    return builds


def literal_rules(network: Network) -> int:
    """Control: rules 1 and 2 alone, checked booking by booking with no index, on every 20th
    screen at AT (what an engine without pre-indexing would pay before even building items)."""
    screens = list(network.screens.values())[::20]
    for screen in screens:
        playing_bookings(screen, network, AT)
    return len(screens)


def _best_of(function, network: Network) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(REPEATS):
        started = time.perf_counter()
        count = function(network)
        best = min(best, time.perf_counter() - started)
    return best, count


def run(scale: int = 1) -> dict:
    """Build the synthetic network at `scale` and time (a) and (b), best of three each."""
    network = synthetic_network(scale)
    build_s, screens = _best_of(build_all, network)
    walk_s, builds = _best_of(walk_week, network)
    control_s, sampled = _best_of(literal_rules, network)
    return {
        "scale": scale,
        "hubs": len(network.hubs),
        "screens": screens,
        "messages": len(network.messages),
        "bookings": len(network.bookings),
        "build_all_s": round(build_s, 4),
        "build_per_screen_ms": round(build_s / screens * 1000, 4),
        "week_walk_s": round(walk_s, 4),
        "week_builds": builds,
        "week_per_build_us": round(walk_s / builds * 1e6, 2),
        CONTROL: round(control_s / sampled * 1000, 4),
        "engine_speedup_vs_control": round((control_s / sampled) / (build_s / screens), 1),
    }


def run_all() -> dict:
    """Scales 1 and 2, and how the times grow from one to the other (2.0 is linear; the control,
    checking every booking for every screen, grows as 4.0: twice the screens, twice the
    bookings each)."""
    one, two = run(1), run(2)
    return {
        "scale_1": one,
        "scale_2": two,
        "build_all_growth": round(two["build_all_s"] / one["build_all_s"], 2),
        "week_walk_growth": round(two["week_walk_s"] / one["week_walk_s"], 2),
        "control_growth": round(2 * two[CONTROL] / one[CONTROL], 2),  # all screens: twice
    }


def _print_table(results: dict) -> None:
    rows = [results["scale_1"], results["scale_2"]]
    print(f"{'':36}" + "".join(f"{'scale ' + str(r['scale']):>12}" for r in rows))
    for key in (k for k in rows[0] if k != "scale"):
        print(f"{key:36}" + "".join(f"{r[key]:>12}" for r in rows))
    for key in ("build_all_growth", "week_walk_growth", "control_growth"):
        print(f"{key:36}{results[key]:>12}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        print(run(int(sys.argv[1])))
    else:
        _print_table(run_all())
