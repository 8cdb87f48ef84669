"""A campaign's reminders as its dashboard shows them: the days each funding reminder goes out
(or went out), and the bookings running out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app

from campaign.domain import reminders as rules
from campaign.services import mailer
from campaign.services import reminder_sources as sources
from campaign.services.generation import current_generation
from campaign.services.reminder_sources import BOOKING, FUNDING, SKIPPED, PhaseAt, RunOut

# Bookings running out listed by name on the dashboard; beyond these, a count.
BOOKINGS_LISTED = 10
_CACHE, _CACHE_SIZE = "campaign.reminder_run_outs", 64


@dataclass(frozen=True)
class ReminderStep:
    """One threshold of a funding countdown as the dashboard shows it."""

    days_before: int
    due_on: date
    state: str  # "scheduled", "due" (the job has not run yet), "sent", "skipped"
    sent_at: datetime | None = None
    channel: str = ""


@dataclass(frozen=True)
class FundingWatch:
    """A phase ending while its next phase waits for funding, with its reminders."""

    phase: int
    phase_name: str
    next_phase: int
    next_phase_id: int
    next_phase_name: str
    next_funding: str  # a FundingStatus value
    ends_on: date
    timezone: str
    days_left: int
    steps: tuple[ReminderStep, ...]


@dataclass(frozen=True)
class BookingRunOut:
    """A booking running out with nothing continuing it, and its reminder."""

    key: str
    message: str
    target: str
    ends_on: date
    days_left: int
    state: str  # "due" or "sent"
    sent_at: datetime | None = None
    channel: str = ""


@dataclass(frozen=True)
class ReminderBoard:
    funding: tuple[FundingWatch, ...]
    bookings: tuple[BookingRunOut, ...]  # the first BOOKINGS_LISTED, soonest first
    channel: str  # how reminders go out now: "email" or "log"
    more_bookings: int = 0  # running out too, beyond those listed


def _step(row: Any, step: rules.Step, local_today: date) -> ReminderStep:
    if row is not None and row.channel == SKIPPED:
        return ReminderStep(step.days_before, step.due_on, SKIPPED, row.sent_at)
    if row is not None and row.sent_at is not None:
        return ReminderStep(step.days_before, step.due_on, "sent", row.sent_at, row.channel)
    state = "due" if step.due_on <= local_today else "scheduled"
    return ReminderStep(step.days_before, step.due_on, state)


def _run_outs(campaign_id: int, at: datetime, own: dict[int, list[PhaseAt]]) -> list[RunOut]:
    """The campaign's bookings running out, kept while nothing they depend on changes: the
    content (bookings, phases, hubs and messages bump its generation) and each place's date
    (constant within a quarter of an hour, since every UTC offset is a multiple of one)."""
    quarter = at.replace(minute=at.minute - at.minute % 15, second=0, microsecond=0)
    days = current_app.config.get("BOOKING_REMINDER_DAYS")
    key = (campaign_id, current_generation(), quarter, days)
    cache: dict[Any, list[RunOut]] = current_app.extensions.setdefault(_CACHE, {})
    found = cache.get(key)
    if found is None:
        found = sources.run_outs(at, own, campaign_id)
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[key] = found
    return found


def dashboard_reminders(
    campaign_id: int, at: datetime, phases: list[PhaseAt] | None = None
) -> ReminderBoard:
    """One campaign's reminders for its dashboard: each phase ending with its next phase
    unfunded, with the days its reminders go out (or went out), and bookings running out.
    `phases` are the campaign's, when the caller has them already."""
    own = {campaign_id: phases} if phases is not None else sources.phases_at(campaign_id)
    earliest = at.date() - timedelta(days=1)
    recorded = sources.recorded(campaign_id, earliest)
    days = sources.reminder_days()
    funding = []
    for watch in sources.watches(at, own):
        ending, following = watch.ending.phase, watch.following.phase
        subject = f"phase:{following.number}"
        funding.append(
            FundingWatch(
                phase=ending.number,
                phase_name=ending.name,
                next_phase=following.number,
                next_phase_id=watch.following.id,
                next_phase_name=following.name,
                next_funding=following.funding_status.value,
                ends_on=ending.ends_on,
                timezone=watch.ending.timezone,
                days_left=(ending.ends_on - watch.local_today).days,
                steps=tuple(
                    _step(
                        recorded.get(
                            (campaign_id, FUNDING, subject, ending.ends_on, s.days_before)
                        ),
                        s,
                        watch.local_today,
                    )
                    for s in rules.steps(ending.ends_on, days)
                ),
            )
        )
    bookings = []
    run_outs = _run_outs(campaign_id, at, own)  # soonest first
    for run_out in run_outs[:BOOKINGS_LISTED]:
        key = (
            campaign_id,
            BOOKING,
            f"booking:{run_out.key}",
            run_out.ends_on,
            run_out.step.days_before,
        )
        row = recorded.get(key)
        sent = row is not None and row.sent_at is not None
        bookings.append(
            BookingRunOut(
                key=run_out.key,
                message=run_out.message,
                target=run_out.target,
                ends_on=run_out.ends_on,
                days_left=(run_out.ends_on - run_out.local_today).days,
                state="sent" if sent else "due",
                sent_at=row.sent_at if sent and row else None,
                channel=row.channel if sent and row else "",
            )
        )
    return ReminderBoard(
        tuple(funding),
        tuple(bookings),
        mailer.mailer_of().channel,
        more_bookings=len(run_outs) - len(bookings),
    )
