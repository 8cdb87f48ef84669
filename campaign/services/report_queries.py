"""The reports' reads: the scope's hubs and screens, roll-up sums, play records, heartbeats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from campaign.extensions import db
from campaign.persistence.campaigns import Phase, phase_hubs
from campaign.persistence.messages import Message, MessageVersion
from campaign.persistence.network import Hub, Screen, Zone
from campaign.persistence.player import HeartbeatHour, PlayRecord, PlayRollup, RejectedPlay
from campaign.persistence.queries import live_version

IN_CHUNK = 500  # ids per IN (...) list
BEATS_AN_HOUR = 60  # a player sends one heartbeat a minute (assets/kiosk/player.js)


@dataclass(frozen=True)
class ScopeHub:
    id: int
    code: str
    name: str
    timezone: str
    yearly_passengers: int | None


@dataclass(frozen=True)
class ScopeScreen:
    id: int
    code: str
    name: str
    hub_code: str
    zone_code: str


def day_bounds(first: date, last: date, timezone: str) -> tuple[datetime, datetime]:
    """The UTC instants local day `first` begins and local day `last` ends at, at a hub."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(first, time(0), zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), zone).astimezone(UTC)
    return start, end


def phase_days(phase_id: int) -> tuple[date, date]:
    row = db.session.get(Phase, phase_id)
    assert row is not None, f"phase {phase_id} was checked by parse_filter"
    return row.starts_on, row.ends_on


def scope_hubs(campaign_id: int, phase_id: int | None, hub_code: str | None) -> list[ScopeHub]:
    """The phase's hubs, or every hub of the campaign's phases; only `hub_code` if given."""
    phases = select(phase_hubs.c.hub_id).join(Phase, Phase.id == phase_hubs.c.phase_id)
    phases = phases.where(Phase.campaign_id == campaign_id)
    if phase_id is not None:
        phases = phases.where(Phase.id == phase_id)
    query = select(Hub).where(Hub.id.in_(phases)).order_by(Hub.code)
    if hub_code:
        query = query.where(Hub.code == hub_code)
    return [
        ScopeHub(h.id, h.code, h.name, h.timezone, h.yearly_passengers)
        for h in db.session.scalars(query)
    ]


def screens_of(hub_ids: Sequence[int]) -> list[ScopeScreen]:
    """The hubs' screens as they are now, by hub, zone and screen code."""
    if not hub_ids:
        return []
    rows = db.session.execute(
        select(Screen.id, Screen.code, Screen.name, Hub.code, Zone.code)
        .join(Zone, Zone.id == Screen.zone_id)
        .join(Hub, Hub.id == Zone.hub_id)
        .where(Hub.id.in_(hub_ids))
        .order_by(Hub.code, Zone.code, Screen.code)
    )
    return [ScopeScreen(*row) for row in rows]


def screen_codes(screen_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Screen id -> (code, name), for screens a roll-up names."""
    found: dict[int, tuple[str, str]] = {}
    ids = sorted(set(screen_ids))
    for first in range(0, len(ids), IN_CHUNK):
        chunk = ids[first : first + IN_CHUNK]
        for sid, code, name in db.session.execute(
            select(Screen.id, Screen.code, Screen.name).where(Screen.id.in_(chunk))
        ):
            found[sid] = (code, name)
    return found


def zone_names(hub_codes: Sequence[str]) -> dict[tuple[str, str], str]:
    if not hub_codes:
        return {}
    rows = db.session.execute(
        select(Hub.code, Zone.code, Zone.name)
        .join(Zone, Zone.hub_id == Hub.id)
        .where(Hub.code.in_(hub_codes))
    )
    return {(hub, zone): name for hub, zone, name in rows}


def hub_names(hub_codes: Sequence[str]) -> dict[str, str]:
    if not hub_codes:
        return {}
    return dict(db.session.execute(select(Hub.code, Hub.name).where(Hub.code.in_(hub_codes))).all())


def rollup_by_screen_day(
    slug: str, hub_codes: Sequence[str], first: date, last: date, *, by_booking: bool = True
) -> list[tuple[int, date, str, str, str | None, int, float]]:
    """(screen_id, day, hub_code, zone_code, booking_key, plays, seconds) of the campaign's
    roll-up rows; booking_key None for none (the roll-up stores ""), and always None when not
    `by_booking` (fewer rows to read: a phase's report needs no booking)."""
    if not hub_codes:
        return []
    keys = [PlayRollup.screen_id, PlayRollup.day, PlayRollup.hub_code, PlayRollup.zone_code]
    if by_booking:
        keys.append(PlayRollup.booking_key)
    rows = db.session.execute(
        select(*keys, func.sum(PlayRollup.plays), func.sum(PlayRollup.seconds))
        .where(
            PlayRollup.hub_code.in_(hub_codes),
            PlayRollup.day >= first,
            PlayRollup.day <= last,
            PlayRollup.campaign == slug,
        )
        .group_by(*keys)
    )
    if by_booking:
        return [(s, d, h, z, b or None, int(p), float(sec or 0)) for s, d, h, z, b, p, sec in rows]
    return [(s, d, h, z, None, int(p), float(sec or 0)) for s, d, h, z, p, sec in rows]


def rollup_by_message_lang(
    slug: str, hub_codes: Sequence[str], first: date, last: date
) -> list[tuple[str, str, int, float]]:
    """(message_key, lang, plays, seconds) of the same roll-up rows."""
    if not hub_codes:
        return []
    rows = db.session.execute(
        select(
            PlayRollup.message_key,
            PlayRollup.lang,
            func.sum(PlayRollup.plays),
            func.sum(PlayRollup.seconds),
        )
        .where(
            PlayRollup.hub_code.in_(hub_codes),
            PlayRollup.day >= first,
            PlayRollup.day <= last,
            PlayRollup.campaign == slug,
        )
        .group_by(PlayRollup.message_key, PlayRollup.lang)
    )
    return [(m, lang or "", int(p), float(sec or 0)) for m, lang, p, sec in rows]


def records_between(
    slug: str, screen_ids: Sequence[int], start: datetime, end: datetime
) -> list[tuple[int, str, str, str | None, int, float]]:
    """(screen_id, message_key, lang, booking_key, plays, seconds) of the campaign's accepted
    plays that started in [start, end) on these screens (rejected plays are in another table);
    booking_key None for none."""
    found: list[tuple[int, str, str, str | None, int, float]] = []
    ids = sorted(set(screen_ids))
    for first in range(0, len(ids), IN_CHUNK):
        rows = db.session.execute(
            select(
                PlayRecord.screen_id,
                PlayRecord.message_key,
                PlayRecord.lang,
                PlayRecord.booking_key,
                func.count(),
                func.sum(PlayRecord.duration_s),
            )
            .where(
                # Not through the campaign's index: a day of every screen's plays would be read
                # for a few screens; the (screen_id, started_at) one reads only theirs.
                func.coalesce(PlayRecord.campaign, "") == slug,
                PlayRecord.started_at >= start,
                PlayRecord.started_at < end,
                PlayRecord.screen_id.in_(ids[first : first + IN_CHUNK]),
            )
            .group_by(
                PlayRecord.screen_id,
                PlayRecord.message_key,
                PlayRecord.lang,
                PlayRecord.booking_key,
            )
        )
        found.extend(
            (s, m, lang or "", b or None, int(n), float(sec or 0)) for s, m, lang, b, n, sec in rows
        )
    return found


def heartbeat_sums(
    screen_ids: Sequence[int], start: datetime, end: datetime
) -> dict[int, tuple[int, datetime | None]]:
    """Screen id -> (beats, each hour's counted up to BEATS_AN_HOUR; the latest heartbeat) over
    the UTC hours that begin in [start, end)."""
    capped = case((HeartbeatHour.beats > BEATS_AN_HOUR, BEATS_AN_HOUR), else_=HeartbeatHour.beats)
    found: dict[int, tuple[int, datetime | None]] = {}
    ids = sorted(set(screen_ids))
    for first in range(0, len(ids), IN_CHUNK):
        rows = db.session.execute(
            select(HeartbeatHour.screen_id, func.sum(capped), func.max(HeartbeatHour.last_at))
            .where(
                HeartbeatHour.screen_id.in_(ids[first : first + IN_CHUNK]),
                HeartbeatHour.hour >= start,
                HeartbeatHour.hour < end,
            )
            .group_by(HeartbeatHour.screen_id)
        )
        for sid, beats, last_at in rows:
            found[sid] = (int(beats or 0), last_at)
    return found


def rejected_between(
    slug: str, screen_ids: Sequence[int], start: datetime, end: datetime
) -> list[tuple[int, str, int, datetime]]:
    """(screen_id, reason, plays, latest received_at) of the campaign's rejected plays received
    in [start, end)."""
    found: list[tuple[int, str, int, datetime]] = []
    ids = sorted(set(screen_ids))
    for first in range(0, len(ids), IN_CHUNK):
        rows = db.session.execute(
            select(
                RejectedPlay.screen_id,
                RejectedPlay.reason,
                func.count(),
                func.max(RejectedPlay.received_at),
            )
            .where(
                RejectedPlay.screen_id.in_(ids[first : first + IN_CHUNK]),
                RejectedPlay.received_at >= start,
                RejectedPlay.received_at < end,
                RejectedPlay.item_id.startswith(f"{slug}/", autoescape=True),
            )
            .group_by(RejectedPlay.screen_id, RejectedPlay.reason)
        )
        found.extend((sid, reason, int(n), last) for sid, reason, n, last in rows)
    return found


def headlines(campaign_id: int) -> dict[str, dict[str, str]]:
    """Message key -> {lang: headline} of the version screens show (else the newest one)."""
    rows = db.session.scalars(
        select(Message)
        .where(Message.campaign_id == campaign_id)
        .options(selectinload(Message.versions).selectinload(MessageVersion.texts))
    )
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        version = live_version(row) or row.latest
        if version is not None:
            found[row.key] = {t.lang: t.headline for t in version.texts if t.headline}
    return found
