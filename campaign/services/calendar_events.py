"""A calendar feed's contents: a campaign's phases and bookings, one event per hub, in the hub's
own time (TZID and VTIMEZONE), worded in the campaign's first language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from icalendar import Calendar, Event, vDuration
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from campaign.domain.model import WEEKDAYS, FundingStatus, MessageStatus, PhaseStatus
from campaign.domain.phases import phase_status
from campaign.extensions import db
from campaign.persistence.audit import AuditEvent
from campaign.persistence.campaigns import Campaign, Phase
from campaign.persistence.messages import Booking, Message, MessageVersion
from campaign.persistence.network import Hub, Screen, Zone
from campaign.persistence.queries import live_version, to_phase

PRODID = "-//Campaign scheduler//Calendar feeds//EN"
# Host-independent, so an event keeps its UID whatever address serves the feed.
UID_DOMAIN = "campaign-scheduler"
REFRESH = timedelta(hours=1)
ONE_DAY = timedelta(days=1)
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

FUNDING = {
    FundingStatus.CONFIRMED: _l("confirmed"),
    FundingStatus.PENDING: _l("pending"),
    FundingStatus.DECLINED: _l("declined"),
}
LIFECYCLE = {
    PhaseStatus.PLANNED: _l("planned"),
    PhaseStatus.ACTIVE: _l("active"),
    PhaseStatus.COMPLETED: _l("completed"),
    PhaseStatus.CANCELLED: _l("cancelled"),
}


def language(campaign: Campaign) -> str:
    """The campaign's first language when the app speaks it, else the app's default."""
    supported = current_app.config["BABEL_SUPPORTED_LOCALES"]
    first = next(iter(campaign.languages or ()), None)
    return first if first in supported else current_app.config["BABEL_DEFAULT_LOCALE"]


def _named(values: dict[str, str] | None, lang: str, fallback: str) -> str:
    values = values or {}
    return values.get(lang) or next((v for v in values.values() if v), fallback)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


@dataclass(frozen=True)
class _Span:
    """When a booking plays at a hub: its first occurrence, how long each lasts, and the
    recurrence (None: one span)."""

    start: datetime
    end: datetime
    rrule: dict[str, Any] | None


def booking_span(row: Booking, zone: ZoneInfo) -> _Span | None:
    """A booking's days and daily window in the hub's time. With every weekday and no window
    it is one span from its first local midnight to the one after its last day; otherwise a
    daily recurrence of its window (a window ending at or before it starts crosses midnight
    and belongs to the day it starts on), on its weekdays. None: no day of it is played."""
    weekdays = sorted({WEEKDAYS.index(d) for d in row.weekdays.split(",") if d in WEEKDAYS})
    days = [
        row.starts_on + timedelta(days=n)
        for n in range((row.ends_on - row.starts_on).days + 1)
        if (row.starts_on + timedelta(days=n)).weekday() in weekdays
    ]
    if not days:
        return None
    every_day = len(weekdays) == 7
    if row.window_start is None and row.window_end is None and every_day:
        return _Span(_midnight(row.starts_on, zone), _midnight(row.ends_on + ONE_DAY, zone), None)
    start = row.window_start or time(0)
    end = row.window_end or time(0)
    first_end_day = days[0] + (ONE_DAY if end <= start else timedelta(0))
    begins = datetime.combine(days[0], start, tzinfo=zone)
    ends = datetime.combine(first_end_day, end, tzinfo=zone)
    if len(days) == 1:
        return _Span(begins, ends, None)
    # UNTIL is in UTC when DTSTART has a TZID (RFC 5545 3.3.10): the last occurrence's start.
    until = datetime.combine(days[-1], start, tzinfo=zone).astimezone(UTC)
    rule: dict[str, Any] = {"FREQ": "DAILY", "UNTIL": until}
    if not every_day:
        rule["BYDAY"] = [ICAL_DAYS[d] for d in weekdays]
    return _Span(begins, ends, rule)


class _Feed:
    """One calendar: the campaign's, or one hub's (only that hub, only its phases)."""

    def __init__(self, campaign: Campaign, hub: Hub | None, at: datetime, lang: str) -> None:
        self.campaign, self.hub, self.lang = campaign, hub, lang
        self.at = at.astimezone(UTC)
        self.name = _named(campaign.names, lang, campaign.slug)
        self.phases = list(
            db.session.scalars(
                select(Phase)
                .where(Phase.campaign_id == campaign.id)
                .options(selectinload(Phase.hubs))
                .order_by(Phase.number)
            )
        )
        in_phases = {h.id: h for p in self.phases for h in p.hubs}
        self.hubs = {hub.id: hub} if hub is not None else in_phases
        self.bookings = self._bookings()
        self.modified = self._last_modified()

    def _bookings(self) -> list[Booking]:
        b = Booking
        return list(
            db.session.scalars(
                select(b)
                .where(b.campaign_id == self.campaign.id)
                .options(
                    selectinload(b.message)
                    .selectinload(Message.versions)
                    .selectinload(MessageVersion.texts),
                    selectinload(b.phase).selectinload(Phase.hubs),
                    selectinload(b.hub),
                    selectinload(b.zone).selectinload(Zone.hub),
                    selectinload(b.screen).selectinload(Screen.zone).selectinload(Zone.hub),
                )
                .order_by(b.key)
            )
        )

    def _last_modified(self) -> dict[tuple[str, str], datetime]:
        """When each phase and booking last changed, from the audit trail."""
        phase_ids = [str(p.id) for p in self.phases]
        booking_ids = [str(b.id) for b in self.bookings]
        if not phase_ids and not booking_ids:
            return {}
        e = AuditEvent
        query = (
            select(e.entity, e.entity_id, func.max(e.at))
            .where(
                or_(
                    (e.entity == "phases") & e.entity_id.in_(phase_ids),
                    (e.entity == "bookings") & e.entity_id.in_(booking_ids),
                )
            )
            .group_by(e.entity, e.entity_id)
        )
        return {(entity, ident): at for entity, ident, at in db.session.execute(query)}

    def _venue_hubs(self) -> dict[str, set[int]]:
        types = {b.venue_type for b in self.bookings if b.venue_type}
        if not types:
            return {}
        found: dict[str, set[int]] = {}
        rows = db.session.execute(
            select(Zone.venue_type, Zone.hub_id).where(Zone.venue_type.in_(types))
        )
        for venue_type, hub_id in rows:
            found.setdefault(venue_type, set()).add(hub_id)
        return found

    # --- Events ---------------------------------------------------------------------------

    def _event(self, uid: str, entity: str, row: Any) -> Event:
        event = Event()
        event.add("uid", f"{uid}@{UID_DOMAIN}")
        event.add("dtstamp", self.at)
        modified = self.modified.get((entity, str(row.id)))
        if modified is not None:
            event.add("last-modified", modified.astimezone(UTC))
        event.add("sequence", max(0, row.lock_version - 1))
        event.add("transp", "TRANSPARENT")  # a campaign's dates never make anyone busy
        return event

    def phase_events(self) -> Iterable[Event]:
        for phase in self.phases:
            domain = to_phase(phase)
            for hub in phase.hubs:
                if hub.id not in self.hubs:
                    continue
                zone = ZoneInfo(hub.timezone)
                status = phase_status(domain, self.at.astimezone(zone).date())
                uid = f"phase-{self.campaign.slug}-{phase.number}-{hub.code}"
                event = self._event(uid, "phases", phase)
                event.add("dtstart", _midnight(phase.starts_on, zone))
                event.add("dtend", _midnight(phase.ends_on + ONE_DAY, zone))
                event.add("summary", f"{phase.name} · {hub.code}")
                event.add("location", self._place(hub))
                event.add("description", self._phase_text(phase, domain.funding_status, status))
                if status is PhaseStatus.CANCELLED:
                    event.add("status", "CANCELLED")
                elif domain.funding_status is FundingStatus.CONFIRMED:
                    event.add("status", "CONFIRMED")
                else:
                    event.add("status", "TENTATIVE")
                yield event

    def _place(self, hub: Hub) -> str:
        return f"{hub.name}, {hub.region}" if hub.region else hub.name

    def _phase_text(self, phase: Phase, funding: FundingStatus, status: PhaseStatus) -> str:
        lines = [
            _("Campaign: %(name)s", name=self.name),
            _("Funding: %(status)s", status=str(FUNDING[funding])),
        ]
        if phase.funding_source:
            lines.append(_("Funding source: %(source)s", source=phase.funding_source))
        lines.append(_("Status: %(status)s", status=str(LIFECYCLE[status])))
        if phase.cancel_reason:
            lines.append(_("Reason for cancelling: %(reason)s", reason=phase.cancel_reason))
        return "\n".join(lines)

    def _reach(self, row: Booking, venues: dict[str, set[int]]) -> list[Hub]:
        """The feed's hubs a booking reaches. A booking plays only where one of the campaign's
        phases runs, so it is listed only at the hubs of the campaign's phases."""
        if row.phase is not None:
            ids = {h.id for h in row.phase.hubs}
        elif row.zone is not None:
            ids = {row.zone.hub_id}
        elif row.screen is not None:
            ids = {row.screen.zone.hub_id}
        elif row.venue_type:
            ids = venues.get(row.venue_type, set())
        else:
            ids = {row.hub_id} if row.hub_id is not None else set()
        return sorted((self.hubs[i] for i in ids if i in self.hubs), key=lambda h: h.code)

    def booking_events(self) -> Iterable[Event]:
        venues = self._venue_hubs()
        for row in self.bookings:
            version = live_version(row.message) or row.message.latest
            headlines = {
                t.lang: t.headline for t in (version.texts if version else ()) if t.headline
            }
            headline = _named(headlines, self.lang, row.message.key)
            for hub in self._reach(row, venues):
                zone = ZoneInfo(hub.timezone)
                span = booking_span(row, zone)
                if span is None:
                    continue
                event = self._event(
                    f"booking-{self.campaign.slug}-{row.key}-{hub.code}", "bookings", row
                )
                event.add("dtstart", span.start)
                event.add("dtend", span.end)
                if span.rrule is not None:
                    event.add("rrule", span.rrule)
                event.add("summary", f"{headline} · {hub.code}")
                event.add("location", self._place(hub))
                event.add("description", self._booking_text(row, headline))
                event.add("status", self._booking_status(row, version, zone))
                yield event

    def _booking_status(self, row: Booking, version: MessageVersion | None, zone: ZoneInfo) -> str:
        if row.phase is not None:
            today = self.at.astimezone(zone).date()
            if phase_status(to_phase(row.phase), today) is PhaseStatus.CANCELLED:
                return "CANCELLED"
        approved = version is not None and version.status == MessageStatus.APPROVED.value
        return "CONFIRMED" if approved else "TENTATIVE"

    def _target(self, row: Booking) -> str:
        if row.phase is not None:
            return _("phase %(number)s, %(name)s", number=row.phase.number, name=row.phase.name)
        if row.zone is not None:
            return f"{row.zone.name} ({row.zone.hub.code}/{row.zone.code})"
        if row.screen is not None:
            return _("screen %(code)s", code=row.screen.code)
        if row.venue_type:
            return _("every zone of the venue type %(type)s", type=row.venue_type)
        return row.hub.name if row.hub is not None else ""

    def _booking_text(self, row: Booking, headline: str) -> str:
        lines = [
            _("Campaign: %(name)s", name=self.name),
            _("Message: %(headline)s (%(key)s)", headline=headline, key=row.message.key),
            _("Where: %(target)s", target=self._target(row)),
        ]
        chosen = [d for d in WEEKDAYS if d in row.weekdays.split(",")]
        if len(chosen) < 7:
            names = get_day_names("abbreviated", locale=self.lang)
            days = ", ".join(names[WEEKDAYS.index(d)] for d in chosen)
            lines.append(_("Days: %(days)s", days=days))
        if row.window_start is not None or row.window_end is not None:
            start = (row.window_start or time(0)).strftime("%H:%M")
            end = (row.window_end or time(0)).strftime("%H:%M")
            lines.append(_("Every day from %(start)s to %(end)s", start=start, end=end))
        lines.append(
            _(
                "Weight %(weight)s, priority %(priority)s, %(seconds)s seconds a slot",
                weight=row.weight,
                priority=row.priority,
                seconds=row.slot_duration_s,
            )
        )
        return "\n".join(lines)

    # --- The calendar ---------------------------------------------------------------------

    def calendar(self) -> Calendar:
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        title = f"{self.name} · {self.hub.name}" if self.hub is not None else self.name
        calendar.add("name", title)
        calendar.add("x-wr-calname", title)
        zones = sorted({h.timezone for h in self.hubs.values()})
        if len(zones) == 1:
            calendar.add("x-wr-timezone", zones[0])
        calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
        events = [*self.phase_events(), *self.booking_events()]
        for event in events:
            calendar.add_component(event)
        if events:
            years = [e.decoded("dtstart").year for e in events]
            years += [e.decoded("dtend").year for e in events]
            # VTIMEZONE with the transitions the events need, not fifty years of them.
            calendar.add_missing_timezones(
                first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 2, 1, 1)
            )
        # The timezones first: some readers want a TZID defined before it is used.
        calendar.subcomponents.sort(key=lambda c: c.name != "VTIMEZONE")
        return calendar


def build_calendar(campaign: Campaign, hub: Hub | None, at: datetime) -> Calendar:
    """The calendar of a campaign (every hub of its phases) or of one hub, stamped `at`."""
    lang = language(campaign)
    with force_locale(lang):
        return _Feed(campaign, hub, at, lang).calendar()
