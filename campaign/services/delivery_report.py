"""Planned against actual plays per booking, with the shortfall, for a page, its CSV and the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign.domain.model import CAMPAIGN_CARD_KEY
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign
from campaign.persistence.messages import Booking, Message, MessageVersion
from campaign.persistence.network import Hub, Zone
from campaign.persistence.player import PlayRecord
from campaign.persistence.queries import live_version
from campaign.services import reports, spreadsheet_csv
from campaign.services.campaigns import visible_campaigns
from campaign.services.errors import Invalid, NotFound
from campaign.services.planned_plays import (
    ONE_DAY,
    Counts,
    PlannedPlays,
    local_midnight,
    planned_plays,
)
from campaign.services.playback import Playback
from campaign.services.report_filters import ReportFilter, parse_filter


@dataclass(frozen=True)
class Place:
    """Where a booking ran (or was planned to): a hub and the names of its zones."""

    hub_code: str
    hub_name: str
    zones: tuple[str, ...]  # zone names, by zone code

    @property
    def text(self) -> str:
        return f"{self.hub_name} ({self.hub_code}): {', '.join(self.zones)}"


@dataclass(frozen=True)
class Delivery:
    """Planned and actual plays of one booking, of the fallback, of a hub or of everything."""

    planned: int
    actual: int

    @property
    def shortfall(self) -> int:
        """Plays planned and not played; 0 when more were played than planned."""
        return max(0, self.planned - self.actual)

    @property
    def delivered_pct(self) -> float | None:
        """Actual as a share of planned, in percent (None when nothing was planned)."""
        return None if self.planned == 0 else round(100 * self.actual / self.planned, 1)


@dataclass(frozen=True)
class BookingDelivery(Delivery):
    booking_key: str
    message_key: str
    headline: str  # in the report's language (falls back to the message key)
    target: str  # as a plan writes it: "phase:1", "zone:LIM/ARR", … ("" for a booking gone)
    places: tuple[Place, ...]

    @property
    def where(self) -> str:
        return "; ".join(place.text for place in self.places)


@dataclass(frozen=True)
class HubDelivery(Delivery):
    hub_code: str
    hub_name: str


@dataclass(frozen=True)
class DeliveryReport:
    filter: ReportFilter  # the range clipped to the phase's own days
    range_end: datetime  # the instant the range ends (its last hub-local midnight)
    planned_until: datetime  # planned counts up to here: the range's end, or the report's now
    bookings: tuple[BookingDelivery, ...]  # by booking key
    fallback: Delivery  # the campaign's fallback items, counted apart
    total: Delivery  # every booking (the fallback apart)
    hubs: tuple[HubDelivery, ...]  # bookings only, by hub code
    screens: int  # screens in the scope

    @property
    def complete(self) -> bool:
        """Whether the whole range is over (else planned stops at `planned_until`)."""
        return self.planned_until >= self.range_end


def clipped_to_phase(report: ReportFilter) -> ReportFilter:
    """The filter's days within its phase's own days, as the reports service covers them (a
    range outside the phase: Invalid)."""
    first, last = reports.covered_days(report)
    return replace(report, date_from=first, date_to=last)


def delivery_report(
    report: ReportFilter, *, at: datetime, lang: str, playback: Playback | None = None
) -> DeliveryReport:
    """Planned (up to `at`) against actual plays per booking in the report's scope, with the
    fallback apart; headlines in `lang`."""
    report = clipped_to_phase(report)
    planned = planned_plays(report, playback or Playback(), until=at)
    actual = reports.plays_by_booking(report, at=at)
    zones = _zone_names()
    hub_names = dict(db.session.execute(select(Hub.code, Hub.name)).all())
    where = {s.code: (s.hub_code, s.zone_code) for s in planned.screens}
    screens_of: dict[str, set[str]] = {}
    for screen, booking, _day in (*planned.plays, *actual):
        if booking is not None:
            screens_of.setdefault(booking, set()).add(screen)
    bookings = _bookings(report.campaign_id, set(screens_of))
    headlines = _headlines(report.campaign_id, lang)
    rows = []
    for key, screens in sorted(screens_of.items()):
        booking = bookings.get(key)
        message = booking.message.key if booking else _played_message(report.campaign, key)
        rows.append(
            BookingDelivery(
                planned=_sum(planned.plays, key),
                actual=_sum(actual, key),
                booking_key=key,
                message_key=message,
                headline=headlines.get(message) or message,
                target=booking.target if booking else "",
                places=_places(screens, where, zones, hub_names),
            )
        )
    hubs = []
    for hub in sorted({hub for hub, _zone in where.values()}):
        in_hub = {code for code, (h, _z) in where.items() if h == hub}
        hubs.append(
            HubDelivery(
                planned=_sum_where(planned.plays, in_hub),
                actual=_sum_where(actual, in_hub),
                hub_code=hub,
                hub_name=hub_names.get(hub, hub),
            )
        )
    end = _range_end(report, planned)
    return DeliveryReport(
        filter=report,
        range_end=end,
        planned_until=min(at, end),
        bookings=tuple(rows),
        fallback=Delivery(_sum(planned.plays, None), _sum(actual, None)),
        total=Delivery(sum(r.planned for r in rows), sum(r.actual for r in rows)),
        hubs=tuple(hubs),
        screens=len(planned.screens),
    )


def _range_end(report: ReportFilter, planned: PlannedPlays) -> datetime:
    zones = {s.timezone for s in planned.screens} or {"UTC"}
    return max(local_midnight(report.date_to + ONE_DAY, ZoneInfo(z)) for z in zones)


def _sum(counts: Counts, booking: str | None) -> int:
    return sum(n for (_s, b, _d), n in counts.items() if b == booking)


def _sum_where(counts: Counts, screens: set[str]) -> int:
    return sum(n for (s, b, _d), n in counts.items() if b is not None and s in screens)


def _places(
    screens: Iterable[str],
    where: dict[str, tuple[str, str]],
    zones: dict[tuple[str, str], str],
    hub_names: dict[str, str],
) -> tuple[Place, ...]:
    by_hub: dict[str, set[str]] = {}
    for code in screens:
        if code in where:
            hub, zone = where[code]
            by_hub.setdefault(hub, set()).add(zone)
    return tuple(
        Place(hub, hub_names.get(hub, hub), tuple(zones.get((hub, z), z) for z in sorted(found)))
        for hub, found in sorted(by_hub.items())
    )


def _zone_names() -> dict[tuple[str, str], str]:
    rows = db.session.execute(select(Hub.code, Zone.code, Zone.name).join(Zone.hub))
    return {(hub, zone): name for hub, zone, name in rows}


def _bookings(campaign_id: int, keys: set[str]) -> dict[str, Booking]:
    rows = db.session.scalars(
        select(Booking).where(Booking.campaign_id == campaign_id, Booking.key.in_(keys))
    )
    return {row.key: row for row in rows}


def _played_message(campaign: str, booking_key: str) -> str:
    """The message of a booking that is gone, as its plays name it."""
    found = db.session.scalar(
        select(PlayRecord.message_key)
        .where(PlayRecord.campaign == campaign, PlayRecord.booking_key == booking_key)
        .limit(1)
    )
    return found or "?"


def _headlines(campaign_id: int, lang: str) -> dict[str, str]:
    """Every message's headline in `lang` (else in another language it has), by message key;
    the campaign's card is its name."""
    campaign = db.session.get(Campaign, campaign_id)
    found: dict[str, str] = {}
    if campaign is not None:
        names = campaign.names or {}
        found[CAMPAIGN_CARD_KEY] = names.get(lang) or next(iter(names.values()), "")
    rows = db.session.scalars(
        select(Message)
        .where(Message.campaign_id == campaign_id)
        .options(selectinload(Message.versions).selectinload(MessageVersion.texts))
    )
    for row in rows:
        version = live_version(row) or row.latest
        if version is None:
            continue
        text = version.text(lang) or next(iter(version.texts), None)
        if text is not None and text.headline:
            found[row.key] = text.headline
    return found


def delivery_csv(report: DeliveryReport) -> bytes:
    """The report's table as CSV (the shared spreadsheet writer): one row per booking, then the
    fallback and the total."""
    header = [
        _("Booking"),
        _("Message"),
        _("Headline"),
        _("Target"),
        _("Where"),
        _("Planned plays"),
        _("Actual plays"),
        _("Shortfall"),
        _("Delivered (%)"),
    ]

    def numbers(row: Delivery) -> list[object]:
        pct = row.delivered_pct
        return [row.planned, row.actual, row.shortfall, "" if pct is None else pct]

    rows: list[list[object]] = [
        [r.booking_key, r.message_key, r.headline, r.target, r.where, *numbers(r)]
        for r in report.bookings
    ]
    rows.append(
        [
            _("Fallback"),
            "",
            _("What the screens play with nothing booked"),
            "",
            "",
            *numbers(report.fallback),
        ]
    )
    rows.append([_("Total of the bookings"), "", "", "", "", *numbers(report.total)])
    return spreadsheet_csv.csv_bytes(header, rows)


def csv_name(report: DeliveryReport) -> str:
    f = report.filter
    return f"delivery-{f.campaign}-{f.date_from:%Y%m%d}-{f.date_to:%Y%m%d}.csv"


@dataclass(frozen=True)
class FilterChoices:
    """What the filter form offers: the campaigns the person may see, the chosen campaign's
    phases and hubs."""

    campaigns: tuple[tuple[str, str], ...]  # (slug, name)
    phases: tuple[tuple[int, str], ...]  # (id, name)
    hubs: tuple[tuple[str, str], ...]  # (code, name)


def filter_choices(user: User | None, campaign: str | None, lang: str) -> FilterChoices:
    """The filter form's choices for `user` (None: every campaign); phases and hubs of
    `campaign` (its slug), else of the first campaign they may see."""
    query = select(Campaign) if user is None else visible_campaigns(user)
    rows = list(db.session.scalars(query.order_by(Campaign.id)))
    chosen = next((c for c in rows if c.slug == campaign), rows[0] if rows else None)
    phases: list[tuple[int, str]] = []
    hubs: dict[str, str] = {}
    if chosen is not None:
        for phase in chosen.phases:
            phases.append((phase.id, phase.name))
            hubs.update({hub.code: hub.name for hub in phase.hubs})
    names = [(c.slug, c.names.get(lang) or next(iter(c.names.values()), c.slug)) for c in rows]
    return FilterChoices(tuple(names), tuple(phases), tuple(sorted(hubs.items())))


HOME_TIMEZONE = "America/Lima"  # "today" for a filter with no dates, before a hub is chosen


@dataclass(frozen=True)
class DeliveryPage:
    """The delivery page: its form's choices, and the report or what is wrong with the filter."""

    choices: FilterChoices
    report: DeliveryReport | None
    error_field: str | None = None  # "campaign", "phase", "hub", "from" or "to"
    error: str = ""


def report_for(
    user: User | None,
    *,
    at: datetime,
    lang: str,
    campaign: str | None = None,
    phase: str | int | None = None,
    hub: str | None = None,
    date_from: str | date | None = None,
    date_to: str | date | None = None,
) -> DeliveryReport:
    """The delivery report for a filter as typed (user None: an operator, who sees every
    campaign). Invalid names the field at fault; NotFound the campaign."""
    report = parse_filter(
        user=user,
        today=at.astimezone(ZoneInfo(HOME_TIMEZONE)).date(),
        campaign=campaign or None,
        phase=phase,
        hub=hub,
        date_from=date_from,
        date_to=date_to,
    )
    return delivery_report(report, at=at, lang=lang)


def delivery_page(
    user: User | None,
    *,
    at: datetime,
    lang: str,
    campaign: str | None = None,
    phase: str | None = None,
    hub: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> DeliveryPage:
    """The delivery page: the report for a filter as typed, or no report but the filter's
    error, and the form's choices."""
    choices = filter_choices(user, campaign or None, lang)
    try:
        report = report_for(
            user,
            at=at,
            lang=lang,
            campaign=campaign,
            phase=phase,
            hub=hub,
            date_from=date_from,
            date_to=date_to,
        )
        return DeliveryPage(choices, report)
    except Invalid as exc:
        return DeliveryPage(choices, None, getattr(exc, "field", "from"), exc.detail)
    except NotFound as exc:
        return DeliveryPage(choices, None, "campaign", exc.detail)


PROPERTIES = ("shortfall", "delivered_pct", "where", "funder", "screens", "complete")


def jsonable(value: Any) -> Any:
    """A report (dataclasses, tuples, days and instants, amounts) as plain JSON values, with
    the figures its properties give (shortfall, share delivered, …)."""
    if is_dataclass(value) and not isinstance(value, type):
        found = {f.name: jsonable(getattr(value, f.name)) for f in fields(value)}
        for name in PROPERTIES:
            if isinstance(getattr(type(value), name, None), property):
                found[name] = jsonable(getattr(value, name))
        return found
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
