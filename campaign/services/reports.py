"""Reports of plays, on-screen time, uptime and audience, from the roll-up and the play records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from campaign.services import report_queries as q
from campaign.services import reports_charts
from campaign.services.errors import Invalid
from campaign.services.report_filters import ReportFilter

DIMENSIONS = ("message", "lang", "hub", "zone", "screen", "day")
ONE_DAY = timedelta(days=1)
ONE_HOUR = timedelta(hours=1)
AUDIENCE_FORMULA = _l(
    "estimate = yearly passengers ÷ 365 × days on which the hub's screens played the campaign"
)
UPTIME_FORMULA = _l(
    "uptime = the sum over the hours of min(1, heartbeats received in the hour ÷ 60), divided "
    "by the hours of the days chosen that have ended (a player sends one heartbeat a minute)"
)


@dataclass(frozen=True)
class Figure:
    """Plays and on-screen seconds of one message, language, hub, zone, screen or day."""

    key: str  # message key, lang code ("" unknown), hub code, "HUB/ZONE", screen code, ISO day
    label: str  # for people, in the reader's language
    plays: int
    seconds: float  # the sum of the plays' reported durations

    @property
    def hours(self) -> float:
        return self.seconds / 3600


@dataclass(frozen=True)
class PlayReport:
    filter: ReportFilter
    date_from: date  # the days covered: the filter's, clipped to the phase's own days
    date_to: date
    hub_codes: tuple[str, ...]
    total: Figure
    by_message: tuple[Figure, ...]
    by_lang: tuple[Figure, ...]
    by_hub: tuple[Figure, ...]
    by_zone: tuple[Figure, ...]
    by_screen: tuple[Figure, ...]
    by_day: tuple[Figure, ...]  # every day of the range, in order, zeros included
    rolled_up_plays: int  # of total.plays, read from the roll-up
    recent_plays: int  # of total.plays, read from the play records
    # Hub code -> the days of the range its screens played the campaign on.
    hub_days_played: dict[str, int] = field(default_factory=dict)

    def by(self, dimension: str) -> tuple[Figure, ...]:
        return getattr(self, f"by_{dimension}")  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ScreenUptime:
    screen_code: str
    hub_code: str
    zone_code: str
    hours: int  # hours of the range ended by the report's instant
    up_hours: float  # the sum over those hours of min(1, beats / 60)
    share: float | None  # up_hours / hours, None when no hour has ended
    last_heartbeat_at: datetime | None


@dataclass(frozen=True)
class HubUptime:
    hub_code: str
    hub_name: str
    screens: int
    hours: int
    up_hours: float
    share: float | None


@dataclass(frozen=True)
class UptimeReport:
    filter: ReportFilter
    screens: tuple[ScreenUptime, ...]
    hubs: tuple[HubUptime, ...]
    hours: int
    up_hours: float
    share: float | None


@dataclass(frozen=True)
class AudienceEstimate:
    hub_code: str
    hub_name: str
    yearly_passengers: int | None
    days_with_plays: int
    estimate: int | None  # yearly / 365 x days with plays, rounded; None without a figure


@dataclass(frozen=True)
class RejectedCount:
    screen_code: str
    hub_code: str
    reason: str
    plays: int
    last_received_at: datetime


def reader_lang() -> str:
    """The reader's language (the request's), else English as the command line speaks."""
    try:
        found = get_locale()
    except (RuntimeError, KeyError):  # outside an app or request context
        found = None
    return str(found) if found else "en"


def covered_days(flt: ReportFilter) -> tuple[date, date]:
    """The filter's days, clipped to the phase's own; Invalid ("from") when none is left."""
    first, last = flt.date_from, flt.date_to
    if flt.phase_id is not None:
        starts, ends = q.phase_days(flt.phase_id)
        first, last = max(first, starts), min(last, ends)
        if first > last:
            exc = Invalid(
                _(
                    "The phase runs from %(start)s to %(end)s: choose days inside it.",
                    start=format_date(starts, "long", locale=reader_lang()),
                    end=format_date(ends, "long", locale=reader_lang()),
                )
            )
            exc.field = "from"  # type: ignore[attr-defined]
            raise exc
    return first, last


def language_label(code: str, lang: str) -> str:
    """ "es+en" as "español + inglés" in the reader's language; "" as unknown."""
    if not code:
        return _("unknown language")
    try:
        names = Locale.parse(lang).languages
    except (ValueError, UnknownLocaleError):
        names = {}
    return " + ".join(names.get(part, part) for part in code.split("+"))


class _Tally:
    """Plays and seconds added up by every dimension at once."""

    def __init__(self) -> None:
        self.plays = 0
        self.seconds = 0.0
        self.dims: dict[str, dict[Any, list[float]]] = {d: defaultdict(_zero) for d in DIMENSIONS}
        self.hub_days: dict[str, set[date]] = defaultdict(set)

    def place(
        self, screen_id: int, day: date, hub: str, zone: str, plays: int, secs: float
    ) -> None:
        for dimension, key in (("hub", hub), ("zone", (hub, zone)), ("screen", screen_id)):
            self._add(dimension, key, plays, secs)
        self._add("day", day, plays, secs)
        if plays:
            self.hub_days[hub].add(day)
        self.plays += plays
        self.seconds += secs

    def content(self, message_key: str, lang: str, plays: int, secs: float) -> None:
        self._add("message", message_key, plays, secs)
        self._add("lang", lang, plays, secs)

    def _add(self, dimension: str, key: Any, plays: int, secs: float) -> None:
        entry = self.dims[dimension][key]
        entry[0] += plays
        entry[1] += secs


def _zero() -> list[float]:
    return [0, 0.0]


def _figures(
    entries: dict[Any, list[float]], key: Any, label: Any, *, by_plays: bool
) -> tuple[Figure, ...]:
    made = [
        Figure(key(k), label(k), int(plays), round(secs, 3)) for k, (plays, secs) in entries.items()
    ]
    if by_plays:
        made.sort(key=lambda f: (-f.plays, f.key))
    else:
        made.sort(key=lambda f: f.key)
    return tuple(made)


# (screen code, booking key or None for none, hub-local day) -> plays
PlaysByBooking = dict[tuple[str, str | None, date], int]


@dataclass(frozen=True)
class _Slice:
    """Plays of one screen, hub-local day and booking, from the roll-up or the play records."""

    screen_id: int
    day: date
    hub_code: str
    zone_code: str
    booking_key: str | None  # None: no booking (the fallback, or not known)
    message_key: str | None  # None for the roll-up's slices (read by message and lang apart)
    lang: str | None
    plays: int
    seconds: float
    rolled_up: bool


def _slices(
    flt: ReportFilter,
    hubs: list[q.ScopeHub],
    first: date,
    last: date,
    at: datetime,
    *,
    by_booking: bool = False,
) -> list[_Slice]:
    """The campaign's plays in the scope, by the sources rule of `play_report`: each screen's
    days up to its last rolled-up day in the range from the roll-up, its later days up to
    today from the accepted play records, by the hub-local day they started on."""
    found: list[_Slice] = []
    rolled_through: dict[int, date] = {}
    for sid, day, hub, zone, booking, plays, secs in q.rollup_by_screen_day(
        flt.campaign, [h.code for h in hubs], first, last, by_booking=by_booking
    ):
        found.append(_Slice(sid, day, hub, zone, booking, None, None, plays, secs, True))
        rolled_through[sid] = max(day, rolled_through.get(sid, day))
    by_zone: dict[str, list[q.ScopeScreen]] = defaultdict(list)
    timezones = {h.code: h.timezone for h in hubs}
    for screen in q.screens_of([h.id for h in hubs]):
        by_zone[timezones[screen.hub_code]].append(screen)
    for timezone, group in sorted(by_zone.items()):
        today = at.astimezone(ZoneInfo(timezone)).date()
        cut = {
            s.id: max(first, rolled_through[s.id] + ONE_DAY) if s.id in rolled_through else first
            for s in group
        }
        known = {s.id: s for s in group}
        day = min(cut.values())
        while day <= min(last, today):
            ids = [sid for sid, since in cut.items() if since <= day]
            start, end = q.day_bounds(day, day, timezone)
            for sid, message_key, lang, booking, plays, secs in q.records_between(
                flt.campaign, ids, start, end
            ):
                screen = known[sid]
                found.append(
                    _Slice(
                        sid,
                        day,
                        screen.hub_code,
                        screen.zone_code,
                        booking,
                        message_key,
                        lang,
                        plays,
                        secs,
                        False,
                    )
                )
            day += ONE_DAY
    return found


def _screen_code(shown: dict[int, tuple[str, str]], screen_id: int) -> str:
    return shown.get(screen_id, (str(screen_id), ""))[0]


def plays_by_booking(flt: ReportFilter, *, at: datetime) -> PlaysByBooking:
    """The campaign's accepted plays in the filter's scope and covered days per screen code,
    booking (None: none) and hub-local day: the plays of `play_report`, by the same sources
    rule, so they add up to its by-screen and by-day figures."""
    first, last = covered_days(flt)
    slices = _slices(
        flt,
        q.scope_hubs(flt.campaign_id, flt.phase_id, flt.hub_code),
        first,
        last,
        at,
        by_booking=True,
    )
    shown = q.screen_codes([s.screen_id for s in slices])
    found: PlaysByBooking = {}
    for piece in slices:
        key = (_screen_code(shown, piece.screen_id), piece.booking_key, piece.day)
        found[key] = found.get(key, 0) + piece.plays
    return found


def play_report(flt: ReportFilter, *, at: datetime, lang: str | None = None) -> PlayReport:
    """Plays and on-screen time in the filter's scope, by every dimension.

    A screen's days up to its last rolled-up day in the range are read from the roll-up (each
    such day was made whole from the records); its later days (today, and any the nightly run
    has not reached yet) from the accepted play records, by the hub-local day they started on.
    So no play is counted twice; a late batch for a day already rolled up counts the next night.
    """
    lang = lang or reader_lang()
    first, last = covered_days(flt)
    hubs = q.scope_hubs(flt.campaign_id, flt.phase_id, flt.hub_code)
    codes = [h.code for h in hubs]
    tally = _Tally()
    rolled_up = 0
    for piece in _slices(flt, hubs, first, last, at):
        tally.place(
            piece.screen_id, piece.day, piece.hub_code, piece.zone_code, piece.plays, piece.seconds
        )
        if piece.rolled_up:
            rolled_up += piece.plays
        else:
            tally.content(piece.message_key or "", piece.lang or "", piece.plays, piece.seconds)
    for message_key, code, plays, secs in q.rollup_by_message_lang(
        flt.campaign, codes, first, last
    ):
        tally.content(message_key, code, plays, secs)
    titles = q.headlines(flt.campaign_id)
    names = q.hub_names(codes)
    zone_names = q.zone_names(codes)
    shown = q.screen_codes(list(tally.dims["screen"]))
    days = tally.dims["day"]
    for n in range((last - first).days + 1):
        days.setdefault(first + timedelta(days=n), _zero())  # a day without plays: a row too

    def headline(key: str) -> str:
        texts = titles.get(key, {})
        return texts.get(lang) or next(iter(texts.values()), "") or key

    return PlayReport(
        filter=flt,
        date_from=first,
        date_to=last,
        hub_codes=tuple(codes),
        total=Figure("total", _("All plays"), tally.plays, round(tally.seconds, 3)),
        by_message=_figures(tally.dims["message"], str, headline, by_plays=True),
        by_lang=_figures(tally.dims["lang"], str, lambda c: language_label(c, lang), by_plays=True),
        by_hub=_figures(tally.dims["hub"], str, lambda c: names.get(c, c), by_plays=False),
        by_zone=_figures(
            tally.dims["zone"],
            lambda hz: f"{hz[0]}/{hz[1]}",
            lambda hz: zone_names.get(hz, hz[1]),
            by_plays=False,
        ),
        by_screen=_figures(
            tally.dims["screen"],
            lambda sid: _screen_code(shown, sid),
            lambda sid: " · ".join(filter(None, shown.get(sid, (str(sid), "")))),
            by_plays=False,
        ),
        by_day=_figures(
            days, date.isoformat, lambda d: format_date(d, "medium", locale=lang), by_plays=False
        ),
        rolled_up_plays=rolled_up,
        recent_plays=tally.plays - rolled_up,
        hub_days_played={hub: len(days_) for hub, days_ in tally.hub_days.items()},
    )


def _hours(start: datetime, end: datetime) -> int:
    """The UTC hours that begin in [start, end)."""
    first = start.replace(minute=0, second=0, microsecond=0)
    if first < start:
        first += ONE_HOUR
    return max(0, int((end - first) // ONE_HOUR) + (1 if (end - first) % ONE_HOUR else 0))


def _share(up: float, hours: int) -> float | None:
    return up / hours if hours else None


def uptime_report(flt: ReportFilter, *, at: datetime) -> UptimeReport:
    """Uptime from the heartbeats (see UPTIME_FORMULA), per screen and per hub: the hours of
    the range's hub-local days that have ended by `at`."""
    first, last = covered_days(flt)
    ended = at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    screens: list[ScreenUptime] = []
    hubs: list[HubUptime] = []
    for hub in q.scope_hubs(flt.campaign_id, flt.phase_id, flt.hub_code):
        start, end = q.day_bounds(first, last, hub.timezone)
        end = min(end, ended)
        hours = _hours(start, end) if end > start else 0
        mine = q.screens_of([hub.id])
        sums = q.heartbeat_sums([s.id for s in mine], start, end) if hours else {}
        up_total = 0.0
        for screen in mine:
            beats, last_at = sums.get(screen.id, (0, None))
            up = beats / q.BEATS_AN_HOUR
            up_total += up
            screens.append(
                ScreenUptime(
                    screen.code, hub.code, screen.zone_code, hours, up, _share(up, hours), last_at
                )
            )
        all_hours = hours * len(mine)
        hubs.append(
            HubUptime(
                hub.code, hub.name, len(mine), all_hours, up_total, _share(up_total, all_hours)
            )
        )
    hours_total = sum(h.hours for h in hubs)
    up_hours = sum(h.up_hours for h in hubs)
    return UptimeReport(
        filter=flt,
        screens=tuple(screens),
        hubs=tuple(hubs),
        hours=hours_total,
        up_hours=up_hours,
        share=_share(up_hours, hours_total),
    )


def audience_estimates(
    flt: ReportFilter, *, at: datetime, report: PlayReport | None = None
) -> tuple[AudienceEstimate, ...]:
    """The audience estimate per hub of the scope (see AUDIENCE_FORMULA): None where the hub
    has no passenger figure. An estimate only: passengers pass, not all of them look."""
    report = report or play_report(flt, at=at)
    found = []
    for hub in q.scope_hubs(flt.campaign_id, flt.phase_id, flt.hub_code):
        days = report.hub_days_played.get(hub.code, 0)
        estimate = None
        if hub.yearly_passengers is not None:
            estimate = round(hub.yearly_passengers / 365 * days)
        found.append(AudienceEstimate(hub.code, hub.name, hub.yearly_passengers, days, estimate))
    return tuple(found)


def rejected_plays(flt: ReportFilter, *, at: datetime) -> tuple[RejectedCount, ...]:
    """The campaign's plays rejected (never counted), per screen and reason, received in the
    range's hub-local days, screens of the scope."""
    first, last = covered_days(flt)
    found = []
    for hub in q.scope_hubs(flt.campaign_id, flt.phase_id, flt.hub_code):
        start, end = q.day_bounds(first, last, hub.timezone)
        mine = {s.id: s for s in q.screens_of([hub.id])}
        for sid, reason, plays, last_at in q.rejected_between(flt.campaign, list(mine), start, end):
            found.append(RejectedCount(mine[sid].code, hub.code, reason, plays, last_at))
    found.sort(key=lambda r: (r.hub_code, r.screen_code, r.reason))
    return tuple(found)


def chart_by_day(report: PlayReport, lang: str | None = None) -> str:
    """Plays per day as an SVG document (role="img", its title and description)."""
    return reports_charts.by_day(report, lang or reader_lang())


def chart_by_hub(report: PlayReport, lang: str | None = None) -> str:
    """Plays by hub as horizontal bars, the most first, in SVG."""
    return reports_charts.by_hub(report, lang or reader_lang())


def chart_by_message(report: PlayReport, lang: str | None = None) -> str:
    """Plays by message as horizontal bars, the most first, in SVG."""
    return reports_charts.by_message(report, lang or reader_lang())
