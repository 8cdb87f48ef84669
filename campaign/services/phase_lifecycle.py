"""A phase's lifecycle: recording its transitions at each hub, funding decisions, cancelling it,
and moving its dates (previewed, then applied)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from campaign.domain.model import PhaseStatus
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign, FundingDecision, Phase, PhaseTransition
from campaign.persistence.network import Hub
from campaign.services import clock
from campaign.services.audit import Actor, acting_as, current_actor
from campaign.services.errors import Invalid, NotFound
from campaign.services.phase_facts import (
    HubState,
    add_decision,
    hub_states,
    states,
    status,
    transitions_at,
)
from campaign.services.phase_resize import BookingMove, ResizePlan, apply_resize, preview_resize
from campaign.services.records import commit

__all__ = [
    "BookingMove",
    "HubState",
    "RecordedTransition",
    "ResizePlan",
    "TransitionRow",
    "all_transitions",
    "apply_resize",
    "cancel_phase",
    "decide_funding",
    "find_phase",
    "funding_history",
    "hub_states",
    "next_transition_after",
    "preview_resize",
    "record_transitions",
    "status",
    "transitions",
]

SCHEDULER = Actor(source="scheduler", label="scheduler")
MAX_REASON = 300


@dataclass(frozen=True)
class RecordedTransition:
    """A transition written to the trail by `record_transitions`."""

    campaign: str
    phase_number: int
    hub_code: str
    state: str
    at: datetime


def _phases() -> list[Phase]:
    query = select(Phase).options(
        selectinload(Phase.hubs),
        selectinload(Phase.funding_decisions),
        selectinload(Phase.campaign),
    )
    return list(db.session.scalars(query.order_by(Phase.campaign_id, Phase.number)))


def _recorded() -> set[tuple[int, int, str]]:
    rows = db.session.execute(
        select(PhaseTransition.phase_id, PhaseTransition.hub_id, PhaseTransition.state)
    )
    return {(p, h, s) for p, h, s in rows}


def _record_once(at: datetime) -> list[RecordedTransition]:
    recorded = _recorded()
    found = []
    with acting_as(SCHEDULER):
        for row in _phases():
            for hub in row.hubs:
                for change in transitions_at(row, hub.timezone, at):
                    key = (row.id, hub.id, change.state.value)
                    if change.at > at or key in recorded:
                        continue
                    db.session.add(
                        PhaseTransition(
                            phase_id=row.id,
                            hub_id=hub.id,
                            state=change.state.value,
                            at=change.at,
                            recorded_at=at,
                        )
                    )
                    recorded.add(key)
                    found.append(
                        RecordedTransition(
                            row.campaign.slug, row.number, hub.code, change.state.value, change.at
                        )
                    )
        db.session.commit()  # the audit events are written by the same flush
    return found


def record_transitions(at: datetime) -> list[RecordedTransition]:
    """Record every transition of every phase at every hub that happened by `at` and is not
    recorded yet, each at the instant it happened (a run after downtime records what it missed,
    once). Returns those recorded now. Two runs at once record each transition once: the second
    to commit clashes with the first's rows, and is redone seeing them."""
    try:
        return _record_once(at)
    except IntegrityError:
        db.session.rollback()
    return _record_once(at)


def next_transition_after(at: datetime) -> datetime | None:
    """The next instant after `at` at which a phase changes state at one of its hubs, as known
    now; None when no change is foreseen."""
    ahead = [
        change.at
        for row in _phases()
        for timezone in sorted({h.timezone for h in row.hubs})
        for change in transitions_at(row, timezone, at)
        if change.at > at
    ]
    return min(ahead, default=None)


def _phase(phase_id: int) -> Phase:
    row = db.session.get(Phase, phase_id)
    if row is None:
        raise NotFound(_("There is no phase %(id)s.", id=phase_id))
    return row


# ---------------------------------------------------------------------------- transitions


@dataclass(frozen=True)
class TransitionRow:
    hub_code: str
    hub_name: str
    timezone: str
    state: str
    at: datetime
    recorded_at: datetime


def transitions(phase_id: int) -> list[TransitionRow]:
    """The phase's recorded transitions, in the order they happened."""
    _phase(phase_id)
    rows = db.session.execute(
        select(PhaseTransition, Hub)
        .join(Hub, Hub.id == PhaseTransition.hub_id)
        .where(PhaseTransition.phase_id == phase_id)
        .order_by(PhaseTransition.at, Hub.code, PhaseTransition.id)
    )
    return [
        TransitionRow(hub.code, hub.name, hub.timezone, t.state, t.at, t.recorded_at)
        for t, hub in rows
    ]


# -------------------------------------------------------------------------------- funding


def decide_funding(
    phase_id: int,
    *,
    status: str,
    amount: Decimal | None = None,
    currency: str | None = None,
    note: str = "",
    user: User | None = None,
) -> FundingDecision:
    """Record a decision on the phase's funding (who, when, the amount) and make it the phase's
    funding; an amount also becomes its budget. Refused on a cancelled phase."""
    row = _phase(phase_id)
    decision = add_decision(
        row,
        status,
        amount=amount,
        currency=(currency or row.currency).strip().upper(),
        note=(note or "").strip(),
        user=user,
        at=clock.now(),
    )
    commit(f"phase {row.number}")
    return decision


def funding_history(phase_id: int) -> list[FundingDecision]:
    """The phase's funding decisions, the latest first."""
    _phase(phase_id)
    return list(
        db.session.scalars(
            select(FundingDecision)
            .where(FundingDecision.phase_id == phase_id)
            .order_by(FundingDecision.decided_at.desc(), FundingDecision.id.desc())
        )
    )


# ----------------------------------------------------------------------------- cancelling


def cancel_phase(phase_id: int, *, reason: str, user: User | None = None) -> Phase:
    """Cancel the phase now, for a reason: it plays no more, whatever its dates and funding.
    Refused on a phase already cancelled or completed. Who did it is in the audit trail."""
    row = _phase(phase_id)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Give the reason for cancelling phase %(number)s.", number=row.number))
    if len(reason) > MAX_REASON:
        raise Invalid(_("The reason is longer than %(max)s characters.", max=MAX_REASON))
    now = clock.now()
    found = states(row, now)
    if PhaseStatus.CANCELLED in found:
        raise Invalid(_("Phase %(number)s is already cancelled.", number=row.number))
    if PhaseStatus.COMPLETED in found:
        raise Invalid(
            _("Phase %(number)s has completed: it can no longer be cancelled.", number=row.number)
        )
    row.cancelled_at, row.cancel_reason = now, reason
    with acting_as(_actor_for(user)):
        commit(f"phase {row.number}")
    return row


def _actor_for(user: User | None) -> Actor:
    """The audit's actor, named after `user` when the context names nobody (a command run with
    --by): the trail then says who cancelled."""
    actor = current_actor()
    if user is None or actor.user_id is not None:
        return actor
    return Actor(user.id, user.email, actor.source)


# ------------------------------------------------------------------------ the command line


def find_phase(
    number: int, campaign: str | None = None, by: str | None = None
) -> tuple[Phase, User | None]:
    """The phase `number` of the campaign with slug `campaign` (it may be left out when only
    one campaign has such a phase), and the user with e-mail `by`, if given."""
    query = (
        select(Phase).join(Campaign, Campaign.id == Phase.campaign_id).where(Phase.number == number)
    )
    if campaign is not None:
        query = query.where(Campaign.slug == campaign)
    found = list(db.session.scalars(query.order_by(Campaign.slug)))
    if not found:
        if campaign is None:
            raise NotFound(_("There is no phase %(number)s.", number=number))
        raise NotFound(
            _("Campaign %(slug)s has no phase %(number)s.", slug=campaign, number=number)
        )
    if len(found) > 1:
        slugs = ", ".join(p.campaign.slug for p in found)
        raise Invalid(
            _(
                "Several campaigns have a phase %(number)s (%(slugs)s): name one with --campaign.",
                number=number,
                slugs=slugs,
            )
        )
    user = None
    if by is not None:
        user = db.session.scalar(select(User).where(func.lower(User.email) == by.strip().lower()))
        if user is None:
            raise NotFound(_("There is no user with the e-mail %(email)s.", email=by))
    return found[0], user


def all_transitions() -> list[tuple[str, int, TransitionRow]]:
    """Every recorded transition (campaign slug, phase number, transition), oldest first."""
    rows = db.session.execute(
        select(Campaign.slug, Phase.number, PhaseTransition, Hub)
        .join(Phase, Phase.id == PhaseTransition.phase_id)
        .join(Campaign, Campaign.id == Phase.campaign_id)
        .join(Hub, Hub.id == PhaseTransition.hub_id)
        .order_by(PhaseTransition.at, Campaign.slug, Phase.number, Hub.code)
    )
    return [
        (
            slug,
            number,
            TransitionRow(hub.code, hub.name, hub.timezone, t.state, t.at, t.recorded_at),
        )
        for slug, number, t, hub in rows
    ]
