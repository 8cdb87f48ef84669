"""Planned plays per booking, screen and day, by walking the schedule the screens are given.

The rule ("a loop restarts when the playlist changes"), for each screen in the report's scope
(the phase's hubs, or the hub, else every hub of the campaign's phases):

1. The walk covers the screen's hub-local days of the range: from local midnight of the first
   day to the local midnight after the last one (23 or 25 hours on a DST day), or to `until`
   (the report's now) when that comes first: what has not happened yet is not planned yet.
2. At an instant t the screen plays `Playback().screen_playlist(code, t, draw=False)`: the same
   loop the poll gives it (every campaign on the screen mixed by share of voice; an item that
   cannot be drawn left out, so it is never planned). The loop holds until its `valid_until`,
   the next instant the playlist can change.
3. The items play in order, each for its `duration_s`, back to back, round and round, starting
   with the first item at the instant the loop begins. The loop begins at the walk's start and
   again at each instant the playlist changes (its items differ from the ones before). A
   `valid_until` after which the same items come back is no change: the loop goes on.
4. An item is planned once each time it starts before the loop ends (a change, or the end of the
   range): an item cut short by a change still counts. A start counts on the hub-local day it
   falls on.
5. Only the report's campaign's items are counted (other campaigns' items take their turns but
   are theirs); an item with no booking (`booking_key` None) is the campaign's fallback, counted
   apart.

Planned is the schedule as it stands now (bookings, messages, phases): a day in the past is
planned with today's bookings. Actual plays are the reports service's
(`reports.plays_by_booking`): the accepted plays with the booking their served version gave
them (`PlayRecord.booking_key`), so a player that follows this rule exactly gives
actual == planned.

Speed, measured on the demo with screens added up to 20 (phase 1: 91 days at Lima; 2 cores
shared with other work): 0.30-0.35 s, 2,275 playlists looked up (one `Playback` for the walk;
its engines cache each local day's timeline), 0.36 s for the whole delivery report.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from campaign.domain.playlist import PlaylistItem
from campaign.extensions import db
from campaign.persistence.campaigns import Phase
from campaign.services.playback import Playback
from campaign.services.report_filters import ReportFilter

ONE_DAY = timedelta(days=1)
MICROS = 1_000_000

# (screen code, booking key or None for fallback, hub-local day) → plays
Counts = dict[tuple[str, str | None, date], int]


@dataclass(frozen=True)
class ScreenInScope:
    code: str
    hub_code: str
    zone_code: str
    timezone: str


@dataclass(frozen=True)
class LoopRun:
    """A stretch of one screen's time in which one loop plays from its first item: [start, end)."""

    start: datetime
    end: datetime
    items: tuple[PlaylistItem, ...]
    lookups: int = 1  # playlists looked up that gave these items


@dataclass(frozen=True)
class PlannedPlays:
    """What the schedule plans in a report's scope: plays and on-screen seconds per screen,
    booking (None: fallback) and local day, for the report's campaign only."""

    screens: tuple[ScreenInScope, ...]
    plays: Counts
    seconds: dict[tuple[str, str | None, date], float]
    lookups: int  # playlists looked up on the walk


def starts_between(offset_us: int, cycle_us: int, low_us: int, high_us: int) -> int:
    """How many of the instants offset + k·cycle (k = 0, 1, …) fall in [low, high): the starts
    of one item of a loop, in microseconds from the loop's start (pure arithmetic, exact)."""

    def before(limit: int) -> int:  # starts strictly before `limit`
        return 0 if limit <= offset_us else -(-(limit - offset_us) // cycle_us)

    return max(0, before(high_us) - before(low_us))


def _micros(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * MICROS + delta.microseconds


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant a hub-local day begins."""
    return datetime.combine(day, time(), zone).astimezone(UTC)


def loop_runs(playback: Playback, code: str, start: datetime, end: datetime) -> Iterator[LoopRun]:
    """The loops screen `code` plays from `start` to `end` (rules 2 and 3 of the module): one
    run per stretch of unchanged items, consecutive runs with equal items merged."""
    current: LoopRun | None = None
    at = start
    while at < end:
        playlist = playback.screen_playlist(code, at, draw=False)
        items = tuple(shown.item for shown in playlist.items)
        until = min(max(playlist.valid_until, at + timedelta(microseconds=1)), end)
        if current is not None and current.items == items:
            current = LoopRun(current.start, until, items, current.lookups + 1)
        else:
            if current is not None:
                yield current
            current = LoopRun(at, until, items)
        at = until
    if current is not None:
        yield current


def count_run(
    run: LoopRun,
    campaign: str,
    zone: ZoneInfo,
    code: str,
    plays: Counts,
    seconds: dict[tuple[str, str | None, date], float],
) -> None:
    """Add the run's starts of the campaign's items to `plays` (and their seconds), by the
    hub-local day each start falls on (rules 3 to 5 of the module)."""
    durations = [item.duration_s * MICROS for item in run.items]
    cycle = sum(durations)
    if cycle <= 0:
        return
    offsets, position = [], 0
    for duration in durations:
        offsets.append(position)
        position += duration
    length = _micros(run.end - run.start)
    day = run.start.astimezone(zone).date()
    while True:
        low = max(0, _micros(local_midnight(day, zone) - run.start))
        if low >= length:
            break
        high = min(length, _micros(local_midnight(day + ONE_DAY, zone) - run.start))
        for item, offset in zip(run.items, offsets, strict=True):
            if item.campaign != campaign:
                continue
            count = starts_between(offset, cycle, low, high)
            if count:
                key = (code, item.booking_key, day)
                plays[key] = plays.get(key, 0) + count
                seconds[key] = seconds.get(key, 0.0) + count * item.duration_s
        day += ONE_DAY


def scope_hubs(report: ReportFilter) -> list[str]:
    """The hub codes a report covers: its hub, else its phase's hubs, else every hub of the
    campaign's phases."""
    if report.hub_code:
        return [report.hub_code]
    phases = select(Phase).where(Phase.campaign_id == report.campaign_id)
    if report.phase_id is not None:
        phases = phases.where(Phase.id == report.phase_id)
    return sorted({hub.code for phase in db.session.scalars(phases) for hub in phase.hubs})


def screens_in_scope(report: ReportFilter, playback: Playback) -> tuple[ScreenInScope, ...]:
    hubs = set(scope_hubs(report))
    found = []
    for code, screen in sorted(playback.screens.items()):
        if screen.hub_code in hubs:
            timezone = playback.engine.hub(screen).timezone
            found.append(ScreenInScope(code, screen.hub_code, screen.zone_code, timezone))
    return tuple(found)


def planned_plays(
    report: ReportFilter, playback: Playback | None = None, *, until: datetime | None = None
) -> PlannedPlays:
    """Plays the schedule plans in the report's scope, by the rule of this module's docstring,
    up to `until` when the range ends later (a range not over yet). Pass a `Playback` to share
    one across calls (one is built per call otherwise)."""
    playback = playback or Playback()
    screens = screens_in_scope(report, playback)
    plays: Counts = {}
    seconds: dict[tuple[str, str | None, date], float] = {}
    lookups = 0
    for screen in screens:
        zone = ZoneInfo(screen.timezone)
        start = local_midnight(report.date_from, zone)
        end = local_midnight(report.date_to + ONE_DAY, zone)
        if until is not None:
            end = min(end, until)
        for run in loop_runs(playback, screen.code, start, end):
            count_run(run, report.campaign, zone, screen.code, plays, seconds)
            lookups += run.lookups
    return PlannedPlays(screens=screens, plays=plays, seconds=seconds, lookups=lookups)
