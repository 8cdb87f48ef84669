"""Campaign plans as documents: read and check a TOML plan, and write one back canonically."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from campaign.domain.model import (
    ALL_WEEKDAYS,
    WEEKDAYS,
    Booking,
    Campaign,
    FundingStatus,
    Hub,
    HubKind,
    LanguagePolicy,
    Message,
    MessageStatus,
    MessageText,
    Orientation,
    Partner,
    PartnerRole,
    Phase,
    Screen,
    Target,
    TargetKind,
    Zone,
)
from campaign.domain.phases import DEFAULT_PHASE_MONTHS, phase_end
from campaign.domain.plan_reader import (
    VENUE_TYPE_HINT,
    Node,
    PlanError,
    Problems,
    is_venue_type,
    label_by,
    parse_window,
)

__all__ = ["Plan", "PlanError", "parse_plan", "plan_warnings", "shift_plan"]

_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_LANG = re.compile(r"^[a-z]{2,3}$")
_MAX_SCREEN_SIDE = 16384
# A share of voice is a campaign's weight against the others on a screen (1: equal).
MAX_SHARE_OF_VOICE = 1000


@dataclass(frozen=True)
class Plan:
    campaign: Campaign
    partners: tuple[Partner, ...]
    hubs: tuple[Hub, ...]
    zones: tuple[Zone, ...]
    screens: tuple[Screen, ...]
    phases: tuple[Phase, ...]
    messages: tuple[Message, ...]
    bookings: tuple[Booking, ...]


def language_policies(languages: tuple[str, ...]) -> list[str]:
    return [p.value for p in LanguagePolicy] + list(languages)


def _enum_values(kind: type) -> list[str]:
    return [member.value for member in kind]


def parse_plan(text: str, source: str = "plan") -> Plan:
    """Read a plan; raise PlanError with one line per problem (key path and what is expected)."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError([f"{source}: not valid TOML: {exc}"]) from None
    problems = Problems(source)
    root = Node(document, "", problems)
    campaign = _campaign(root.table("campaign", required=True))
    languages = campaign.languages if campaign else ("es", "en")
    partners = tuple(_partner(n) for n in root.tables("partners", label_by("slug")))
    hubs, zones, screens = _network(root, languages)
    phases = tuple(_phase(n) for n in root.tables("phases", label_by("number")))
    messages = tuple(_message(n, languages) for n in root.tables("messages", label_by("key")))
    bookings = tuple(_booking(n) for n in root.tables("bookings", label_by("key")))
    root.finish()
    problems.raise_if_any()
    plan = Plan(
        campaign=campaign,  # type: ignore[arg-type]
        partners=partners,  # type: ignore[arg-type]
        hubs=hubs,
        zones=zones,
        screens=screens,
        phases=phases,  # type: ignore[arg-type]
        messages=messages,  # type: ignore[arg-type]
        bookings=bookings,  # type: ignore[arg-type]
    )
    _check_references(plan, problems)
    problems.raise_if_any()
    return plan


def _per_language(node: Node | None, languages: tuple[str, ...], what: str) -> dict[str, str]:
    if node is None:
        return {}
    values: dict[str, str] = {}
    for lang in node.data:
        if lang not in languages:
            node.problems.add(node.at(lang), f"{lang!r} is not one of the campaign languages")
        value = node.text(lang, max_length=300)
        if isinstance(value, str):
            values[lang] = value
    return values


def _campaign(node: Node | None) -> Campaign | None:
    if node is None:
        return None
    languages = tuple(node.strings("languages", default=["es", "en"]))
    if not languages:
        node.problems.add(node.at("languages"), "needs at least one language")
    for lang in languages:
        if not _LANG.match(lang):
            node.problems.add(node.at("languages"), f"{lang!r} is not a language code like 'es'")
    if len(set(languages)) != len(languages):
        node.problems.add(node.at("languages"), "lists a language twice")
    names = _per_language(node.table("name", required=True), languages, "name")
    for lang in languages:
        if not names.get(lang, "").strip():
            node.problems.add(node.at(f"name.{lang}"), "is required for every campaign language")
    colours = {}
    for key, default in (
        ("background", "#0B3D91"),
        ("foreground", "#FFFFFF"),
        ("accent", "#FFC72C"),
    ):
        value = node.text(key, default=default)
        if isinstance(value, str) and not _COLOUR.match(value):
            node.problems.add(node.at(key), f'{value!r} is not a colour like "#0B3D91"')
        colours[key] = (value or default).upper()
    campaign = Campaign(
        slug=node.slug("slug") or "",
        names=names,
        slogans=_per_language(node.table("slogan"), languages, "slogan"),
        languages=languages,
        requires_partner_approval=node.boolean("requires_partner_approval"),
        share_of_voice_by_hub=_shares_by_hub(node.table("share_of_voice_by_hub")),
        **colours,
    )
    node.finish()
    return campaign


def _shares_by_hub(node: Node | None) -> dict[str, float]:
    """Hub code → share of voice; the codes are checked against the plan's hubs later."""
    if node is None:
        return {}
    shares = {}
    for code in node.data:
        share = node.positive_number(code, MAX_SHARE_OF_VOICE)
        if share is not None:
            shares[code] = share
    return shares


def _partner(node: Node) -> Partner | None:
    partner = Partner(
        slug=node.slug("slug") or "",
        name=node.text("name", max_length=200) or "",
        role=node.choice("role", PartnerRole, _enum_values(PartnerRole)) or PartnerRole.OTHER,
        appears_on_slides=node.boolean("appears_on_slides"),
        website=node.text("website", default="", max_length=300),
    )
    node.finish()
    return partner


def _timezone(node: Node) -> str:
    value = node.text("timezone") or ""
    if value and (value not in available_timezones() or not _loads(value)):
        node.problems.add(
            node.at("timezone"), f'{value!r} is not an IANA timezone like "America/Lima"'
        )
    return value


def _loads(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _network(root: Node, languages: tuple[str, ...]) -> tuple[tuple, tuple, tuple]:
    hubs, zones, screens = [], [], []
    policies = language_policies(languages)
    for node in root.tables("hubs", label_by("code")):
        hub = Hub(
            code=node.code("code") or "",
            name=node.text("name", max_length=200) or "",
            kind=node.choice("kind", HubKind, _enum_values(HubKind)) or HubKind.AIRPORT,
            timezone=_timezone(node),
            region=node.text("region", default="", max_length=120),
            latitude=node.number("latitude"),
            longitude=node.number("longitude"),
            yearly_passengers=node.integer("yearly_passengers", default=None, minimum=0),
        )
        if hub.latitude is not None and not -90 <= hub.latitude <= 90:
            node.problems.add(node.at("latitude"), "must be between -90 and 90")
        if hub.longitude is not None and not -180 <= hub.longitude <= 180:
            node.problems.add(node.at("longitude"), "must be between -180 and 180")
        hubs.append(hub)
        for zone_node in node.tables("zones", label_by("code")):
            zone = Zone(
                hub_code=hub.code,
                code=zone_node.code("code") or "",
                name=zone_node.text("name", max_length=200) or "",
                venue_type=zone_node.text("venue_type", default="", max_length=80),
                language_policy=_policy(zone_node, policies),
            )
            zones.append(zone)
            for screen_node in zone_node.tables("screens", label_by("code")):
                screens.append(_screen(screen_node, zone, policies))
            zone_node.finish()
        node.finish()
    return tuple(hubs), tuple(zones), tuple(screens)


def _policy(node: Node, policies: list[str]) -> str | None:
    value = node.text("language_policy", default=None)
    if value is not None and value not in policies:
        node.problems.add(
            node.at("language_policy"), f"{value!r} is not one of {', '.join(policies)}"
        )
    return value


def _screen(node: Node, zone: Zone, policies: list[str]) -> Screen:
    screen = Screen(
        code=node.code("code") or "",
        hub_code=zone.hub_code,
        zone_code=zone.code,
        orientation=node.choice("orientation", Orientation, _enum_values(Orientation))
        or Orientation.LANDSCAPE,
        width=node.integer("width", minimum=1) or 1,
        height=node.integer("height", minimum=1) or 1,
        language_policy=_policy(node, policies),
        name=node.text("name", default="", max_length=200),
    )
    if max(screen.width, screen.height) > _MAX_SCREEN_SIDE:
        node.problems.add(node.path, f"a screen side is at most {_MAX_SCREEN_SIDE} pixels")
    landscape = screen.width >= screen.height
    if (screen.orientation is Orientation.LANDSCAPE) != landscape and screen.width != screen.height:
        node.problems.add(
            node.at("orientation"),
            f"{screen.orientation.value} does not match {screen.width}×{screen.height} pixels",
        )
    node.finish()
    return screen


def _phase(node: Node) -> Phase | None:
    number = node.integer("number", minimum=1)
    starts_on = node.day("starts_on")
    months = node.integer("months", default=None, minimum=1)
    ends_on = node.day("ends_on", required=False)
    if months is not None and ends_on is not None:
        node.problems.add(node.path, "give either 'months' or 'ends_on', not both")
    if starts_on and ends_on is None:
        ends_on = phase_end(starts_on, months or DEFAULT_PHASE_MONTHS)
    if starts_on and ends_on and ends_on < starts_on:
        node.problems.add(node.at("ends_on"), f"{ends_on} is before starts_on {starts_on}")
    budget = node.raw("budget")
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int | float)):
        node.problems.add(node.at("budget"), f"expected an amount, got {budget!r}")
        budget = None
    elif budget is not None and budget < 0:
        node.problems.add(node.at("budget"), "cannot be negative")
    currency = node.text("currency", default="USD")
    if isinstance(currency, str) and not re.match(r"^[A-Z]{3}$", currency):
        node.problems.add(node.at("currency"), f'{currency!r} is not a currency code like "USD"')
    hub_codes = node.strings("hubs", default=[])
    if len(set(hub_codes)) != len(hub_codes):
        node.problems.add(node.at("hubs"), "lists a hub twice")
    phase = Phase(
        number=number or 0,
        name=node.text("name", max_length=200) or "",
        starts_on=starts_on or date.min,
        ends_on=ends_on or date.min,
        funding_status=node.choice("funding_status", FundingStatus, _enum_values(FundingStatus))
        or FundingStatus.PENDING,
        hub_codes=frozenset(hub_codes),
        funding_source=node.text("funding_source", default="", max_length=200),
        budget=None if budget is None else Decimal(str(budget)).quantize(Decimal("0.01")),
        currency=currency or "USD",
        share_of_voice=node.positive_number("share_of_voice", MAX_SHARE_OF_VOICE, default=1.0),
    )
    node.finish()
    return phase


def _message(node: Node, languages: tuple[str, ...]) -> Message:
    texts: dict[str, MessageText] = {}
    for lang in languages:
        text_node = node.table(lang)
        if text_node is None:
            continue
        texts[lang] = MessageText(
            headline=text_node.text("headline", default="", max_length=300),
            body=text_node.text("body", default="", max_length=2000),
            call_to_action=text_node.text("call_to_action", default="", max_length=300),
            hotline=text_node.text("hotline", default="", max_length=40),
        )
        text_node.finish()
    message = Message(
        key=node.slug("key") or "",
        version=node.integer("version", default=1, minimum=1) or 1,
        status=node.choice(
            "status", MessageStatus, _enum_values(MessageStatus), MessageStatus.DRAFT
        )
        or MessageStatus.DRAFT,
        texts=texts,
        topic=node.text("topic", default="", max_length=80),
        link=node.text("link", default="", max_length=500),
        is_fallback=node.boolean("fallback"),
    )
    if message.link and not re.match(r"^https://[^\s]+$", message.link):
        node.problems.add(node.at("link"), f"{message.link!r} is not an https:// link")
    if message.status is MessageStatus.IN_REVIEW:
        for lang in message.missing_languages(languages):
            node.problems.add(
                node.at(lang),
                f"a message that is {message.status.value} needs a headline and body "
                f"in every campaign language; {lang!r} is missing",
            )
    elif message.status is not MessageStatus.DRAFT and not message.languages_in(languages):
        # An approved version plays in the languages it has (a language added to the campaign
        # later is missing from it), so it needs one at least; plan_warnings names the gaps.
        node.problems.add(
            node.at(languages[0]),
            f"a message that is {message.status.value} needs a headline and body in at least "
            "one campaign language",
        )
    node.finish()
    return message


def _target(node: Node) -> Target | None:
    value = node.text("target", max_length=100)
    if not isinstance(value, str):
        return None
    kind, sep, ref = value.partition(":")
    if kind == TargetKind.VENUE and sep and not is_venue_type(ref):
        node.problems.add(node.at("target"), f"{ref!r} is {VENUE_TYPE_HINT}")
        return None
    if sep and ref and kind in _enum_values(TargetKind):
        return Target(TargetKind(kind), ref)
    node.problems.add(
        node.at("target"),
        f'{value!r} is not a target like "phase:1", "hub:LIM", '
        '"zone:LIM/ARR" or "screen:LIM-ARR-01"',
    )
    return None


def _booking(node: Node) -> Booking | None:
    target = _target(node)
    weekdays = node.strings("weekdays", default=list(WEEKDAYS))
    unknown = [d for d in weekdays if d not in WEEKDAYS]
    if unknown:
        node.problems.add(
            node.at("weekdays"), f"{unknown[0]!r} is not one of {', '.join(WEEKDAYS)}"
        )
    elif not weekdays:
        node.problems.add(node.at("weekdays"), "needs at least one day")
    window = node.text("window", default=None, max_length=20)
    start = end = None
    if window is not None:
        try:
            start, end = parse_window(window)
        except ValueError as exc:
            node.problems.add(node.at("window"), str(exc))
    starts_on, ends_on = node.day("starts_on"), node.day("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        node.problems.add(node.at("ends_on"), f"{ends_on} is before starts_on {starts_on}")
    booking = Booking(
        key=node.slug("key") or "",
        message_key=node.text("message", max_length=80) or "",
        target=target or Target(TargetKind.HUB, ""),
        starts_on=starts_on or date.min,
        ends_on=ends_on or date.min,
        weekdays=frozenset(WEEKDAYS.index(d) for d in weekdays if d in WEEKDAYS) or ALL_WEEKDAYS,
        window_start=start,
        window_end=end,
        weight=node.integer("weight", default=1, minimum=1) or 1,
        priority=node.integer("priority", default=0, minimum=0) or 0,
        slot_duration_s=node.integer("slot_seconds", default=10, minimum=1) or 10,
        orientation=node.choice("orientation", Orientation, _enum_values(Orientation), None),
    )
    if booking.weight > 100:
        node.problems.add(node.at("weight"), "is at most 100")
    if booking.slot_duration_s > 300:
        node.problems.add(node.at("slot_seconds"), "is at most 300 seconds")
    node.finish()
    return booking


def _duplicates(values: list[str]) -> list[str]:
    seen: set[str] = set()
    repeated = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


def _check_references(plan: Plan, problems: Problems) -> None:
    for what, values in (
        ("partners", [p.slug for p in plan.partners]),
        ("hubs", [h.code for h in plan.hubs]),
        ("zones", [f"{z.hub_code}/{z.code}" for z in plan.zones]),
        ("screens", [s.code for s in plan.screens]),
        ("phases", [str(p.number) for p in plan.phases]),
        ("messages", [m.key for m in plan.messages]),
        ("bookings", [b.key for b in plan.bookings]),
    ):
        for value in _duplicates(values):
            problems.add(f"{what}[{value}]", "appears more than once; codes and keys are unique")
    hubs = {h.code for h in plan.hubs}
    zones = {f"{z.hub_code}/{z.code}" for z in plan.zones}
    screens = {s.code for s in plan.screens}
    phases = {str(p.number) for p in plan.phases}
    messages = {m.key for m in plan.messages}
    venue_types = {z.venue_type for z in plan.zones if z.venue_type}
    for code in plan.campaign.share_of_voice_by_hub:
        if code not in hubs:
            problems.add(f"campaign.share_of_voice_by_hub.{code}", f"unknown hub {code!r}")
    for phase in plan.phases:
        for code in sorted(phase.hub_codes - hubs):
            problems.add(f"phases[{phase.number}].hubs", f"unknown hub {code!r}")
    for booking in plan.bookings:
        path = f"bookings[{booking.key}]"
        if booking.message_key not in messages:
            problems.add(f"{path}.message", f"unknown message {booking.message_key!r}")
        known = {
            TargetKind.PHASE: phases,
            TargetKind.HUB: hubs,
            TargetKind.ZONE: zones,
            TargetKind.SCREEN: screens,
            TargetKind.VENUE: venue_types,
        }[booking.target.kind]
        kind, ref = booking.target.kind, booking.target.ref
        if ref and ref not in known:
            what = "no zone has the venue type" if kind is TargetKind.VENUE else "unknown " + kind
            problems.add(f"{path}.target", f"{what} {ref!r}")


def plan_warnings(plan: Plan) -> list[str]:
    """What loads but would surprise on a screen."""
    languages = plan.campaign.languages
    warnings = [
        f"messages[{m.key}]: plays only in {', '.join(m.languages_in(languages))} until a "
        f"version with {', '.join(m.missing_languages(languages))} is approved"
        for m in plan.messages
        if m.status in (MessageStatus.APPROVED, MessageStatus.PAUSED)
        and m.missing_languages(languages)
        and m.languages_in(languages)
    ]
    if not any(
        m.is_fallback and m.status is MessageStatus.APPROVED and m.languages_in(languages)
        for m in plan.messages
    ):
        warnings.append(
            "no approved, complete fallback message (fallback = true): "
            "screens with nothing booked will show the campaign name only"
        )
    return warnings


def shift_plan(plan: Plan, days: int) -> Plan:
    """The same plan moved `days` days later (the demo uses it to be live on any day)."""
    delta = timedelta(days=days)
    return replace(
        plan,
        phases=tuple(
            replace(p, starts_on=p.starts_on + delta, ends_on=p.ends_on + delta)
            for p in plan.phases
        ),
        bookings=tuple(
            replace(b, starts_on=b.starts_on + delta, ends_on=b.ends_on + delta)
            for b in plan.bookings
        ),
    )
