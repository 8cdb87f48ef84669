"""Campaign plans written back as documents: plain TOML data in a canonical order."""

from __future__ import annotations

from typing import Any

from campaign.domain.model import ALL_WEEKDAYS, WEEKDAYS, Booking, Hub, Message, Phase
from campaign.domain.plan_reader import format_window
from campaign.domain.plans import Plan


def _drop_empty(table: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in table.items() if v is not None and v != "" and v != {}}


def _number(value: float) -> int | float:
    """A whole number as an integer (2.0 → 2), any other as a float (2.5)."""
    return int(value) if float(value).is_integer() else float(value)


def plan_to_document(plan: Plan) -> dict[str, Any]:
    """The plan as plain TOML data in a canonical order, so equal plans give equal text."""
    c = plan.campaign
    document: dict[str, Any] = {
        "campaign": _drop_empty(
            {
                "slug": c.slug,
                "languages": list(c.languages),
                "background": c.background,
                "foreground": c.foreground,
                "accent": c.accent,
                "requires_partner_approval": c.requires_partner_approval,
                "name": {lang: c.names[lang] for lang in c.languages if lang in c.names},
                "slogan": {lang: c.slogans[lang] for lang in c.languages if lang in c.slogans},
                "share_of_voice_by_hub": {
                    code: _number(share) for code, share in sorted(c.share_of_voice_by_hub.items())
                },
            }
        ),
        "partners": [
            _drop_empty(
                {
                    "slug": p.slug,
                    "name": p.name,
                    "role": p.role.value,
                    "website": p.website,
                    "appears_on_slides": p.appears_on_slides,
                }
            )
            for p in sorted(plan.partners, key=lambda p: p.slug)
        ],
        "hubs": [_hub_document(h, plan) for h in sorted(plan.hubs, key=lambda h: h.code)],
        "phases": [_phase_document(p) for p in sorted(plan.phases, key=lambda p: p.number)],
        "messages": [
            _message_document(m, c.languages) for m in sorted(plan.messages, key=lambda m: m.key)
        ],
        "bookings": [_booking_document(b) for b in sorted(plan.bookings, key=lambda b: b.key)],
    }
    return {k: v for k, v in document.items() if v != []}


def _hub_document(hub: Hub, plan: Plan) -> dict[str, Any]:
    zones = sorted((z for z in plan.zones if z.hub_code == hub.code), key=lambda z: z.code)
    return _drop_empty(
        {
            "code": hub.code,
            "name": hub.name,
            "kind": hub.kind.value,
            "region": hub.region,
            "timezone": hub.timezone,
            "latitude": hub.latitude,
            "longitude": hub.longitude,
            "yearly_passengers": hub.yearly_passengers,
            "zones": [
                _drop_empty(
                    {
                        "code": z.code,
                        "name": z.name,
                        "venue_type": z.venue_type,
                        "language_policy": z.language_policy,
                        "screens": [
                            _drop_empty(
                                {
                                    "code": s.code,
                                    "name": s.name,
                                    "orientation": s.orientation.value,
                                    "width": s.width,
                                    "height": s.height,
                                    "language_policy": s.language_policy,
                                }
                            )
                            for s in sorted(plan.screens, key=lambda s: s.code)
                            if s.hub_code == hub.code and s.zone_code == z.code
                        ]
                        or None,
                    }
                )
                for z in zones
            ]
            or None,
        }
    )


def _phase_document(phase: Phase) -> dict[str, Any]:
    return _drop_empty(
        {
            "number": phase.number,
            "name": phase.name,
            "starts_on": phase.starts_on,
            "ends_on": phase.ends_on,
            "funding_status": phase.funding_status.value,
            "funding_source": phase.funding_source,
            "budget": phase.budget,
            "currency": phase.currency,
            "hubs": sorted(phase.hub_codes),
            "share_of_voice": None if phase.share_of_voice == 1 else _number(phase.share_of_voice),
        }
    )


def _message_document(message: Message, languages: tuple[str, ...]) -> dict[str, Any]:
    document = _drop_empty(
        {
            "key": message.key,
            "topic": message.topic,
            "status": message.status.value,
            "version": message.version,
            "fallback": message.is_fallback or None,
            "link": message.link,
        }
    )
    for lang in languages:
        if lang in message.texts:
            t = message.texts[lang]
            document[lang] = _drop_empty(
                {
                    "headline": t.headline,
                    "body": t.body,
                    "call_to_action": t.call_to_action,
                    "hotline": t.hotline,
                }
            )
    return document


def _booking_document(booking: Booking) -> dict[str, Any]:
    window = (
        format_window(booking.window_start, booking.window_end)
        if booking.window_start is not None and booking.window_end is not None
        else None
    )
    return _drop_empty(
        {
            "key": booking.key,
            "message": booking.message_key,
            "target": str(booking.target),
            "starts_on": booking.starts_on,
            "ends_on": booking.ends_on,
            "weekdays": None
            if booking.weekdays == ALL_WEEKDAYS
            else [WEEKDAYS[d] for d in sorted(booking.weekdays)],
            "window": window,
            "weight": booking.weight,
            "priority": booking.priority,
            "slot_seconds": booking.slot_duration_s,
            "orientation": booking.orientation.value if booking.orientation else None,
        }
    )
