"""What a phase's page shows: its facts, its lifecycle at each hub, its transitions, funding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from campaign.domain.model import PhaseStatus
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import FundingDecision, Phase
from campaign.services import admin_pages, campaigns, phase_facts, phase_lifecycle


@dataclass(frozen=True)
class PhasePage:
    row: admin_pages.PhaseRow
    hubs: tuple[phase_facts.HubState, ...]
    transitions: tuple[phase_lifecycle.TransitionRow, ...]
    funding: tuple[FundingDecision, ...]
    cancelled_at: datetime | None
    cancel_reason: str

    @property
    def cancelled(self) -> bool:
        return any(h.state == PhaseStatus.CANCELLED for h in self.hubs) or (
            self.cancelled_at is not None or self.row.status == PhaseStatus.CANCELLED
        )

    @property
    def completed(self) -> bool:
        return any(h.state == PhaseStatus.COMPLETED for h in self.hubs) or (
            self.row.status == PhaseStatus.COMPLETED
        )

    @property
    def settled(self) -> bool:
        """Completed or cancelled somewhere: its dates, funding and fate no longer change."""
        return self.cancelled or self.completed


def phase_page(phase_id: int, user: User, at: datetime, reader_lang: str) -> PhasePage:
    """The phase as its page shows it at `at`; a phase the user may not see is missing."""
    row: Phase = campaigns.get_in_visible_campaign(Phase, phase_id, user, "phase")
    return PhasePage(
        row=admin_pages.phase(phase_id, user, at, reader_lang),
        hubs=tuple(phase_facts.hub_states(row, at)),
        transitions=tuple(phase_lifecycle.transitions(phase_id)),
        funding=tuple(phase_lifecycle.funding_history(phase_id)),
        cancelled_at=row.cancelled_at,
        cancel_reason=row.cancel_reason,
    )
