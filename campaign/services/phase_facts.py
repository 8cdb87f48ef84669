"""What is known of a phase's lifecycle: its funding decisions, its state and transitions at each
hub, and the rules a funding decision must meet."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _

from campaign.domain.model import FundingStatus, PhaseStatus
from campaign.domain.phases import (
    Transition,
    local_midnight,
    phase_status_at,
    transition_instants,
)
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import FundingDecision, Phase
from campaign.persistence.queries import to_phase
from campaign.services import audit
from campaign.services.errors import Invalid

# A phase without hubs has no local time of its own: its dates are read in UTC.
NO_HUB_TIMEZONE = "UTC"
MAX_AMOUNT = Decimal(10**12)
MAX_NOTE = 500
CURRENCY = re.compile(r"^[A-Z]{3}$")


def _decisions(row: Phase) -> list[FundingDecision]:
    return sorted(row.funding_decisions, key=lambda d: (d.decided_at, d.id or 0))


def _run_start(decisions: list[FundingDecision], status: str) -> tuple[datetime | None, int]:
    """When the trailing run of `status` decisions began, and where it begins in the list."""
    index = len(decisions)
    while index and decisions[index - 1].status == status:
        index -= 1
    return (decisions[index].decided_at if index < len(decisions) else None), index


def funding_confirmed_at(row: Phase) -> datetime | None:
    """When the phase's funding was confirmed (the first of the confirmations still in force, or
    the last before it was declined); None when that is not known or it never was."""
    decisions = _decisions(row)
    if row.funding_status == FundingStatus.DECLINED and decisions:
        declined, index = _run_start(decisions, FundingStatus.DECLINED)
        if declined is not None:
            decisions = decisions[:index]
    if row.funding_status not in (FundingStatus.CONFIRMED, FundingStatus.DECLINED):
        return None
    return _run_start(decisions, FundingStatus.CONFIRMED)[0]


def cancelled_at(row: Phase, at: datetime) -> datetime | None:
    """When the phase stopped for good: cancelled, or its funding declined. A decline with no
    decision recorded (a plan said so) counts from `at` or from the phase's first day if that
    is earlier. None while it is neither."""
    found = []
    if row.cancelled_at is not None:
        found.append(row.cancelled_at)
    if row.funding_status == FundingStatus.DECLINED:
        declined, _index = _run_start(_decisions(row), FundingStatus.DECLINED)
        found.append(declined or min(at, local_midnight(row.starts_on, timezone_of(row))))
    return min(found) if found else None


def timezone_of(row: Phase) -> str:
    """The timezone that stands for the phase where one is needed: its first hub's."""
    return row.hubs[0].timezone if row.hubs else NO_HUB_TIMEZONE


def transitions_at(row: Phase, timezone: str, at: datetime) -> list[Transition]:
    """The states the phase reaches at a hub in `timezone`, as known at `at`."""
    return transition_instants(
        to_phase(row), timezone, funding_confirmed_at(row), cancelled_at(row, at)
    )


@dataclass(frozen=True)
class HubState:
    """The phase at one of its hubs: its state now and the next change foreseen."""

    hub_id: int
    code: str
    name: str
    timezone: str
    state: str
    next_state: str | None
    next_at: datetime | None


def hub_states(row: Phase, at: datetime) -> list[HubState]:
    """The phase's lifecycle at each of its hubs at `at` (as the playback engine sees it)."""
    found = []
    domain = to_phase(row)
    for hub in row.hubs:
        ahead = [t for t in transitions_at(row, hub.timezone, at) if t.at > at]
        state = phase_status_at(domain, at, hub.timezone)
        following = ahead[0] if ahead else None
        found.append(
            HubState(
                hub_id=hub.id,
                code=hub.code,
                name=hub.name,
                timezone=hub.timezone,
                state=state.value,
                next_state=following.state.value if following else None,
                next_at=following.at if following else None,
            )
        )
    return found


def states(row: Phase, at: datetime) -> set[PhaseStatus]:
    """The states the phase is in at its hubs at `at` (at UTC's date when it has none)."""
    domain = to_phase(row)
    zones = {h.timezone for h in row.hubs} or {NO_HUB_TIMEZONE}
    return {phase_status_at(domain, at, zone) for zone in zones}


def status(row: Phase, at: datetime) -> str:
    """The phase's state at its first hub: the one lists show."""
    return phase_status_at(to_phase(row), at, timezone_of(row)).value


def label_of(user: User | None) -> str:
    """Who decided, as kept with the decision: "Ana Pérez <ana@example.org>", or the actor."""
    if user is None:
        return audit.current_actor().label
    return f"{user.name} <{user.email}>" if user.name else user.email


def check_decision_status(status_value: str) -> None:
    if status_value not in {s.value for s in FundingStatus}:
        raise Invalid(
            _(
                "«%(status)s» is not a funding status: use pending, confirmed or declined.",
                status=status_value,
            )
        )


def check_decision(row: Phase, status_value: str, at: datetime) -> None:
    """Refuse a funding decision the lifecycle cannot take: on a cancelled phase (declining is
    final too), or one that would undo the funding of a completed phase."""
    check_decision_status(status_value)
    now = states(row, at)
    if PhaseStatus.CANCELLED in now:
        raise Invalid(
            _(
                "Phase %(number)s is cancelled: its funding can no longer change.",
                number=row.number,
            )
        )
    if PhaseStatus.COMPLETED in now and status_value != FundingStatus.CONFIRMED:
        raise Invalid(
            _(
                "Phase %(number)s has completed: its funding can only be confirmed again (to "
                "correct the amount), not changed.",
                number=row.number,
            )
        )


def check_amount(amount: Decimal | None, currency: str) -> None:
    if amount is not None and (
        not amount.is_finite()
        or amount < 0
        or amount >= MAX_AMOUNT
        or amount.as_tuple().exponent < -2  # type: ignore[operator]
    ):
        raise Invalid(
            _(
                "The amount must be from 0 to 999999999999.99, with at most two decimals; "
                "%(amount)s is not.",
                amount=amount,
            )
        )
    if not CURRENCY.match(currency):
        raise Invalid(
            _(
                "«%(currency)s» is not a currency code: three capital letters, such as USD or PEN.",
                currency=currency,
            )
        )


def add_decision(
    row: Phase,
    status_value: str,
    *,
    amount: Decimal | None,
    currency: str,
    note: str,
    user: User | None,
    at: datetime,
    first: bool = False,
) -> FundingDecision:
    """Record a funding decision on the phase and make it the phase's funding (not committed).
    `first`: the funding a new phase is created with, which has no lifecycle to check yet."""
    if first:
        check_decision_status(status_value)
    else:
        check_decision(row, status_value, at)
    check_amount(amount, currency)
    if len(note) > MAX_NOTE:
        raise Invalid(_("The note is longer than %(max)s characters.", max=MAX_NOTE))
    actor = audit.current_actor()
    decision = FundingDecision(
        status=status_value,
        amount=amount,
        currency=currency,
        decided_by_id=user.id if user is not None else actor.user_id,
        decided_by_label=label_of(user)[:200],
        decided_at=at,
        note=note,
    )
    row.funding_decisions.append(decision)
    row.funding_status = status_value
    if amount is not None:
        row.budget, row.currency = amount, currency
    db.session.add(decision)
    return decision
