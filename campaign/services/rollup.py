"""The nightly roll-up: plays per local day, screen, campaign, message, language and booking."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, delete, func, insert, literal, literal_column, select

from campaign.extensions import db
from campaign.persistence.network import Hub, Screen, Zone
from campaign.persistence.player import PlayRecord, PlayRollup

# Each night remakes this many complete days: late batches from screens that were offline.
WINDOW_DAYS = 14
_EMPTY = literal_column("''")  # inline, so GROUP BY and SELECT name the same expression


@dataclass(frozen=True)
class RollupResult:
    days: int  # local days remade (a day per timezone of the hubs)
    rows: int  # roll-up rows written
    plays: int  # plays they count
    first_day: date | None = None
    last_day: date | None = None


def _bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants a local day begins and ends at (23 or 25 hours across a DST change)."""
    start = datetime.combine(day, time(0), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
    return start, end


def _screens_of(hub_ids: list[int]):  # type: ignore[no-untyped-def]
    return select(Screen.id).join(Zone, Zone.id == Screen.zone_id).where(Zone.hub_id.in_(hub_ids))


def _remake(day: date, hub_ids: list[int], zone: ZoneInfo) -> tuple[int, int]:
    """Make one local day again, whole, for the screens of these hubs: (rows, plays)."""
    start, end = _bounds(day, zone)
    screens = _screens_of(hub_ids)
    campaign = func.coalesce(PlayRecord.campaign, _EMPTY)
    lang = func.coalesce(PlayRecord.lang, _EMPTY)
    booking = func.coalesce(PlayRecord.booking_key, _EMPTY)  # "": a fallback item, or unknown
    grouped = (
        select(
            literal(day, Date()),
            PlayRecord.screen_id,
            Hub.code,
            Zone.code,
            campaign,
            PlayRecord.message_key,
            lang,
            booking,
            func.count(),
            func.sum(PlayRecord.duration_s),
        )
        .join(Screen, Screen.id == PlayRecord.screen_id)
        .join(Zone, Zone.id == Screen.zone_id)
        .join(Hub, Hub.id == Zone.hub_id)
        .where(
            PlayRecord.started_at >= start,
            PlayRecord.started_at < end,
            Zone.hub_id.in_(hub_ids),
        )
        .group_by(
            PlayRecord.screen_id,
            Hub.code,
            Zone.code,
            campaign,
            PlayRecord.message_key,
            lang,
            booking,
        )
    )
    columns = [
        "day",
        "screen_id",
        "hub_code",
        "zone_code",
        "campaign",
        "message_key",
        "lang",
        "booking_key",
        "plays",
        "seconds",
    ]
    try:
        db.session.execute(
            delete(PlayRollup).where(PlayRollup.day == day, PlayRollup.screen_id.in_(screens))
        )
        db.session.execute(insert(PlayRollup).from_select(columns, grouped))
        rows, plays = db.session.execute(
            select(func.count(), func.coalesce(func.sum(PlayRollup.plays), 0)).where(
                PlayRollup.day == day, PlayRollup.screen_id.in_(screens)
            )
        ).one()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return int(rows), int(plays)


def _never_rolled_up(hub_ids: list[int], zone: ZoneInfo, before: date) -> list[date]:
    """Days before `before` with plays but no roll-up row for these hubs' screens."""
    first = db.session.scalar(select(func.min(PlayRecord.started_at)))
    if first is None:
        return []
    done = set(
        db.session.scalars(
            select(PlayRollup.day)
            .distinct()
            .where(PlayRollup.day < before, PlayRollup.screen_id.in_(_screens_of(hub_ids)))
        )
    )
    days = []
    day = first.astimezone(zone).date()
    while day < before:
        if day not in done:
            start, end = _bounds(day, zone)
            played = db.session.scalar(
                select(PlayRecord.id)
                .where(
                    PlayRecord.started_at >= start,
                    PlayRecord.started_at < end,
                    PlayRecord.screen_id.in_(_screens_of(hub_ids)),
                )
                .limit(1)
            )
            if played is not None:
                days.append(day)
        day += timedelta(days=1)
    return days


def roll_up(at: datetime, window_days: int = WINDOW_DAYS) -> RollupResult:
    """Roll up the plays of every complete local day (in each hub's timezone) before `at`: the
    last `window_days` days, and any older day never rolled up. Running it again, or later,
    makes the same rows from the same plays."""
    by_zone: dict[str, list[int]] = defaultdict(list)
    for hub_id, timezone in db.session.execute(select(Hub.id, Hub.timezone).order_by(Hub.id)):
        by_zone[timezone].append(hub_id)
    days = rows = plays = 0
    made: list[date] = []
    for timezone, hub_ids in sorted(by_zone.items()):
        zone = ZoneInfo(timezone)
        today = at.astimezone(zone).date()
        recent = [today - timedelta(days=n) for n in range(window_days, 0, -1)]
        older = _never_rolled_up(hub_ids, zone, today - timedelta(days=window_days))
        for day in older + recent:
            day_rows, day_plays = _remake(day, hub_ids, zone)
            days, rows, plays = days + 1, rows + day_rows, plays + day_plays
            made.append(day)
    return RollupResult(
        days=days,
        rows=rows,
        plays=plays,
        first_day=min(made) if made else None,
        last_day=max(made) if made else None,
    )
