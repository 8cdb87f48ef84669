"""Moving a phase's dates: the bookings that ran to its edges move with them, previewed first."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from campaign.domain.model import PhaseStatus
from campaign.extensions import db
from campaign.persistence.campaigns import Phase
from campaign.persistence.messages import Booking
from campaign.persistence.network import Zone
from campaign.services import clock
from campaign.services.errors import Conflict, Invalid, NotFound
from campaign.services.phase_facts import NO_HUB_TIMEZONE, states
from campaign.services.records import check_version, commit


@dataclass(frozen=True)
class BookingMove:
    """One booking whose first or last day moves with the phase's."""

    booking_id: int
    key: str
    message: str
    target: str
    old_starts_on: date
    old_ends_on: date
    new_starts_on: date
    new_ends_on: date


@dataclass(frozen=True)
class ResizePlan:
    """What changing a phase's dates does: the bookings it moves, what stops it (`refusals`:
    nothing is changed while there is one) and what it leaves to look at (`warnings`)."""

    phase_id: int
    number: int
    campaign: str
    version: int
    old_starts_on: date
    old_ends_on: date
    new_starts_on: date
    new_ends_on: date
    moves: tuple[BookingMove, ...]
    refusals: tuple[str, ...]
    warnings: tuple[str, ...]
    fingerprint: str
    applied: bool = False

    @property
    def changed(self) -> bool:
        return (self.old_starts_on, self.old_ends_on) != (self.new_starts_on, self.new_ends_on)

    @property
    def allowed(self) -> bool:
        return not self.refusals


def _day(day: date) -> str:
    return format_date(day, "medium")


def _hubs_of(
    booking: Booking, zone_hubs: dict[int, int], venue_hubs: dict[str, set[int]]
) -> set[int]:
    """The hubs a booking that is not a phase target reaches."""
    if booking.hub_id is not None:
        return {booking.hub_id}
    if booking.zone_id is not None:
        return {zone_hubs[booking.zone_id]} if booking.zone_id in zone_hubs else set()
    if booking.screen_id is not None and booking.screen is not None:
        return {booking.screen.zone.hub_id}
    return set(venue_hubs.get(booking.venue_type or "", set()))


def _reaching(row: Phase) -> list[tuple[Booking, list[Phase]]]:
    """The campaign's bookings that run in this phase, each with every phase it runs in (as
    the booking rules count them: a phase target that phase, any other the phases listing a
    hub it reaches)."""
    zone_hubs = dict(db.session.execute(select(Zone.id, Zone.hub_id)).all())
    venue_hubs: dict[str, set[int]] = {}
    for venue, hub_id in db.session.execute(select(Zone.venue_type, Zone.hub_id)):
        venue_hubs.setdefault(venue, set()).add(hub_id)
    bookings = db.session.scalars(
        select(Booking).where(Booking.campaign_id == row.campaign_id).order_by(Booking.key)
    )
    found = []
    for booking in bookings:
        if booking.phase_id is not None:
            runs_in = [booking.phase] if booking.phase is not None else []
        else:
            hubs = _hubs_of(booking, zone_hubs, venue_hubs)
            runs_in = [p for p in row.campaign.phases if hubs & {h.id for h in p.hubs}]
        if any(p.id == row.id for p in runs_in):
            found.append((booking, runs_in))
    return found


def _first_uncovered(starts_on: date, ends_on: date, spans: list[tuple[date, date]]) -> date | None:
    """The first day of [starts_on, ends_on] that none of the (first, last) spans holds."""
    day = starts_on
    for first, last in sorted(spans):
        if first > day:
            break
        if last >= ends_on:
            return None
        day = max(day, last + timedelta(days=1))
    return day if day <= ends_on else None


def _local_todays(row: Phase, at: datetime) -> list[date]:
    zones = {h.timezone for h in row.hubs} or {NO_HUB_TIMEZONE}
    return [at.astimezone(ZoneInfo(z)).date() for z in sorted(zones)]


def _phase_refusals(row: Phase, starts_on: date, ends_on: date, at: datetime) -> list[str]:
    """Why the phase's dates may not become these, if they may not."""
    if ends_on < starts_on:
        return [
            _(
                "The last day (%(end)s) is before the first day (%(start)s).",
                end=_day(ends_on),
                start=_day(starts_on),
            )
        ]
    now, number = states(row, at), row.number
    if PhaseStatus.CANCELLED in now:
        return [_("Phase %(number)s is cancelled: its dates can no longer change.", number=number)]
    if PhaseStatus.COMPLETED in now:
        return [_("Phase %(number)s has completed: its dates can no longer change.", number=number)]
    refusals = []
    todays = _local_todays(row, at)
    if starts_on != row.starts_on:
        if PhaseStatus.ACTIVE in now:
            refusals.append(
                _(
                    "Phase %(number)s started on %(start)s: its first day can no longer change.",
                    number=number,
                    start=_day(row.starts_on),
                )
            )
        elif starts_on < max(todays):
            refusals.append(
                _(
                    "The new first day (%(start)s) is in the past: a phase that has not started "
                    "can start today (%(today)s) at the earliest.",
                    start=_day(starts_on),
                    today=_day(max(todays)),
                )
            )
    if ends_on != row.ends_on and PhaseStatus.ACTIVE in now and ends_on < max(todays):
        refusals.append(
            _(
                "The new last day (%(end)s) is in the past while the phase is running: it can "
                "end today (%(today)s) at the earliest, or be cancelled.",
                end=_day(ends_on),
                today=_day(max(todays)),
            )
        )
    return refusals


def _fingerprint(row: Phase, starts_on: date, ends_on: date, moves: list[BookingMove]) -> str:
    versions = (
        {
            b.id: b.lock_version
            for b in db.session.scalars(
                select(Booking).where(Booking.id.in_([m.booking_id for m in moves]))
            )
        }
        if moves
        else {}
    )
    text = "|".join(
        [f"{row.id}:{row.lock_version}:{starts_on}:{ends_on}"]
        + [
            f"{m.booking_id}:{versions.get(m.booking_id)}:{m.new_starts_on}:{m.new_ends_on}"
            for m in moves
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def plan(row: Phase, starts_on: date, ends_on: date, at: datetime) -> ResizePlan:
    """What giving the phase these dates would do, at the instant `at`; nothing is changed."""
    refusals = _phase_refusals(row, starts_on, ends_on, at)
    moves: list[BookingMove] = []
    warnings: list[str] = []
    if ends_on >= starts_on:
        for booking, runs_in in _reaching(row):
            new_start = starts_on if booking.starts_on == row.starts_on else booking.starts_on
            new_end = ends_on if booking.ends_on == row.ends_on else booking.ends_on
            if new_end < new_start:
                refusals.append(
                    _(
                        "Booking «%(key)s» would end (%(end)s) before it starts (%(start)s): "
                        "change its dates or delete it first.",
                        key=booking.key,
                        end=_day(new_end),
                        start=_day(new_start),
                    )
                )
                continue
            if (new_start, new_end) != (booking.starts_on, booking.ends_on):
                moves.append(
                    BookingMove(
                        booking_id=booking.id,
                        key=booking.key,
                        message=booking.message.key,
                        target=booking.target,
                        old_starts_on=booking.starts_on,
                        old_ends_on=booking.ends_on,
                        new_starts_on=new_start,
                        new_ends_on=new_end,
                    )
                )
            before = [(p.starts_on, p.ends_on) for p in runs_in]
            after = [
                (starts_on, ends_on) if p.id == row.id else (p.starts_on, p.ends_on)
                for p in runs_in
            ]
            outside = _first_uncovered(new_start, new_end, after)
            if (
                outside is not None
                and _first_uncovered(booking.starts_on, booking.ends_on, before) is None
            ):
                warnings.append(
                    _(
                        "Booking «%(key)s» keeps its dates (%(start)s to %(end)s) but from "
                        "%(day)s they fall outside its phases: it will not play then.",
                        key=booking.key,
                        start=_day(new_start),
                        end=_day(new_end),
                        day=_day(outside),
                    )
                )
    return ResizePlan(
        phase_id=row.id,
        number=row.number,
        campaign=row.campaign.slug,
        version=row.lock_version,
        old_starts_on=row.starts_on,
        old_ends_on=row.ends_on,
        new_starts_on=starts_on,
        new_ends_on=ends_on,
        moves=tuple(moves),
        refusals=tuple(refusals),
        warnings=tuple(warnings),
        fingerprint=_fingerprint(row, starts_on, ends_on, moves),
    )


def refuse(found: ResizePlan) -> None:
    """Raise the plan's refusals as one line, if it has any."""
    if found.refusals:
        raise Invalid(" ".join(found.refusals))


def move(row: Phase, found: ResizePlan) -> None:
    """Give the phase and its edge bookings their new dates (not committed)."""
    for change in found.moves:
        booking = db.session.get(Booking, change.booking_id)
        assert booking is not None  # read in the same transaction by `plan`
        booking.starts_on, booking.ends_on = change.new_starts_on, change.new_ends_on
    row.starts_on, row.ends_on = found.new_starts_on, found.new_ends_on


def _phase(phase_id: int) -> Phase:
    row = db.session.get(Phase, phase_id)
    if row is None:
        raise NotFound(f"no phase {phase_id}")
    return row


def preview_resize(phase_id: int, starts_on: date | None, ends_on: date | None) -> ResizePlan:
    """What moving the phase to these dates (a missing one stays) would do; nothing is saved."""
    row = _phase(phase_id)
    return plan(row, starts_on or row.starts_on, ends_on or row.ends_on, clock.now())


def apply_resize(
    phase_id: int,
    starts_on: date | None,
    ends_on: date | None,
    version: int | None,
    *,
    fingerprint: str | None = None,
) -> ResizePlan:
    """Move the phase and its edge bookings in one commit, or nothing: refused on a stale
    version, when the plan differs from the one previewed (its `fingerprint`), or when the plan
    has a refusal."""
    row = _phase(phase_id)
    check_version(row, version, _("Phase %(number)s", number=row.number))
    found = plan(row, starts_on or row.starts_on, ends_on or row.ends_on, clock.now())
    refuse(found)
    if fingerprint is not None and fingerprint != found.fingerprint:
        raise Conflict(
            _(
                "The bookings of phase %(number)s changed since the preview: look at the "
                "preview again before applying it.",
                number=row.number,
            )
        )
    if not found.changed:
        return found
    move(row, found)
    commit(f"phase {row.number}")
    return replace(found, version=row.lock_version, applied=True)
