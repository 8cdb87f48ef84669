"""The screen-network pages' use cases: hubs, zones and screens with their health and tokens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign as CampaignRow
from campaign.persistence.network import Hub, Screen, Zone
from campaign.services import places, play_counts, rejected_plays
from campaign.services.errors import NotFound, ServiceError
from campaign.services.network_scope import may_see_hub, scoped
from campaign.services.overview import ScreenView, screen_preview
from campaign.services.screen_health import Health, current_versions, health

T = TypeVar("T")
REJECTED_DAYS = 7  # the screens' pages count the plays rejected over this many days


@dataclass(frozen=True)
class RejectedReason:
    code: str  # campaign.services.play_checks.REASONS
    label: object  # in the reader's language when shown
    plays: int


@dataclass(frozen=True)
class Rejected:
    """Plays of a screen rejected over the last REJECTED_DAYS, by reason (in the pages' order)."""

    total: int = 0
    reasons: tuple[RejectedReason, ...] = ()
    days: int = REJECTED_DAYS


def _rejected(screen_ids: list[int] | None, now: datetime) -> dict[int, Rejected]:
    since = now - timedelta(days=REJECTED_DAYS)
    counts = rejected_plays.rejected_counts(screen_ids, since, None)
    order = list(rejected_plays.REASON_LABELS)
    found = {}
    for screen_id, by_reason in counts.items():
        reasons = sorted(
            by_reason.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)
        )
        found[screen_id] = Rejected(
            sum(by_reason.values()),
            tuple(
                RejectedReason(code, rejected_plays.REASON_LABELS.get(code, code), plays)
                for code, plays in reasons
            ),
        )
    return found


@dataclass(frozen=True)
class HubSummary:
    hub: Hub
    zones: int
    screens: int


@dataclass(frozen=True)
class ScreenLine:
    """A screen as the list shows it: where it is and how it is doing."""

    screen: Screen
    zone: Zone
    hub: Hub
    health: Health
    rejected: Rejected = field(default_factory=Rejected)  # its plays rejected lately
    counted: int = 0  # its plays of the last REJECTED_DAYS reported only as counts


@dataclass(frozen=True)
class ZoneChoice:
    id: int
    code: str
    name: str
    hub_code: str
    hub_name: str


def _undo_on_error(change: Callable[[], T]) -> T:
    """Run a change; a refusal leaves nothing half-done in the session for the page after."""
    try:
        return change()
    except ServiceError:
        db.session.rollback()
        raise


# --- reading --------------------------------------------------------------------------------


def hub_summaries(user: User | None = None) -> list[HubSummary]:
    """Every hub the user may see (no user: every hub) by code, with how many zones and
    screens it has."""
    zones = dict(
        db.session.execute(select(Zone.hub_id, func.count(Zone.id)).group_by(Zone.hub_id)).all()
    )
    screens = dict(
        db.session.execute(
            select(Zone.hub_id, func.count(Screen.id)).join(Screen.zone).group_by(Zone.hub_id)
        ).all()
    )
    hubs = db.session.scalars(scoped(select(Hub), Hub.id, user).order_by(Hub.code))
    return [HubSummary(h, zones.get(h.id, 0), screens.get(h.id, 0)) for h in hubs]


def hub_by_code(code: str, user: User | None = None) -> Hub:
    """The hub, with its zones and screens; one the user may not see is missing, as unknown."""
    hub = db.session.scalar(
        scoped(select(Hub), Hub.id, user)
        .where(Hub.code == code)
        .options(selectinload(Hub.zones).selectinload(Zone.screens))
    )
    if hub is None:
        raise NotFound(f"no hub {code!r}")
    return hub


def zone_by_id(zone_id: int, user: User | None = None) -> Zone:
    zone = places.get_zone(zone_id)
    if not may_see_hub(user, zone.hub.code):
        raise NotFound(f"no zone {zone_id}")  # what places.get_zone says of an unknown id
    return zone


def screen_by_code(code: str, user: User | None = None) -> Screen:
    query = select(Screen).join(Screen.zone).where(Screen.code == code)
    row = db.session.scalar(scoped(query, Zone.hub_id, user))
    if row is None:
        raise NotFound(f"no screen {code!r}")
    return row


def hub_choices(user: User | None = None) -> list[Hub]:
    """The hubs the user may see (no user: every hub), by code."""
    return list(db.session.scalars(scoped(select(Hub), Hub.id, user).order_by(Hub.code)))


def zone_choices() -> list[ZoneChoice]:
    """Every zone, by hub code and zone code, for a screen's zone chooser."""
    rows = db.session.execute(
        select(Zone.id, Zone.code, Zone.name, Hub.code, Hub.name)
        .join(Zone.hub)
        .order_by(Hub.code, Zone.code)
    )
    return [ZoneChoice(*row) for row in rows]


def screen_lines(
    now: datetime, hub_code: str | None = None, user: User | None = None
) -> list[ScreenLine]:
    """Every screen the user may see (of one hub, if named) by code, with its health at `now`."""
    query = (
        select(Screen, Zone, Hub).join(Screen.zone).join(Zone.hub).order_by(Hub.code, Screen.code)
    )
    if hub_code:
        query = query.where(Hub.code == hub_code)
    rows = db.session.execute(scoped(query, Hub.id, user)).all()
    versions = current_versions([s.code for s, _, _ in rows], now)
    rejected = _rejected([s.id for s, _, _ in rows] if hub_code else None, now)
    return [
        ScreenLine(s, z, h, health(s, versions[s.code], now), rejected.get(s.id, Rejected()))
        for s, z, h in rows
    ]


def screen_line(code: str, now: datetime, user: User | None = None) -> ScreenLine:
    """One screen (that the user may see) with its zone, hub and health at `now`."""
    row = screen_by_code(code, user)
    versions = current_versions([code], now)
    rejected = _rejected([row.id], now).get(row.id, Rejected())
    counted = play_counts.counted_plays([row.id], now - timedelta(days=REJECTED_DAYS))
    return ScreenLine(
        row, row.zone, row.zone.hub, health(row, versions[code], now), rejected,
        counted.get(row.id, 0),
    )  # fmt: skip


# --- changing ---------------------------------------------------------------------------------


def create_hub(values: dict[str, Any]) -> Hub:
    return _undo_on_error(lambda: places.create_hub(values))


def update_hub(code: str, changes: dict[str, Any]) -> Hub:
    """Change a hub; `changes["version"]` is the version the change was made on."""
    hub = hub_by_code(code)
    return _undo_on_error(lambda: places.update_hub(hub.id, changes))


def create_zone(values: dict[str, Any]) -> Zone:
    return _undo_on_error(lambda: places.create_zone(values))


def update_zone(zone_id: int, changes: dict[str, Any]) -> Zone:
    return _undo_on_error(lambda: places.update_zone(zone_id, changes))


def register_screen(values: dict[str, Any], *, now: datetime) -> tuple[Screen, str]:
    """Register a screen; returns it and its token, which is kept nowhere: show it once."""
    return _undo_on_error(lambda: places.create_screen(dict(values), now=now))


def update_screen(code: str, changes: dict[str, Any]) -> Screen:
    row = screen_by_code(code)
    return _undo_on_error(lambda: places.update_screen(row.id, changes))


def rotate_token(code: str, *, now: datetime) -> tuple[Screen, str]:
    """A new token for the screen; the old one stops working at once. Show the new one once."""
    row = screen_by_code(code)
    return _undo_on_error(lambda: places.rotate_screen_token(row.id, now=now))


def revoke_token(code: str, *, now: datetime) -> Screen:
    """The screen's token stops working at once; it plays its cache until given a new one."""
    row = screen_by_code(code)
    return _undo_on_error(lambda: places.revoke_screen_token(row.id, now=now))


# --- what plays, and the kiosk link ---------------------------------------------------------


def screen_timezone(code: str, user: User | None = None) -> str | None:
    """The IANA timezone of the screen's hub; None: no such screen, or one at a hub the user
    may not see (no user: any screen; the preview API then asks `screen_preview`, which
    answers such a screen as unknown)."""
    query = select(Hub.timezone).join(Hub.zones).join(Zone.screens).where(Screen.code == code)
    return db.session.scalar(scoped(query, Hub.id, user))


def local_instant(local: datetime, timezone: str) -> datetime:
    """A wall-clock time without offset, read in `timezone`, as an aware UTC instant. A time
    skipped by a daylight-saving change is read with the offset before the change, and a time
    that happens twice is its first occurrence (PEP 495, fold 0)."""
    if local.tzinfo is not None and local.utcoffset() is not None:
        return local.astimezone(UTC)
    return local.replace(tzinfo=ZoneInfo(timezone), fold=0).astimezone(UTC)


@dataclass(frozen=True)
class PlaysHere:
    view: ScreenView
    names: dict[str, dict[str, str]]  # the names, by language, of the campaigns the user sees


def plays_at(code: str, at: datetime, user: User) -> PlaysHere | None:
    """What the screen plays at `at`, every slide drawn, as the screen gets it; items of
    campaigns the user may not see are redacted. None: no campaign the user sees plays here."""
    view = screen_preview(code, at, user)
    if view is None:
        return None
    seen = {shown.item.campaign for shown in view.items if shown.visible}
    rows = db.session.execute(
        select(CampaignRow.slug, CampaignRow.names).where(CampaignRow.slug.in_(seen))
    )
    return PlaysHere(view, {slug: dict(names) for slug, names in rows})


def kiosk_qr_svg(url: str) -> str:
    """An SVG QR code of `url` (dark on white, scalable, no inline style), for a page."""
    import segno  # only where a code is drawn: web workers that never draw one skip it

    code = segno.make_qr(url, error="m", boost_error=True)
    return str(
        code.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True, svgclass="qr")
    )
