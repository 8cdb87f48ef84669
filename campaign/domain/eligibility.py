"""Rules 1 and 2 of the playlist engine: which bookings play on a screen, at an instant or a day."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from operator import attrgetter
from typing import TypeVar
from zoneinfo import ZoneInfo

from campaign.domain.model import (
    Booking,
    Message,
    MessageStatus,
    Network,
    Phase,
    PhaseStatus,
    Screen,
    Target,
    TargetKind,
)
from campaign.domain.phases import is_active_at, phase_status

DAY_US = 24 * 3600 * 1_000_000  # a day of wall-clock time, in microseconds
ONE_DAY = timedelta(days=1)
T = TypeVar("T")


# --- Rule 1, part by part ------------------------------------------------------------------------


def message_is_playable(message: Message | None, languages: Sequence[str]) -> bool:
    """Rule 1a. A message plays only when it is approved (not paused, retired, draft or in review)
    and complete in at least one campaign language. It plays in the campaign languages its
    approved version has (`Message.languages_in`): adding a language to a campaign never takes
    an approved message off the screens; its new version adds the language once approved."""
    return (
        message is not None
        and message.status == MessageStatus.APPROVED
        and bool(message.languages_in(tuple(languages)))
    )


def active_phase_numbers(hub_code: str, phases: Iterable[Phase], local_day: date) -> frozenset[int]:
    """Rule 1b. The phases the hub belongs to that are active (funding confirmed, inside their
    dates) on `local_day`, a date in the hub's timezone. No active phase: the hub plays fallback."""
    return frozenset(
        phase.number
        for phase in phases
        if hub_code in phase.hub_codes and phase_status(phase, local_day) is PhaseStatus.ACTIVE
    )


def phase_number(ref: str) -> int | None:
    """The phase number a `phase` target refers to ("2"), or None when the ref is not a number."""
    try:
        return int(ref.strip())
    except ValueError:
        return None


def target_covers(
    target: Target, screen: Screen, active_phases: frozenset[int], venue_type: str = ""
) -> bool:
    """Rule 1c. A phase target covers the screens of the hubs in that phase while the phase is
    active (`active_phases`: the active phases the screen's hub belongs to); a hub target names
    the hub code, a zone target "HUB/ZONE", a screen target the screen code, and a venue target
    the venue type (`venue_type`: the screen's zone's) of every zone it covers, in any hub.

    Whatever the target, a screen plays only while its hub is in an active phase of the
    campaign (the callers check that: no active phase, no booking)."""
    if target.kind == TargetKind.PHASE:
        return phase_number(target.ref) in active_phases
    if target.kind == TargetKind.HUB:
        return target.ref == screen.hub_code
    if target.kind == TargetKind.ZONE:
        return target.ref == f"{screen.hub_code}/{screen.zone_code}"
    if target.kind == TargetKind.SCREEN:
        return target.ref == screen.code
    if target.kind == TargetKind.VENUE:
        return bool(venue_type) and target.ref == venue_type
    return False


def venue_type_of(screen: Screen, network: Network) -> str:
    """The venue type of the screen's zone ("" when the zone has none)."""
    zone = network.zones.get((screen.hub_code, screen.zone_code))
    return zone.venue_type if zone is not None else ""


def screens_covered(target: Target, network: Network) -> list[Screen]:
    """The screens a target can ever cover (rule 1c with every phase of their hub counted as
    active), by code: what a booking on it reaches, before dates, orientation and priority."""
    return TargetReach(network).screens(target)


class TargetReach:
    """`screens_covered` for many targets of one network: the screens are filed by hub, zone
    and venue type once, so a target only looks at those it may name (target_covers decides)."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.phases_of_hub: dict[str, frozenset[int]] = {}
        for phase in network.phases:
            for hub_code in phase.hub_codes:
                known = self.phases_of_hub.get(hub_code, frozenset())
                self.phases_of_hub[hub_code] = known | {phase.number}
        self.filed: dict[tuple[TargetKind, str], list[Screen]] = {}
        for _, screen in sorted(network.screens.items()):
            keys = [
                (TargetKind.HUB, screen.hub_code),
                (TargetKind.ZONE, f"{screen.hub_code}/{screen.zone_code}"),
                (TargetKind.SCREEN, screen.code),
                (TargetKind.VENUE, venue_type_of(screen, network)),
            ]
            for number in self.phases_of_hub.get(screen.hub_code, ()):
                keys.append((TargetKind.PHASE, str(number)))
            for key in keys:
                self.filed.setdefault(key, []).append(screen)

    def screens(self, target: Target) -> list[Screen]:
        kind = TargetKind(target.kind)
        number = phase_number(target.ref) if kind == TargetKind.PHASE else None
        ref = str(number) if number is not None else target.ref
        return [
            screen
            for screen in self.filed.get((kind, ref), [])
            if target_covers(
                target,
                screen,
                self.phases_of_hub.get(screen.hub_code, frozenset()),
                venue_type_of(screen, self.network),
            )
        ]


def orientation_fits(booking: Booking, screen: Screen) -> bool:
    """Rule 1c, continued. A booking without an orientation fits any screen."""
    return booking.orientation is None or booking.orientation == screen.orientation


def is_scheduled_on(booking: Booking, day: date) -> bool:
    """Rule 1d. The day is inside the booking's date range (both ends included) and its weekday is
    one of the booking's weekdays."""
    return booking.starts_on <= day <= booking.ends_on and day.weekday() in booking.weekdays


def wall_micros(at: time) -> int:
    """A wall-clock time as microseconds after midnight."""
    return ((at.hour * 60 + at.minute) * 60 + at.second) * 1_000_000 + at.microsecond


def daily_window(booking: Booking) -> tuple[int, int]:
    """Rule 1d. The daily window [start, end) in microseconds after local midnight; end <= start
    means the window crosses midnight. No window at all (both None) is all day, (0, DAY_US); a
    missing start is midnight and a missing end the end of the day. Loaders refuse start == end;
    should one get here anyway it counts as all day rather than never."""
    if booking.window_start is None and booking.window_end is None:
        return 0, DAY_US
    start = 0 if booking.window_start is None else wall_micros(booking.window_start)
    end = DAY_US if booking.window_end is None else wall_micros(booking.window_end)
    if start == end:
        return 0, DAY_US
    return start, end


def window_day(booking: Booking, local: datetime) -> date | None:
    """Rule 1d. The day whose daily window contains the local wall-clock time `local`, or None.

    A window crossing midnight (22:00-02:00) belongs to the day it starts on: at 01:00 on a
    Tuesday it is Monday's window, so Monday's weekday and date range decide."""
    start, end = daily_window(booking)
    now = wall_micros(local.time())
    if start < end:
        return local.date() if start <= now < end else None
    if now >= start:
        return local.date()
    if now < end:
        return local.date() - ONE_DAY
    return None


def booking_plays_at(booking: Booking, screen: Screen, network: Network, at: datetime) -> bool:
    """Rule 1, as written: whether `booking` plays on `screen` at the aware instant `at`, before
    priorities (rule 2) are applied. Dates, weekdays and windows are read in the hub's timezone."""
    message = network.messages.get(booking.message_key)
    if not message_is_playable(message, network.campaign.languages):
        return False
    timezone = network.hubs[screen.hub_code].timezone
    active = frozenset(
        phase.number
        for phase in network.phases
        if screen.hub_code in phase.hub_codes and is_active_at(phase, at, timezone)
    )
    venue_type = venue_type_of(screen, network)
    if not active or not target_covers(booking.target, screen, active, venue_type):
        return False
    if not orientation_fits(booking, screen):
        return False
    day = window_day(booking, at.astimezone(ZoneInfo(timezone)))
    return day is not None and is_scheduled_on(booking, day)


# --- Rule 2 -------------------------------------------------------------------------------------


def highest_priority(
    items: Iterable[T], priority_of: Callable[[T], int] = attrgetter("priority")
) -> list[T]:
    """Rule 2. Only the highest priority present plays: an urgent booking takes over the screens it
    targets, and the normal loop comes back by itself when the urgent booking no longer plays."""
    items = list(items)
    if not items:
        return []
    top = max(priority_of(item) for item in items)
    return [item for item in items if priority_of(item) == top]


def playing_bookings(screen: Screen, network: Network, at: datetime) -> list[Booking]:
    """Rules 1 and 2 by brute force over every booking: the reference the indexed engine must
    match (tests compare them); the engine itself uses `day_timeline`."""
    return highest_priority(b for b in network.bookings if booking_plays_at(b, screen, network, at))


# --- The same rules over a whole local day, for speed and for rule 7 ----------------------------


def intervals_on(booking: Booking, day: date) -> list[tuple[int, int]]:
    """Rule 1d as wall-clock intervals of `day`: the tail of yesterday's window when it crosses
    midnight, and today's own window, each [start, end) in microseconds after midnight."""
    start, end = daily_window(booking)
    intervals = []
    if end <= start and is_scheduled_on(booking, day - ONE_DAY):
        intervals.append((0, end))
    if is_scheduled_on(booking, day):
        intervals.append((start, end if start < end else DAY_US))
    return intervals


@dataclass(frozen=True)
class Candidate:
    """A booking that can target a screen whatever the time: its target names the screen, its zone,
    its zone's venue type, its hub or (`phase` set) a phase the hub belongs to; orientation
    fits; message playable."""

    index: int  # position in Network.bookings
    booking: Booking
    phase: int | None = None  # a phase target only covers while this phase is active


@dataclass(frozen=True)
class DayTimeline:
    """What plays on a screen over one local day: `sets[i]` (booking indices, rules 1 and 2) plays
    from `starts[i]` (microseconds after local midnight) until the next start. Neighbouring sets
    always differ, so each start after the first is an instant the playlist changes."""

    starts: tuple[int, ...]
    sets: tuple[frozenset[int], ...]

    def segment_at(self, micros: int) -> int:
        """The index of the segment holding the wall-clock time `micros`."""
        return bisect_right(self.starts, micros) - 1


def _candidate_priority(candidate: Candidate) -> int:
    return candidate.booking.priority


NOTHING: frozenset[int] = frozenset()
EMPTY_DAY = DayTimeline(starts=(0,), sets=(NOTHING,))


def day_timeline(
    candidates: Sequence[Candidate], active_phases: frozenset[int], day: date
) -> DayTimeline:
    """Rules 1 and 2 for every wall-clock time of `day` at once, from the screen's candidates and
    the phases active that day: a sweep over the bookings' intervals, keeping in each segment only
    the highest priority present."""
    if not active_phases:
        return EMPTY_DAY
    events: dict[int, list[tuple[int, Candidate]]] = {0: []}
    for candidate in candidates:
        if candidate.phase is not None and candidate.phase not in active_phases:
            continue
        for start, end in intervals_on(candidate.booking, day):
            events.setdefault(start, []).append((1, candidate))
            if end < DAY_US:
                events.setdefault(end, []).append((-1, candidate))
    playing: dict[int, Candidate] = {}
    starts: list[int] = []
    sets: list[frozenset[int]] = []
    for moment in sorted(events):
        for change, candidate in events[moment]:
            if change < 0:
                del playing[candidate.index]
            else:
                playing[candidate.index] = candidate
        top = highest_priority(playing.values(), _candidate_priority)
        current = frozenset(candidate.index for candidate in top)
        if sets and sets[-1] == current:
            continue
        starts.append(moment)
        sets.append(current)
    return DayTimeline(starts=tuple(starts), sets=tuple(sets))


# --- The wall clock of a hub's timezone, for rule 7 ---------------------------------------------

SAMPLE_STEP = timedelta(hours=6)  # offsets never change twice within six hours in tz data


@lru_cache(maxsize=512)
def offset_changes(timezone: str, year: int) -> tuple[datetime, ...]:
    """The instants of `year` (UTC) at which `timezone`'s UTC offset changes: daylight saving time
    starting or ending. Found by sampling the offset every 6 hours and bisecting to the second."""
    zone = ZoneInfo(timezone)

    def offset(stamp: int) -> timedelta | None:
        return datetime.fromtimestamp(stamp, zone).utcoffset()

    start = int(datetime(year, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(year + 1, 1, 1, tzinfo=UTC).timestamp())
    step = int(SAMPLE_STEP.total_seconds())
    changes = []
    low = start
    for high in [*range(start + step, end, step), end]:
        if offset(high) != offset(low):
            before, after = low, high
            while after - before > 1:  # offset(before) is the old offset, offset(after) the new
                middle = (before + after) // 2
                if offset(middle) == offset(low):
                    before = middle
                else:
                    after = middle
            changes.append(datetime.fromtimestamp(after, UTC))
        low = high
    return tuple(changes)


def steady_pieces(
    timezone: str, start: datetime, end: datetime
) -> Iterator[tuple[datetime, datetime, timedelta]]:
    """Cut [start, end) (UTC) at the timezone's offset changes: within each piece the wall clock
    runs steadily (wall = UTC + offset), and only at a cut does it jump (DST)."""
    cuts = sorted(
        {
            change
            for year in range(start.year, end.year + 1)
            for change in offset_changes(timezone, year)
            if start < change < end
        }
    )
    zone = ZoneInfo(timezone)
    bounds = [start, *cuts, end]
    for low, high in pairwise(bounds):
        offset = low.astimezone(zone).utcoffset()
        assert offset is not None
        yield low, high, offset


# --- The index: which bookings can target a screen at all ----------------------------------------


@dataclass(frozen=True)
class NetworkIndex:
    """The bookings that can ever play (their message is playable), filed by what they target, so
    that a screen only looks at the bookings aimed at its phases, hub, zone, venue type or
    itself."""

    network: Network
    by_target: dict[tuple[TargetKind, str], tuple[int, ...]]  # phase refs as str(number)
    phases_of_hub: dict[str, tuple[Phase, ...]]

    def candidates(self, screen: Screen) -> tuple[Candidate, ...]:
        """The screen's candidates (see `Candidate`); target_covers stays the rule, the index only
        saves looking at every booking."""
        phases = self.phases_of_hub.get(screen.hub_code, ())
        numbers = frozenset(phase.number for phase in phases)
        found = [
            (i, number)
            for number in sorted(numbers)
            for i in self.by_target.get((TargetKind.PHASE, str(number)), ())
        ]
        venue_type = venue_type_of(screen, self.network)
        keys = [
            (TargetKind.HUB, screen.hub_code),
            (TargetKind.ZONE, f"{screen.hub_code}/{screen.zone_code}"),
            (TargetKind.SCREEN, screen.code),
        ]
        if venue_type:
            keys.append((TargetKind.VENUE, venue_type))
        for key in keys:
            found.extend((i, None) for i in self.by_target.get(key, ()))
        bookings = self.network.bookings
        return tuple(
            Candidate(i, bookings[i], number)
            for i, number in sorted(found, key=lambda pair: pair[0])
            if target_covers(bookings[i].target, screen, numbers, venue_type)
            and orientation_fits(bookings[i], screen)
        )


def index_network(network: Network) -> NetworkIndex:
    """File the network's playable bookings by target, once, for every screen to use."""
    languages = network.campaign.languages
    playable = {
        key for key, message in network.messages.items() if message_is_playable(message, languages)
    }
    by_target: dict[tuple[TargetKind, str], list[int]] = {}
    for i, booking in enumerate(network.bookings):
        if booking.message_key not in playable:
            continue
        kind, ref = TargetKind(booking.target.kind), booking.target.ref
        if kind == TargetKind.PHASE:
            number = phase_number(ref)
            if number is None:
                continue
            ref = str(number)
        by_target.setdefault((kind, ref), []).append(i)
    phases_of_hub: dict[str, list[Phase]] = {}
    for phase in network.phases:
        for hub_code in phase.hub_codes:
            phases_of_hub.setdefault(hub_code, []).append(phase)
    return NetworkIndex(
        network=network,
        by_target={key: tuple(found) for key, found in by_target.items()},
        phases_of_hub={hub: tuple(phases) for hub, phases in phases_of_hub.items()},
    )
