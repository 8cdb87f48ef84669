"""The bookings pages: bookings by name, what keeps each off the screens, and saving them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from campaign.domain.eligibility import NetworkIndex, TargetReach, index_network
from campaign.domain.model import (
    WEEKDAYS,
    Hub,
    MessageStatus,
    Network,
    Screen,
    Target,
    TargetKind,
    Zone,
)
from campaign.domain.model import Booking as DomainBooking
from campaign.extensions import db
from campaign.persistence import campaigns as c_rows
from campaign.persistence import messages as m_rows
from campaign.persistence import network as n_rows
from campaign.persistence.accounts import User
from campaign.persistence.queries import hubs_and_zones, live_version, load_network
from campaign.services import bookings
from campaign.services.booking_timeline import BookingWarning, booking_warnings
from campaign.services.campaigns import in_visible_campaigns, visible_campaigns
from campaign.services.network_scope import scoped, visible_hub_codes

PER_PAGE = 50
STATES = ("running", "upcoming", "ended", "warning")


@dataclass(frozen=True)
class MessageOption:
    id: int
    campaign_id: int
    campaign: str  # the campaign's name in the reader's language
    key: str
    headline: str  # in the reader's language, else the first one it has
    status: str  # what the screens go by: the live version's status, else the newest one's


@dataclass(frozen=True)
class TargetOption:
    value: str  # as a plan writes it: "zone:LIM/ARR"
    kind: str
    code: str
    name: str
    detail: str = ""  # phases: the funding; venue types: the zones


@dataclass(frozen=True)
class Options:
    campaigns: tuple[tuple[int, str], ...]
    messages: tuple[MessageOption, ...]
    targets: tuple[TargetOption, ...]
    hubs: tuple[tuple[str, str], ...]  # code, name


@dataclass(frozen=True)
class BookingView:
    id: int
    version: int
    key: str
    campaign_id: int
    campaign: str
    message: MessageOption
    target: TargetOption
    starts_on: date
    ends_on: date
    weekdays: tuple[int, ...]
    window_start: time | None
    window_end: time | None
    weight: int
    priority: int
    slot_duration_s: int
    orientation: str | None
    state: str  # upcoming, running, ended
    warnings: tuple[BookingWarning, ...]
    screens: tuple[str, ...]  # the codes of the screens its target reaches
    hubs: tuple[str, ...]  # their hubs
    timezone: str

    @property
    def blocked(self) -> bool:
        return any(w.blocking for w in self.warnings)

    def timeline_args(self) -> dict[str, str]:
        """Where to look at its week: its first hub, and its zone for a zone or screen."""
        if not self.hubs:
            return {}
        hub, _slash, zone = self.target.code.partition("/")
        if self.target.kind == TargetKind.ZONE:
            return {"hub": hub, "zone": zone}
        return {"hub": self.hubs[0]}


@dataclass(frozen=True)
class BookingList:
    rows: tuple[BookingView, ...]
    total: int
    page: int
    pages: int
    options: Options


# --- Names -------------------------------------------------------------------------------------


def _local(values: dict[str, str], lang: str, fallback: str) -> str:
    return values.get(lang) or next((v for v in values.values() if v), fallback)


def _message_options(campaigns: dict[int, c_rows.Campaign], lang: str) -> list[MessageOption]:
    rows = db.session.scalars(
        select(m_rows.Message)
        .where(m_rows.Message.campaign_id.in_(list(campaigns)))
        .options(selectinload(m_rows.Message.versions).selectinload(m_rows.MessageVersion.texts))
    )
    options = []
    for row in rows:
        version = live_version(row) or row.latest
        texts = {t.lang: t.headline for t in (version.texts if version else []) if t.headline}
        campaign = campaigns[row.campaign_id]
        options.append(
            MessageOption(
                id=row.id,
                campaign_id=row.campaign_id,
                campaign=_local(campaign.names, lang, campaign.slug),
                key=row.key,
                headline=_local(texts, lang, row.key),
                status=version.status if version else MessageStatus.DRAFT.value,
            )
        )
    return sorted(options, key=lambda m: (m.campaign, m.headline.casefold(), m.key))


def _venue_detail(zones: list[str]) -> str:
    shown = ", ".join(zones[:4])
    return (
        shown
        if len(zones) <= 4
        else _("%(zones)s and %(more)s more", zones=shown, more=len(zones) - 4)
    )


def _target_options(campaigns: dict[int, c_rows.Campaign], user: User) -> list[TargetOption]:
    options = []
    for campaign in campaigns.values():
        for phase in campaign.phases:
            funded = phase.funding_status == "confirmed"
            options.append(
                TargetOption(
                    f"phase:{phase.number}",
                    TargetKind.PHASE,
                    str(phase.number),
                    phase.name or _("Phase %(number)s", number=phase.number),
                    "" if funded else _("funding not confirmed"),
                )
            )
    hubs = db.session.scalars(
        scoped(select(n_rows.Hub), n_rows.Hub.id, user)
        .options(selectinload(n_rows.Hub.zones).selectinload(n_rows.Zone.screens))
        .order_by(n_rows.Hub.code)
    ).all()
    zones_by_type: dict[str, list[str]] = {}
    for hub in hubs:
        options.append(TargetOption(f"hub:{hub.code}", TargetKind.HUB, hub.code, hub.name))
    for hub in hubs:
        for zone in hub.zones:
            code = f"{hub.code}/{zone.code}"
            options.append(TargetOption(f"zone:{code}", TargetKind.ZONE, code, zone.name))
            if zone.venue_type:
                zones_by_type.setdefault(zone.venue_type, []).append(code)
    for hub in hubs:
        for zone in hub.zones:
            for screen in zone.screens:
                name = screen.name or screen.code
                options.append(
                    TargetOption(f"screen:{screen.code}", TargetKind.SCREEN, screen.code, name)
                )
    for venue, zones in sorted(zones_by_type.items()):
        options.append(
            TargetOption(f"venue:{venue}", TargetKind.VENUE, venue, venue, _venue_detail(zones))
        )
    return options


def _visible(user: User) -> dict[int, c_rows.Campaign]:
    return {row.id: row for row in db.session.scalars(visible_campaigns(user))}


def places(user: User) -> list[tuple[Hub, list[Zone]]]:
    """Every hub the user may see and its zones, by code: what a week may be shown for."""
    shown = visible_hub_codes(user)
    return [(hub, zones) for hub, zones in hubs_and_zones() if shown is None or hub.code in shown]


def booking_options(user: User, reader_lang: str) -> Options:
    """What a booking may be made of, by name: messages, targets, and the hubs to filter by."""
    campaigns = _visible(user)
    targets = _target_options(campaigns, user)
    hubs = tuple((t.code, t.name) for t in targets if t.kind == TargetKind.HUB)
    return Options(
        campaigns=tuple((c.id, _local(c.names, reader_lang, c.slug)) for c in campaigns.values()),
        messages=tuple(_message_options(campaigns, reader_lang)),
        targets=tuple(targets),
        hubs=hubs,
    )


# --- Views -------------------------------------------------------------------------------------


class _Campaigns:
    """Each campaign's network and index, and where each target reaches, read once a request."""

    def __init__(self, shown_hubs: set[str] | None = None) -> None:
        # The hubs the reader may see (None: every hub): a target such as a venue type names
        # screens anywhere, and a partner is shown those of their campaigns' hubs only.
        self.shown_hubs = shown_hubs
        self._found: dict[int, tuple[Network, NetworkIndex, dict[str, DomainBooking]]] = {}
        self._reach: dict[tuple[int, Target], tuple[Screen, ...]] = {}
        self._filed: dict[int, TargetReach] = {}

    def of(self, row: c_rows.Campaign) -> tuple[Network, NetworkIndex, dict[str, DomainBooking]]:
        found = self._found.get(row.id)
        if found is None:
            network = load_network(row)
            by_key = {b.key: b for b in network.bookings}
            found = self._found[row.id] = (network, index_network(network), by_key)
        return found

    def reach(self, row: c_rows.Campaign, target: Target) -> tuple[Screen, ...]:
        """The screens the target reaches (many bookings share a target: worked out once)."""
        key = (row.id, target)
        if key not in self._reach:
            if row.id not in self._filed:
                self._filed[row.id] = TargetReach(self.of(row)[0])
            self._reach[key] = tuple(self._filed[row.id].screens(target))
        return self._reach[key]


def _state(row: m_rows.Booking, today: date) -> str:
    if row.ends_on < today:
        return "ended"
    return "upcoming" if row.starts_on > today else "running"


def _view(
    row: m_rows.Booking,
    campaigns: _Campaigns,
    names: tuple[dict[int, MessageOption], dict[str, TargetOption]],
    now: datetime,
    *,
    warn: bool = True,
) -> BookingView:
    """The booking as the pages show it; its warnings only when `warn` (they take longest)."""
    network, index, by_key = campaigns.of(row.campaign)
    booking = by_key[row.key]
    screens = campaigns.reach(row.campaign, booking.target)
    shown = tuple(
        s for s in screens if campaigns.shown_hubs is None or s.hub_code in campaigns.shown_hubs
    )
    hubs = tuple(sorted({s.hub_code for s in shown}))
    timezone = network.hubs[hubs[0]].timezone if hubs else "UTC"
    today = now.astimezone(ZoneInfo(timezone)).date()
    messages, targets = names
    message = messages[row.message_id]
    target = targets.get(row.target) or TargetOption(row.target, *row.target.split(":", 1), "")
    found = (
        booking_warnings(network, index, booking, message.status, today, screens) if warn else []
    )
    return BookingView(
        id=row.id,
        version=row.lock_version,
        key=row.key,
        campaign_id=row.campaign_id,
        campaign=message.campaign,
        message=message,
        target=target,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        weekdays=tuple(sorted(booking.weekdays)),
        window_start=row.window_start,
        window_end=row.window_end,
        weight=row.weight,
        priority=row.priority,
        slot_duration_s=row.slot_duration_s,
        orientation=row.orientation,
        state=_state(row, today),
        warnings=tuple(found),
        screens=tuple(s.code for s in shown),
        hubs=hubs,
        timezone=timezone,
    )


def _reaches_hub(view: BookingView, hub_code: str) -> bool:
    if view.hubs:
        return hub_code in view.hubs
    return view.target.code.partition("/")[0] == hub_code  # a target with no screen yet


def _names(options: Options) -> tuple[dict[int, MessageOption], dict[str, TargetOption]]:
    return {m.id: m for m in options.messages}, {t.value: t for t in options.targets}


def _rows(query: Select[Any]) -> list[m_rows.Booking]:
    """The bookings with what names their targets, in a few queries whatever their number."""
    b = m_rows.Booking
    return list(
        db.session.scalars(
            query.options(
                selectinload(b.campaign),
                selectinload(b.phase),
                selectinload(b.hub),
                selectinload(b.zone).selectinload(n_rows.Zone.hub),
                selectinload(b.screen),
            )
        )
    )


def booking_list(
    user: User,
    *,
    message_id: int | None = None,
    hub_code: str | None = None,
    state: str | None = None,
    page: int = 1,
    now: datetime,
    reader_lang: str = "es",
    options: Options | None = None,
) -> BookingList:
    """One page of the bookings of the campaigns the user may see, with their warnings,
    filtered by message, by hub (the bookings reaching it) and by state (running, upcoming,
    ended, or with a warning). Warnings are worked out for the page shown only, unless the
    filter asks for them. `options`: `booking_options`, when the caller has them."""
    options = options or booking_options(user, reader_lang)
    names = _names(options)
    query = in_visible_campaigns(m_rows.Booking, user).order_by(
        m_rows.Booking.starts_on.desc(), m_rows.Booking.key
    )
    if message_id is not None:
        query = query.where(m_rows.Booking.message_id == message_id)
    campaigns = _Campaigns(visible_hub_codes(user))
    rows = {row.id: row for row in _rows(query)}
    warned = state == "warning"
    views = [_view(row, campaigns, names, now, warn=warned) for row in rows.values()]
    if hub_code:
        views = [v for v in views if _reaches_hub(v, hub_code)]
    if warned:
        views = [v for v in views if v.warnings]
    elif state:
        views = [v for v in views if v.state == state]
    order = {"running": 0, "upcoming": 1, "ended": 2}
    views.sort(key=lambda v: order[v.state])
    pages = max(1, -(-len(views) // PER_PAGE))
    page = min(max(1, page), pages)
    shown = views[(page - 1) * PER_PAGE : page * PER_PAGE]
    if not warned:
        shown = [_view(rows[v.id], campaigns, names, now) for v in shown]
    return BookingList(tuple(shown), len(views), page, pages, options)


def booking_detail(
    user: User, booking_id: int, *, now: datetime, reader_lang: str = "es"
) -> tuple[BookingView, Options]:
    """One booking as its page shows it (NotFound: none the user may see)."""
    row = bookings.get_booking(booking_id, user)
    options = booking_options(user, reader_lang)
    return _view(row, _Campaigns(visible_hub_codes(user)), _names(options), now), options


# --- Saving ------------------------------------------------------------------------------------

FIELDS = (
    "message_id",
    "target",
    "starts_on",
    "ends_on",
    "weekdays",
    "window_start",
    "window_end",
    "weight",
    "priority",
    "slot_duration_s",
    "orientation",
)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _new_key(campaign_id: int, message_key: str, target: str) -> str:
    """A key made of the message's and the target's, free in the campaign."""
    base = _slug(f"{message_key}-{target.replace(':', '-')}")[:72].strip("-") or "booking"
    taken = set(
        db.session.scalars(
            select(m_rows.Booking.key).where(
                m_rows.Booking.campaign_id == campaign_id, m_rows.Booking.key.like(f"{base}%")
            )
        )
    )
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def _message(user: User, message_id: int) -> m_rows.Message:
    row = db.session.scalar(
        in_visible_campaigns(m_rows.Message, user).where(m_rows.Message.id == message_id)
    )
    if row is None:
        raise bookings.BookingInvalid("message_id", _("Choose one of the messages in the list."))
    return row


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    """Form values as the booking stores them."""
    stored = {name: values[name] for name in FIELDS if name in values}
    stored["weekdays"] = ",".join(d for d in WEEKDAYS if d in values.get("weekdays", WEEKDAYS))
    stored["orientation"] = values.get("orientation") or None
    return stored


def create_booking(user: User, values: dict[str, Any]) -> int:
    """Save a new booking from the page's values (the target as "kind:ref"); its key is made
    from the message and target when none is given. Refusals name their field."""
    message = _message(user, values["message_id"])
    key = (values.get("key") or "").strip() or _new_key(
        message.campaign_id, message.key, values["target"]
    )
    stored = {**_stored(values), "campaign_id": message.campaign_id, "key": key}
    return bookings.create_booking(stored, user).id


def update_booking(user: User, booking_id: int, version: int, values: dict[str, Any]) -> int:
    """Save the changed fields of a booking (only those: an unchanged date is not re-checked)."""
    row = bookings.get_booking(booking_id, user)
    _message(user, values["message_id"])
    changes = {
        name: value for name, value in _stored(values).items() if getattr(row, name) != value
    }
    bookings.update_booking(booking_id, user, {**changes, "version": version})
    return booking_id


def delete_booking(user: User, booking_id: int, version: int) -> None:
    bookings.delete_booking(booking_id, user, version)
