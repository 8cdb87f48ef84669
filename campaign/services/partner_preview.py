"""What a partner sees from a preview link: read-only, scoped, in the reader's language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from flask_babel import gettext as _

from campaign.domain.model import CAMPAIGN_CARD_KEY, WEEKDAYS
from campaign.domain.phases import phase_status
from campaign.extensions import db
from campaign.persistence.messages import Booking, Message, MessageVersion
from campaign.persistence.queries import to_phase
from campaign.services import partner_preview_pictures as pictures
from campaign.services.errors import Invalid, NotFound
from campaign.services.network_pages import local_instant
from campaign.services.overview import screen_view
from campaign.services.partner_preview_scope import (
    Scope,
    ScreenFacts,
    in_phase,
    resolve,
    shown_versions,
)
from campaign.services.playback import NoCampaign, Playback
from campaign.services.preview_link_access import PreviewAccess
from campaign.services.preview_links import message_headline

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
Slot = pictures.Slot


def _missing() -> NotFound:
    # The same answer as a link that does not exist: nothing outside the scope is told apart.
    return NotFound(_("There is nothing at this address."))


def _named(values: dict[str, str] | None, lang: str, fallback: str = "") -> str:
    values = values or {}
    return values.get(lang) or next((v for v in values.values() if v), fallback)


@dataclass(frozen=True)
class TextView:
    lang: str
    headline: str
    body: str
    call_to_action: str
    hotline: str


@dataclass(frozen=True)
class VersionView:
    number: int
    status: str  # "approved", "paused" or "in_review"
    link: str
    texts: tuple[TextView, ...]  # in the campaign's languages, those it has
    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class MessageCard:
    id: int
    key: str
    headline: str  # in the reader's language when the message has it
    headline_lang: str
    is_fallback: bool
    live: VersionView | None  # what screens may show
    review: VersionView | None  # waiting for review: what an approver approves


@dataclass(frozen=True)
class ScreenLine:
    code: str
    name: str
    hub_name: str
    zone_name: str
    orientation: str


@dataclass(frozen=True)
class BookingLine:
    message_id: int
    headline: str
    where: str
    starts_on: date
    ends_on: date
    days: str  # the weekdays, "" for every day
    window: str  # "18:00–02:00", "" for all day


@dataclass(frozen=True)
class PhaseLine:
    number: int
    name: str
    starts_on: date
    ends_on: date
    status: str
    timezone: str
    hubs: tuple[str, ...]
    bookings: tuple[BookingLine, ...]


@dataclass(frozen=True)
class Header:
    """What every page of a link says first: whose campaign, for whom, what it covers."""

    campaign_name: str
    slogan: str
    partner_name: str
    label: str
    scope: str
    scope_title: str
    expires_at: datetime
    timezone: str
    languages: tuple[str, ...]


@dataclass(frozen=True)
class Overview:
    head: Header
    messages: tuple[MessageCard, ...]
    screens: tuple[ScreenLine, ...]
    phases: tuple[PhaseLine, ...]


@dataclass(frozen=True)
class PlayItem:
    position: int
    lang: str
    duration_s: int
    headline: str  # "" for a slide outside the link's scope
    message_id: int | None  # a message of the scope, with its own page
    version: int | None
    card: bool  # the campaign's card: its name and slogan
    shown: bool  # False: another campaign's slide, or a message outside the scope


@dataclass(frozen=True)
class PlaysView:
    screen: ScreenLine
    width: int
    height: int
    timezone: str
    local_time: datetime
    valid_until: datetime
    is_fallback: bool
    items: tuple[PlayItem, ...]


# --- Pieces -----------------------------------------------------------------------------------


def _version(row: MessageVersion, languages: list[str], slots: tuple[Slot, ...]) -> VersionView:
    texts = tuple(
        TextView(t.lang, t.headline, t.body, t.call_to_action, t.hotline)
        for lang in languages
        if (t := row.text(lang)) is not None and (t.headline or t.body)
    )
    return VersionView(row.number, row.status, row.link, texts, slots)


def _headline(message: Message, lang: str) -> tuple[str, str]:
    """The headline of the version shown first (in review, else live), in the reader's
    language when it has one, and that language."""
    live, review = shown_versions(message)
    shown = review or live
    headlines = {t.lang: t.headline for t in (shown.texts if shown else ()) if t.headline}
    headline_lang = lang if lang in headlines else next(iter(headlines), "")
    return headlines.get(headline_lang, message.key), headline_lang


def _card(
    message: Message, lang: str, languages: list[str], slots: tuple[Slot, ...]
) -> MessageCard:
    live, review = shown_versions(message)
    headline, headline_lang = _headline(message, lang)
    return MessageCard(
        id=message.id,
        key=message.key,
        headline=headline,
        headline_lang=headline_lang,
        is_fallback=message.is_fallback,
        live=_version(live, languages, slots) if live else None,
        review=_version(review, languages, slots) if review else None,
    )


def _screen_line(s: ScreenFacts) -> ScreenLine:
    return ScreenLine(s.code, s.name, s.hub_name, s.zone_name, s.orientation)


def _timezone(scope: Scope) -> str:
    hub = next(iter(sorted(scope.hubs.values(), key=lambda h: h.code)), None)
    return hub.timezone if hub else "America/Lima"


def _scope_title(scope: Scope, lang: str) -> str:
    access = scope.access
    if access.scope == "phase" and scope.phases:
        return str(scope.phases[0].name)
    if access.scope == "hub" and access.hub_id in scope.hubs:
        return scope.hubs[access.hub_id].name
    if access.scope == "message" and access.message_id is not None:
        message = db.session.get(Message, access.message_id)
        if message is not None:
            return _("Message «%(headline)s»", headline=message_headline(message, lang))
    return _("The whole campaign")


def _where(row: Booking, scope: Scope) -> str:
    hubs = sorted(scope.hubs[i].code for i in scope.reach[row.id].hubs if i in scope.hubs)
    places = ", ".join(hubs)
    if row.phase_id is not None:
        return _("every screen of the phase at %(hubs)s", hubs=places)
    if row.zone_id is not None and row.zone is not None:
        return f"{row.zone.name} ({row.zone.hub.code})"
    if row.screen_id is not None and row.screen is not None:
        return _("the screen %(code)s", code=row.screen.code)
    if row.venue_type:
        return _("every zone of the type %(type)s at %(hubs)s", type=row.venue_type, hubs=places)
    return _("every screen at %(hubs)s", hubs=places)


def _days(row: Booking, lang: str) -> str:
    chosen = [d for d in WEEKDAYS if d in row.weekdays.split(",")]
    if len(chosen) == len(WEEKDAYS):
        return ""
    names = get_day_names("abbreviated", locale=lang)
    return ", ".join(names[WEEKDAYS.index(d)] for d in chosen)


def _window(row: Booking) -> str:
    if row.window_start is None and row.window_end is None:
        return ""
    start = row.window_start.strftime("%H:%M") if row.window_start else "00:00"
    end = row.window_end.strftime("%H:%M") if row.window_end else "24:00"
    return f"{start}–{end}"


def _phases(scope: Scope, now: datetime, lang: str) -> tuple[PhaseLine, ...]:
    found = []
    for phase in scope.phases:
        hubs = [h for h in phase.hubs if h.id in scope.hubs] or list(phase.hubs)
        timezone = hubs[0].timezone if hubs else "UTC"
        today = now.astimezone(ZoneInfo(timezone)).date()
        bookings = tuple(
            BookingLine(
                message_id=b.message_id,
                headline=_headline(scope.messages[b.message_id], lang)[0],
                where=_where(b, scope),
                starts_on=max(b.starts_on, phase.starts_on),
                ends_on=min(b.ends_on, phase.ends_on),
                days=_days(b, lang),
                window=_window(b),
            )
            for b in scope.bookings
            if in_phase(b, scope.reach[b.id], phase)
        )
        found.append(
            PhaseLine(
                number=phase.number,
                name=phase.name,
                starts_on=phase.starts_on,
                ends_on=phase.ends_on,
                status=phase_status(to_phase(phase), today).value,
                timezone=timezone,
                hubs=tuple(h.name for h in hubs),
                bookings=bookings,
            )
        )
    return tuple(found)


# --- Pages ------------------------------------------------------------------------------------


def _header(scope: Scope, lang: str) -> Header:
    row, access = scope.campaign, scope.access
    return Header(
        campaign_name=_named(row.names, lang, row.slug),
        slogan=_named(row.slogans, lang),
        partner_name=scope.partner.name,
        label=access.label,
        scope=access.scope,
        scope_title=_scope_title(scope, lang),
        expires_at=access.expires_at,
        timezone=_timezone(scope),
        languages=tuple(row.languages),
    )


def header(access: PreviewAccess, lang: str) -> Header:
    """The head of every page of the link."""
    return _header(resolve(access), lang)


def overview(access: PreviewAccess, now: datetime, lang: str) -> Overview:
    """The link's first page: the campaign, what the link covers, its messages (each with
    its pictures), the screens in scope and the phases' schedule."""
    scope = resolve(access)
    languages = list(scope.campaign.languages)
    slots = pictures.slots(scope, now)
    return Overview(
        head=_header(scope, lang),
        messages=tuple(_card(m, lang, languages, slots) for m in scope.messages.values()),
        screens=tuple(_screen_line(s) for s in scope.screens.values()),
        phases=_phases(scope, now, lang),
    )


def scoped_message(access: PreviewAccess, message_id: int) -> tuple[Scope, Message]:
    """The scope and one of its messages; any other message is the same NotFound."""
    scope = resolve(access)
    message = scope.messages.get(message_id)
    if message is None:
        raise _missing()
    return scope, message


def message_card(access: PreviewAccess, message_id: int, now: datetime, lang: str) -> MessageCard:
    """One message of the scope with its versions' texts and pictures."""
    scope, message = scoped_message(access, message_id)
    languages = list(scope.campaign.languages)
    return _card(message, lang, languages, pictures.slots(scope, now))


def picture(
    access: PreviewAccess, message_id: int, number: int, lang: str, size: str, now: datetime
) -> bytes:
    """The watermarked PNG of a version the link shows, in a language and screen size it
    shows; anything else is NotFound."""
    scope, message = scoped_message(access, message_id)
    version = next((v for v in shown_versions(message) if v and v.number == number), None)
    shape = re.fullmatch(r"([0-9]{1,5})x([0-9]{1,5})", size)
    if version is None or shape is None:
        raise _missing()
    width, height = shape.groups()
    if not pictures.allowed(scope, now, lang, int(width), int(height)):
        raise _missing()
    return pictures.draw(scope, message, version, lang, int(width), int(height))


# --- What plays here --------------------------------------------------------------------------


def screen_timezone(access: PreviewAccess, code: str) -> str:
    """The hub's timezone of a screen in scope; any other screen is NotFound."""
    found = resolve(access).screens.get(code)
    if found is None:
        raise _missing()
    return found.timezone


def asked_instant(text: str, timezone: str, now: datetime) -> datetime:
    """The local date and time a reader typed (a datetime-local field, in the hub's time) as an
    instant; empty: now. Invalid, in the reader's words, when it cannot be read."""
    if not text.strip():
        return now
    try:
        local = datetime.fromisoformat(text.strip())
    except ValueError:
        local = None
    if local is None or not EARLIEST_YEAR <= local.year <= LATEST_YEAR:
        raise Invalid(
            _(
                "«%(text)s» is not a date and time between %(first)s and %(last)s, such as "
                "2026-12-24T21:00.",
                text=text,
                first=EARLIEST_YEAR,
                last=LATEST_YEAR,
            )
        )
    return local_instant(local, timezone)


def screen_plays(access: PreviewAccess, code: str, at: datetime, lang: str) -> PlaysView:
    """What a screen in scope plays at `at`, as the poll answers it: slides of messages outside
    the scope, and other campaigns', are counted but not shown."""
    scope = resolve(access)
    facts = scope.screens.get(code)
    if facts is None:
        raise _missing()
    try:
        playback = Playback()
    except NoCampaign as exc:
        raise _missing() from exc
    if code not in playback.screens:
        raise _missing()
    view = screen_view(playback, code, at, {scope.slug}, draw=False)
    by_key = {m.key: m for m in scope.messages.values()}
    items = []
    for n, shown in enumerate(view.items, start=1):
        item = shown.item
        mine = item.campaign == scope.slug
        message = by_key.get(item.message_key) if mine else None
        card = mine and item.message_key == CAMPAIGN_CARD_KEY
        visible = message is not None or card
        items.append(
            PlayItem(
                position=n,
                lang=item.lang,
                duration_s=item.duration_s,
                headline=shown.headline if visible else "",
                message_id=message.id if message is not None else None,
                version=item.message_version if message is not None else None,
                card=card,
                shown=visible,
            )
        )
    zone = ZoneInfo(facts.timezone)
    return PlaysView(
        screen=_screen_line(facts),
        width=facts.width,
        height=facts.height,
        timezone=facts.timezone,
        local_time=at.astimezone(zone),
        valid_until=view.valid_until,
        is_fallback=view.is_fallback,
        items=tuple(items),
    )
