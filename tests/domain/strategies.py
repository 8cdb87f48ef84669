"""Builders of small campaign networks for the domain tests, and Hypothesis strategies for them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from campaign.domain.model import (
    ALL_WEEKDAYS,
    Booking,
    Campaign,
    FundingStatus,
    Hub,
    HubKind,
    Message,
    MessageStatus,
    MessageText,
    Network,
    Orientation,
    Phase,
    Screen,
    Target,
    TargetKind,
    Zone,
)

LANGUAGES = ("es", "en")
TIMEZONES = {
    "LIM": "America/Lima",  # no DST
    "SCL": "America/Santiago",  # DST, changing at local midnight
    "MAD": "Europe/Madrid",  # DST, changing at 02:00/03:00
}
WIDE_OPEN = (date(2020, 1, 1), date(2030, 12, 31))


# --- Builders -----------------------------------------------------------------------------------


def text(words: int = 8, lang: str = "es") -> MessageText:
    """A complete text of exactly `words` words (headline 2, the rest in the body)."""
    body = " ".join(f"{lang}{i}" for i in range(max(1, words - 2)))
    return MessageText(headline=f"{lang.upper()} title", body=body)


def message(
    key: str,
    *,
    status: MessageStatus = MessageStatus.APPROVED,
    fallback: bool = False,
    version: int = 1,
    words: dict[str, int] | None = None,
    languages: tuple[str, ...] = LANGUAGES,
) -> Message:
    words = words or {}
    texts = {lang: text(words.get(lang, 8), lang) for lang in languages}
    return Message(
        key=key, version=version, status=status, texts=texts, is_fallback=fallback, topic="t"
    )


def target(spec: str) -> Target:
    kind, ref = spec.split(":", 1)
    return Target(TargetKind(kind), ref)


def booking(
    key: str,
    message_key: str,
    on: str = "hub:LIM",
    *,
    starts_on: date = WIDE_OPEN[0],
    ends_on: date = WIDE_OPEN[1],
    weekdays: frozenset[int] = ALL_WEEKDAYS,
    window: tuple[time, time] | None = None,
    weight: int = 1,
    priority: int = 0,
    slot: int = 10,
    orientation: Orientation | None = None,
) -> Booking:
    return Booking(
        key=key,
        message_key=message_key,
        target=target(on),
        starts_on=starts_on,
        ends_on=ends_on,
        weekdays=weekdays,
        window_start=window[0] if window else None,
        window_end=window[1] if window else None,
        weight=weight,
        priority=priority,
        slot_duration_s=slot,
        orientation=orientation,
    )


def phase(
    number: int,
    hubs: set[str] | frozenset[str],
    starts_on: date = WIDE_OPEN[0],
    ends_on: date = WIDE_OPEN[1],
    funding: FundingStatus = FundingStatus.CONFIRMED,
) -> Phase:
    return Phase(
        number=number,
        name=f"Phase {number}",
        starts_on=starts_on,
        ends_on=ends_on,
        funding_status=funding,
        hub_codes=frozenset(hubs),
        budget=Decimal("1000"),
    )


def screen(
    code: str,
    hub: str = "LIM",
    zone: str = "DEP",
    orientation: Orientation = Orientation.LANDSCAPE,
    policy: str | None = None,
) -> Screen:
    return Screen(code, hub, zone, orientation, 1920, 1080, language_policy=policy)


DEFAULT_SCREENS = (
    screen("LIM-DEP-01"),
    screen("LIM-DEP-02", orientation=Orientation.PORTRAIT),
    screen("LIM-ARR-01", zone="ARR"),
    screen("SCL-DEP-01", hub="SCL"),
    screen("MAD-DEP-01", hub="MAD"),
)


def network(
    *,
    messages: list[Message] | None = None,
    bookings: list[Booking] | None = None,
    phases: list[Phase] | None = None,
    screens: tuple[Screen, ...] = DEFAULT_SCREENS,
    zone_policies: dict[tuple[str, str], str] | None = None,
    languages: tuple[str, ...] = LANGUAGES,
    with_fallbacks: bool = True,
) -> Network:
    """A campaign over LIM, SCL and MAD (all in one wide-open phase unless `phases` is given),
    with two fallback messages FB1 and FB2 (unless told not to) besides `messages`."""
    zone_policies = zone_policies or {}
    fallbacks = [message("FB1", fallback=True), message("FB2", fallback=True)]
    all_messages = (fallbacks if with_fallbacks else []) + (messages or [])
    zones = {
        (s.hub_code, s.zone_code): Zone(
            s.hub_code, s.zone_code, s.zone_code, "", zone_policies.get((s.hub_code, s.zone_code))
        )
        for s in screens
    }
    return Network(
        campaign=Campaign("respect", {"es": "Respeto", "en": "Respect"}, languages=languages),
        phases=tuple(phases if phases is not None else [phase(1, set(TIMEZONES))]),
        hubs={code: Hub(code, code, HubKind.AIRPORT, tz) for code, tz in TIMEZONES.items()},
        zones=zones,
        screens={s.code: s for s in screens},
        messages={m.key: m for m in all_messages},
        bookings=tuple(bookings or []),
    )


def local(timezone: str, *args: int, fold: int = 0) -> datetime:
    """An aware instant given as wall-clock time in `timezone` (fold=1: the second occurrence of a
    repeated time), returned in UTC so that comparisons and arithmetic are in real time."""
    return datetime(*args, tzinfo=ZoneInfo(timezone), fold=fold).astimezone(UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- Strategies ---------------------------------------------------------------------------------

PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BASE_DAYS = (  # each base day is followed by a DST change in a hub's timezone
    date(2024, 3, 28),  # Madrid springs forward 31 March; Santiago falls back 6-7 April
    date(2024, 9, 4),  # Santiago springs forward at local midnight, 7-8 September
    date(2024, 10, 24),  # Madrid falls back 27 October
)
SPAN_DAYS = 12
DST_CHANGES = (  # the instants the offsets of MAD and SCL change after the base days
    datetime(2024, 3, 31, 1, tzinfo=UTC),  # Madrid 02:00 CET -> 03:00 CEST
    datetime(2024, 4, 7, 3, tzinfo=UTC),  # Santiago 00:00 -03 -> 23:00 -04 (6 April)
    datetime(2024, 9, 8, 4, tzinfo=UTC),  # Santiago 00:00 -04 -> 01:00 -03
    datetime(2024, 10, 27, 1, tzinfo=UTC),  # Madrid 03:00 CEST -> 02:00 CET
)
half_hours = st.one_of(
    st.integers(min_value=0, max_value=47).map(lambda n: time(n // 2, 30 * (n % 2))),
    st.sampled_from([time(0), time(1), time(2), time(2, 30), time(3), time(23), time(23, 30)]),
)  # the second line: wall times that DST skips or repeats in Madrid or Santiago
TARGETS = (
    "hub:LIM", "hub:SCL", "hub:MAD", "zone:LIM/DEP", "zone:MAD/DEP", "screen:LIM-DEP-01",
    "screen:SCL-DEP-01", "phase:1", "phase:2",
)  # fmt: skip
POLICIES = (None, "pair", "alternate", "bilingual", "es", "en", "fr")


@st.composite
def windows(draw: st.DrawFn) -> tuple[time, time] | None:
    if draw(st.sampled_from([True, True, False])):
        return None
    start, end = draw(half_hours), draw(half_hours)
    return None if start == end else (start, end)  # crossing midnight when end < start


def days_around(base: date) -> st.SearchStrategy[date]:
    """Days in and around the span, with the days of its DST changes more often."""
    changes = [c.date() for c in DST_CHANGES if 0 <= (c.date() - base).days <= SPAN_DAYS]
    span = st.integers(min_value=-3, max_value=SPAN_DAYS + 3).map(lambda n: base + timedelta(n))
    near = st.tuples(st.sampled_from(changes), st.integers(-1, 1))
    return st.one_of(span, near.map(lambda pair: pair[0] + timedelta(pair[1])))


def bookings_of(
    draw: st.DrawFn, aims: list[str], keys: list[str], days: st.SearchStrategy[date], busy: bool
) -> list[Booking]:
    """Random bookings aimed at `aims`: dates, weekdays, windows (some across midnight), weights,
    priorities, slots and orientations. Busy: most run every day of the span, all day."""
    bookings = []
    for i, aim in enumerate(aims):
        start = draw(days)
        length = draw(st.one_of(st.integers(0, 4), st.integers(5, 30)))
        if draw(st.sampled_from([True, True, busy])):  # most run over the whole span
            start, length = start - timedelta(days=SPAN_DAYS + 5), 2 * SPAN_DAYS + 10
        weekdays = st.frozensets(st.integers(0, 6), min_size=1, max_size=7)
        bookings.append(
            booking(
                f"B{i:02d}",
                draw(st.sampled_from(keys)),
                aim,
                starts_on=start,
                ends_on=start + timedelta(length),
                weekdays=draw(st.one_of(st.just(ALL_WEEKDAYS), st.just(ALL_WEEKDAYS), weekdays)),
                window=None if busy and draw(st.booleans()) else draw(windows()),
                weight=draw(st.integers(1, 6)),
                priority=draw(st.sampled_from([0, 0, 0, 1, 2])),
                slot=draw(st.sampled_from([5, 10, 15])),
                orientation=draw(st.sampled_from([None, None, *Orientation])),
            )
        )
    return bookings


@st.composite
def networks(draw: st.DrawFn, base: date = BASE_DAYS[0], busy: bool = False) -> Network:
    """A random network around `base`: a few messages (some not playable unless busy), up to
    three bookings for each target of TARGETS, phases that start or end inside the span or lack
    funding (unless busy), and a random language policy on each screen."""
    days = days_around(base)
    keys = [f"M{i}" for i in range(draw(st.integers(2 if busy else 1, 5)))]
    playable = [MessageStatus.APPROVED] * 4 + ([] if busy else [MessageStatus.PAUSED])
    messages = [
        message(key, status=draw(st.sampled_from(playable)), words={"es": draw(st.integers(1, 60))})
        for key in keys
    ]
    aims = [aim for aim in TARGETS for _ in range(draw(st.integers(0, 3)))][:16]
    bookings = bookings_of(draw, aims, keys, days, busy)
    phase_start = draw(days)
    phase_end = phase_start + timedelta(draw(st.integers(0, 9)))
    if busy or draw(st.sampled_from([True, True, False])):
        phase_start, phase_end = WIDE_OPEN
    funding = [FundingStatus.CONFIRMED] * 3 + ([] if busy else [FundingStatus.PENDING])
    phases = [
        phase(1, {"LIM", "SCL"}, phase_start, phase_end),
        phase(2, {"MAD", "SCL"}, funding=draw(st.sampled_from(funding))),
    ]
    screens = tuple(
        screen(s.code, s.hub_code, s.zone_code, s.orientation, draw(st.sampled_from(POLICIES)))
        for s in DEFAULT_SCREENS
    )
    return network(messages=messages, bookings=bookings, phases=phases, screens=screens)


def instants_around(base: date) -> st.SearchStrategy[datetime]:
    """Aware instants in the span after `base`, to the minute (often right on an edge), half of
    them in the day before a DST change."""
    start = datetime.combine(base, time(), tzinfo=UTC)
    end = start + timedelta(days=SPAN_DAYS)
    changes = [change for change in DST_CHANGES if start <= change < end]
    anywhere = st.integers(min_value=0, max_value=SPAN_DAYS * 24 * 60).map(
        lambda minutes: start + timedelta(minutes=minutes)
    )
    near_change = st.tuples(st.sampled_from(changes), st.integers(-26 * 60, 2 * 60)).map(
        lambda pair: pair[0] + timedelta(minutes=pair[1])
    )
    return st.one_of(anywhere, near_change)


@st.composite
def scenarios(draw: st.DrawFn, busy: bool = False) -> tuple[Network, datetime]:
    """A random network and an instant, often near a DST change of its hubs. Busy networks have
    something booked on most screens most of the time (for the properties of the loop)."""
    base = draw(st.sampled_from(BASE_DAYS))
    return draw(networks(base, busy)), draw(instants_around(base))


@st.composite
def dst_scenarios(draw: st.DrawFn) -> tuple[Network, datetime]:
    """A DST change in Madrid or Santiago, bookings of that hub starting, ending or opening their
    window around it (at wall times the change skips or repeats), and an instant up to 26 hours
    before it."""
    change = draw(st.sampled_from(DST_CHANGES))
    hub = "MAD" if change.month in (3, 10) else "SCL"
    day = change.astimezone(ZoneInfo(TIMEZONES[hub])).date()
    keys = ["M0", "M1", "M2"]
    aims = [f"hub:{hub}"] * draw(st.integers(1, 6))
    near = st.integers(-1, 1).map(lambda n: day + timedelta(n))
    bookings = bookings_of(draw, aims, keys, near, busy=False)
    n = network(messages=[message(key) for key in keys], bookings=bookings)
    return n, change - timedelta(minutes=draw(st.integers(-60, 26 * 60)))
