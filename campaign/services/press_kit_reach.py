"""Where a phase's bookings reach: the screens at its hubs, and the slides each one shows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from campaign.domain.model import Message
from campaign.domain.playlist import shown_languages
from campaign.domain.rotation import effective_policy, language_sequence
from campaign.extensions import db
from campaign.persistence import campaigns as c_rows
from campaign.persistence import messages as m_rows
from campaign.persistence import network as n_rows


@dataclass(frozen=True)
class ScreenShape:
    """A screen at one of the phase's hubs: where it is, its size and its language policy."""

    id: int
    zone_id: int
    hub_id: int
    venue_type: str
    width: int
    height: int
    orientation: str
    policy: str


def phase_screens(hub_ids: list[int]) -> list[ScreenShape]:
    """The screens of these hubs, each with its own language policy, else its zone's, else pair."""
    s, z = n_rows.Screen, n_rows.Zone
    rows = db.session.execute(
        select(
            s.id,
            s.zone_id,
            z.hub_id,
            z.venue_type,
            s.width,
            s.height,
            s.orientation,
            func.coalesce(s.language_policy, z.language_policy, "pair"),
        )
        .join(z, z.id == s.zone_id)
        .where(z.hub_id.in_(hub_ids))
        .order_by(s.id)
    )
    return [ScreenShape(*row) for row in rows]


class Reach:
    """Which of the phase's screens a booking reaches; a booking of another phase, or one
    whose target lies outside the phase's hubs, belongs to the phase not at all (None)."""

    def __init__(self, phase: c_rows.Phase, screens: list[ScreenShape]) -> None:
        self.phase_id = phase.id
        self.hub_ids = {h.id for h in phase.hubs}
        zones = db.session.execute(
            select(n_rows.Zone.id, n_rows.Zone.venue_type).where(
                n_rows.Zone.hub_id.in_(sorted(self.hub_ids))
            )
        ).all()
        self.zone_ids = {zone_id for zone_id, _ in zones}
        self.venue_types = {venue for _, venue in zones if venue}
        self.screens = screens

    def __call__(self, b: m_rows.Booking) -> list[ScreenShape] | None:
        screens = self.screens
        if b.phase_id is not None:
            hit = screens if b.phase_id == self.phase_id else None
        elif b.zone_id is not None:
            hit = (
                [s for s in screens if s.zone_id == b.zone_id]
                if b.zone_id in self.zone_ids
                else None
            )
        elif b.screen_id is not None:
            hit = [s for s in screens if s.id == b.screen_id] or None
        elif b.venue_type:
            belongs = b.venue_type in self.venue_types
            hit = [s for s in screens if s.venue_type == b.venue_type] if belongs else None
        else:
            hit = [s for s in screens if s.hub_id == b.hub_id] if b.hub_id in self.hub_ids else None
        if hit is not None and b.orientation:
            hit = [s for s in hit if s.orientation == b.orientation]
        return hit


def variants(policy: str, languages: tuple[str, ...], message: Message) -> list[str]:
    """The slides a screen of this language policy shows of the message: "es", "es+en", …"""
    mode = effective_policy(policy, languages)
    has = message.languages_in(languages)
    found = []
    for _position, asked in language_sequence(1, mode, languages):
        shown = shown_languages(message, asked, mode, languages, has)
        if shown and "+".join(shown) not in found:
            found.append("+".join(shown))
    return found


def booked_messages(phase: c_rows.Phase, reach: Reach) -> dict[int, list[ScreenShape]]:
    """The messages the phase's bookings place (by id), with the screens they reach: bookings
    of the phase's campaign whose dates meet the phase's, on a target at its hubs."""
    b = m_rows.Booking
    rows = db.session.scalars(
        select(b).where(
            b.campaign_id == phase.campaign_id,
            b.starts_on <= phase.ends_on,
            b.ends_on >= phase.starts_on,
        )
    )
    booked: dict[int, dict[int, ScreenShape]] = {}
    for row in rows:
        hit = reach(row)
        if hit is not None:
            booked.setdefault(row.message_id, {}).update({s.id: s for s in hit})
    return {mid: sorted(found.values(), key=lambda s: s.id) for mid, found in booked.items()}
