"""A hub's week of bookings as its screens play it, and each message's share of their airtime."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date, format_percent
from flask_babel import gettext as _

from campaign.domain.eligibility import (
    DAY_US,
    ONE_DAY,
    DayTimeline,
    NetworkIndex,
    active_phase_numbers,
    day_timeline,
    is_scheduled_on,
    orientation_fits,
    phase_number,
    screens_covered,
)
from campaign.domain.model import (
    CAMPAIGN_CARD_KEY,
    Booking,
    Hub,
    MessageStatus,
    Network,
    PhaseStatus,
    Screen,
    TargetKind,
    Zone,
)
from campaign.domain.phases import phase_status
from campaign.domain.playback import NetworkPlayback, ScreenLoop
from campaign.domain.playlist import PlaylistSettings, language_policy_of
from campaign.domain.rotation import effective_policy
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign as CampaignRow
from campaign.persistence.queries import load_hub_networks
from campaign.services.campaigns import visible_campaigns
from campaign.services.network_scope import may_see_hub

DAY_MINUTES = 24 * 60
WEEK = 7
OTHERS = ""  # the lane of campaigns the reader may not see: no words of theirs are shown
FALLBACK = "_fallback"  # the lane of what plays when nothing is booked


@dataclass
class Lane:
    """One message (or the fallback, or other campaigns) on the timeline: when it plays, each
    day, on at least one of the screens shown, and its share of their airtime."""

    key: str  # "campaign-slug/message-key", FALLBACK or OTHERS
    campaign: str
    message_key: str
    headline: str
    bookings: set[str] = field(default_factory=set)
    spans: list[list[tuple[int, int]]] = field(default_factory=lambda: [[] for _ in range(WEEK)])
    airtime: list[float] = field(default_factory=lambda: [0.0] * WEEK)  # screen-seconds a day
    colour: int = 0  # which of the page's colours draws it

    @property
    def seconds(self) -> float:
        return sum(self.airtime)


@dataclass(frozen=True)
class DayTotals:
    day: date
    airtime: float  # every screen's seconds that day (the whole of its airtime)


@dataclass(frozen=True)
class Timeline:
    hub: Hub | None
    zones: tuple[Zone, ...]  # of the hub
    zone: Zone | None  # None: every zone of the hub
    week: date  # its Monday
    days: tuple[DayTotals, ...]
    lanes: tuple[Lane, ...]  # by share, largest first; the fallback and others last
    screens: tuple[str, ...]  # the codes of the screens shown

    @property
    def total(self) -> float:
        return sum(day.airtime for day in self.days)

    def share(self, lane: Lane, day: int | None = None) -> float:
        """The lane's part of the screens' airtime, over the week or one day (0 to 1)."""
        total = self.total if day is None else self.days[day].airtime
        seconds = lane.seconds if day is None else lane.airtime[day]
        return seconds / total if total else 0.0


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _minutes(local: datetime) -> int:
    return local.hour * 60 + local.minute + (1 if local.second or local.microsecond else 0)


def _pieces(
    start: datetime, end: datetime, zone: ZoneInfo, midnights: Sequence[datetime]
) -> Iterator[tuple[int, int, int, float]]:
    """Cut [start, end) (UTC) at the week's local midnights (`midnights`, in UTC, eight of
    them): (day index, first minute, end minute, seconds)."""
    while start < end:
        index = bisect_right(midnights, start) - 1
        if not 0 <= index < WEEK:
            return
        stop = min(end, midnights[index + 1])
        local = start.astimezone(zone)
        last = DAY_MINUTES if stop == midnights[index + 1] else _minutes(stop.astimezone(zone))
        yield index, local.hour * 60 + local.minute, last, (stop - start).total_seconds()
        start = stop


class _Walk:
    """The week walked screen by screen, loop by loop, filing airtime into lanes."""

    def __init__(
        self, networks: dict[str, Network], visible: Collection[str], lang: str, zone: ZoneInfo
    ) -> None:
        self.networks, self.visible, self.lang, self.zone = networks, visible, lang, zone
        self.midnights: tuple[datetime, ...] = ()  # the week's, Monday's to the next Monday's
        self.lanes: dict[str, Lane] = {}
        self._parts: dict[tuple[str, bool], list[tuple[Lane, float]]] = {}

    def lane(self, campaign: str, message_key: str, fallback: bool) -> Lane:
        if campaign not in self.visible:
            key = OTHERS
        elif fallback:
            key = FALLBACK
        else:
            key = f"{campaign}/{message_key}"
        found = self.lanes.get(key)
        if found is None:
            headline = "" if key in (OTHERS, FALLBACK) else self.headline(campaign, message_key)
            found = self.lanes[key] = Lane(key, campaign, message_key, headline)
        return found

    def headline(self, campaign: str, message_key: str) -> str:
        network = self.networks[campaign]
        if message_key == CAMPAIGN_CARD_KEY:
            names = network.campaign.names
            return names.get(self.lang) or next(iter(names.values()), campaign)
        message = network.messages.get(message_key)
        if message is None:
            return message_key
        text = message.texts.get(self.lang) or next(iter(message.texts.values()), None)
        return text.headline if text else message_key

    def file(self, loop: ScreenLoop, start: datetime, end: datetime, screens: int = 1) -> None:
        """File one loop, playing from `start` to `end` on `screens` screens: each lane gets its
        items' part of the loop's airtime (by their durations) of that time."""
        key = (loop.version, loop.is_fallback)
        parts = self._parts.get(key)
        if parts is None:
            parts = self._parts[key] = self._split(loop)
        for day, first, last, seconds in _pieces(start, end, self.zone, self.midnights):
            seconds *= screens
            for lane, fraction in parts:
                lane.airtime[day] += seconds * fraction
                lane.spans[day].append((first, last))

    def _split(self, loop: ScreenLoop) -> list[tuple[Lane, float]]:
        seconds: dict[tuple[str, str], int] = {}
        booked: dict[tuple[str, str], set[str]] = {}
        for item in loop.items:
            message = (item.campaign, item.message_key)
            seconds[message] = seconds.get(message, 0) + item.duration_s
            if item.booking_key:
                booked.setdefault(message, set()).add(item.booking_key)
        total = sum(seconds.values())
        parts: dict[str, tuple[Lane, float]] = {}
        for message, part in seconds.items():
            lane = self.lane(*message, loop.is_fallback)
            if lane.key not in (OTHERS, FALLBACK):
                lane.bookings |= booked.get(message, set())
            parts[lane.key] = (lane, parts.get(lane.key, (lane, 0.0))[1] + part / total)
        return list(parts.values()) if total else []


def hub_timeline(
    user: User,
    hub_code: str | None,
    zone_code: str | None,
    week: date | None,
    *,
    now: datetime,
    reader_lang: str,
) -> Timeline:
    """What the hub's screens (or one zone's) play over the week starting on the Monday of
    `week` (default: this week at the hub), walked with the screens' own engine from one loop to
    the next (each loop lasts until its `valid_until`). Only this hub is read and built; a hub
    the user may not see is answered as an unknown one."""
    loaded = load_hub_networks(hub_code) if hub_code and may_see_hub(user, hub_code) else []
    if not loaded:
        return Timeline(None, (), None, week or now.date(), (), (), ())
    networks = {network.campaign.slug: network for _, network in loaded}
    first = next(iter(networks.values()))
    hub = first.hubs[hub_code or ""]
    zones = tuple(sorted(first.zones.values(), key=lambda z: z.code))
    zone = next((z for z in zones if z.code == zone_code), None)
    tz = ZoneInfo(hub.timezone)
    week = monday_of(week or now.astimezone(tz).date())
    midnights = tuple(
        datetime.combine(week + timedelta(days=n), time(), tz).astimezone(UTC)
        for n in range(WEEK + 1)
    )
    start, end = midnights[0], midnights[-1]
    engine = NetworkPlayback(list(networks.values()), _settings())
    codes = tuple(
        code
        for code, screen in sorted(first.screens.items())
        if zone is None or screen.zone_code == zone.code
    )
    walk = _Walk(networks, visible_slugs(user), reader_lang, tz)
    walk.midnights = midnights
    for code, alike in _alike(engine, codes).items():
        at = start
        while at < end:
            loop = engine.loop(code, at)
            until = min(loop.valid_until, end)
            walk.file(loop, at, until, alike)
            at = until
    days = tuple(
        DayTotals(week + timedelta(days=i), sum(lane.airtime[i] for lane in walk.lanes.values()))
        for i in range(WEEK)
    )
    ordered = sorted(
        walk.lanes.values(), key=lambda lane: (lane.key in (FALLBACK, OTHERS), -lane.seconds)
    )
    for colour, lane in enumerate(ordered):
        lane.colour = colour
        lane.spans = [_merged(spans) for spans in lane.spans]
    return Timeline(hub, zones, zone, week, days, tuple(ordered), codes)


def _alike(engine: NetworkPlayback, codes: tuple[str, ...]) -> dict[str, int]:
    """One screen for each set of screens that play alike, with how many there are. A screen's
    loop depends only on its hub, the bookings that can reach it and its language policy, in
    each campaign (`PlaylistEngine` shares its timelines and contents on the same grounds), so
    such screens are walked once."""
    first: dict[tuple[object, ...], str] = {}
    alike: dict[str, int] = {}
    for code in codes:
        screen = engine.screens[code]
        signature = tuple(
            (
                slug,
                playlist.index.candidates(screen),
                effective_policy(
                    language_policy_of(screen, playlist.network),
                    playlist.network.campaign.languages,
                ),
            )
            for slug, playlist in engine.engines.items()
        )
        chosen = first.setdefault((screen.hub_code, signature), code)
        alike[chosen] = alike.get(chosen, 0) + 1
    return alike


def visible_slugs(user: User) -> set[str]:
    """The slugs of the campaigns the user may see."""
    return set(db.session.scalars(visible_campaigns(user).with_only_columns(CampaignRow.slug)))


def _settings() -> PlaylistSettings:
    return PlaylistSettings(words_per_minute=current_app.config["WORDS_PER_MINUTE"])


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in order, overlapping or touching ones joined (loops one after another, and
    several screens' plays)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


# --- What keeps a booking off the screens --------------------------------------------------------


@dataclass(frozen=True)
class BookingWarning:
    kind: str  # message, no_screen, no_day, unfunded, outside, covered
    text: str  # in the reader's language
    blocking: bool  # the booking does not play at all (for what is left of its dates)


@dataclass
class _Reach:
    """Where and when a booking can play, worked out with the engine's own rules."""

    screens: list[Screen]
    active_days: dict[str, list[date]] = field(default_factory=dict)  # hub → days it may play
    unfunded: set[int] = field(default_factory=set)  # phases that would run it, unfunded
    outside: list[date] = field(default_factory=list)  # its days no phase of its target holds


MAX_DAYS = 400  # how far ahead a booking's days are checked


def _reach(
    network: Network, booking: Booking, first: date, last: date, covered: Sequence[Screen]
) -> _Reach:
    screens = [s for s in covered if orientation_fits(booking, s)]
    reach = _Reach(screens)
    wanted = phase_number(booking.target.ref) if booking.target.kind == TargetKind.PHASE else None
    outside: set[date] = set()
    for hub in sorted({s.hub_code for s in screens}):
        phases = [
            p
            for p in network.phases
            if hub in p.hub_codes and (wanted is None or p.number == wanted)
        ]
        days = reach.active_days.setdefault(hub, [])
        day = first
        while day <= last:
            if is_scheduled_on(booking, day):
                holding = [p for p in phases if p.starts_on <= day <= p.ends_on]
                if any(phase_status(p, day) is PhaseStatus.ACTIVE for p in holding):
                    days.append(day)
                elif holding:
                    reach.unfunded.update(p.number for p in holding)
                else:
                    outside.add(day)
            day += ONE_DAY
    reach.outside = sorted(outside)
    return reach


def _scheduled_and_played(
    index: NetworkIndex, network: Network, screen: Screen, mine: int, days: list[date]
) -> tuple[int, int, set[int]]:
    """Over `days` (with the tail of a window crossing midnight), the microseconds the booking
    `mine` is due on the screen, those it plays (rule 2: a higher priority one playing holds
    it back), and the bookings that hold it back."""
    candidates = index.candidates(screen)
    own = next((c for c in candidates if c.index == mine), None)
    if own is None:
        return 0, 0, set()
    higher = [c for c in candidates if c.booking.priority > own.booking.priority]
    phases = index.phases_of_hub.get(screen.hub_code, ())
    due = played = 0
    holders: set[int] = set()
    for day in sorted({d for due_day in days for d in (due_day, due_day + ONE_DAY)}):
        active = active_phase_numbers(screen.hub_code, phases, day)
        alone = day_timeline([own], active, day)
        both = day_timeline([own, *higher], active, day) if higher else alone
        due += _length(alone, mine)
        played += _length(both, mine)
        if higher:
            holders |= _holders(alone, both, mine)
    return due, played, holders


def _segments(timeline: DayTimeline) -> list[tuple[int, int, frozenset[int]]]:
    ends = [*timeline.starts[1:], DAY_US]
    return list(zip(timeline.starts, ends, timeline.sets, strict=True))


def _holders(alone: DayTimeline, both: DayTimeline, mine: int) -> set[int]:
    """The bookings playing instead of `mine` while it is due."""
    found: set[int] = set()
    for start, end, due in _segments(alone):
        if mine in due:
            for other_start, other_end, playing in _segments(both):
                if other_start < end and start < other_end and mine not in playing:
                    found |= playing
    return found


def _length(timeline: DayTimeline, mine: int) -> int:
    return sum(end - start for start, end, playing in _segments(timeline) if mine in playing)


def booking_warnings(
    network: Network,
    index: NetworkIndex,
    booking: Booking,
    status: str,
    today: date,
    covered: Sequence[Screen] | None = None,
) -> list[BookingWarning]:
    """Why the booking would not play, or not all of its time, from `today` to its last day:
    its message not approved (`status`: its version the screens may show, else its newest), no
    screen on its target, no day on its weekdays, a phase unfunded or not holding its dates,
    a higher priority booking playing on the same screens. `covered`: the screens its target
    reaches, when the caller has them."""
    found = []
    if status != MessageStatus.APPROVED:
        found.append(BookingWarning("message", _message_text(status), True))
    first = max(booking.starts_on, today)
    last = min(booking.ends_on, first + timedelta(days=MAX_DAYS))
    if covered is None:
        covered = screens_covered(booking.target, network)
    reach = _reach(network, booking, first, last, covered)
    if not reach.screens:
        found.append(BookingWarning("no_screen", _no_screen_text(booking), True))
        return found
    if first > last:
        return found  # over: what is left to say is only about its message
    if not any(is_scheduled_on(booking, first + timedelta(days=n)) for n in range(7)):
        text = _("None of its days falls on the weekdays it is booked for.")
        found.append(BookingWarning("no_day", text, True))
        return found
    plays = any(reach.active_days.values())
    if reach.unfunded:
        found.append(BookingWarning("unfunded", _unfunded_text(network, reach), not plays))
    if reach.outside:
        found.append(BookingWarning("outside", _outside_text(reach.outside), not plays))
    if plays and status == MessageStatus.APPROVED:
        covered = _covered(network, index, booking, reach)
        if covered is not None:
            found.append(covered)
    return found


def _covered(
    network: Network, index: NetworkIndex, booking: Booking, reach: _Reach
) -> BookingWarning | None:
    mine = network.bookings.index(booking)
    due = played = 0
    holders: set[int] = set()
    # Screens with the same hub and candidates play alike: each such set is worked out once.
    seen: dict[tuple[str, object], tuple[int, int, set[int]]] = {}
    for screen in reach.screens:
        key = (screen.hub_code, index.candidates(screen))
        if key not in seen:
            days = reach.active_days.get(screen.hub_code, [])
            seen[key] = _scheduled_and_played(index, network, screen, mine, days)
        screen_due, screen_played, screen_holders = seen[key]
        due, played = due + screen_due, played + screen_played
        holders |= screen_holders
    if not due or played >= due:
        return None
    keys = ", ".join(sorted(network.bookings[i].key for i in holders)) or "—"
    if not played:
        text = _(
            "A higher priority booking plays on the same screens whenever this one would "
            "(%(keys)s): it never plays.",
            keys=keys,
        )
        return BookingWarning("covered", text, True)
    text = _(
        "Higher priority bookings (%(keys)s) hold it back for %(part)s of its time on the "
        "same screens.",
        keys=keys,
        part=format_percent((due - played) / due),
    )
    return BookingWarning("covered", text, False)


def _message_text(status: str) -> str:
    texts = {
        MessageStatus.DRAFT: _("The message is still a draft: it plays once it is approved."),
        MessageStatus.IN_REVIEW: _("The message is in review: it plays once it is approved."),
        MessageStatus.PAUSED: _("The message is paused: it plays again when it is resumed."),
        MessageStatus.RETIRED: _("The message is retired: it no longer plays."),
    }
    return texts.get(status, _("The message has no approved version: it does not play."))


def _no_screen_text(booking: Booking) -> str:
    if booking.orientation is not None:
        return _("No screen of its target is in the orientation it asks for: it never plays.")
    return _("No screen matches its target: it plays nowhere.")


def _unfunded_text(network: Network, reach: _Reach) -> str:
    names = ", ".join(p.name or str(p.number) for p in network.phases if p.number in reach.unfunded)
    return _(
        "The funding of %(phases)s is not confirmed: the booking does not play there until it is.",
        phases=names,
    )


def _outside_text(days: list[date]) -> str:
    return _(
        "From %(first)s to %(last)s, %(count)s of its days fall outside the phases of its "
        "target: it does not play on them.",
        first=format_date(days[0], "medium"),
        last=format_date(days[-1], "medium"),
        count=len(days),
    )
