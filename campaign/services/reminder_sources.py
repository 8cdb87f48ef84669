"""What reminders are about: each campaign's phases where their days are counted, phases ending
while the next waits for funding, bookings running out, and the reminders already recorded."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from campaign.domain import reminders as rules
from campaign.domain.model import FundingStatus, Phase, PhaseStatus
from campaign.domain.phases import phase_status
from campaign.extensions import db
from campaign.persistence.campaigns import Campaign as CampaignRow
from campaign.persistence.campaigns import Phase as PhaseRow
from campaign.persistence.campaigns import phase_hubs
from campaign.persistence.messages import Booking, Message
from campaign.persistence.network import Hub, Screen, Zone
from campaign.persistence.schedule import Reminder

FUNDING, BOOKING = "funding", "booking"
SKIPPED = "skipped"  # the channel of a threshold a later reminder stood for (after downtime)


@dataclass(frozen=True)
class PhaseAt:
    """A phase with its row's id and campaign, and the timezone its days are counted in."""

    id: int
    campaign_id: int
    phase: Phase
    timezone: str


@dataclass(frozen=True)
class Watch:
    campaign_id: int
    ending: PhaseAt
    following: PhaseAt
    local_today: date


@dataclass(frozen=True)
class RunOut:
    campaign_id: int
    key: str
    message: str
    target: str
    starts_on: date
    ends_on: date
    step: rules.Step
    local_today: date


def home_timezone() -> str:
    """The campaign team's home timezone: where a phase without hubs counts its days."""
    return str(current_app.config.get("SCHEDULER_TIMEZONE") or "UTC")


def local_today_at(at: datetime, timezone: str) -> date:
    return at.astimezone(ZoneInfo(timezone)).date()


def campaigns(campaign_id: int | None) -> dict[int, tuple[str, dict[str, str]]]:
    """Each campaign's slug and names, by id (every campaign's, or one's)."""
    query = select(CampaignRow.id, CampaignRow.slug, CampaignRow.names)
    if campaign_id is not None:
        query = query.where(CampaignRow.id == campaign_id)
    return {i: (slug, dict(names or {})) for i, slug, names in db.session.execute(query)}


def phases_at(campaign_id: int | None) -> dict[int, list[PhaseAt]]:
    """Each campaign's phases, with the timezone of each one's first hub (else the home's)."""
    rows = select(
        PhaseRow.id,
        PhaseRow.campaign_id,
        PhaseRow.number,
        PhaseRow.name,
        PhaseRow.starts_on,
        PhaseRow.ends_on,
        PhaseRow.funding_status,
        PhaseRow.cancelled_at,
    )
    links = select(phase_hubs.c.phase_id, Hub.code, Hub.timezone).join(
        Hub, Hub.id == phase_hubs.c.hub_id
    )
    if campaign_id is not None:
        rows = rows.where(PhaseRow.campaign_id == campaign_id)
        links = links.join(PhaseRow, PhaseRow.id == phase_hubs.c.phase_id).where(
            PhaseRow.campaign_id == campaign_id
        )
    hubs: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for phase_id, code, timezone in db.session.execute(links):
        hubs[phase_id].append((code, timezone))
    home = home_timezone()
    found: dict[int, list[PhaseAt]] = defaultdict(list)
    for id_, cid, number, name, starts_on, ends_on, funding, cancelled_at in db.session.execute(
        rows.order_by(PhaseRow.campaign_id, PhaseRow.number)
    ):
        own = sorted(hubs[id_])
        phase = Phase(
            number=number,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            funding_status=FundingStatus(funding),
            hub_codes=frozenset(code for code, _ in own),
            cancelled=cancelled_at is not None,
        )
        found[cid].append(PhaseAt(id_, cid, phase, own[0][1] if own else home))
    return found


def watches(at: datetime, phases: dict[int, list[PhaseAt]]) -> list[Watch]:
    """Every phase that plays (or will) while its next phase has no confirmed funding."""
    found = []
    for cid, own in phases.items():
        plain = [p.phase for p in own]
        by_number = {p.phase.number: p for p in own}
        for item in own:
            local_today = local_today_at(at, item.timezone)
            following = rules.next_phase(item.phase, plain)
            if rules.needs_funding(item.phase, following, local_today):
                assert following is not None
                found.append(Watch(cid, item, by_number[following.number], local_today))
    return found


def _target(
    row: Any,
    hubs: dict[int, tuple[str, str]],
    zones: dict[int, Any],
    screens: dict[int, Any],
    phases: dict[int, PhaseAt],
    home: str,
) -> tuple[str, str]:
    """A booking's target as a plan writes it, and the timezone where it plays."""
    if row.phase_id is not None:
        phase = phases.get(row.phase_id)
        return f"phase:{phase.phase.number if phase else '?'}", phase.timezone if phase else home
    if row.hub_id is not None and row.hub_id in hubs:
        code, timezone = hubs[row.hub_id]
        return f"hub:{code}", timezone
    if row.zone_id is not None and row.zone_id in zones:
        code, hub_id = zones[row.zone_id]
        hub_code, timezone = hubs.get(hub_id, ("?", home))
        return f"zone:{hub_code}/{code}", timezone
    if row.screen_id is not None and row.screen_id in screens:
        code, hub_id = screens[row.screen_id]
        return f"screen:{code}", hubs.get(hub_id, ("?", home))[1]
    return (f"venue:{row.venue_type}" if row.venue_type else ""), home


def _places(rows: list[Any]) -> tuple[dict[int, Any], dict[int, Any], dict[int, Any]]:
    """The hubs (code, timezone), and the zones and screens of `rows` (code, hub id), by id."""
    hubs = {i: (c, tz) for i, c, tz in db.session.execute(select(Hub.id, Hub.code, Hub.timezone))}
    zone_ids = {r.zone_id for r in rows if r.zone_id is not None}
    screen_ids = {r.screen_id for r in rows if r.screen_id is not None}
    zones: dict[int, Any] = {}
    screens: dict[int, Any] = {}
    if zone_ids:
        query = select(Zone.id, Zone.code, Zone.hub_id).where(Zone.id.in_(zone_ids))
        zones = {i: (code, hub_id) for i, code, hub_id in db.session.execute(query)}
    if screen_ids:
        query = (
            select(Screen.id, Screen.code, Zone.hub_id)
            .join(Zone, Zone.id == Screen.zone_id)
            .where(Screen.id.in_(screen_ids))
        )
        screens = {i: (code, hub_id) for i, code, hub_id in db.session.execute(query)}
    return hubs, zones, screens


def _place(row: Any) -> tuple[Any, ...]:
    """Where a booking plays a message: bookings continue one another only at the same one."""
    return (row.message_id, row.phase_id, row.hub_id, row.zone_id, row.screen_id, row.venue_type)


def _later(rows: list[Any]) -> dict[tuple[Any, ...], list[tuple[int, date, date]]]:
    """The bookings that could carry on from one of `rows`, by place: of the same messages,
    ending after the first of them ends and starting by the day after the last ends."""
    first = min(r.ends_on for r in rows)
    last = max(r.ends_on for r in rows)
    found: dict[tuple[Any, ...], list[tuple[int, date, date]]] = defaultdict(list)
    query = select(
        Booking.id,
        Booking.message_id,
        Booking.phase_id,
        Booking.hub_id,
        Booking.zone_id,
        Booking.screen_id,
        Booking.venue_type,
        Booking.starts_on,
        Booking.ends_on,
    ).where(
        Booking.message_id.in_({r.message_id for r in rows}),
        Booking.ends_on > first,
        Booking.starts_on <= last + timedelta(days=1),
    )
    for other in db.session.execute(query):
        found[_place(other)].append((other.id, other.starts_on, other.ends_on))
    return found


def run_outs(
    at: datetime, phases: dict[int, list[PhaseAt]], campaign_id: int | None
) -> list[RunOut]:
    """Bookings that play and end within BOOKING_REMINDER_DAYS with nothing continuing them,
    soonest first."""
    days = int(current_app.config.get("BOOKING_REMINDER_DAYS") or 0)
    utc_today = at.date()  # a hub's day is at most one off
    query = (
        select(
            Booking.id,
            Booking.campaign_id,
            Booking.key,
            Booking.message_id,
            Message.key.label("message"),
            Booking.phase_id,
            Booking.hub_id,
            Booking.zone_id,
            Booking.screen_id,
            Booking.venue_type,
            Booking.starts_on,
            Booking.ends_on,
        )
        .join(Message, Message.id == Booking.message_id)
        .where(
            Booking.ends_on >= utc_today - timedelta(days=1),
            Booking.ends_on <= utc_today + timedelta(days=days + 1),
            Booking.starts_on <= utc_today + timedelta(days=1),
        )
    )
    if campaign_id is not None:
        query = query.where(Booking.campaign_id == campaign_id)
    rows = db.session.execute(query.order_by(Booking.ends_on, Booking.key)).all()
    if not rows:
        return []
    later = _later(rows)
    hubs, zones, screens = _places(rows)
    by_id = {p.id: p for own in phases.values() for p in own}
    home = home_timezone()
    todays: dict[str, date] = {}
    found = []
    for row in rows:
        target, timezone = _target(row, hubs, zones, screens, by_id, home)
        if timezone not in todays:
            todays[timezone] = local_today_at(at, timezone)
        local_today = todays[timezone]
        step = rules.runs_out(row.starts_on, row.ends_on, days, local_today)
        if step is None:
            continue
        phase = by_id.get(row.phase_id) if row.phase_id is not None else None
        if phase is not None and phase_status(phase.phase, local_today) is PhaseStatus.CANCELLED:
            continue  # it plays nothing anyway: the phase's cancellation said so
        others = [(s, e) for i, s, e in later[_place(row)] if i != row.id]
        if rules.continued(row.ends_on, others):
            continue
        found.append(
            RunOut(
                row.campaign_id,
                row.key,
                row.message,
                target,
                row.starts_on,
                row.ends_on,
                step,
                local_today,
            )
        )
    return found


def reminder_days() -> tuple[int, ...]:
    """The days before a phase's end that its funding reminders go out (30, 14, 7)."""
    return tuple(int(d) for d in current_app.config.get("REMINDER_DAYS") or ())


def recorded(campaign_id: int | None, since: date) -> dict[tuple[int, str, str, date, int], Any]:
    """The reminders recorded for ends from `since` on, by their unique key: rows with their
    `sent_at` (None while a run is sending it) and `channel`."""
    key = (
        Reminder.campaign_id,
        Reminder.kind,
        Reminder.subject,
        Reminder.subject_ends_on,
        Reminder.days_before,
    )
    query = select(*key, Reminder.sent_at, Reminder.channel).where(
        Reminder.subject_ends_on >= since
    )
    if campaign_id is not None:
        query = query.where(Reminder.campaign_id == campaign_id)
    return {tuple(row[:5]): row for row in db.session.execute(query)}
