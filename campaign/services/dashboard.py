"""The campaign dashboard: phases on a timeline, hubs on Peru's map, screens online, plays today,
the active phase's countdown with its reminders, and screens marked offline."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, literal_column, select

from campaign.domain.geo import contains, distance_to_edge_km
from campaign.domain.model import FundingStatus, Phase, PhaseStatus
from campaign.domain.phases import phase_status
from campaign.domain.reminders import next_phase
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign as CampaignRow
from campaign.persistence.campaigns import Phase as PhaseRow
from campaign.persistence.campaigns import phase_hubs
from campaign.persistence.network import Hub as HubRow
from campaign.persistence.network import Screen as ScreenRow
from campaign.persistence.network import Zone as ZoneRow
from campaign.persistence.player import PlayRecord
from campaign.rendering import maps
from campaign.services.campaigns import visible_campaigns
from campaign.services.reminder_board import FundingWatch, ReminderBoard, dashboard_reminders
from campaign.services.reminder_sources import PhaseAt
from campaign.services.screen_health import MISSED_POLLS, threshold_seconds

# A screen is online when it was heard from within this many poll intervals (screen_health's).
ONLINE_POLLS = MISSED_POLLS
# Screens marked offline listed by name; beyond these, a count.
OFFLINE_LISTED = 20
# How the drawings show a phase: its lifecycle state, with a planned phase split by whether
# its funding is confirmed. A hub in several phases shows the first of these that it has.
SHOWN_ORDER = ("active", "upcoming", "unfunded", "completed", "cancelled")
# A hub further than this outside the outline probably has its coordinates wrong (swapped, or
# the sign of a longitude lost); border crossings sit on the line itself, so some slack.
OUTLINE_SLACK_KM = 10.0
NARROW_TIMELINE = 360.0  # map units: the phone's drawing (the page shows one or the other)
WIDE_TIMELINE = 800.0


@dataclass(frozen=True)
class CampaignChoice:
    slug: str
    names: dict[str, str]
    languages: tuple[str, ...]


@dataclass(frozen=True)
class HubName:
    code: str
    name: str


@dataclass(frozen=True)
class PhaseLine:
    id: int
    number: int
    name: str
    starts_on: date
    ends_on: date
    funding_status: str
    funding_source: str
    status: str  # one of SHOWN_ORDER, on today's date at the phase's first hub
    hubs: tuple[HubName, ...]
    timezone: str = "UTC"  # its first hub's, where its days are counted
    days_left: int = 0  # to its last day included, from today at its first hub (0: today)


@dataclass(frozen=True)
class HubLine:
    code: str
    name: str
    region: str
    timezone: str
    latitude: float | None
    longitude: float | None
    status: str  # of the phase that decides it (SHOWN_ORDER)
    phase: int  # that phase's number
    screens: int
    online: int
    plays_today: int
    last_seen_at: datetime | None
    outside_outline: bool  # coordinates given but away from Peru: probably mistyped
    marked_offline: int = 0  # screens the scheduler has marked offline

    @property
    def offline(self) -> int:
        return self.screens - self.online


@dataclass(frozen=True)
class Totals:
    screens: int
    online: int
    plays_today: int

    @property
    def offline(self) -> int:
        return self.screens - self.online


@dataclass(frozen=True)
class Countdown:
    """A phase that plays (or will, funded) counting down to its last day, and what follows."""

    phase: PhaseLine
    next: PhaseLine | None
    watch: FundingWatch | None  # its next phase has no confirmed funding: the reminders


@dataclass(frozen=True)
class OfflineScreen:
    code: str
    name: str
    hub: str
    timezone: str
    since: datetime
    last_seen_at: datetime | None


@dataclass(frozen=True)
class Dashboard:
    campaign: CampaignChoice
    campaigns: tuple[CampaignChoice, ...]  # every campaign the user may see, for a choice
    now: datetime
    home_timezone: str  # of the first hub of the first phase: where "today" is read
    today: date
    online_window: timedelta
    phases: tuple[PhaseLine, ...]
    hubs: tuple[HubLine, ...]
    totals: Totals
    timeline: maps.Timeline
    timeline_narrow: maps.Timeline
    map: maps.MapDrawing
    countdowns: tuple[Countdown, ...] = ()
    reminders: ReminderBoard | None = None
    offline_screens: tuple[OfflineScreen, ...] = ()  # the first OFFLINE_LISTED, longest first
    marked_offline: int = 0  # every screen marked offline, listed or not


@dataclass(frozen=True)
class _Hub:
    id: int
    code: str
    name: str
    region: str
    timezone: str
    latitude: float | None
    longitude: float | None


def _campaigns(user: User) -> list[tuple[int, CampaignChoice]]:
    query = visible_campaigns(user).with_only_columns(
        CampaignRow.id, CampaignRow.slug, CampaignRow.names, CampaignRow.languages
    )
    rows = db.session.execute(query.order_by(CampaignRow.slug)).all()
    return [
        (id_, CampaignChoice(slug, dict(names), tuple(langs))) for id_, slug, names, langs in rows
    ]


def _phases_and_hubs(
    campaign_id: int,
) -> tuple[list[tuple[int, Phase, str]], dict[int, _Hub]]:
    """The campaign's phases (as the domain's, with their funding source) and their hubs."""
    phase_rows = db.session.execute(
        select(
            PhaseRow.id,
            PhaseRow.number,
            PhaseRow.name,
            PhaseRow.starts_on,
            PhaseRow.ends_on,
            PhaseRow.funding_status,
            PhaseRow.funding_source,
            PhaseRow.cancelled_at,
        )
        .where(PhaseRow.campaign_id == campaign_id)
        .order_by(PhaseRow.number)
    ).all()
    links = db.session.execute(
        select(
            phase_hubs.c.phase_id,
            HubRow.id,
            HubRow.code,
            HubRow.name,
            HubRow.region,
            HubRow.timezone,
            HubRow.latitude,
            HubRow.longitude,
        )
        .join(HubRow, HubRow.id == phase_hubs.c.hub_id)
        .join(PhaseRow, PhaseRow.id == phase_hubs.c.phase_id)
        .where(PhaseRow.campaign_id == campaign_id)
    ).all()
    hubs: dict[int, _Hub] = {}
    codes: dict[int, set[str]] = defaultdict(set)
    for phase_id, *hub in links:
        hubs[hub[0]] = _Hub(*hub)
        codes[phase_id].add(hub[1])
    phases = [
        (
            phase_id,
            Phase(
                number=number,
                name=name,
                starts_on=starts_on,
                ends_on=ends_on,
                funding_status=FundingStatus(funding),
                hub_codes=frozenset(codes[phase_id]),
                cancelled=cancelled_at is not None,
            ),
            source or "",
        )
        for phase_id, number, name, starts_on, ends_on, funding, source, cancelled_at in phase_rows
    ]
    return phases, hubs


def _screens(
    hub_ids: list[int], since: datetime
) -> dict[int, tuple[int, int, datetime | None, int]]:
    """Per hub: its screens, those heard from since `since`, when one was last heard, and
    those the scheduler has marked offline."""
    if not hub_ids:
        return {}
    heard = case((ScreenRow.last_seen_at >= since, 1), else_=0)
    marked = case((ScreenRow.offline_since.is_not(None), 1), else_=0)
    rows = db.session.execute(
        select(
            ZoneRow.hub_id,
            func.count(ScreenRow.id),
            func.coalesce(func.sum(heard), 0),
            func.max(ScreenRow.last_seen_at),
            func.coalesce(func.sum(marked), 0),
        )
        .join(ZoneRow, ZoneRow.id == ScreenRow.zone_id)
        .where(ZoneRow.hub_id.in_(hub_ids))
        .group_by(ZoneRow.hub_id)
    ).all()
    return {hub_id: (int(n), int(online), seen, int(off)) for hub_id, n, online, seen, off in rows}


def _offline_screens(hubs: dict[int, _Hub]) -> tuple[OfflineScreen, ...]:
    """The screens marked offline in these hubs, the longest offline first (a few of them)."""
    rows = db.session.execute(
        select(
            ScreenRow.code,
            ScreenRow.name,
            ZoneRow.hub_id,
            ScreenRow.offline_since,
            ScreenRow.last_seen_at,
        )
        .join(ZoneRow, ZoneRow.id == ScreenRow.zone_id)
        .where(ZoneRow.hub_id.in_(list(hubs)), ScreenRow.offline_since.is_not(None))
        .order_by(ScreenRow.offline_since, ScreenRow.code)
        .limit(OFFLINE_LISTED)
    ).all()
    return tuple(
        OfflineScreen(code, name or "", hubs[hub_id].code, hubs[hub_id].timezone, since, seen)
        for code, name, hub_id, since, seen in rows
    )


def _countdowns(
    lines: list[PhaseLine], plain: list[Phase], board: ReminderBoard
) -> tuple[Countdown, ...]:
    """The phases that play now, and any funded one whose next phase waits for funding."""
    by_number = {line.number: line for line in lines}
    watches = {w.phase: w for w in board.funding}
    found = []
    for line, phase in zip(lines, plain, strict=True):
        if line.status != "active" and line.number not in watches:
            continue
        following = next_phase(phase, plain)
        found.append(
            Countdown(
                phase=line,
                next=by_number[following.number] if following else None,
                watch=watches.get(line.number),
            )
        )
    return tuple(found)


def _local_day(now: datetime, timezone: str) -> tuple[datetime, datetime]:
    """Today at a hub, from its midnight to the next, as UTC instants (DST days included)."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    start = datetime.combine(today, time(0), zone)
    end = datetime.combine(today + timedelta(days=1), time(0), zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _plays_today(slug: str, hubs: list[_Hub], now: datetime) -> dict[int, int]:
    """Per hub, the campaign's plays reported for today in the hub's timezone, in one query.

    Hubs in different timezones have different days, so the span from the earliest midnight to
    the latest is cut at every hub's midnight into pieces; the plays are counted per screen and
    piece from play_records alone (an index on campaign and started_at, with screen_id, answers
    it without reading the table), then summed per hub and piece, and each hub adds up the
    pieces inside its own day."""
    if not hubs:
        return {}
    days = {hub.id: _local_day(now, hub.timezone) for hub in hubs}
    cuts = sorted({instant for day in days.values() for instant in day})
    last = literal_column(str(len(cuts) - 2))
    piece = (
        case(
            *(
                (PlayRecord.started_at < cut, literal_column(str(n)))
                for n, cut in enumerate(cuts[1:-1])
            ),
            else_=last,
        )
        if len(cuts) > 2
        else last
    )
    plays = (
        select(PlayRecord.screen_id.label("screen_id"), piece.label("piece"))
        .where(
            PlayRecord.campaign == slug,
            PlayRecord.started_at >= cuts[0],
            PlayRecord.started_at < cuts[-1],
        )
        .subquery()
    )
    per_screen = (
        select(plays.c.screen_id, plays.c.piece, func.count().label("plays"))
        .group_by(plays.c.screen_id, plays.c.piece)
        .subquery()
    )
    rows = db.session.execute(
        select(ZoneRow.hub_id, per_screen.c.piece, func.sum(per_screen.c.plays))
        .select_from(per_screen)
        .join(ScreenRow, ScreenRow.id == per_screen.c.screen_id)
        .join(ZoneRow, ZoneRow.id == ScreenRow.zone_id)
        .where(ZoneRow.hub_id.in_(list(days)))
        .group_by(ZoneRow.hub_id, per_screen.c.piece)
    ).all()
    counts: dict[int, int] = defaultdict(int)
    for hub_id, n, plays in rows:
        start, end = days[hub_id]
        if start <= cuts[n] and cuts[n + 1] <= end:
            counts[hub_id] += int(plays)
    return dict(counts)


def shown_status(phase: Phase, local_today: date) -> str:
    """The phase's lifecycle state as drawn: a planned phase is upcoming once it is funded."""
    status = phase_status(phase, local_today)
    if status is PhaseStatus.PLANNED:
        return "upcoming" if phase.funding_status is FundingStatus.CONFIRMED else "unfunded"
    return status.value


def _hub_status(code: str, phases: list[Phase], today: date) -> tuple[str, int]:
    statuses = [(shown_status(p, today), p.number) for p in phases if code in p.hub_codes]
    return min(statuses, key=lambda s: (SHOWN_ORDER.index(s[0]), s[1]))


def _outside(hub: _Hub) -> bool:
    if hub.latitude is None or hub.longitude is None:
        return False
    return _off_outline(hub.longitude, hub.latitude)


@functools.lru_cache(maxsize=4096)  # hubs rarely move: the check is made once per place
def _off_outline(longitude: float, latitude: float) -> bool:
    outline = maps.peru_outline()
    if contains(outline, longitude, latitude):
        return False
    return distance_to_edge_km(outline, longitude, latitude) > OUTLINE_SLACK_KM


def _first_hub(phase: Phase, hubs: dict[str, _Hub]) -> _Hub | None:
    return next((hubs[c] for c in sorted(phase.hub_codes) if c in hubs), None)


def build_dashboard(user: User, now: datetime, slug: str | None = None) -> Dashboard | None:
    """The dashboard of a campaign the user may see (the one named, else the first by slug);
    None when there is none. A handful of queries whatever the network's size: counts are
    grouped by hub in the database, and no playlist is built."""
    choices = _campaigns(user)
    chosen = next(((i, c) for i, c in choices if slug is None or c.slug == slug), None)
    if chosen is None:
        return None
    campaign_id, campaign = chosen
    phases, hubs_by_id = _phases_and_hubs(campaign_id)
    hubs = {hub.code: hub for hub in hubs_by_id.values()}
    plain = [phase for _, phase, _ in phases]
    home = _first_hub(plain[0], hubs) if plain else None
    home_timezone = home.timezone if home else "UTC"
    today = now.astimezone(ZoneInfo(home_timezone)).date()

    window = timedelta(seconds=threshold_seconds())
    ordered = sorted(hubs.values(), key=lambda h: h.code)
    screens = _screens([h.id for h in ordered], now - window)
    plays = _plays_today(campaign.slug, ordered, now)
    hub_lines = []
    for hub in ordered:
        local_today = now.astimezone(ZoneInfo(hub.timezone)).date()
        status, number = _hub_status(hub.code, plain, local_today)
        count, online, seen, marked = screens.get(hub.id, (0, 0, None, 0))
        hub_lines.append(
            HubLine(
                code=hub.code,
                name=hub.name,
                region=hub.region,
                timezone=hub.timezone,
                latitude=hub.latitude,
                longitude=hub.longitude,
                status=status,
                phase=number,
                screens=count,
                online=online,
                plays_today=plays.get(hub.id, 0),
                last_seen_at=seen,
                outside_outline=_outside(hub),
                marked_offline=marked,
            )
        )
    phase_lines = []
    for phase_id, phase, source in phases:
        first = _first_hub(phase, hubs)
        timezone = first.timezone if first else home_timezone
        local_today = now.astimezone(ZoneInfo(timezone)).date()
        phase_lines.append(
            PhaseLine(
                id=phase_id,
                number=phase.number,
                name=phase.name,
                starts_on=phase.starts_on,
                ends_on=phase.ends_on,
                funding_status=phase.funding_status.value,
                funding_source=source,
                status=shown_status(phase, local_today),
                hubs=tuple(HubName(c, hubs[c].name) for c in sorted(phase.hub_codes)),
                timezone=timezone,
                days_left=(phase.ends_on - local_today).days,
            )
        )
    board = dashboard_reminders(
        campaign_id,
        now,
        [
            PhaseAt(line.id, campaign_id, phase, line.timezone)
            for line, phase in zip(phase_lines, plain, strict=True)
        ],
    )
    marked_offline = sum(h.marked_offline for h in hub_lines)
    spans = [
        maps.Span(p.number, p.name, p.starts_on, p.ends_on, p.status, tuple(h.code for h in p.hubs))
        for p in phase_lines
    ]
    places = [
        maps.Place(h.code, h.longitude, h.latitude, h.status)
        for h in hub_lines
        if h.latitude is not None and h.longitude is not None
    ]
    return Dashboard(
        campaign=campaign,
        campaigns=tuple(c for _, c in choices),
        now=now,
        home_timezone=home_timezone,
        today=today,
        online_window=window,
        phases=tuple(phase_lines),
        hubs=tuple(hub_lines),
        totals=Totals(
            screens=sum(h.screens for h in hub_lines),
            online=sum(h.online for h in hub_lines),
            plays_today=sum(h.plays_today for h in hub_lines),
        ),
        timeline=maps.draw_timeline(spans, today, WIDE_TIMELINE),
        timeline_narrow=maps.draw_timeline(spans, today, NARROW_TIMELINE),
        map=maps.draw_map(places),
        countdowns=_countdowns(phase_lines, plain, board),
        reminders=board,
        offline_screens=_offline_screens(hubs_by_id) if marked_offline else (),
        marked_offline=marked_offline,
    )
